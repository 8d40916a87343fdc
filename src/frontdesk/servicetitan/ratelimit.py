"""Client-side pacing under ServiceTitan's limit of 60 calls per second per application and tenant."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("frontdesk.servicetitan")

Sleep = Callable[[float], Awaitable[None]]


class RateLimiter(Protocol):
    async def acquire(self, key: str) -> None:
        """Wait until one more call under ``key`` fits in the limit, and count it."""
        ...


# A call reaches ServiceTitan a variable network delay after it leaves, so calls paced exactly 60 per second
# here can arrive 61 in one of ServiceTitan's seconds (a 429 and a wasted second). Counting our calls in a
# slightly longer window keeps the arrivals under the limit.
PACING_WINDOW = 1.1


def limit_key(app_key: str, tenant_id: int) -> str:
    """The limiter key of an (app key, tenant) pair; the app key itself never leaves the process."""
    digest = hashlib.sha256(app_key.encode()).hexdigest()[:16]
    return f"{digest}:{tenant_id}"


class SlidingWindowLimiter:
    """At most ``limit`` calls in any ``window`` seconds per key, in this process."""

    def __init__(
        self,
        limit: int = 60,
        window: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit = limit
        self.window = window
        self._now = monotonic
        self._sleep = sleep
        self._events: dict[str, deque[float]] = {}

    def try_acquire(self, key: str) -> float:
        """Count a call and return 0.0 when it fits; otherwise count nothing and return the wait."""
        now = self._now()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            return 0.0
        return max(events[0] + self.window - now, 1e-3)

    async def acquire(self, key: str) -> None:
        # no await between the check and the count, so concurrent tasks cannot both take the last slot
        while (wait := self.try_acquire(key)) > 0:
            await self._sleep(wait)


# KEYS[1]: the window's sorted set. ARGV: limit, window (ms), now (ms, or "" to use the Redis server's
# clock, the one clock every worker shares), a unique member. Returns 0 when counted, else ms to wait.
_WINDOW_SCRIPT = """
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
else
  now = tonumber(ARGV[3])
end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
"""


class RedisRateLimiter:
    """The same sliding window kept in Redis, so all workers together stay under the limit."""

    def __init__(
        self,
        redis: Redis,
        limit: int = 60,
        window: float = 1.0,
        *,
        prefix: str = "frontdesk:st:ratelimit:",
        now: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        retry_redis_after: float = 30.0,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit = limit
        self.window = window
        self.prefix = prefix
        self._redis = redis
        self._monotonic = monotonic
        self._retry_redis_after = retry_redis_after
        self._redis_down_until: float | None = None
        self._now = now  # seconds; None: the Redis server's clock
        self._sleep = sleep
        self._script = redis.register_script(_WINDOW_SCRIPT)
        # when Redis is unreachable, pace this worker alone rather than fail every call
        self._fallback = SlidingWindowLimiter(limit, window, monotonic=monotonic, sleep=sleep)

    async def try_acquire(self, key: str) -> float:
        """Count a call and return 0.0 when it fits; otherwise return the seconds to wait."""
        now_ms = "" if self._now is None else repr(self._now() * 1000.0)
        member = secrets.token_hex(8)
        waited = await self._script(
            keys=[self.prefix + key], args=[self.limit, int(self.window * 1000), now_ms, member]
        )
        return int(waited) / 1000.0

    async def acquire(self, key: str) -> None:
        from redis.exceptions import RedisError

        if self._redis_down_until is not None and self._monotonic() < self._redis_down_until:
            await self._fallback.acquire(key)  # not every call should wait for a dead Redis to time out
            return
        try:
            while (wait := await self.try_acquire(key)) > 0:
                await self._sleep(wait)
            self._redis_down_until = None
        except RedisError as exc:
            log.warning(
                "shared rate limit unavailable (%s); pacing this worker alone for %.0f s",
                type(exc).__name__,
                self._retry_redis_after,
            )
            self._redis_down_until = self._monotonic() + self._retry_redis_after
            await self._fallback.acquire(key)
