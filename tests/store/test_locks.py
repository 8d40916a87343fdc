"""One turn at a time per conversation: in one process, and across workers through Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from frontdesk.store import ConversationLocks, RedisConversationLocks


async def _settle() -> None:
    """Let every task that can run, run (a few event-loop rounds)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_second_holder_of_one_conversation_waits_for_the_first() -> None:
    locks = ConversationLocks()
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with locks.hold("c1"):
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with locks.hold("c1"):
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await _settle()
    assert order == ["first in"]  # the second is waiting
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first in", "first out", "second in"]
    assert len(locks) == 0  # nobody holds or waits: the entry is gone


async def test_different_conversations_do_not_wait_for_each_other() -> None:
    locks = ConversationLocks()
    async with locks.hold("c1"), locks.hold("c2"):
        assert len(locks) == 2
    assert len(locks) == 0


async def test_a_failing_turn_releases_its_conversation() -> None:
    locks = ConversationLocks()
    with pytest.raises(RuntimeError):
        async with locks.hold("c1"):
            raise RuntimeError("model failed")
    async with locks.hold("c1"):
        pass
    assert len(locks) == 0


# --- Redis ----------------------------------------------------------------------------------------


@pytest.fixture
async def workers(redis_url: str) -> AsyncIterator[tuple[RedisConversationLocks, RedisConversationLocks]]:
    """Two workers' locks on one Redis, with keys of this test only."""
    prefix = f"frontdesk-test:{uuid.uuid4().hex[:12]}:"
    one = RedisConversationLocks(redis_url, timeout=1.0, prefix=prefix)
    two = RedisConversationLocks(redis_url, timeout=1.0, prefix=prefix)
    yield one, two
    await one.close()
    await two.close()


@pytest.mark.redis
async def test_a_second_worker_waits_until_the_first_releases(
    workers: tuple[RedisConversationLocks, RedisConversationLocks],
) -> None:
    one, two = workers
    order: list[str] = []

    async def second() -> None:
        async with two.hold("conv-1"):
            order.append("two in")

    async with one.hold("conv-1"):
        order.append("one in")
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # several polls of the second worker
        assert order == ["one in"]
        order.append("one out")
    await waiting
    assert order == ["one in", "one out", "two in"]


@pytest.mark.redis
async def test_a_long_turn_keeps_its_lock_past_the_timeout(
    workers: tuple[RedisConversationLocks, RedisConversationLocks],
) -> None:
    one, two = workers
    order: list[str] = []

    async def second() -> None:
        async with two.hold("conv-1"):
            order.append("two in")

    async with one.hold("conv-1"):
        order.append("one in")
        waiting = asyncio.create_task(second())
        await asyncio.sleep(2.5)  # well past the 1 s timeout: only renewal keeps the lock ours
        order.append("one out")
    await waiting
    assert order == ["one in", "one out", "two in"]


@pytest.mark.redis
async def test_other_conversations_are_not_blocked(
    workers: tuple[RedisConversationLocks, RedisConversationLocks],
) -> None:
    one, two = workers
    async with one.hold("conv-1"), two.hold("conv-2"):
        pass


@pytest.mark.redis
async def test_a_worker_that_may_not_wait_gives_up(redis_url: str) -> None:
    prefix = f"frontdesk-test:{uuid.uuid4().hex[:12]}:"
    one = RedisConversationLocks(redis_url, prefix=prefix)
    impatient = RedisConversationLocks(redis_url, prefix=prefix, wait=0.2)
    try:
        async with one.hold("conv-1"):
            with pytest.raises(TimeoutError):
                async with impatient.hold("conv-1"):
                    pass
        async with impatient.hold("conv-1"):  # free again
            pass
    finally:
        await one.close()
        await impatient.close()


@pytest.mark.redis
async def test_a_crashed_workers_lock_expires(
    redis_url: str, workers: tuple[RedisConversationLocks, RedisConversationLocks]
) -> None:
    _, two = workers
    # a worker that died mid-turn: its lock is in Redis, nobody renews or releases it
    client = Redis.from_url(redis_url)
    try:
        stale = client.lock(two.prefix + "conv-1", timeout=0.3)
        assert await stale.acquire(blocking=False)
        async with two.hold("conv-1"):
            assert await client.get(two.prefix + "conv-1") != stale.local.token
    finally:
        await client.aclose()
