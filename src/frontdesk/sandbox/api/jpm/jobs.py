"""Jobs: list (with ServiceTitan's filters), get, create (with its appointments) and update."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox import records
from frontdesk.sandbox.api.jpm import lifecycle
from frontdesk.sandbox.api.jpm.common import (
    JOBS,
    FieldErrors,
    add_appointment,
    application_guid,
    check_references,
    check_technicians,
    check_window,
    custom_fields,
    job_view,
    load_job,
    normal_guid,
)
from frontdesk.sandbox.listing import common_filters, order_by, page_of, parse_ids
from frontdesk.sandbox.problems import validation
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where, to_us
from frontdesk.sandbox.tables import new_id

_PRIORITY_ORDER = (
    "CASE json_extract(doc, '$.priority') WHEN 'Low' THEN 0 WHEN 'Normal' THEN 1 WHEN 'High' THEN 2 "
    "WHEN 'Urgent' THEN 3 ELSE 4 END"
)
# jobs that have an (undeleted) appointment matching a condition on the appointments table
_WITH_APPOINTMENT = "id IN (SELECT job_id FROM appointments WHERE tenant = ? AND active = 1 AND {})"
_DOC_FIELDS = ("projectId", "bookingId", "campaignId", "invoiceId", "soldById", "createdFromEstimateId")


def _appointment_filters(ctx: Ctx, where: Where) -> None:
    q = ctx.query
    if "appointmentStatus" in q:
        where.add(_WITH_APPOINTMENT.format("status = ?"), ctx.tenant, q["appointmentStatus"])
    if "appointmentStartsOnOrAfter" in q:
        where.add(_WITH_APPOINTMENT.format("start >= ?"), ctx.tenant, to_us(q["appointmentStartsOnOrAfter"]))
    if "appointmentStartsBefore" in q:
        where.add(_WITH_APPOINTMENT.format("start < ?"), ctx.tenant, to_us(q["appointmentStartsBefore"]))
    if "hasUnusedAppointments" in q:
        clause = _WITH_APPOINTMENT.format("json_extract(doc, '$.unused') = 1")
        where.add(clause if q["hasUnusedAppointments"] else f"NOT {clause}", ctx.tenant)
    if "technicianId" in q:
        where.add(
            "id IN (SELECT job_id FROM appointment_assignments WHERE tenant = ? AND active = 1 "
            "AND technician_id = ?)",
            ctx.tenant,
            q["technicianId"],
        )


def _array_filter(where: Where, field: str, ids: list[int]) -> None:
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    where.add(f"EXISTS (SELECT 1 FROM json_each(doc, '$.{field}') WHERE value IN ({marks}))", *ids)


def _external_data_filter(ctx: Ctx, where: Where, guid: str | None) -> None:
    key, values = ctx.query.get("externalDataKey"), ctx.query.get("externalDataValues")
    if key is None and values is None:
        return
    if key is None or values is None:
        raise validation("externalDataKey", "Give externalDataKey and externalDataValues together.")
    wanted = [v for v in values.split(",") if v]
    if len(wanted) > 50:
        raise validation("externalDataValues", "No more than 50 values can be requested at once.")
    if guid is None:  # external data is visible only to the application that wrote it
        where.add("0")
        return
    marks = ",".join("?" * len(wanted)) or "NULL"
    where.add(
        "EXISTS (SELECT 1 FROM json_each(doc, ?) e WHERE json_extract(e.value, '$.key') = ? "
        f"AND json_extract(e.value, '$.value') IN ({marks}))",
        f'$._externalData."{guid}"',
        key,
        *wanted,
    )


@route("Jobs_GetList", scope="tn.jpm.jobs:r")
def list_jobs(ctx: Ctx) -> Any:
    q = ctx.query
    guid = application_guid(ctx)
    where = common_filters(ctx)
    for name, column in (("customerId", "customer_id"), ("locationId", "location_id"), ("number", "number")):
        if name in q:
            where.eq(column, q[name])
    if "jobStatus" in q:
        where.eq("status", q["jobStatus"])
    for name in ("businessUnitId", "jobTypeId", *_DOC_FIELDS):
        if name in q:
            where.add(f"json_extract(doc, '$.{name}') = ?", q[name])
    if "priority" in q:
        where.add("lower(json_extract(doc, '$.priority')) = ?", str(q["priority"]).lower())
    for name, column, op in (
        ("firstAppointmentStartsOnOrAfter", "first_start", "gte"),
        ("firstAppointmentStartsBefore", "first_start", "lt"),
        ("completedOnOrAfter", "completed", "gte"),
        ("completedBefore", "completed", "lt"),
    ):
        if name in q:
            getattr(where, op)(column, to_us(q[name]))
    _appointment_filters(ctx, where)
    if "tagTypeIds" in q:
        _array_filter(where, "tagTypeIds", parse_ids(q["tagTypeIds"], "tagTypeIds"))
    if "estimateIds" in q:
        _array_filter(where, "estimateIds", parse_ids(q["estimateIds"], "estimateIds"))
    _external_data_filter(ctx, where, guid)
    order = order_by(ctx, {"Priority": _PRIORITY_ORDER})
    return page_of(ctx, ctx.table(JOBS), where, order, shape=lambda d: job_view(d, guid))


@route("Jobs_Get", scope="tn.jpm.jobs:r")
def get_job(ctx: Ctx) -> Any:
    return job_view(load_job(ctx, ctx.id), application_guid(ctx))


def _guid_of(request: dict[str, Any] | None) -> str | None:
    """The application GUID of a request's ``externalData`` (checked by ``_check_guid``)."""
    return normal_guid(request["applicationGuid"]) if request else None


def _check_guid(errors: FieldErrors, request: dict[str, Any] | None) -> None:
    if request:
        try:
            normal_guid(request["applicationGuid"])
        except ValueError:
            errors.add("ExternalData.ApplicationGuid", "The value is not a valid GUID.")


def _external_data(request: dict[str, Any] | None) -> dict[str, list[Doc]]:
    guid = _guid_of(request)
    if request is None or guid is None:
        return {}
    return {guid: [{"key": e["key"], "value": e["value"]} for e in request.get("externalData") or []]}


@route("Jobs_Create", scope="tn.jpm.jobs:w")
def create_job(ctx: Ctx) -> Any:
    body = ctx.body
    errors = FieldErrors()
    check_references(ctx, errors, body)
    _check_guid(errors, body.get("externalData"))
    appointments = body["appointments"]
    if not appointments:
        errors.add("Appointments", "A job needs at least one appointment.")
    crews = []
    for index, item in enumerate(appointments):
        prefix = f"Appointments[{index}]."
        check_window(
            errors,
            prefix,
            item["start"],
            item["end"],
            item.get("arrivalWindowStart"),
            item.get("arrivalWindowEnd"),
        )
        crews.append(check_technicians(ctx, errors, f"{prefix}TechnicianIds", item.get("technicianIds")))
    errors.raise_any()

    now = iso(ctx.now)
    with ctx.store.transaction():
        job = records.job(
            new_id(ctx.store, JOBS),
            str(new_id(ctx.store, "job_number")),
            customer_id=body["customerId"],
            location_id=body["locationId"],
            business_unit_id=body["businessUnitId"],
            job_type_id=body["jobTypeId"],
            priority=body["priority"],
            campaign_id=body["campaignId"],
            summary=body.get("summary"),
            now=now,
            projectId=body.get("projectId"),
            jobGeneratedLeadSource=body.get("jobGeneratedLeadSource"),
            customFields=custom_fields(body.get("customFields")),
            tagTypeIds=list(body.get("tagTypeIds") or []),
            customerPo=body.get("customerPo") or "",
            soldById=body.get("soldById"),
            partnerLeadCallId=body.get("partnerLeadCallId"),
            bookingId=body.get("bookingId"),
            _externalData=_external_data(body.get("externalData")),
            _leadId=body.get("leadId"),
            _invoiceSignatureIsRequired=body.get("invoiceSignatureIsRequired"),
        )
        ctx.table(JOBS).insert(ctx.tenant, job)
        for item, crew in zip(appointments, crews, strict=True):
            add_appointment(ctx, job, item, crew)
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return job_view(job, _guid_of(body.get("externalData")))


def _patch_external_data(job: Doc, request: dict[str, Any]) -> None:
    guid = normal_guid(request["applicationGuid"])
    stored: dict[str, list[Doc]] = dict(job.get("_externalData") or {})
    items: dict[str, Any] = {}
    if request.get("patchMode") == "Merge":
        items = {e["key"]: e["value"] for e in stored.get(guid, [])}
    for entry in request.get("externalData") or []:
        items[entry["key"]] = entry.get("value")
    stored[guid] = [{"key": k, "value": v} for k, v in items.items() if v is not None]
    job["_externalData"] = stored


@route("Jobs_Update", scope="tn.jpm.jobs:w")
def update_job(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    body = ctx.body or {}
    errors = FieldErrors()
    # a new customer must still own the job's location, and a new location must belong to the customer
    merged = {**body}
    if "customerId" in body or "locationId" in body:
        merged.setdefault("customerId", job["customerId"])
        merged.setdefault("locationId", job["locationId"])
    check_references(ctx, errors, merged)
    _check_guid(errors, body.get("externalData"))
    errors.raise_any()

    for key in ("customerId", "locationId", "businessUnitId", "jobTypeId", "priority", "campaignId"):
        if key in body:
            job[key] = body[key]
    for key in ("summary", "jobGeneratedLeadSource", "customerPo", "soldById"):
        if key in body:
            job[key] = body[key]
    if "tagTypeIds" in body:
        job["tagTypeIds"] = list(body["tagTypeIds"])
    if "customFields" in body:
        job["customFields"] = custom_fields(body["customFields"])
    if body.get("externalData"):
        _patch_external_data(job, body["externalData"])
    now = iso(ctx.now)
    with ctx.store.transaction():
        if "customerId" in body:
            for appointment in lifecycle.job_appointments(ctx.store, ctx.tenant, job["id"]):
                if appointment["customerId"] != job["customerId"]:
                    appointment["customerId"] = job["customerId"]
                    appointment["modifiedOn"] = now
                    ctx.table("appointments").put(ctx.tenant, appointment)
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return job_view(job, _guid_of(body.get("externalData")))
