"""ServiceTitan reference data (job types, business units, campaigns, technicians, reasons), cached.

These change rarely and every booking needs them, so they are read once per TTL (default 10 minutes)
and shared by all conversations; concurrent first reads make one request per list.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from frontdesk.servicetitan.client import ServiceTitanClient
from frontdesk.servicetitan.models import BusinessUnit, Campaign, JobType, Technician

T = TypeVar("T")


@dataclass
class _Entry(Generic[T]):
    value: T
    loaded_at: float


@dataclass
class ReferenceCache:
    client: ServiceTitanClient
    ttl: float = 600.0
    monotonic: Callable[[], float] = time.monotonic
    _entries: dict[str, _Entry[Any]] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def _get(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        entry = self._entries.get(key)
        if entry is not None and self.monotonic() - entry.loaded_at < self.ttl:
            return entry.value  # type: ignore[no-any-return]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and self.monotonic() - entry.loaded_at < self.ttl:
                return entry.value  # type: ignore[no-any-return]
            value = await load()
            self._entries[key] = _Entry(value, self.monotonic())
            return value

    def invalidate(self) -> None:
        self._entries.clear()

    async def job_types(self) -> list[JobType]:
        async def load() -> list[JobType]:
            return [jt async for jt in self.client.jpm.job_types.iterate()]

        return await self._get("job_types", load)

    async def business_units(self) -> list[BusinessUnit]:
        async def load() -> list[BusinessUnit]:
            return [bu async for bu in self.client.settings.business_units.iterate()]

        return await self._get("business_units", load)

    async def campaigns(self) -> list[Campaign]:
        async def load() -> list[Campaign]:
            return [c async for c in self.client.marketing.campaigns.iterate()]

        return await self._get("campaigns", load)

    async def technicians(self) -> list[Technician]:
        async def load() -> list[Technician]:
            return [t async for t in self.client.settings.technicians.iterate()]

        return await self._get("technicians", load)

    async def job_cancel_reasons(self) -> list[Any]:
        async def load() -> list[Any]:
            return [r async for r in self.client.jpm.job_cancel_reasons.iterate()]

        return await self._get("job_cancel_reasons", load)

    # --- lookups by name, as the business profile names things -----------------------------------

    async def job_type_named(self, name: str) -> JobType | None:
        wanted = name.strip().lower()
        return next(
            (jt for jt in await self.job_types() if (jt.name or "").lower() == wanted and jt.active), None
        )

    async def campaign_named(self, name: str) -> Campaign | None:
        wanted = name.strip().lower()
        return next(
            (c for c in await self.campaigns() if (c.name or "").lower() == wanted and c.active), None
        )

    async def technician_name(self, ident: int) -> str | None:
        return next((t.name for t in await self.technicians() if t.id == ident), None)
