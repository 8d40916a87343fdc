"""Shared setup of the dispatch, settings, accounting, memberships and marketing tests.

These tests run against a sandbox whose generator did not run (``sandbox_app`` below), and insert
exactly the records each test needs through the records builders (``World``), so counts and hours are
known. Import the fixtures into a test module:
``from tests.sandbox.dispatch_fixtures import empty_sandbox_app, lifted_config, world_fixture  # noqa: F401``
(they register as ``sandbox_app``, ``sandbox_config`` and ``world``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from jsonschema import Draft7Validator
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app, records
from frontdesk.sandbox.spec import operations
from frontdesk.sandbox.store import Store
from frontdesk.sandbox.tables import new_id

CHICAGO = ZoneInfo("America/Chicago")
PROBLEM_KEYS = {"type", "title", "status", "traceId", "errors", "data"}
Doc = dict[str, Any]


def local(year: int, month: int, day: int, hour: float = 0) -> datetime:
    """A Chicago wall-clock time as an aware UTC instant."""
    wall = datetime(year, month, day) + timedelta(hours=hour)
    return wall.replace(tzinfo=CHICAGO).astimezone(UTC)


def z(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(name="sandbox_config")
def lifted_config() -> SandboxConfig:
    # several tests make more than 60 calls within a second; rate limits have their own tests
    return SandboxConfig(customers=0, seed=7, rate_limit_per_second=100_000)


@pytest.fixture(name="sandbox_app")
def empty_sandbox_app(sandbox_config: SandboxConfig, clock: FrozenClock) -> Starlette:
    return create_app(sandbox_config, clock=clock, generate=False)


@pytest.fixture(name="world")
def world_fixture(sandbox_app: Starlette, tenant: int, clock: FrozenClock) -> World:
    return World(sandbox_app.state.sandbox.store, tenant, clock)


# --- records ---------------------------------------------------------------------------------------


class World:
    """Inserts records for one tenant, each built by ``frontdesk.sandbox.records``."""

    def __init__(self, store: Store, tenant: int, clock: FrozenClock) -> None:
        self.store = store
        self.tenant = tenant
        self.clock = clock
        self.address = records.address("1 Main St", "Austin", "TX", "78701")

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def add(self, table: str, doc: Doc) -> Doc:
        self.store[table].insert(self.tenant, doc)
        return doc

    def put(self, table: str, doc: Doc) -> Doc:
        return self.store[table].put(self.tenant, doc)

    def get(self, table: str, ident: int) -> Doc:
        doc = self.store[table].get(self.tenant, ident)
        assert doc is not None, f"{table} {ident}"
        return doc

    def _id(self, kind: str) -> int:
        return new_id(self.store, kind)

    # settings
    def business_unit(self, name: str, *, active: bool = True) -> Doc:
        doc = records.business_unit(
            self._id("business_units"),
            name,
            f"{name} LLC",
            "5125550100",
            "bu@example.com",
            self.address,
            self.now,
        )
        doc["active"] = active
        return self.add("business_units", doc)

    def technician(self, name: str, unit: Doc, skills: Sequence[str] = (), *, active: bool = True) -> Doc:
        doc = records.technician(
            self._id("technicians"),
            name,
            business_unit_id=unit["id"],
            skills=list(skills),
            phone="5125550101",
            email=f"{name.split()[0].lower()}@example.com",
            now=self.now,
        )
        doc["active"] = active
        return self.add("technicians", doc)

    # jpm
    def job_type(self, name: str, units: list[Doc], skills: list[str], hours: float) -> Doc:
        doc = records.job_type(
            self._id("job_types"),
            name,
            business_unit_ids=[u["id"] for u in units],
            skills=skills,
            priority="Normal",
            duration_seconds=int(hours * 3600),
            summary=name,
            now=self.now,
        )
        return self.add("job_types", doc)

    def customer(self, name: str = "Dana Customer") -> tuple[Doc, Doc]:
        customer = self.add(
            "customers", records.customer(self._id("customers"), name, self.address, self.now)
        )
        place = records.location(
            self._id("locations"), customer["id"], f"{name} home", self.address, self.now
        )
        return customer, self.add("locations", place)

    def campaign(self, name: str = "Yard signs", *, active: bool = True, phones: Sequence[str] = ()) -> Doc:
        doc = records.campaign(
            self._id("campaigns"), name, {"id": 1, "name": "Print", "active": True}, self.now
        )
        doc["active"] = active
        doc["campaignPhoneNumbers"] = list(phones)
        return self.add("campaigns", doc)

    def job(self, unit: Doc, job_type: Doc | None = None, customer: tuple[Doc, Doc] | None = None) -> Doc:
        owner, place = customer or self.customer()
        number = str(self.store.next_id("job_number", 100_001))
        doc = records.job(
            self._id("jobs"),
            number,
            customer_id=owner["id"],
            location_id=place["id"],
            business_unit_id=unit["id"],
            job_type_id=job_type["id"] if job_type else 0,
            priority="Normal",
            campaign_id=0,
            summary=None,
            now=self.now,
        )
        return self.add("jobs", doc)

    def appointment(
        self,
        job: Doc,
        start: datetime,
        end: datetime,
        *,
        arrival: tuple[datetime, datetime] | None = None,
        status: str = "Scheduled",
    ) -> Doc:
        doc = records.appointment(
            self._id("appointments"),
            str(self.store.next_id("appointment_number")),
            job_id=job["id"],
            customer_id=job["customerId"],
            start=start,
            end=end,
            arrival_start=arrival[0] if arrival else None,
            arrival_end=arrival[1] if arrival else None,
            now=self.now,
            status=status,
        )
        return self.add("appointments", doc)

    # dispatch
    def shift(
        self, technician: Doc, start: datetime, end: datetime, kind: str = "Normal", **changes: Any
    ) -> Doc:
        doc = records.shift(self._id("technician_shifts"), technician["id"], kind, start, end, self.now)
        doc.update(changes)
        return self.add("technician_shifts", doc)

    def day_shift(
        self, technician: Doc, day: tuple[int, int, int], start: float, end: float, kind: str = "Normal"
    ) -> Doc:
        return self.shift(technician, local(*day, start), local(*day, end), kind)

    def assign(self, appointment: Doc, technician: Doc) -> Doc:
        doc = records.assignment(
            self._id("appointment_assignments"),
            technician_id=technician["id"],
            technician_name=technician["name"],
            job_id=appointment["jobId"],
            appointment_id=appointment["id"],
            now=self.now,
        )
        return self.add("appointment_assignments", doc)

    def business_hours(
        self, weekdays: list[tuple[int, int]], saturday: list[tuple[int, int]], sunday: list[tuple[int, int]]
    ) -> Doc:
        return self.add(
            "business_hours", records.business_hours(self._id("business_hours"), weekdays, saturday, sunday)
        )

    # accounting, memberships
    def invoice(
        self,
        job: Doc | None,
        customer: tuple[Doc, Doc],
        *,
        invoiced: datetime,
        amount: str = "100.00",
        paid: str = "0",
        unit: Doc,
        sync_status: str = "Pending",
        active: bool = True,
    ) -> Doc:
        owner, place = customer
        item = records.invoice_item(
            self._id("invoice_items"), "Diagnostic visit", 1, Decimal(amount), "Service", self.now, 1
        )
        doc = records.invoice(
            self._id("invoices"),
            reference=f"INV-{job['jobNumber'] if job else 'CS'}",
            invoice_date=invoiced,
            due_date=invoiced + timedelta(days=30),
            items=[item],
            sales_tax=Decimal("0"),
            paid=Decimal(paid),
            customer_ref={"id": owner["id"], "name": owner["name"]},
            customer_address=owner["address"],
            location_ref={"id": place["id"], "name": place["name"]},
            location_address=place["address"],
            business_unit_ref={"id": unit["id"], "name": unit["name"]},
            job_ref={"id": job["id"], "number": job["jobNumber"], "type": "Service"} if job else None,
            summary=None,
            now=self.now,
        )
        doc["syncStatus"] = sync_status
        doc["active"] = active
        return self.add("invoices", doc)

    def membership(
        self, customer: tuple[Doc, Doc], unit: Doc, *, status: str = "Active", frequency: str = "Monthly"
    ) -> Doc:
        owner, place = customer
        doc = records.membership(
            self._id("memberships"),
            customer_id=owner["id"],
            location_id=place["id"],
            business_unit_id=unit["id"],
            membership_type_id=7,
            status=status,
            start=self.now - timedelta(days=90),
            end=self.now + timedelta(days=275),
            billing_frequency=frequency,
            now=self.now,
        )
        return self.add("memberships", doc)


# --- answers ---------------------------------------------------------------------------------------


def assert_problem(answer: httpx.Response, status: int, field: str | None = None) -> Doc:
    """The answer is a ServiceTitan problem with this status (naming ``field`` among its errors)."""
    assert answer.status_code == status, answer.text
    body: Doc = answer.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    if field is not None:
        assert body["errors"].get(field), body["errors"]
    return body


def assert_conforms(operation_id: str, body: Any) -> None:
    """The body matches the 200 response schema ServiceTitan publishes for the operation."""
    schema = operations()[operation_id].response_schema
    assert schema is not None
    errors = sorted(Draft7Validator(schema).iter_errors(body), key=lambda e: list(map(str, e.path)))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def ids(answer: httpx.Response) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["data"]]
