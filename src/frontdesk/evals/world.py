"""A fresh sandbox per task run: the data the receptionist works on, its snapshots and their hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.sandbox.faults import FaultPlan
from frontdesk.sandbox.store import Where
from frontdesk.servicetitan import ServiceTitanSettings

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday morning in Springfield, the guide's week before
WATCHED = ("customers", "locations", "contacts", "jobs", "appointments", "job_notes", "bookings")

Snapshot = dict[str, dict[int, dict[str, Any]]]


@dataclass
class World:
    """One sandbox on a frozen clock, reachable in-process."""

    app: Starlette
    clock: FrozenClock

    @classmethod
    def create(cls, customers: int = 40, seed: int = 7, faults: FaultPlan | None = None) -> World:
        clock = FrozenClock(NOW)
        config = SandboxConfig(
            customers=customers, seed=seed, rate_limit_per_second=10**6, faults=faults or FaultPlan()
        )
        return cls(create_app(config, clock=clock), clock)

    @property
    def sandbox(self) -> Sandbox:
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return list(self.sandbox.store[table].select(DEMO_TENANT, Where()))

    def snapshot(self) -> Snapshot:
        return {table: {int(row["id"]): row for row in self.rows(table)} for table in WATCHED}

    def calls(self) -> dict[str, int]:
        """ServiceTitan operations served so far, by operation id."""
        return dict(self.sandbox.stats)


def state_hash(snapshot: Snapshot) -> str:
    """A short digest of the watched tables; equal data gives the same hash on every replay."""
    text = json.dumps(
        {t: [rows[k] for k in sorted(rows)] for t, rows in sorted(snapshot.items())},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def connection() -> ServiceTitanSettings:
    """Settings for the sandbox's demo client (local credentials, not ServiceTitan's)."""
    return ServiceTitanSettings(
        _env_file=None,
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        app_key=DEMO_APP_KEY,
        environment="sandbox",
        api_url="http://sandbox",
    )
