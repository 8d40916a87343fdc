"""The account cache shared by several workers through the real Redis at 127.0.0.1:6379.

The turns of one conversation may land on different workers, and so may a customer's text and their call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from frontdesk.capabilities.accounts import Accounts, RedisAccountCache
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import ToolContext, ToolResult
from frontdesk.servicetitan import ServiceTitanClient

pytestmark = pytest.mark.redis

ROBERT = {"phone": "5551234567", "name": "Robert Johnson"}
TENANT = "1234567890@http://sandbox"
Lookup = Callable[[Accounts, dict[str, str]], Awaitable[ToolResult]]


@pytest.fixture
async def workers(redis_server: str, redis_prefix: str) -> AsyncIterator[list[RedisAccountCache]]:
    """Two workers' caches, each with its own connection, as separate processes would have them."""
    made = [RedisAccountCache(redis_server, tenant=TENANT, prefix=redis_prefix) for _ in range(2)]
    yield made
    for cache in made:
        await cache.close()


@pytest.fixture
def runs() -> list[ToolRun]:
    return []


@pytest.fixture
def lookup(
    new_state: Callable[..., GuardState],
    make_ctx: Callable[..., ToolContext],
    st_client: ServiceTitanClient,
    runs: list[ToolRun],
) -> Lookup:
    """searchCustomers in a new conversation on the worker with ``accounts``."""
    runner = ToolRunner([SearchCustomers()], secret=b"test", on_run=runs.append)
    reference = ReferenceCache(st_client)

    async def run(accounts: Accounts, args: dict[str, str]) -> ToolResult:
        state = new_state()
        state.note_customer_message(f"{args.get('name', '')} {args['phone']}")
        ctx = make_ctx(state, reference)
        ctx.accounts = accounts
        return await runner.run(ctx, "searchCustomers", args)

    return run


def requests(run: ToolRun) -> list[str]:
    return [e.url.split("?")[0].rsplit("/", 1)[-1] for e in run.exchanges if e.kind == "api"]


async def test_an_account_read_on_one_worker_is_found_on_another_without_a_request(
    workers: list[RedisAccountCache], lookup: Lookup, runs: list[ToolRun],
    redis_client: Redis, redis_prefix: str,
) -> None:  # fmt: skip
    first, second = workers
    texted = await lookup(first, ROBERT)
    assert texted.data["match"] == "verified"
    assert requests(runs[-1]) == ["customers", "locations"]

    calls = await lookup(second, ROBERT)
    assert calls.data["match"] == "verified"
    assert calls.data["customer"]["serviceLocations"] == texted.data["customer"]["serviceLocations"]
    assert requests(runs[-1]) == []

    key = f"{redis_prefix}{TENANT}:5551234567"
    assert 290_000 < await redis_client.pttl(key) <= 300_000  # Redis drops it after five minutes
    # a caller who only has the number learns nothing from what another worker kept
    stranger = await lookup(second, {"phone": "5551234567", "name": "Sarah Williams"})
    assert stranger.data == {"match": "found", "verified": False}
    assert requests(runs[-1]) == []


async def test_a_number_forgotten_on_one_worker_is_read_again_on_the_other(
    workers: list[RedisAccountCache], lookup: Lookup, runs: list[ToolRun],
) -> None:  # fmt: skip
    first, second = workers
    await lookup(first, ROBERT)
    await second.forget("5551234567")  # a new account was made for the number there
    await lookup(first, ROBERT)
    assert requests(runs[-1]) == ["customers", "locations"]


async def test_another_tenant_does_not_see_the_accounts(
    redis_server: str, redis_prefix: str, workers: list[RedisAccountCache],
    lookup: Lookup, runs: list[ToolRun], redis_client: Redis,
) -> None:  # fmt: skip
    await lookup(workers[0], ROBERT)
    other = RedisAccountCache(redis_server, tenant="999@http://sandbox", prefix=redis_prefix)
    try:
        assert await other.get("5551234567") is None
    finally:
        await other.close()


async def test_an_entry_expires_after_its_ttl(
    redis_server: str, redis_prefix: str, lookup: Lookup, runs: list[ToolRun],
    redis_client: Redis,
) -> None:  # fmt: skip
    cache = RedisAccountCache(
        redis_server, tenant=TENANT, prefix=redis_prefix, ttl=timedelta(milliseconds=300)
    )
    try:
        await lookup(cache, ROBERT)
        await lookup(cache, ROBERT)
        assert requests(runs[-1]) == []
        await asyncio.sleep(0.4)
        await lookup(cache, ROBERT)
        assert requests(runs[-1]) == ["customers", "locations"]
    finally:
        await cache.close()


async def test_a_redis_that_cannot_be_reached_only_costs_the_requests(
    lookup: Lookup, runs: list[ToolRun], caplog: pytest.LogCaptureFixture
) -> None:
    cache = RedisAccountCache("redis://127.0.0.1:1", tenant=TENANT)  # nothing listens on port 1
    try:
        with caplog.at_level(logging.WARNING, logger="frontdesk.capabilities"):
            for _ in range(2):
                result = await lookup(cache, ROBERT)
                assert result.data["match"] == "verified"
                assert requests(runs[-1]) == ["customers", "locations"]
            await cache.forget("5551234567")
        assert any("account cache unavailable" in r.getMessage() for r in caplog.records)
    finally:
        await cache.close()


async def test_a_redis_that_hangs_holds_a_lookup_up_for_a_moment_only(
    lookup: Lookup, runs: list[ToolRun]
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)  # accepts, reads nothing, answers nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    cache = RedisAccountCache(f"redis://127.0.0.1:{port}", tenant=TENANT)
    try:
        # the server hangs for 30 s; the cache gives up on it and the customer is found all the same
        result = await asyncio.wait_for(lookup(cache, ROBERT), timeout=10)
        assert result.data["match"] == "verified"
        assert requests(runs[-1]) == ["customers", "locations"]
    finally:
        await cache.close()
        server.close()
