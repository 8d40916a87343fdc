"""Appointments: list, get, add to a job, reschedule, hold and release, delete (there is no cancel)."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox.api.jpm import lifecycle
from frontdesk.sandbox.api.jpm.common import (
    APPOINTMENTS,
    ASSIGNMENTS,
    FieldErrors,
    add_appointment,
    appointment_view,
    check_reason,
    check_technicians,
    check_window,
    instant,
    load_appointment,
    load_job,
)
from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.problems import validation
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where, to_us


@route("Appointments_GetList", scope="tn.jpm.appointments:r")
def list_appointments(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    for name, column in (("jobId", "job_id"), ("customerId", "customer_id"), ("status", "status")):
        if name in q:
            where.eq(column, q[name])
    if "number" in q:
        where.add("json_extract(doc, '$.appointmentNumber') = ?", q["number"])
    if "startsOnOrAfter" in q:
        where.gte("start", to_us(q["startsOnOrAfter"]))
    if "startsBefore" in q:
        where.lt("start", to_us(q["startsBefore"]))
    if "unused" in q:
        where.add("json_extract(doc, '$.unused') = ?", 1 if q["unused"] else 0)
    if "projectId" in q:
        where.add(
            "job_id IN (SELECT id FROM jobs WHERE tenant = ? AND json_extract(doc, '$.projectId') = ?)",
            ctx.tenant,
            q["projectId"],
        )
    if "technicianId" in q:
        where.add(
            "id IN (SELECT appointment_id FROM appointment_assignments WHERE tenant = ? AND active = 1 "
            "AND technician_id = ?)",
            ctx.tenant,
            q["technicianId"],
        )
    return page_of(ctx, ctx.table(APPOINTMENTS), where, order_by(ctx), shape=appointment_view)


@route("Appointments_Get", scope="tn.jpm.appointments:r")
def get_appointment(ctx: Ctx) -> Any:
    return appointment_view(load_appointment(ctx, ctx.id))


@route("Appointments_Add", scope="tn.jpm.appointments:w")
def add(ctx: Ctx) -> Any:
    body = ctx.body
    job = ctx.table("jobs").get(ctx.tenant, body["jobId"])
    if job is None:
        raise validation("JobId", f"Job {body['jobId']} does not exist.")
    errors = FieldErrors()
    check_window(
        errors, "", body["start"], body["end"], body.get("arrivalWindowStart"), body.get("arrivalWindowEnd")
    )
    crew = check_technicians(ctx, errors, "TechnicianIds", body.get("technicianIds"))
    errors.raise_any()
    lifecycle.require_job_open(job)
    now = iso(ctx.now)
    with ctx.store.transaction():
        doc = add_appointment(ctx, job, body, crew)
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now)
    return appointment_view(doc)


@route("Appointments_Reschedule", scope="tn.jpm.appointments:w")
def reschedule(ctx: Ctx) -> Any:
    doc = load_appointment(ctx, ctx.id)
    body = ctx.body or {}
    merged: dict[str, Any] = {
        key: body.get(key, doc[key]) for key in ("start", "end", "arrivalWindowStart", "arrivalWindowEnd")
    }
    errors = FieldErrors()
    check_window(
        errors, "", merged["start"], merged["end"], merged["arrivalWindowStart"], merged["arrivalWindowEnd"]
    )
    errors.raise_any()
    lifecycle.require_appointment_open(doc, "rescheduled")
    now = iso(ctx.now)
    changed = False
    for key, value in merged.items():
        value = iso(instant(value)) if value else None
        if doc[key] != value:
            doc[key] = value
            changed = True
    if changed:
        doc["modifiedOn"] = now
        with ctx.store.transaction():
            ctx.table(APPOINTMENTS).put(ctx.tenant, doc)
            lifecycle.sync_job(ctx.store, ctx.tenant, load_job(ctx, doc["jobId"]), now)
    return appointment_view(doc)


def _set_status(ctx: Ctx, doc: Doc, status: str, **extra: Any) -> None:
    now = iso(ctx.now)
    doc.update(extra, status=status, modifiedOn=now)
    with ctx.store.transaction():
        ctx.table(APPOINTMENTS).put(ctx.tenant, doc)
        lifecycle.sync_job(ctx.store, ctx.tenant, load_job(ctx, doc["jobId"]), now)


@route("Appointments_Hold", scope="tn.jpm.appointments:w")
def hold(ctx: Ctx) -> Any:
    doc = load_appointment(ctx, ctx.id)
    check_reason(ctx, "job_hold_reasons", ctx.body["reasonId"], "Job hold reason")
    lifecycle.require_appointment_can_hold(doc)
    _set_status(ctx, doc, "Hold", _holdReasonId=ctx.body["reasonId"], _holdMemo=ctx.body["memo"])
    return None


@route("Appointments_RemoveHold", scope="tn.jpm.appointments:w")
def remove_hold(ctx: Ctx) -> Any:
    doc = load_appointment(ctx, ctx.id)
    lifecycle.require_appointment_on_hold(doc)
    _set_status(ctx, doc, "Scheduled", _holdReasonId=None, _holdMemo=None)
    return None


@route("Appointments_Delete", scope="tn.jpm.appointments:w")
def delete(ctx: Ctx) -> Any:
    doc = load_appointment(ctx, ctx.id)
    job = load_job(ctx, doc["jobId"])
    others = [a for a in lifecycle.job_appointments(ctx.store, ctx.tenant, job["id"]) if a["id"] != doc["id"]]
    lifecycle.require_appointment_deletable(doc, len(others))
    now = iso(ctx.now)
    # kept as an inactive row: export feeds report the deletion, every other read answers 404
    doc.update(active=False, modifiedOn=now)
    with ctx.store.transaction():
        ctx.table(APPOINTMENTS).put(ctx.tenant, doc)
        assignments = ctx.table(ASSIGNMENTS)
        for assignment in assignments.select(
            ctx.tenant, Where().eq("appointment_id", doc["id"]).eq("active", 1)
        ):
            assignment.update(active=False, modifiedOn=now)
            assignments.put(ctx.tenant, assignment)
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now)
    return None
