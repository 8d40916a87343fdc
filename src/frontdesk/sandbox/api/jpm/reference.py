"""Reference lists: job types, job cancel reasons and job hold reasons."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox import records
from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.problems import not_found, validation
from frontdesk.sandbox.registry import Ctx, route

_ORDER_FIELDS = {"id": "id", "modifiedon": "modified", "createdon": "created"}
_DIRECTIONS = {"asc": "ASC", "ascending": "ASC", "desc": "DESC", "descending": "DESC"}


def _job_type_order(ctx: Ctx) -> str:
    """Job types sort with ``orderBy`` + ``orderByDirection``, unlike the ``sort`` of other lists."""
    field = str(ctx.query.get("orderBy") or "id").strip().lower()
    direction = str(ctx.query.get("orderByDirection") or "asc").strip().lower()
    if field not in _ORDER_FIELDS:
        raise validation("orderBy", 'Supported fields are "id", "modifiedOn" and "createdOn".')
    if direction not in _DIRECTIONS:
        raise validation(
            "orderByDirection", 'Supported values are "asc"/"ascending" and "desc"/"descending".'
        )
    column, way = _ORDER_FIELDS[field], _DIRECTIONS[direction]
    return f"{column} {way}, id {way}"


@route("JobTypes_GetList", scope="tn.jpm.jobtypes:r")
def list_job_types(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "name" in q:
        where.doc_contains("name", q["name"])
    if "priority" in q:
        where.add("lower(json_extract(doc, '$.priority')) = ?", str(q["priority"]).lower())
    if "minDuration" in q:
        where.add("json_extract(doc, '$.duration') >= ?", q["minDuration"])
    if "maxDuration" in q:
        where.add("json_extract(doc, '$.duration') <= ?", q["maxDuration"])
    return page_of(ctx, ctx.table("job_types"), where, _job_type_order(ctx), shape=records.public)


@route("JobTypes_Get", scope="tn.jpm.jobtypes:r")
def get_job_type(ctx: Ctx) -> Any:
    doc = ctx.table("job_types").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Job type", ctx.id)
    return records.public(doc)


@route("JobCancelReasons_GetList", scope="tn.jpm.jobcancelreasons:r")
def list_cancel_reasons(ctx: Ctx) -> Any:
    where = common_filters(ctx, default_active=False)  # the document: all reasons unless asked
    return page_of(ctx, ctx.table("job_cancel_reasons"), where, order_by(ctx), shape=records.public)


@route("JobHoldReasons_Get", scope="tn.jpm.jobholdreasons:r")
def list_hold_reasons(ctx: Ctx) -> Any:
    where = common_filters(ctx, default_active=False)
    return page_of(ctx, ctx.table("job_hold_reasons"), where, order_by(ctx), shape=records.public)
