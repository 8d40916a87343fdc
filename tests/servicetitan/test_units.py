"""Unit-level edge cases: Retry-After forms, backoff bounds, models, the local limiter, encoding."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
import respx

from frontdesk.clock import FrozenClock
from frontdesk.servicetitan import RateLimited, RetryPolicy, ServiceTitanClient, SlidingWindowLimiter
from frontdesk.servicetitan._wire import encode_params
from frontdesk.servicetitan.models import Customer, Invoice, Job, Page
from frontdesk.servicetitan.retry import parse_retry_after
from tests.servicetitan.conftest import FakeTime, st_settings

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
BASE = "https://api.servicetitan.io"


@pytest.fixture
def router() -> respx.MockRouter:
    """Routes answered in process; a client reaches them through ``httpx.MockTransport(router.async_handler)``."""
    return respx.MockRouter(assert_all_mocked=True)


TOKEN = {"access_token": "eyJunit", "expires_in": 900, "token_type": "Bearer", "scope": ""}


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert parse_retry_after("7", NOW) == 7.0
    assert parse_retry_after("1.5", NOW) == 1.5
    assert parse_retry_after("Mon, 09 Mar 2026 15:00:12 GMT", NOW) == 12.0
    assert parse_retry_after("Mon, 09 Mar 2026 14:59:00 GMT", NOW) == 0.0  # in the past: go now
    assert parse_retry_after("-3", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None and parse_retry_after("nan", NOW) is None


def test_full_jitter_stays_within_its_exponential_ceiling() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        waits = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= w <= ceiling for w in waits) and max(waits) > ceiling * 0.8


def test_which_failures_are_retried() -> None:
    policy = RetryPolicy()
    assert policy.retries_status("POST", 429) and policy.retries_status("GET", 503)
    assert not policy.retries_status("POST", 503) and not policy.retries_status("PATCH", 502)
    assert not policy.retries_status("GET", 500) and not policy.retries_status("GET", 404)
    assert policy.retries_transport_error("POST", sent=False)
    assert not policy.retries_transport_error("PUT", sent=True)
    assert policy.retries_transport_error("GET", sent=True)


async def test_an_http_date_retry_after_is_honoured(router: respx.MockRouter) -> None:
    fake = FakeTime()
    router.post("https://auth.servicetitan.io/connect/token").mock(
        return_value=httpx.Response(200, json=TOKEN)
    )
    route = router.get(f"{BASE}/crm/v2/tenant/1000001/customers/5").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "Mon, 09 Mar 2026 15:00:04 GMT"}),
            httpx.Response(200, json={"id": 5, "name": "Ada", "balance": 12.5}),
        ]
    )
    settings = st_settings(environment="production", api_url=None)
    async with ServiceTitanClient(
        settings,
        clock=FrozenClock(NOW),
        monotonic=fake.monotonic,
        sleep=fake.sleep,
        transport=httpx.MockTransport(router.async_handler),
    ) as st:
        customer = await st.crm.customers.get(5)
    assert customer.name == "Ada" and customer.balance == Decimal("12.5")
    assert route.call_count == 2 and fake.slept == [4.0]
    sent = route.calls[0].request
    assert sent.headers["Authorization"] == "Bearer eyJunit" and sent.headers["ST-App-Key"].startswith("ak1.")


async def test_a_429_without_retry_after_backs_off_and_an_undocumented_body_still_raises(
    router: respx.MockRouter,
) -> None:
    fake = FakeTime()
    router.post("https://auth.servicetitan.io/connect/token").mock(
        return_value=httpx.Response(200, json=TOKEN)
    )
    router.get(f"{BASE}/jpm/v2/tenant/1000001/jobs/9").mock(
        return_value=httpx.Response(429, text="slow down")
    )
    settings = st_settings(environment="production", api_url=None)
    policy = RetryPolicy(max_attempts=3)
    async with ServiceTitanClient(
        settings,
        retry=policy,
        monotonic=fake.monotonic,
        sleep=fake.sleep,
        transport=httpx.MockTransport(router.async_handler),
    ) as st:
        with pytest.raises(RateLimited) as caught:
            await st.jpm.jobs.get(9)
    assert caught.value.retry_after is None and caught.value.trace_id is None
    assert len(fake.slept) == 2 and all(0 <= s <= 1.0 for s in fake.slept)


async def test_the_local_limiter_admits_the_limit_per_window() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(60, 1.0, monotonic=fake.monotonic, sleep=fake.sleep)
    start = fake.now
    admitted: list[float] = []

    async def one() -> None:
        await limiter.acquire("app:tenant")
        admitted.append(fake.now - start)

    await asyncio.gather(*(one() for _ in range(150)))
    per_window = [sum(1 for t in admitted if w <= t < w + 1) for w in range(3)]
    assert per_window == [60, 60, 30]
    assert limiter.try_acquire("another:tenant") == 0.0  # keys are separate


def test_models_money_times_and_new_fields() -> None:
    invoice = Invoice.model_validate(
        {
            "id": 1,
            "total": "245.00",
            "balance": "0.10",
            "invoiceDate": "2026-03-01T00:00:00",
            "brandNew": {"x": 1},
        }
    )
    assert invoice.total == Decimal("245.00") and isinstance(invoice.balance, Decimal)
    assert invoice.invoice_date == datetime(2026, 3, 1, tzinfo=UTC)  # no offset: UTC
    assert invoice.model_extra == {"brandNew": {"x": 1}}
    job = Job.model_validate({"id": 2, "completedOn": "2026-03-01T10:00:00-06:00", "total": 99.99})
    assert job.completed_on == datetime(2026, 3, 1, 16, tzinfo=UTC) and job.total == Decimal("99.99")
    page = Page[Customer].model_validate({"page": 2, "pageSize": 1, "hasMore": True, "data": [{"id": 3}]})
    assert page.has_more and page.data[0].id == 3 and page.total_count is None
    assert Customer(id=4, name="Bo", do_not_mail=True).to_api() == {
        "id": 4,
        "active": True,
        "name": "Bo",
        "doNotMail": True,
        "locations": [],
        "contacts": [],
    }


def test_query_values_as_servicetitan_reads_them() -> None:
    params = encode_params(
        {
            "customer_id": 7,
            "ids": [1, 2, 3],
            "include_total": True,
            "modifiedOnOrAfter": datetime(2026, 3, 9, 10, tzinfo=UTC) + timedelta(microseconds=500),
            "from_": "tok",
            "name": None,
        }
    )
    assert params == {
        "customerId": "7",
        "ids": "1,2,3",
        "includeTotal": "true",
        "modifiedOnOrAfter": "2026-03-09T10:00:00.0005Z",
        "from": "tok",
    }


async def test_customer_create_sends_the_body_and_reads_locations_and_contacts(
    router: respx.MockRouter,
) -> None:
    # unit level: the sandbox has no Customers_Create route yet
    router.post("https://auth.servicetitan.io/connect/token").mock(
        return_value=httpx.Response(200, json=TOKEN)
    )
    created = {
        "id": 11,
        "name": "Dana Reyes",
        "active": True,
        "balance": 0,
        "createdOn": "2026-03-09T15:00:00Z",
        "locations": [{"id": 21, "customerId": 11, "name": "Home", "address": {"street": "1 Elm St"}}],
        "contacts": [{"id": 31, "type": "MobilePhone", "value": "2175550199"}],
    }
    route = router.post(f"{BASE}/crm/v2/tenant/1000001/customers").mock(
        return_value=httpx.Response(200, json=created)
    )
    address = {"street": "1 Elm St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "USA"}
    body = {
        "name": "Dana Reyes",
        "address": address,
        "locations": [{"name": "Home", "address": address}],
        "contacts": [{"type": "MobilePhone", "value": "2175550199"}],
    }
    settings = st_settings(environment="production", api_url=None)
    async with ServiceTitanClient(settings, transport=httpx.MockTransport(router.async_handler)) as st:
        customer = await st.crm.customers.create(body)
    assert customer.id == 11 and customer.locations[0].id == 21 and customer.contacts[0].value == "2175550199"
    assert customer.created_on == NOW
    sent = route.calls[0].request
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.content) == body
