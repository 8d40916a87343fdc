"""Shared setup of the JPM tests: reference data of their own, request bodies and problem checks.

The tests insert the records a job needs (business units, job types, campaigns, technicians, reasons,
customers with locations) straight into the sandbox's store, with fresh ids, so they neither depend on
nor collide with the demo data the generator may add. Import the fixtures into a test module:
``from tests.sandbox.jpm_fixtures import jpm_sandbox_config, refs_fixture`` (they register as
``sandbox_config``, which lifts the rate limit, and ``refs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock, iso
from frontdesk.sandbox import SandboxConfig, records
from frontdesk.sandbox.store import Store
from frontdesk.sandbox.tables import new_id

# tomorrow morning after the tests' frozen "now" (2026-03-09T15:00Z)
TOMORROW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
PROBLEM_KEYS = {"type", "title", "status", "traceId", "errors", "data"}


@dataclass(frozen=True)
class Refs:
    """Ids of the reference records one test may use."""

    tenant: int
    business_unit: int
    other_business_unit: int
    inactive_business_unit: int
    job_types: tuple[int, int, int]  # durations 1 h, 2 h, 4 h; priorities Normal, High, Urgent
    inactive_job_type: int
    campaign: int
    technicians: tuple[int, int]
    inactive_technician: int
    cancel_reason: int
    inactive_cancel_reason: int
    hold_reason: int
    customer: int
    location: int
    other_customer: int
    other_location: int

    @property
    def job_type(self) -> int:
        return self.job_types[0]


def install(store: Store, tenant: int, now: datetime) -> Refs:
    """Insert the reference records and answer their ids."""
    address = records.address("1 Main St", "Austin", "TX", "78701")

    def add(table: str, doc: dict[str, Any]) -> int:
        store[table].insert(tenant, doc)
        return int(doc["id"])

    def unit(name: str, active: bool = True) -> int:
        doc = records.business_unit(
            new_id(store, "business_units"), name, f"{name} LLC", "5125550100", "bu@example.com", address, now
        )
        doc["active"] = active
        return add("business_units", doc)

    business_unit = unit("HVAC Service")
    other_unit = unit("Plumbing Service")
    inactive_unit = unit("Closed Branch", active=False)

    def job_type(name: str, hours: int, priority: str, active: bool = True) -> int:
        doc = records.job_type(
            new_id(store, "job_types"),
            name,
            business_unit_ids=[business_unit],
            skills=["HVAC"],
            priority=priority,
            duration_seconds=hours * 3600,
            summary=f"{name} summary",
            now=now,
        )
        doc["active"] = active
        return add("job_types", doc)

    job_types = (
        job_type("Tune-up Zeta", 1, "Normal"),
        job_type("Repair Zeta", 2, "High"),
        job_type("Install Zeta", 4, "Urgent"),
    )
    inactive_job_type = job_type("Retired Zeta", 1, "Low", active=False)
    campaign = add("campaigns", records.campaign(new_id(store, "campaigns"), "Test campaign", None, now))
    technicians = tuple(
        add(
            "technicians",
            records.technician(
                new_id(store, "technicians"),
                name,
                business_unit_id=business_unit,
                skills=["HVAC"],
                phone="5125550101",
                email="tech@example.com",
                now=now,
            ),
        )
        for name in ("Ada Wrench", "Ben Gauge", "Cy Retired")
    )
    retired = store["technicians"].get(tenant, technicians[2])
    store["technicians"].put(tenant, {**retired, "active": False})
    cancel_reason = add(
        "job_cancel_reasons", records.reason(new_id(store, "job_cancel_reasons"), "Customer", now)
    )
    old_reason = records.reason(new_id(store, "job_cancel_reasons"), "Old reason", now)
    old_reason["active"] = False
    inactive_cancel_reason = add("job_cancel_reasons", old_reason)
    hold_reason = add("job_hold_reasons", records.reason(new_id(store, "job_hold_reasons"), "Parts", now))

    def customer(name: str) -> tuple[int, int]:
        ident = add("customers", records.customer(new_id(store, "customers"), name, address, now))
        place = add(
            "locations", records.location(new_id(store, "locations"), ident, f"{name} home", address, now)
        )
        return ident, place

    first, second = customer("Zeta Testcustomer"), customer("Yotta Othercustomer")
    return Refs(
        tenant,
        business_unit,
        other_unit,
        inactive_unit,
        job_types,
        inactive_job_type,
        campaign,
        (technicians[0], technicians[1]),
        technicians[2],
        cancel_reason,
        inactive_cancel_reason,
        hold_reason,
        first[0],
        first[1],
        second[0],
        second[1],
    )


@pytest.fixture(name="sandbox_config")
def jpm_sandbox_config() -> SandboxConfig:
    # a test may make more than 60 calls within a second, and move the clock past a token's 15 minutes:
    # lift both limits, which other tests cover
    return SandboxConfig(customers=5, seed=7, rate_limit_per_second=100_000, token_ttl=7 * 86_400)


@pytest.fixture(name="refs")
def refs_fixture(sandbox_app: Starlette, tenant: int, clock: FrozenClock) -> Refs:
    return install(sandbox_app.state.sandbox.store, tenant, clock.now())


# --- requests --------------------------------------------------------------------------------------


def jpm(tenant: int, resource: str) -> str:
    return f"/jpm/v2/tenant/{tenant}/{resource}"


def at(hours: float, base: datetime = TOMORROW) -> str:
    return iso(base + timedelta(hours=hours))


def appointment_body(start: float = 0, hours: float = 2, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"start": at(start), "end": at(start + hours)}
    body.update(changes)
    return body


def job_body(refs: Refs, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerId": refs.customer,
        "locationId": refs.location,
        "businessUnitId": refs.business_unit,
        "jobTypeId": refs.job_type,
        "priority": "Normal",
        "campaignId": refs.campaign,
        "appointments": [appointment_body()],
        "summary": "<p>No cooling upstairs</p>",
    }
    body.update(changes)
    return body


async def create_job(st: httpx.AsyncClient, refs: Refs, **changes: Any) -> dict[str, Any]:
    answer = await st.post(jpm(refs.tenant, "jobs"), json=job_body(refs, **changes))
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


async def get_job(st: httpx.AsyncClient, refs: Refs, job_id: int) -> dict[str, Any]:
    answer = await st.get(jpm(refs.tenant, f"jobs/{job_id}"))
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


async def job_appointments(st: httpx.AsyncClient, refs: Refs, job_id: int) -> list[dict[str, Any]]:
    answer = await st.get(jpm(refs.tenant, "appointments"), params={"jobId": job_id, "sort": "+Id"})
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


async def list_ids(st: httpx.AsyncClient, refs: Refs, resource: str, **params: Any) -> list[int]:
    answer = await st.get(jpm(refs.tenant, resource), params={"pageSize": 5000, **params})
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["data"]]


# --- answers ---------------------------------------------------------------------------------------


def assert_problem(answer: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The answer is a ServiceTitan problem with this status (naming ``field`` among its errors)."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    if field is not None:
        assert field in body["errors"], body["errors"]
        assert body["errors"][field], body["errors"]
    return body
