"""Access tokens: cached per (auth URL, client id), renewed ahead of expiry, fetched once however many
calls wait for one, and optionally shared with other worker processes through Redis."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frontdesk.clock import Clock, SystemClock

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("frontdesk.servicetitan")

TokenKey = tuple[str, str]  # (token URL, client id)


@dataclass(frozen=True)
class TokenAnswer:
    """What the token endpoint said."""

    access_token: str
    expires_in: float
    scope: str = ""


@dataclass(frozen=True)
class AccessToken:
    value: str
    renew_at: float  # on the monotonic clock: after this instant a new token is fetched
    scope: str = ""


def renewal_delay(expires_in: float, margin: float) -> float:
    """Seconds until a token should be renewed; half its life when the margin would eat all of it."""
    return max(expires_in - margin, expires_in / 2)


class TokenCache:
    """Tokens per (auth URL, client id). One instance may serve several clients of a process."""

    def __init__(self) -> None:
        self._tokens: dict[TokenKey, AccessToken] = {}
        self.inflight: dict[TokenKey, asyncio.Task[AccessToken]] = {}

    def valid(self, key: TokenKey, now: float) -> AccessToken | None:
        token = self._tokens.get(key)
        return token if token is not None and now < token.renew_at else None

    def put(self, key: TokenKey, token: AccessToken) -> None:
        self._tokens[key] = token

    def drop(self, key: TokenKey, value: str) -> None:
        """Forget the token, unless another call has already replaced it."""
        token = self._tokens.get(key)
        if token is not None and token.value == value:
            del self._tokens[key]


_DROP_IF_SAME = """
if redis.call('HGET', KEYS[1], 'access_token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_UNLOCK_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisTokenStore:
    """Tokens in Redis: a hash {access_token, expires_at, scope} that Redis drops when it is due for
    renewal, and a SET NX lock so one process in the whole fleet asks for a new token."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "frontdesk:st:token:",
        lock_seconds: float = 30.0,
        poll_seconds: float = 0.05,
        clock: Clock | None = None,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lock_seconds = lock_seconds
        self.poll_seconds = poll_seconds
        self._clock = clock or SystemClock()
        self._drop = redis.register_script(_DROP_IF_SAME)
        self._unlock = redis.register_script(_UNLOCK_IF_OWNER)

    def key(self, token_key: TokenKey) -> str:
        digest = hashlib.sha256("\n".join(token_key).encode()).hexdigest()[:32]
        return self.prefix + digest

    async def read(self, token_key: TokenKey) -> tuple[str, float, str] | None:
        """(token, seconds until renewal, scope), or None."""
        key = self.key(token_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.pttl(key)
            fields, pttl = await pipe.execute()
        if not fields or int(pttl) <= 0:
            return None
        values = {_text(k): _text(v) for k, v in fields.items()}
        token = values.get("access_token")
        return (token, int(pttl) / 1000.0, values.get("scope", "")) if token else None

    async def write(self, token_key: TokenKey, answer: TokenAnswer, renew_in: float) -> None:
        key = self.key(token_key)
        expires_at = self._clock.now().timestamp() + answer.expires_in
        mapping: dict[Any, Any] = {
            "access_token": answer.access_token,
            "expires_at": f"{expires_at:.3f}",
            "scope": answer.scope,
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=mapping)
            pipe.pexpire(key, max(1, int(renew_in * 1000)))
            await pipe.execute()

    async def drop(self, token_key: TokenKey, value: str) -> None:
        await self._drop(keys=[self.key(token_key)], args=[value])

    async def lock(self, token_key: TokenKey, owner: str) -> bool:
        got = await self.redis.set(
            self.key(token_key) + ":lock", owner, nx=True, px=int(self.lock_seconds * 1000)
        )
        return bool(got)

    async def unlock(self, token_key: TokenKey, owner: str) -> None:
        await self._unlock(keys=[self.key(token_key) + ":lock"], args=[owner])


class TokenProvider:
    """Hands out a valid token for one client; ``fetch`` performs the actual token request."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        fetch: Callable[[], Awaitable[TokenAnswer]],
        *,
        cache: TokenCache | None = None,
        shared: RedisTokenStore | None = None,
        margin: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self.key: TokenKey = (token_url, client_id)
        self._fetch = fetch
        self.cache = cache or TokenCache()
        self.shared = shared
        self.margin = margin
        self._now = monotonic
        self._sleep = sleep
        self._on_token = on_token
        self.requests = 0  # token requests this provider made

    async def get(self) -> str:
        """A token valid for at least the margin; at most one request in flight per key."""
        token = self.cache.valid(self.key, self._now())
        if token is not None:
            return token.value
        task = self.cache.inflight.get(self.key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._obtain())
            self.cache.inflight[self.key] = task
            task.add_done_callback(self._settled)
        # shielded: a caller that gives up (its own timeout) must not cancel the request others wait for
        return (await asyncio.shield(task)).value

    def _settled(self, task: asyncio.Task[AccessToken]) -> None:
        if self.cache.inflight.get(self.key) is task:
            del self.cache.inflight[self.key]
        if not task.cancelled():
            task.exception()  # retrieved here, so an error nobody awaited is not reported as lost

    async def invalidate(self, value: str) -> None:
        """ServiceTitan refused ``value``: forget it here and, if it is still the shared one, in Redis."""
        self.cache.drop(self.key, value)
        if self.shared is not None:
            from redis.exceptions import RedisError

            try:
                await self.shared.drop(self.key, value)
            except RedisError as exc:
                log.warning("could not drop the shared token (%s)", type(exc).__name__)

    def _keep(self, value: str, renew_in: float, scope: str) -> AccessToken:
        if self._on_token is not None:
            self._on_token(value)
        token = AccessToken(value, self._now() + renew_in, scope)
        self.cache.put(self.key, token)
        return token

    async def _request(self) -> TokenAnswer:
        self.requests += 1
        answer = await self._fetch()
        if self._on_token is not None:
            self._on_token(answer.access_token)
        return answer

    async def _obtain(self) -> AccessToken:
        if self.shared is None:
            return await self._obtain_local()
        return await self._obtain_shared(self.shared)

    async def _obtain_shared(self, shared: RedisTokenStore) -> AccessToken:
        from redis.exceptions import RedisError

        owner = secrets.token_hex(8)
        give_up = self._now() + 2 * shared.lock_seconds
        try:
            while True:
                found = await shared.read(self.key)
                if found is not None:
                    return self._keep(*found)
                if await shared.lock(self.key, owner):
                    break
                if self._now() > give_up:
                    log.warning(
                        "no shared token after %.0f s; fetching one for this worker", 2 * shared.lock_seconds
                    )
                    return await self._obtain_local()
                await self._sleep(shared.poll_seconds)
        except RedisError as exc:
            log.warning(
                "shared token store unavailable (%s); fetching a token for this worker", type(exc).__name__
            )
            return await self._obtain_local()
        try:
            # another worker may have stored one between our read and our lock
            found = await self._quietly(shared.read(self.key))
            if found is not None:
                return self._keep(*found)
            answer = await self._request()
            renew_in = renewal_delay(answer.expires_in, self.margin)
            await self._quietly(shared.write(self.key, answer, renew_in))
            return self._keep(answer.access_token, renew_in, answer.scope)
        finally:
            await self._quietly(shared.unlock(self.key, owner))

    async def _obtain_local(self) -> AccessToken:
        answer = await self._request()
        return self._keep(answer.access_token, renewal_delay(answer.expires_in, self.margin), answer.scope)

    async def _quietly(self, pending: Awaitable[Any]) -> Any:
        """Await a Redis operation whose failure only costs sharing, not the call."""
        from redis.exceptions import RedisError

        try:
            return await pending
        except RedisError as exc:
            log.warning("shared token store operation failed (%s)", type(exc).__name__)
            return None
