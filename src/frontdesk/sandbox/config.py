"""Sandbox configuration: API clients, app keys, limits, data and clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator

from frontdesk.sandbox.faults import FaultPlan

DEMO_TENANT = 1000001
DEMO_CLIENT_ID = "cid.frontdesk-demo"
DEMO_CLIENT_SECRET = "cs1.frontdesk-demo-secret"  # a local sandbox credential, not a ServiceTitan one
DEMO_APP_KEY = "ak1.frontdesk-demo"
LIMITED_CLIENT_ID = "cid.frontdesk-limited"
LIMITED_CLIENT_SECRET = "cs1.frontdesk-limited-secret"
LIMITED_SCOPES = (
    "tn.crm.customers:r",
    "tn.crm.locations:r",
    "tn.jpm.jobs:r",
    "tn.stt.technicians:r",
)


class SandboxClient(BaseModel):
    """An API client as ServiceTitan's developer portal would issue it."""

    client_id: str
    client_secret: str
    tenants: list[int]
    scopes: list[str] | None = Field(default=None, description="granted scopes; None grants every scope")


class SandboxConfig(BaseModel):
    clients: list[SandboxClient] = Field(
        default_factory=lambda: [
            SandboxClient(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, tenants=[DEMO_TENANT]),
            SandboxClient(
                client_id=LIMITED_CLIENT_ID,
                client_secret=LIMITED_CLIENT_SECRET,
                tenants=[DEMO_TENANT],
                scopes=list(LIMITED_SCOPES),
            ),
        ]
    )
    app_keys: list[str] = Field(default_factory=lambda: [DEMO_APP_KEY])
    token_ttl: int = Field(900, ge=1, description="seconds an access token lives")
    token_requests_per_minute: int = Field(60, ge=1, description="token endpoint throttle, per client")
    rate_limit_per_second: int = Field(
        60, ge=1, description="resource calls per (app key, tenant) per second"
    )
    max_body_bytes: int = Field(1_000_000, ge=1024)
    database: str | None = Field(None, description="SQLite file; None keeps everything in memory")
    seed: int = 7
    customers: int = Field(300, ge=0, description="customers the generator makes for an empty database")
    now: datetime | None = Field(None, description="freeze the sandbox clock at this instant")
    time_zone: str = "America/Chicago"
    arrival_window_hours: int = Field(2, ge=1, le=24, description="length of a capacity arrival window")
    faults: FaultPlan = Field(default_factory=FaultPlan)
    control: bool = Field(True, description="serve the /_sandbox control endpoints")

    @field_validator("clients")
    @classmethod
    def _unique_clients(cls, value: list[SandboxClient]) -> list[SandboxClient]:
        ids = [c.client_id for c in value]
        if len(ids) != len(set(ids)):
            raise ValueError("client ids must be unique")
        return value

    @property
    def tenants(self) -> set[int]:
        return {t for c in self.clients for t in c.tenants}

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxConfig:
        data = yaml.safe_load(Path(path).read_text()) or {}
        return cls.model_validate(data)
