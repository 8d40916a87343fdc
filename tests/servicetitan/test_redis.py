"""Tokens and the rate limit shared by several workers through the real Redis at 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.sandbox.app import Sandbox
from frontdesk.servicetitan import RedisRateLimiter, ServiceTitanClient
from tests.servicetitan.conftest import FakeTime, MakeClient

pytestmark = pytest.mark.redis


def worker(make_client: MakeClient, st_app: Starlette, redis: Any, prefix: str) -> ServiceTitanClient:
    """A client as a separate worker process would have it: its own connections and memory."""
    return make_client(transport=httpx.ASGITransport(app=st_app), redis=redis, redis_prefix=prefix)


async def test_two_workers_sharing_redis_make_one_token_request(
    make_client: MakeClient, st_app: Starlette, sandbox: Sandbox, redis_client: Any, redis_prefix: str
) -> None:
    first = worker(make_client, st_app, redis_client, redis_prefix)
    second = worker(make_client, st_app, redis_client, redis_prefix)
    pages = await asyncio.gather(
        *(client.crm.customers.list(page_size=1) for client in (first, second) for _ in range(10))
    )
    assert len(pages) == 20 and all(p.data for p in pages)
    assert sandbox.authority.token_requests == 1
    assert first.tokens.requests + second.tokens.requests == 1

    keys = [k async for k in redis_client.scan_iter(match=redis_prefix + "token:*")]
    assert len(keys) == 1 and not keys[0].endswith(b":lock")  # the lock is gone once the token is in
    stored = await redis_client.hgetall(keys[0])
    assert set(stored) == {b"access_token", b"expires_at", b"scope"}
    assert 830_000 < await redis_client.pttl(keys[0]) <= 840_000  # dropped 60 s before it expires

    third = worker(make_client, st_app, redis_client, redis_prefix)  # a worker started later
    await third.crm.customers.list(page_size=1)
    assert sandbox.authority.token_requests == 1 and third.tokens.requests == 0


async def test_a_revoked_shared_token_is_renewed_once_for_all_workers(
    make_client: MakeClient, st_app: Starlette, sandbox: Sandbox, redis_client: Any, redis_prefix: str
) -> None:
    first = worker(make_client, st_app, redis_client, redis_prefix)
    second = worker(make_client, st_app, redis_client, redis_prefix)
    await first.crm.customers.list(page_size=1)
    await second.crm.customers.list(page_size=1)
    sandbox.authority.revoke()
    await first.crm.customers.list(page_size=1)  # 401, renews, stores the new token
    await second.crm.customers.list(page_size=1)  # 401 with the old one, then takes the new from Redis
    assert sandbox.authority.token_requests == 2


async def test_the_shared_window_holds_for_all_workers_together(redis_client: Any, redis_prefix: str) -> None:
    fake = FakeTime()
    limiters = [
        RedisRateLimiter(redis_client, 5, 1.0, prefix=redis_prefix, now=fake.monotonic, sleep=fake.sleep)
        for _ in range(2)
    ]
    start = fake.now
    admitted: list[float] = []

    async def call(index: int) -> None:
        await limiters[index % 2].acquire("app:tenant")
        admitted.append(fake.now - start)

    for index in range(12):  # one after another: each waits for the window when it is full
        await call(index)
    assert [sum(1 for t in admitted if w <= t < w + 1) for w in range(3)] == [5, 5, 2]


async def test_the_shared_window_runs_on_the_redis_clock_by_default(
    redis_client: Any, redis_prefix: str
) -> None:
    limiter = RedisRateLimiter(redis_client, 4, 0.2, prefix=redis_prefix)
    began = time.monotonic()
    await asyncio.gather(*(limiter.acquire("k") for _ in range(12)))
    assert time.monotonic() - began >= 0.35  # 12 calls at 4 per 0.2 s need two more windows
    assert await redis_client.zcard(redis_prefix + "k") <= 4


async def test_without_redis_each_worker_still_works_alone(
    make_client: MakeClient, st_app: Starlette, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    unreachable = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    client = make_client(transport=httpx.ASGITransport(app=st_app), redis=unreachable)
    try:
        pages = [await client.crm.customers.list(page_size=2) for _ in range(5)]
    finally:
        await unreachable.aclose()
    assert all(len(p.data) == 2 for p in pages) and sandbox.authority.token_requests == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("shared token store unavailable" in w for w in warnings)
    assert (
        sum("shared rate limit unavailable" in w for w in warnings) == 1
    )  # then it stops asking for a while
