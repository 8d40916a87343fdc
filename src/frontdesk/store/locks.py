"""One turn at a time per conversation: an in-process lock, or a Redis lock shared by several workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger("frontdesk.store")


class ConversationLocks:
    """An asyncio lock per conversation id; an entry lives only while someone holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        """How many conversations have a lock right now."""
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users <= 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    async def close(self) -> None:
        """Nothing to release; here so both kinds of locks are used the same way."""


class RedisConversationLocks:
    """A Redis lock per conversation, for several worker processes.

    The lock expires after ``timeout`` seconds, so a crashed worker cannot block a conversation for good;
    while a turn runs, its holder renews the lock every ``timeout / 3`` seconds, so a slow turn keeps it.
    """

    def __init__(
        self,
        redis_url: str,
        *,
        timeout: float = 30.0,
        wait: float | None = None,
        prefix: str = "frontdesk:conversation-lock:",
        redis: Redis | None = None,
    ) -> None:
        self._redis = redis if redis is not None else Redis.from_url(redis_url)
        self._own_client = redis is None
        self.timeout = timeout
        self.wait = wait  # None waits as long as it takes
        self.prefix = prefix

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock: Lock = self._redis.lock(
            self.prefix + conversation_id,
            timeout=self.timeout,
            sleep=min(0.05, self.timeout / 10),
            blocking_timeout=self.wait,
            thread_local=False,  # tasks of one thread share thread-locals; each hold has its own Lock anyway
        )
        if not await lock.acquire():
            raise TimeoutError(f"conversation {conversation_id} is busy")
        renewal = asyncio.create_task(self._renew(lock))
        try:
            yield
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            try:
                await lock.release()
            except LockError:  # expired and maybe taken by another worker: not ours to release
                log.warning("the lock of conversation %s expired before its turn ended", conversation_id)

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.timeout / 3)
            try:
                await lock.extend(self.timeout, replace_ttl=True)
            except LockError:
                log.warning("could not renew the lock %s", lock.name)
                return

    async def close(self) -> None:
        if self._own_client:
            await self._redis.aclose()
