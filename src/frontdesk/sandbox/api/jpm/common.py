"""What the JPM routes share: loading records (404), their public views, field checks and scheduling."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from frontdesk.clock import iso, parse_instant
from frontdesk.sandbox import records
from frontdesk.sandbox.problems import Problem, not_found, validation
from frontdesk.sandbox.registry import Ctx
from frontdesk.sandbox.store import Doc, Where
from frontdesk.sandbox.tables import new_id

JOBS = "jobs"
APPOINTMENTS = "appointments"
ASSIGNMENTS = "appointment_assignments"
NOTES = "job_notes"
PRIORITIES = ("Low", "Normal", "High", "Urgent")


class FieldErrors:
    """Collects ServiceTitan-style field errors, so one 400 reports every problem of a request."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise Problem(400, errors=self.errors)


# --- loading and views -----------------------------------------------------------------------------


def load_job(ctx: Ctx, ident: int) -> Doc:
    doc = ctx.table(JOBS).get(ctx.tenant, ident)
    if doc is None:
        raise not_found("Job", ident)
    return doc


def load_appointment(ctx: Ctx, ident: int) -> Doc:
    doc = ctx.table(APPOINTMENTS).get(ctx.tenant, ident)
    # a deleted appointment stays in the export feed as inactive, but is gone for everything else
    if doc is None or not doc.get("active", True):
        raise not_found("Appointment", ident)
    return doc


def normal_guid(value: object) -> str:
    """A GUID in one spelling (lower case, hyphenated), so stored external data is found again."""
    return str(uuid.UUID(str(value)))


def application_guid(ctx: Ctx) -> str | None:
    """The ``externalDataApplicationGuid`` of the request, normalised, or None."""
    raw = ctx.query.get("externalDataApplicationGuid")
    if raw is None:
        return None
    try:
        return normal_guid(raw)
    except ValueError:
        raise validation("externalDataApplicationGuid", "The value is not a valid GUID.") from None


def job_view(doc: Doc, guid: str | None = None) -> Doc:
    """A job as the API returns it: external data only for the application that asked for it."""
    view = records.public(doc)
    view["externalData"] = list((doc.get("_externalData") or {}).get(guid, [])) if guid else []
    return view


def appointment_view(doc: Doc) -> Doc:
    return records.public(doc)


# --- field checks ----------------------------------------------------------------------------------


def instant(value: str) -> datetime:
    """A date-time the schema has already accepted."""
    return parse_instant(value)


def check_window(
    errors: FieldErrors,
    prefix: str,
    start: str,
    end: str,
    arrival_start: str | None,
    arrival_end: str | None,
) -> None:
    """An appointment ends after it starts; an arrival window has both ends, in order."""
    if instant(end) <= instant(start):
        errors.add(f"{prefix}End", "The appointment must end after it starts.")
    if (arrival_start is None) != (arrival_end is None):
        missing = "ArrivalWindowEnd" if arrival_end is None else "ArrivalWindowStart"
        errors.add(f"{prefix}{missing}", "Give both ends of the arrival window, or neither.")
    elif (
        arrival_start is not None
        and arrival_end is not None
        and instant(arrival_end) <= instant(arrival_start)
    ):
        errors.add(f"{prefix}ArrivalWindowEnd", "The arrival window must end after it starts.")


def check_technicians(ctx: Ctx, errors: FieldErrors, field: str, ids: list[int] | None) -> dict[int, Doc]:
    """The technicians named by id (once each); unknown or inactive ones are field errors."""
    found: dict[int, Doc] = {}
    for ident in dict.fromkeys(ids or []):
        doc = ctx.table("technicians").get(ctx.tenant, ident)
        if doc is None or not doc.get("active", True):
            errors.add(field, f"Technician {ident} does not exist or is inactive.")
        else:
            found[ident] = doc
    return found


def check_references(ctx: Ctx, errors: FieldErrors, fields: Mapping[str, Any]) -> None:
    """The records a job points at exist (and, for a location, belong to the job's customer)."""
    customer_id = fields.get("customerId")
    customer = ctx.table("customers").get(ctx.tenant, customer_id) if customer_id is not None else None
    if customer_id is not None and customer is None:
        errors.add("CustomerId", f"Customer {customer_id} does not exist.")
    location_id = fields.get("locationId")
    if location_id is not None:
        location = ctx.table("locations").get(ctx.tenant, location_id)
        if location is None:
            errors.add("LocationId", f"Location {location_id} does not exist.")
        elif customer is not None and location.get("customerId") != customer["id"]:
            errors.add("LocationId", f"Location {location_id} does not belong to customer {customer['id']}.")
    unit_id = fields.get("businessUnitId")
    if unit_id is not None:
        unit = ctx.table("business_units").get(ctx.tenant, unit_id)
        if unit is None or not unit.get("active", True):
            errors.add("BusinessUnitId", f"Business unit {unit_id} does not exist or is inactive.")
    for key, table, label in (
        ("jobTypeId", "job_types", "Job type"),
        ("campaignId", "campaigns", "Campaign"),
    ):
        ident = fields.get(key)
        if ident is not None and ctx.table(table).get(ctx.tenant, ident) is None:
            errors.add(key[:1].upper() + key[1:], f"{label} {ident} does not exist.")
    priority = fields.get("priority")
    if priority is not None and priority not in PRIORITIES:
        errors.add("Priority", f"The priority must be one of: {', '.join(PRIORITIES)}.")


def check_reason(ctx: Ctx, table: str, reason_id: int, what: str) -> Doc:
    doc = ctx.table(table).get(ctx.tenant, reason_id)
    if doc is None:
        raise validation("ReasonId", f"{what} {reason_id} does not exist.")
    return doc


# --- scheduling ------------------------------------------------------------------------------------


def custom_fields(items: list[Doc] | None) -> list[Doc]:
    """Request custom fields ({typeId, value}) as the response shows them ({typeId, name, value})."""
    return [
        {"typeId": item["typeId"], "name": f"Custom field {item['typeId']}", "value": item.get("value") or ""}
        for item in items or []
    ]


def add_appointment(
    ctx: Ctx,
    job: Doc,
    request: Mapping[str, Any],
    technicians: Mapping[int, Doc],
    *,
    status: str = "Scheduled",
) -> Doc:
    """Store one appointment of ``job`` (numbered after the job) and its technician assignments."""
    appointments = ctx.table(APPOINTMENTS)
    ordinal = appointments.count(ctx.tenant, Where().eq("job_id", job["id"])) + 1
    now = iso(ctx.now)
    arrival_start, arrival_end = request.get("arrivalWindowStart"), request.get("arrivalWindowEnd")
    doc = records.appointment(
        new_id(ctx.store, APPOINTMENTS),
        f"{job['jobNumber']}-{ordinal}",
        job_id=job["id"],
        customer_id=job["customerId"],
        start=iso(instant(request["start"])),
        end=iso(instant(request["end"])),
        arrival_start=iso(instant(arrival_start)) if arrival_start else None,
        arrival_end=iso(instant(arrival_end)) if arrival_end else None,
        now=now,
        status=status,
        special_instructions=request.get("specialInstructions"),
    )
    appointments.insert(ctx.tenant, doc)
    for technician in technicians.values():
        ctx.table(ASSIGNMENTS).insert(
            ctx.tenant,
            records.assignment(
                new_id(ctx.store, ASSIGNMENTS),
                technician_id=technician["id"],
                technician_name=technician["name"],
                job_id=job["id"],
                appointment_id=doc["id"],
                now=now,
            ),
        )
    return doc
