"""Receptionists in two worker processes, one Redis: an account read by one is not read again by the other.

A customer's text and their call, or two turns of one conversation, may be answered by different workers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from frontdesk.sandbox.config import DEMO_TENANT
from tests.agent.conftest import Conversation, World, sandbox_connection

LOOKUPS = ("Customers_GetList", "Locations_GetList")


@pytest.fixture
async def clean_redis(redis_server: str) -> AsyncIterator[str]:
    """The Redis URL, without accounts kept for the test tenant before or after the test."""
    redis = Redis.from_url(redis_server)
    pattern = f"frontdesk:accounts:{DEMO_TENANT}@{sandbox_connection().api_base}:*"

    async def clear() -> None:
        keys = [key async for key in redis.scan_iter(match=pattern)]
        if keys:
            await redis.delete(*keys)

    await clear()
    yield redis_server
    await clear()
    await redis.aclose()


async def lookups_by_two_workers(
    open_running: Callable[..., Any], world: World, **options: Any
) -> Counter[str]:
    """Robert asks his balance on one worker, then his last visit on another: the lookups of the second."""
    first, second = await open_running(**options), await open_running(**options)
    texted = Conversation(first, await first.receptionist.start())
    assert "Robert" in await texted.say("what do I owe? Robert Johnson 555-123-4567")
    before = Counter(world.sandbox.stats)
    calls = Conversation(second, await second.receptionist.start())
    assert "Robert" in await calls.say("Robert Johnson 555-123-4567, when was my last visit?")
    asked = Counter(world.sandbox.stats)
    asked.subtract(before)
    return Counter({op: asked[op] for op in LOOKUPS if asked[op]})


@pytest.mark.redis
async def test_an_account_read_by_one_worker_is_not_read_again_by_another(
    open_running: Callable[..., Any], world: World, clean_redis: str
) -> None:
    assert await lookups_by_two_workers(open_running, world, redis_url=clean_redis) == Counter()


async def test_without_redis_each_worker_reads_the_account_itself(
    open_running: Callable[..., Any], world: World
) -> None:
    assert await lookups_by_two_workers(open_running, world) == Counter(dict.fromkeys(LOOKUPS, 1))
