"""Tokens against the sandbox's auth server: one request for many calls, renewal, expiry, revocation."""

from __future__ import annotations

import asyncio

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox.app import Sandbox
from frontdesk.servicetitan import MemoryRecorder, ServiceTitanClient, TokenCache, Unauthorized
from tests.servicetitan.conftest import FakeTime, MakeClient, SpyTransport, st_settings


async def test_a_hundred_concurrent_calls_make_one_token_request(
    client: ServiceTitanClient, sandbox: Sandbox
) -> None:
    pages = await asyncio.gather(*(client.crm.customers.list(page_size=5) for _ in range(100)))
    assert all(len(page.data) == 5 for page in pages)
    assert sandbox.authority.token_requests == 1
    assert sandbox.stats["Customers_GetList"] >= 100
    assert client.tokens.requests == 1


async def test_the_token_is_reused_until_shortly_before_it_expires(
    client: ServiceTitanClient, sandbox: Sandbox, fake_time: FakeTime, recorder: MemoryRecorder
) -> None:
    await client.crm.customers.list()
    fake_time.advance(830)  # 900 s tokens, renewed 60 s ahead: still good
    await client.crm.customers.list()
    assert sandbox.authority.token_requests == 1
    fake_time.advance(20)  # 850 s: inside the margin
    await client.crm.customers.list()
    assert sandbox.authority.token_requests == 2
    assert all(x.status != 401 for x in recorder.exchanges), "renewed before ServiceTitan refused it"


async def test_a_token_that_expired_early_is_renewed_and_the_call_goes_through(
    client: ServiceTitanClient, sandbox: Sandbox, clock: FrozenClock, recorder: MemoryRecorder
) -> None:
    first = await client.crm.customers.list(page_size=3)
    clock.advance(901)  # the sandbox's clock: the token is dead though the client's clock says otherwise
    again = await client.crm.customers.list(page_size=3)
    assert [c.id for c in again.data] == [c.id for c in first.data]
    assert sandbox.authority.token_requests == 2
    statuses = [(x.kind, x.status) for x in recorder.exchanges]
    assert statuses[-3:] == [("api", 401), ("token", 200), ("api", 200)]


async def test_revoked_tokens_recover_transparently_for_concurrent_calls(
    client: ServiceTitanClient, sandbox: Sandbox
) -> None:
    await client.crm.customers.list()
    assert sandbox.authority.revoke() >= 1
    pages = await asyncio.gather(*(client.crm.customers.list(page_size=2) for _ in range(20)))
    assert all(len(p.data) == 2 for p in pages)
    assert sandbox.authority.token_requests == 2  # one renewal shared by the twenty calls


async def test_a_second_401_after_renewal_surfaces_with_advice(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    client = make_client(st_settings(app_key="ak1.not-the-right-key"))
    with pytest.raises(Unauthorized) as caught:
        await client.crm.customers.get(1)
    assert sandbox.authority.token_requests == 2  # renewed once, retried once, then stopped
    error = caught.value
    assert error.status == 401
    assert error.trace_id and error.trace_id.startswith("00-")
    assert "app key" in error.advice and "integration and production" in error.advice
    assert "ak1.not-the-right-key" not in str(error)


async def test_wrong_client_secret_is_refused_once_with_advice(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    client = make_client(st_settings(client_secret="cs1.wrong", environment="integration"))
    with pytest.raises(Unauthorized) as caught:
        await client.crm.customers.list()
    assert sandbox.authority.token_requests == 1
    assert sandbox.stats["Customers_GetList"] == 0
    advice = caught.value.advice
    assert "integration" in advice and "secret" in advice
    assert "cs1.wrong" not in str(caught.value)


async def test_two_clients_sharing_a_token_cache_ask_once(make_client: MakeClient, sandbox: Sandbox) -> None:
    cache = TokenCache()
    first, second = make_client(token_cache=cache), make_client(token_cache=cache)
    await asyncio.gather(first.crm.customers.list(), second.crm.customers.list())
    assert sandbox.authority.token_requests == 1


async def test_token_endpoint_outage_is_retried(
    make_client: MakeClient, sandbox: Sandbox, spy: SpyTransport
) -> None:
    from frontdesk.sandbox.faults import FaultPlan, FaultRule

    sandbox.faults.configure(
        FaultPlan(rules=[FaultRule(route="/connect/token", error_rate=1.0, status=503, limit=2)])
    )
    client = make_client()
    page = await client.crm.customers.list(page_size=1)
    assert len(page.data) == 1
    token_calls = [r for r in spy.requests if r.url.path == "/connect/token"]
    assert len(token_calls) == 3  # two 503s, then a token
