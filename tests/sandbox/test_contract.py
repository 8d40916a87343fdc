"""Contract: every implemented operation answers in the shape ServiceTitan publishes.

One realistic walk through every operation on seeded data (read, create, update, act), validating each
200 answer against the operation's response schema in ServiceTitan's own OpenAPI documents (the vendored
subset in src/frontdesk/sandbox/openapi/, see its README for the origin). The walk must reach every
registered operation, so a new route cannot land without a contract check.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator

from frontdesk.clock import FrozenClock, iso
from frontdesk.sandbox import SandboxConfig
from frontdesk.sandbox.registry import REGISTRY
from frontdesk.sandbox.spec import operations


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    # the walk makes more than 60 calls in a second; the rate limit has tests of its own
    return SandboxConfig(customers=40, rate_limit_per_second=10**6)


class Contract:
    """Calls operations by id and validates their answers against the published schema."""

    def __init__(self, client: httpx.AsyncClient, tenant: int) -> None:
        self.client = client
        self.tenant = tenant
        self.covered: set[str] = set()
        self.failures: list[str] = []

    async def call(
        self,
        operation_id: str,
        path: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        op = operations()[operation_id]
        target = op.url_path.replace("{tenant}", str(self.tenant))
        for name, value in (path or {}).items():
            target = target.replace("{" + name + "}", str(value))
        answer = await self.client.request(op.method, target, params=params, json=body)
        assert answer.status_code == 200, f"{operation_id}: {answer.status_code} {answer.text[:500]}"
        data = answer.json() if answer.content else None
        if op.response_schema is not None:
            validator = Draft7Validator(op.response_schema)
            for error in validator.iter_errors(data):
                where = "/".join(map(str, error.absolute_path))
                self.failures.append(f"{operation_id} at {where or '(root)'}: {error.message[:300]}")
        self.covered.add(operation_id)
        return data

    async def first(self, operation_id: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        page = await self.call(operation_id, params={"pageSize": 3, **(params or {})})
        assert page["data"], f"{operation_id} returned no rows to continue the walk with"
        return dict(page["data"][0])


async def test_every_operation_answers_in_the_published_shape(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    c = Contract(st, tenant)
    now = clock.now()

    # reference data
    bu = await c.first("BusinessUnits_GetList")
    await c.call("BusinessUnits_Get", {"id": bu["id"]})
    tech = await c.first("Technicians_GetList")
    await c.call("Technicians_Get", {"id": tech["id"]})
    job_type = await c.first("JobTypes_GetList")
    await c.call("JobTypes_Get", {"id": job_type["id"]})
    campaign = await c.first("Campaigns_GetList")
    await c.call("Campaigns_Get", {"id": campaign["id"]})
    cancel_reason = await c.first("JobCancelReasons_GetList")
    hold_reason = await c.first("JobHoldReasons_Get")
    shift = await c.first("TechnicianShifts_GetList")
    await c.call("TechnicianShifts_Get", {"id": shift["id"]})
    await c.call("BusinessHour_GetList")

    # existing customers and their history
    customer = await c.first("Customers_GetList")
    await c.call("Customers_Get", {"id": customer["id"]})
    await c.call("Customers_GetContactList", {"id": customer["id"]})
    await c.call("Customers_GetModifiedContactsList", params={"customerIds": str(customer["id"])})
    location = await c.first("Locations_GetList", {"customerId": customer["id"]})
    await c.call("Locations_Get", {"id": location["id"]})
    await c.call("Locations_GetContactList", {"id": location["id"]})
    await c.call("Locations_GetLocationsContactsList", params={"locationIds": str(location["id"])})
    past_job = await c.first("Jobs_GetList", {"customerId": customer["id"]})
    await c.call("Jobs_Get", {"id": past_job["id"]})
    appointment = await c.first("Appointments_GetList", {"jobId": past_job["id"]})
    await c.call("Appointments_Get", {"id": appointment["id"]})
    await c.first("AppointmentAssignments_GetList")
    await c.first("Invoices_GetList")
    membership = await c.first("CustomerMemberships_GetList")
    await c.call("CustomerMemberships_Get", {"id": membership["id"]})
    for export in ("ExportCustomers_GetCustomers", "ExportLocations_Locations", "Export_Jobs",
                   "Export_Appointments", "Export_Invoices"):  # fmt: skip
        await c.call(export)

    # a new customer books a job
    address = {
        "street": "456 Oak Street",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "USA",
    }
    created = await c.call(
        "Customers_Create",
        body={
            "name": "Contract Test Customer",
            "address": address,
            "locations": [{"name": "Home", "address": address}],
            "contacts": [
                {"type": "MobilePhone", "value": "2175550199"},
                {"type": "Email", "value": "ct@example.com"},
            ],
        },
    )
    await c.call("Customers_Update", {"id": created["id"]}, body={"doNotMail": True})
    await c.call(
        "Customers_CreateContact", {"id": created["id"]}, body={"type": "Phone", "value": "2175550198"}
    )
    home = await c.call(
        "Locations_Create",
        body={"customerId": created["id"], "name": "Rental", "address": {**address, "street": "9 Elm"}},
    )
    await c.call("Locations_Update", {"id": home["id"]}, body={"name": "Rental unit"})
    await c.call("Locations_CreateContact", {"id": home["id"]}, body={"type": "Phone", "value": "2175550197"})

    start = (now + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    window = {"startsOnOrAfter": iso(start - timedelta(hours=7)), "endsOnOrBefore": iso(start + timedelta(days=2)),
              "skillBasedAvailability": True, "jobTypeId": job_type["id"]}  # fmt: skip
    await c.call("Capacity_GetList", body=window)
    job = await c.call(
        "Jobs_Create",
        body={
            "customerId": created["id"],
            "locationId": created["locations"][0]["id"],
            "businessUnitId": job_type["businessUnitIds"][0],
            "jobTypeId": job_type["id"],
            "priority": "Normal",
            "campaignId": campaign["id"],
            "summary": "Contract walk",
            "appointments": [
                {
                    "start": iso(start),
                    "end": iso(start + timedelta(hours=2)),
                    "arrivalWindowStart": iso(start),
                    "arrivalWindowEnd": iso(start + timedelta(hours=2)),
                }
            ],
        },
    )
    await c.call("Jobs_Update", {"id": job["id"]}, body={"summary": "Contract walk, updated"})
    await c.call("Jobs_CreateNote", {"id": job["id"]}, body={"text": "Gate code 1234", "pinToTop": True})
    await c.call("Jobs_GetNotes", {"id": job["id"]})
    first = job["firstAppointmentId"]
    await c.call(
        "AppointmentAssignments_AssignTechnicians",
        body={"jobAppointmentId": first, "technicianIds": [tech["id"]]},
    )
    later = start + timedelta(days=1)
    await c.call(
        "Appointments_Reschedule",
        {"id": first},
        body={"start": iso(later), "end": iso(later + timedelta(hours=2))},
    )
    second = await c.call(
        "Appointments_Add",
        body={
            "jobId": job["id"],
            "start": iso(later + timedelta(days=1)),
            "end": iso(later + timedelta(days=1, hours=1)),
        },
    )
    await c.call(
        "Appointments_Hold", {"id": second["id"]}, body={"reasonId": hold_reason["id"], "memo": "parts"}
    )
    await c.call("Appointments_RemoveHold", {"id": second["id"]})
    await c.call("Appointments_Delete", {"id": second["id"]})

    # technician tracking needs a dispatched visit today
    store = st._transport.app.state.sandbox.store  # type: ignore[attr-defined]
    today = (now + timedelta(minutes=30)).replace(microsecond=0)
    await c.call(
        "Appointments_Reschedule",
        {"id": first},
        body={"start": iso(today), "end": iso(today + timedelta(hours=1))},
    )
    stored = store["appointments"].get(tenant, first)
    store["appointments"].put(tenant, {**stored, "status": "Dispatched"})
    await c.call("TechnicianTracking_Get", params={"technicianId": tech["id"], "appointmentId": first})
    await c.call(
        "AppointmentAssignments_UnassignTechnicians",
        body={"jobAppointmentId": first, "technicianIds": [tech["id"]]},
    )

    # job actions
    await c.call("Jobs_Hold", {"id": job["id"]}, body={"reasonId": hold_reason["id"], "memo": "waiting"})
    await c.call(
        "Jobs_Cancel", {"id": job["id"]}, body={"reasonId": cancel_reason["id"], "memo": "changed plans"}
    )
    await c.call("Jobs_RemoveCancellation", {"id": job["id"]})
    await c.call("Jobs_Complete", {"id": job["id"]}, body={"completedOn": iso(now)})

    # a booking for a person to review
    booking = await c.call(
        "Bookings_Create",
        {"booking_provider": 77},
        body={
            "source": "Frontdesk",
            "name": "Jane Doe",
            "summary": "Wants a quote",
            "isFirstTimeClient": True,
            "externalId": "conv-1",
        },
    )
    await c.call("Bookings_GetForProvider", {"booking_provider": 77, "id": booking["id"]})
    await c.call("Bookings_GetList2", {"booking_provider": 77})

    assert not c.failures, "answers that break the published schema:\n" + "\n".join(c.failures)
    assert set(REGISTRY.routes) <= c.covered, (
        f"operations without a contract check: {set(REGISTRY.routes) - c.covered}"
    )


def test_every_vendored_operation_is_implemented() -> None:
    assert set(operations()) == set(REGISTRY.routes)
