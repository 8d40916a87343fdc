"""Accounts found by a phone number in the last few minutes, shared by every conversation.

Verification often takes two lookups of one number (the caller ID alone, then with the name the customer
gives), and a customer who texted tends to call a few minutes later. ServiceTitan's answer for a number (its
active customers and their service locations) is kept for a short time (default 5 minutes), so those
lookups cost no request. What is kept only spares reading: verification still compares what the customer
wrote with the account, and the booking guards (capacity, open jobs) still ask ServiceTitan afresh.

Kept: accounts that matched, never "no account" (the office may create one any minute, and a new caller
must get the new-account path against fresh data). Not trusted from here: the balance, which a payment
changes at once (it is not kept, so an answer served from here has none; the billing tools read it).
Creating an account for a number forgets what was kept for it.

Two kinds: ``AccountCache`` in the process (at most ``max_numbers`` numbers, the least recently used going
first), and ``RedisAccountCache`` for several worker processes, where the turns of one conversation may
land on different workers: an entry there expires by itself, keys are per tenant, and a Redis that cannot
be reached only costs the requests the cache would have spared.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from frontdesk.clock import Clock
from frontdesk.servicetitan.models import Customer, Location

log = logging.getLogger("frontdesk.capabilities")

DEFAULT_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class KeptAccount:
    customer: Customer
    locations: tuple[Location, ...]

    @classmethod
    def of(cls, customer: Customer, locations: list[Location]) -> KeptAccount:
        """What is kept of an account: all but the balance, which a payment may change any minute."""
        return cls(customer.model_copy(update={"balance": None}), tuple(locations))


class Accounts(Protocol):
    async def get(self, phone_digits: str) -> tuple[KeptAccount, ...] | None:
        """The accounts ServiceTitan matched to this number, if read less than the TTL ago."""
        ...

    async def keep(self, phone_digits: str, accounts: list[KeptAccount]) -> None: ...

    async def forget(self, phone_digits: str) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class _Kept:
    accounts: tuple[KeptAccount, ...]
    read_at: datetime


class AccountCache:
    """In the process, on the injected clock."""

    def __init__(self, clock: Clock, ttl: timedelta = DEFAULT_TTL, max_numbers: int = 4096) -> None:
        if max_numbers < 1:
            raise ValueError("max_numbers must be at least 1")
        self._clock = clock
        self._ttl = ttl
        self._max = max_numbers
        self._numbers: OrderedDict[str, _Kept] = OrderedDict()

    async def get(self, phone_digits: str) -> tuple[KeptAccount, ...] | None:
        kept = self._numbers.get(phone_digits)
        if kept is None:
            return None
        age = self._clock.now() - kept.read_at
        if age >= self._ttl or age < timedelta(0):
            del self._numbers[phone_digits]
            return None
        self._numbers.move_to_end(phone_digits)
        return kept.accounts

    async def keep(self, phone_digits: str, accounts: list[KeptAccount]) -> None:
        if not accounts:
            return  # "no account" is never kept
        self._numbers[phone_digits] = _Kept(tuple(accounts), self._clock.now())
        self._numbers.move_to_end(phone_digits)
        while len(self._numbers) > self._max:
            self._numbers.popitem(last=False)

    async def forget(self, phone_digits: str) -> None:
        self._numbers.pop(phone_digits, None)

    async def close(self) -> None:
        """Nothing to release; here so both kinds are used the same way."""

    def __len__(self) -> int:
        return len(self._numbers)


class RedisAccountCache:
    """In Redis, shared by the workers of one tenant; Redis expires an entry after the TTL."""

    def __init__(
        self,
        redis_url: str,
        *,
        tenant: str,
        ttl: timedelta = DEFAULT_TTL,
        prefix: str = "frontdesk:accounts:",
        redis: Redis | None = None,
    ) -> None:
        # a cache only spares requests: a Redis that hangs must not hold a lookup up for long
        self._redis = (
            redis
            if redis is not None
            else Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        )
        self._own_client = redis is None
        self._ttl_ms = int(ttl.total_seconds() * 1000)
        self._prefix = f"{prefix}{tenant}:"

    def _key(self, phone_digits: str) -> str:
        return self._prefix + phone_digits

    async def get(self, phone_digits: str) -> tuple[KeptAccount, ...] | None:
        try:
            raw = await self._redis.get(self._key(phone_digits))
        except RedisError as error:
            log.warning("account cache unavailable, reading ServiceTitan instead: %s", type(error).__name__)
            return None
        if raw is None:
            return None
        try:
            return tuple(
                KeptAccount(
                    Customer.model_validate(item["customer"]),
                    tuple(Location.model_validate(loc) for loc in item["locations"]),
                )
                for item in orjson.loads(raw)
            )
        except (ValueError, KeyError, TypeError):  # written by another version: read ServiceTitan
            return None

    async def keep(self, phone_digits: str, accounts: list[KeptAccount]) -> None:
        if not accounts:
            return
        data = orjson.dumps(
            [
                {
                    "customer": a.customer.model_dump(mode="json", by_alias=True),
                    "locations": [loc.model_dump(mode="json", by_alias=True) for loc in a.locations],
                }
                for a in accounts
            ]
        )
        try:
            await self._redis.set(self._key(phone_digits), data, px=self._ttl_ms)
        except RedisError as error:
            log.warning("account cache unavailable, not kept: %s", type(error).__name__)

    async def forget(self, phone_digits: str) -> None:
        try:
            await self._redis.delete(self._key(phone_digits))
        except RedisError as error:
            # a number kept elsewhere lacks the new account for at most the TTL: the office merges it
            log.warning("account cache unavailable, could not forget a number: %s", type(error).__name__)

    async def close(self) -> None:
        if self._own_client:
            await self._redis.aclose()
