"""ServiceTitan dispatch v2 routes: capacity, technician shifts, appointment assignments, tracking, hours."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.clock import iso, parse_instant
from frontdesk.sandbox import capacity
from frontdesk.sandbox.listing import common_filters, order_by, page_of, parse_ids
from frontdesk.sandbox.problems import Problem, conflict, not_found, validation
from frontdesk.sandbox.records import assignment, public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where, to_us
from frontdesk.sandbox.tables import new_id

# Dispatch.V2.AppointmentResponse: what assign/unassign answer (a subset of the JPM appointment)
_APPOINTMENT_FIELDS = (
    "id",
    "jobId",
    "appointmentNumber",
    "start",
    "end",
    "arrivalWindowStart",
    "arrivalWindowEnd",
    "status",
    "specialInstructions",
    "createdOn",
    "modifiedOn",
)
_ASSIGNMENT_STATUSES = frozenset({"Scheduled", "Dispatched", "Working", "Done"})
_TRACKED_STATUSES = frozenset({"Dispatched", "Working"})
_MAX_APPOINTMENT_IDS = 1000  # undocumented; high enough for any real page of appointments
TRACKING_BASE = "https://track.sandbox.local/t/"


# --- capacity ---------------------------------------------------------------------------------------


@route("Capacity_GetList", scope="tn.dis.capacity:w")
def get_capacity(ctx: Ctx) -> Any:
    body = ctx.body
    starts = parse_instant(body["startsOnOrAfter"])
    ends = parse_instant(body["endsOnOrBefore"])
    if ends <= starts:
        raise validation("EndsOnOrBefore", "EndsOnOrBefore must be later than StartsOnOrAfter.")
    if ends - starts > capacity.MAX_RANGE:
        raise validation("EndsOnOrBefore", "The time frame can span at most 31 days.")
    units = body.get("businessUnitIds")
    if units:
        known = set(ctx.table("business_units").ids(ctx.tenant))
        missing = sorted(set(units) - known)
        if missing:
            listed = ", ".join(str(u) for u in missing[:10])
            raise validation("BusinessUnitIds", f"Business units not found: {listed}.")
    job_type_id = body.get("jobTypeId")
    if job_type_id is not None and ctx.table("job_types").get(ctx.tenant, job_type_id) is None:
        raise validation("JobTypeId", f"Job type {job_type_id} not found.")
    request = capacity.CapacityRequest(
        starts=starts,
        ends=ends,
        business_unit_ids=tuple(units) if units else None,
        job_type_id=job_type_id,
        skill_based=bool(body["skillBasedAvailability"]),
    )
    config = ctx.sandbox.config
    return capacity.answer(
        ctx.store,
        ctx.tenant,
        request,
        time_zone=config.time_zone,
        now=ctx.now,
        window_hours=config.arrival_window_hours,
    )


@route("BusinessHour_GetList", scope="tn.dis.businesshours:r")
def get_business_hours(ctx: Ctx) -> Any:
    return capacity.business_hours(ctx.store, ctx.tenant)


# --- technician shifts --------------------------------------------------------------------------------


@route("TechnicianShifts_GetList", scope="tn.dis.technicianshifts:r")
def list_shifts(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "startsOnOrAfter" in q:
        where.gte("start", to_us(q["startsOnOrAfter"]))
    if "endsOnOrBefore" in q:
        where.lte("end_", to_us(q["endsOnOrBefore"]))
    if "shiftType" in q:
        where.add("json_extract(doc, '$.shiftType') = ?", q["shiftType"])
    if "technicianId" in q:
        where.eq("technician_id", q["technicianId"])
    if "titleContains" in q:
        where.doc_contains("title", q["titleContains"])
    if "noteContains" in q:
        where.doc_contains("note", q["noteContains"])
    return page_of(ctx, ctx.table("technician_shifts"), where, order_by(ctx), shape=public)


@route("TechnicianShifts_Get", scope="tn.dis.technicianshifts:r")
def get_shift(ctx: Ctx) -> Any:
    doc = ctx.table("technician_shifts").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Technician shift", ctx.id)
    return public(doc)


# --- appointment assignments ----------------------------------------------------------------------


@route("AppointmentAssignments_GetList", scope="tn.dis.appointmentassignments:r")
def list_assignments(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "appointmentIds" in q:
        ids = parse_ids(q["appointmentIds"], "appointmentIds", _MAX_APPOINTMENT_IDS)
        where.any_of("appointment_id", ids)
    if "jobId" in q:
        where.eq("job_id", q["jobId"])
    return page_of(ctx, ctx.table("appointment_assignments"), where, order_by(ctx), shape=public)


def _open_appointment(ctx: Ctx, ident: int) -> Doc:
    doc = ctx.table("appointments").get(ctx.tenant, ident)
    if doc is None or not doc.get("active", True):
        raise not_found("Appointment", ident)
    return doc


def _technicians(ctx: Ctx, ids: list[int]) -> dict[int, Doc]:
    """The named technicians in request order, or a 400 naming the unknown ones."""
    if not ids:
        raise validation("TechnicianIds", "At least one technician id is required.")
    wanted = list(dict.fromkeys(ids))
    found = {t["id"]: t for t in ctx.table("technicians").select(ctx.tenant, Where().any_of("id", wanted))}
    missing = [i for i in wanted if i not in found or not found[i].get("active", True)]
    if missing:
        listed = ", ".join(str(i) for i in missing[:10])
        raise validation("TechnicianIds", f"Technicians not found: {listed}.")
    return {i: found[i] for i in wanted}


def _active_assignments(ctx: Ctx, appointment_id: int) -> list[Doc]:
    return ctx.table("appointment_assignments").select(
        ctx.tenant, Where().eq("appointment_id", appointment_id).eq("active", 1)
    )


def _touch(ctx: Ctx, appointment: Doc) -> None:
    appointment["modifiedOn"] = iso(ctx.now)
    ctx.table("appointments").put(ctx.tenant, appointment)


def _appointment_answer(doc: Doc) -> Doc:
    return {key: doc.get(key) for key in _APPOINTMENT_FIELDS}


@route("AppointmentAssignments_AssignTechnicians", scope="tn.dis.appointmentassignments:w")
def assign_technicians(ctx: Ctx) -> Any:
    appointment = _open_appointment(ctx, ctx.body["jobAppointmentId"])
    technicians = _technicians(ctx, ctx.body["technicianIds"])
    if appointment.get("status") in ("Canceled", "Done"):
        raise conflict(f"Technicians cannot be assigned to a {appointment['status'].lower()} appointment.")
    already = {a["technicianId"] for a in _active_assignments(ctx, appointment["id"])}
    status = appointment.get("status") if appointment.get("status") in _ASSIGNMENT_STATUSES else "Scheduled"
    added = [t for i, t in technicians.items() if i not in already]
    if added:
        table = ctx.table("appointment_assignments")
        with ctx.store.transaction():
            for tech in added:
                table.insert(
                    ctx.tenant,
                    assignment(
                        new_id(ctx.store, "appointment_assignments"),
                        technician_id=tech["id"],
                        technician_name=tech["name"],
                        job_id=appointment["jobId"],
                        appointment_id=appointment["id"],
                        now=ctx.now,
                        status=str(status),
                    ),
                )
            _touch(ctx, appointment)
    return _appointment_answer(appointment)


@route("AppointmentAssignments_UnassignTechnicians", scope="tn.dis.appointmentassignments:w")
def unassign_technicians(ctx: Ctx) -> Any:
    appointment = _open_appointment(ctx, ctx.body["jobAppointmentId"])
    technicians = _technicians(ctx, ctx.body["technicianIds"])
    removed = [a for a in _active_assignments(ctx, appointment["id"]) if a["technicianId"] in technicians]
    if removed:
        table = ctx.table("appointment_assignments")
        stamp = iso(ctx.now)
        with ctx.store.transaction():
            for row in removed:
                table.put(ctx.tenant, {**row, "active": False, "modifiedOn": stamp})
            _touch(ctx, appointment)
    return _appointment_answer(appointment)


# --- technician tracking --------------------------------------------------------------------------


def _no_tracking(reason: str) -> Problem:
    return Problem(
        404, title="No active tracking for this technician and appointment.", errors={"": [reason]}
    )


@route("TechnicianTracking_Get", scope="tn.dis.techniciantracking:r")
def get_tracking(ctx: Ctx) -> Any:
    technician_id, appointment_id = ctx.query["technicianId"], ctx.query["appointmentId"]
    appointment = ctx.table("appointments").get(ctx.tenant, appointment_id)
    if appointment is None or not appointment.get("active", True):
        raise _no_tracking(f"Appointment {appointment_id} not found.")
    assigned = ctx.table("appointment_assignments").count(
        ctx.tenant,
        Where().eq("appointment_id", appointment_id).eq("technician_id", technician_id).eq("active", 1),
    )
    if not assigned:
        raise _no_tracking(f"Technician {technician_id} is not assigned to appointment {appointment_id}.")
    zone = ZoneInfo(ctx.sandbox.config.time_zone)
    today = ctx.now.astimezone(zone).date()
    if parse_instant(appointment["start"]).astimezone(zone).date() != today:
        raise _no_tracking(f"Appointment {appointment_id} is not today.")
    if appointment.get("status") not in _TRACKED_STATUSES:
        raise _no_tracking(
            f"Appointment {appointment_id} is {appointment.get('status')}, not Dispatched or Working."
        )
    return {"technicianTrackingUrl": TRACKING_BASE + _tracking_token(ctx, technician_id, appointment_id)}


def _tracking_token(ctx: Ctx, technician_id: int, appointment_id: int) -> str:
    # deterministic, so a replayed conversation sees the same link, yet not guessable from the ids alone
    seed = f"{ctx.sandbox.config.seed}:{ctx.tenant}:{technician_id}:{appointment_id}"
    digest = hashlib.sha256(seed.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
