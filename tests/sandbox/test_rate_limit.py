"""ServiceTitan's rate limit: 60 calls per second per application (app key) and tenant."""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxClient
from tests.conftest import get_token, url
from tests.sandbox.conftest import Ticker, assert_problem, auth_headers, client_for, small_config

TENANT_A, TENANT_B = 1000001, 1000002
OTHER_KEY = "ak1.other-app"


def _config(**changes: Any) -> SandboxConfig:
    return small_config(
        app_keys=[DEMO_APP_KEY, OTHER_KEY],
        clients=[
            SandboxClient(
                client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, tenants=[TENANT_A, TENANT_B]
            )
        ],
        **changes,
    )


async def _calls(client: httpx.AsyncClient, count: int, tenant: int = TENANT_A, **kwargs: Any) -> list[int]:
    statuses = []
    for _ in range(count):
        answer = await client.get(url("crm", tenant, "customers"), params={"pageSize": 1}, **kwargs)
        statuses.append(answer.status_code)
    return statuses


async def test_sixty_first_call_within_a_second_is_429(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        assert await _calls(client, 60) == [200] * 60
        answer = await client.get(url("crm", TENANT_A, "customers"))
        body = assert_problem(answer, 429)
        assert answer.headers["Retry-After"] == "1"
        assert "60 requests per second" in body["title"]
        # still refused while the second lasts, and refused calls do not extend the wait
        ticker.advance(0.5)
        refused = await client.get(url("crm", TENANT_A, "customers"))
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        # after the window has passed, calls succeed again
        ticker.advance(0.5)
        assert await _calls(client, 60) == [200] * 60
        assert (await client.get(url("crm", TENANT_A, "customers"))).status_code == 429


async def test_window_slides_rather_than_resets(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        assert await _calls(client, 30) == [200] * 30
        ticker.advance(0.6)
        assert await _calls(client, 30) == [200] * 30
        ticker.advance(0.3)  # 0.9 s after the first burst: all 60 are still in the window
        assert await _calls(client, 1) == [429]
        ticker.advance(0.1)  # the first burst has left the window, the second has not
        assert await _calls(client, 31) == [200] * 30 + [429]


async def test_each_app_key_has_its_own_budget(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        token = await get_token(client)
        assert await _calls(client, 61, headers=auth_headers(token)) == [200] * 60 + [429]
        other = auth_headers(token, app_key=OTHER_KEY)
        assert await _calls(client, 61, headers=other) == [200] * 60 + [429]


async def test_each_tenant_has_its_own_budget(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        assert await _calls(client, 61, TENANT_A) == [200] * 60 + [429]
        assert await _calls(client, 61, TENANT_B) == [200] * 60 + [429]


async def test_budget_is_shared_by_every_token_and_route_of_the_app(
    clock: FrozenClock, ticker: Ticker
) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        first = auth_headers(await get_token(client))
        second = auth_headers(await get_token(client))
        assert await _calls(client, 30, headers=first) == [200] * 30
        assert await _calls(client, 30, headers=second) == [200] * 30
        # another route of the same tenant draws on the same budget
        answer = await client.get(url("crm", TENANT_A, "customers/10000001"), headers=first)
        assert_problem(answer, 429)


async def test_limit_is_configurable(clock: FrozenClock, ticker: Ticker) -> None:
    app = create_app(_config(rate_limit_per_second=5), clock=clock, monotonic=ticker)
    async with client_for(app) as client:
        client.headers.update(auth_headers(await get_token(client)))
        assert await _calls(client, 6) == [200] * 5 + [429]
        answer = await client.get(url("crm", TENANT_A, "customers"))
        assert "5 requests per second" in answer.json()["title"]
        ticker.advance(1.0)
        assert await _calls(client, 1) == [200]


async def test_unauthenticated_calls_do_not_spend_the_budget(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        for _ in range(100):
            answer = await client.get(url("crm", TENANT_A, "customers"), headers={"ST-App-Key": DEMO_APP_KEY})
            assert answer.status_code == 401
        client.headers.update(auth_headers(await get_token(client)))
        assert await _calls(client, 60) == [200] * 60


async def test_rate_limited_calls_are_counted(clock: FrozenClock, ticker: Ticker) -> None:
    async with client_for(create_app(_config(), clock=clock, monotonic=ticker)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        await _calls(client, 65)
        stats = (await client.get("/_sandbox/stats")).json()
    assert stats["rate_limited"] == 5
    assert stats["requests"] == 65
