"""Retries against injected faults: 429 storms and 503s recover, hangs time out, writes never repeat
unless they cannot have reached ServiceTitan."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.faults import FaultPlan, FaultRule
from frontdesk.servicetitan import (
    ConnectionFailed,
    RateLimited,
    RetryPolicy,
    ServerError,
    ServiceTitanClient,
    Timeout,
)
from tests.servicetitan.conftest import FakeTime, LiveServer, MakeClient, SpyTransport, st_settings

CUSTOMERS = "/crm/v2/*/customers*"
JOBS = "/jpm/v2/*/jobs"


def faults(sandbox: Sandbox, *rules: FaultRule, seed: int = 3) -> None:
    sandbox.faults.configure(FaultPlan(seed=seed, rules=list(rules)))


async def job_body(client: ServiceTitanClient) -> dict[str, Any]:
    """A bookable job, from the ids of a seeded one."""
    job = (await client.jpm.jobs.list(page_size=1)).data[0]
    start = datetime(2026, 3, 12, 15, tzinfo=UTC)
    return {
        "customerId": job.customer_id,
        "locationId": job.location_id,
        "businessUnitId": job.business_unit_id,
        "jobTypeId": job.job_type_id,
        "priority": "Normal",
        "campaignId": job.campaign_id,
        "summary": "Furnace makes a rattling noise",
        "appointments": [{"start": start, "end": start + timedelta(hours=2)}],
    }


async def test_calls_pace_themselves_under_the_limit(
    client: ServiceTitanClient, sandbox: Sandbox, fake_time: FakeTime
) -> None:
    start = fake_time.now
    await asyncio.gather(*(client.crm.customers.list(page_size=1) for _ in range(150)))
    assert sandbox.stats["Customers_GetList"] == 150
    assert sandbox.stats["rate_limited"] == 0  # the sandbox never had to refuse one
    assert fake_time.now - start >= 2.0  # 150 calls at 60/s take at least two more windows


async def test_a_429_storm_completes_within_the_deadline(
    make_client: MakeClient, sandbox: Sandbox, fake_time: FakeTime
) -> None:
    policy = RetryPolicy(max_attempts=10, deadline=60)
    client = make_client(retry=policy)
    await client.crm.customers.list(page_size=1)  # token first: the storm is on the resource
    faults(sandbox, FaultRule(route=CUSTOMERS, error_rate=0.5, status=429, retry_after=2))
    start = fake_time.now
    pages = await asyncio.gather(*(client.crm.customers.list(page_size=2) for _ in range(30)))
    assert all(len(p.data) == 2 for p in pages)
    assert sandbox.faults.injected > 5  # the storm really happened
    assert 2.0 in fake_time.slept  # Retry-After was honoured
    assert fake_time.now - start < policy.deadline


async def test_503s_on_reads_are_retried_with_jittered_backoff(
    make_client: MakeClient, sandbox: Sandbox, fake_time: FakeTime
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=8, deadline=60, backoff_base=0.5, backoff_max=4))
    await client.crm.customers.list(page_size=1)
    faults(sandbox, FaultRule(route=CUSTOMERS, error_rate=0.6, status=503))
    listed = (await client.crm.customers.list(page_size=10)).data  # a read in the storm too
    customers = await asyncio.gather(*(client.crm.customers.get(c.id) for c in listed))
    assert [c.id for c in customers] == [c.id for c in listed] and len(listed) == 10
    assert sandbox.faults.injected > 5
    waits = fake_time.slept
    assert waits and all(0.0 <= w <= 4.0 for w in waits)
    assert len(set(waits)) > 1  # jitter: not one fixed delay


async def test_a_storm_longer_than_the_deadline_surfaces_as_rate_limited(
    make_client: MakeClient, sandbox: Sandbox, fake_time: FakeTime
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=50, deadline=10))
    await client.crm.customers.list(page_size=1)
    faults(sandbox, FaultRule(route=CUSTOMERS, error_rate=1.0, status=429, retry_after=3))
    start = fake_time.now
    with pytest.raises(RateLimited) as caught:
        await client.crm.customers.list()
    assert fake_time.now - start <= 10
    assert caught.value.retry_after == 3.0
    assert "60 calls per second" in caught.value.advice and "backed off" in caught.value.advice
    assert caught.value.trace_id


async def test_retry_after_is_capped(make_client: MakeClient, sandbox: Sandbox, fake_time: FakeTime) -> None:
    client = make_client(retry=RetryPolicy(retry_after_max=5, deadline=100))
    await client.crm.customers.list(page_size=1)
    faults(sandbox, FaultRule(route=CUSTOMERS, error_rate=1.0, status=429, retry_after=3600, limit=1))
    await client.crm.customers.list(page_size=1)
    assert 5.0 in fake_time.slept and max(fake_time.slept) == 5.0


async def test_a_post_that_got_a_503_is_not_repeated(client: ServiceTitanClient, sandbox: Sandbox) -> None:
    body = await job_body(client)
    faults(sandbox, FaultRule(route=JOBS, methods=["POST"], error_rate=1.0, status=503))
    with pytest.raises(ServerError) as caught:
        await client.jpm.jobs.create(body)
    assert sandbox.stats["Jobs_Create"] == 1
    assert "check before trying it again" in caught.value.advice


async def test_a_capacity_query_is_a_post_yet_a_503_on_it_is_retried(
    client: ServiceTitanClient, sandbox: Sandbox
) -> None:
    start = datetime(2026, 3, 10, 13, tzinfo=UTC)
    faults(sandbox, FaultRule(route="/dispatch/v2/*/capacity", error_rate=1.0, status=503, limit=2))
    answer = await client.dispatch.capacity(start, start + timedelta(hours=2))
    assert answer.availabilities and sandbox.faults.injected == 2
    assert sandbox.stats["Capacity_GetList"] == 3  # it only reads: asking again changes nothing


async def test_a_post_that_got_a_429_is_retried_and_books_once(
    client: ServiceTitanClient, sandbox: Sandbox
) -> None:
    body = await job_body(client)
    before = (await client.jpm.jobs.list(customer_id=body["customerId"], include_total=True)).total_count
    faults(
        sandbox, FaultRule(route=JOBS, methods=["POST"], error_rate=1.0, status=429, retry_after=1, limit=1)
    )
    job = await client.jpm.jobs.create(body)
    assert sandbox.stats["Jobs_Create"] == 2
    assert job.job_status == "Scheduled"
    after = (await client.jpm.jobs.list(customer_id=body["customerId"], include_total=True)).total_count
    assert after == (before or 0) + 1


async def test_a_post_that_never_connected_is_retried(
    make_client: MakeClient, st_app: Any, sandbox: Sandbox
) -> None:
    spy = SpyTransport(httpx.ASGITransport(app=st_app))
    client = make_client(transport=spy)
    body = await job_body(client)
    spy.fail_connect = 1
    job = await client.jpm.jobs.create(body)
    assert job.id and sandbox.stats["Jobs_Create"] == 1


async def test_connection_refused_everywhere_surfaces_as_connection_failed(
    make_client: MakeClient, st_app: Any
) -> None:
    spy = SpyTransport(httpx.ASGITransport(app=st_app), fail_connect=100)
    client = make_client(transport=spy, retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ConnectionFailed) as caught:
        await client.crm.customers.list()
    assert len(spy.requests) == 3  # the token request, bounded
    assert "never reached" in caught.value.advice


async def test_a_hang_surfaces_as_timeout(make_client: MakeClient, sandbox: Sandbox) -> None:
    client = make_client(timeout=0.1, retry=RetryPolicy(max_attempts=2))
    await client.crm.customers.list(page_size=1)
    faults(sandbox, FaultRule(route=CUSTOMERS, hang_rate=1.0, hang_seconds=30))
    with pytest.raises(Timeout) as caught:
        await client.crm.customers.list()
    assert sandbox.stats["Customers_GetList"] == 3  # the first call, then two tries
    assert caught.value.method == "GET"


async def test_a_post_that_timed_out_is_not_repeated(
    client: ServiceTitanClient, make_client: MakeClient, sandbox: Sandbox
) -> None:
    body = await job_body(client)
    slow = make_client(timeout=0.1)
    faults(sandbox, FaultRule(route=JOBS, methods=["POST"], hang_rate=1.0, hang_seconds=30))
    with pytest.raises(Timeout) as caught:
        await slow.jpm.jobs.create(body)
    assert sandbox.stats["Jobs_Create"] == 1
    assert "may have reached" in caught.value.advice


async def test_a_hang_over_real_loopback_http_times_out(
    make_client: MakeClient, live_sandbox: LiveServer, sandbox: Sandbox, fake_time: FakeTime
) -> None:
    client = make_client(
        st_settings(api_url=live_sandbox.base_url),
        transport=None,
        timeout=httpx.Timeout(0.3, connect=2.0),
        retry=RetryPolicy(max_attempts=2),
    )
    page = await client.crm.customers.list(page_size=2)
    assert len(page.data) == 2
    faults(sandbox, FaultRule(route=CUSTOMERS, hang_rate=1.0, hang_seconds=3))
    with pytest.raises(Timeout):
        await client.crm.customers.list(page_size=2)
    assert sandbox.stats["Customers_GetList"] == 3


class _Counting(httpx.AsyncBaseTransport):
    """Counts the exchanges in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.001)
            response = await self.inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(
                response.status_code, headers=response.headers, content=body, request=request
            )
        finally:
            self.now -= 1


async def test_calls_beyond_the_connection_limit_wait_their_turn_and_all_complete(
    make_client: MakeClient, st_app: Any
) -> None:
    counting = _Counting(httpx.ASGITransport(app=st_app))
    client = make_client(transport=counting, limits=httpx.Limits(max_connections=4))
    pages = await asyncio.gather(*(client.crm.customers.list(page_size=1) for _ in range(60)))
    assert all(len(page.data) == 1 for page in pages)
    assert counting.most == 4


async def test_a_post_that_timed_out_waiting_for_a_connection_never_left_so_it_is_retried(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    client = make_client(timeout=0.1, limits=httpx.Limits(max_connections=1))
    body = await job_body(client)

    async def busy() -> None:  # another call holds the only connection for a while
        async with client._slots:
            await asyncio.sleep(0.25)

    other = asyncio.create_task(busy())
    await asyncio.sleep(0)
    job = await client.jpm.jobs.create(body)
    await other
    assert job.id and sandbox.stats["Jobs_Create"] == 1
