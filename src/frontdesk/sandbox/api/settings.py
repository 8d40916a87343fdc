"""ServiceTitan settings v2 routes: technicians and business units."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.listing import common_filters, page_of, parse_ids
from frontdesk.sandbox.problems import not_found
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route


@route("Technicians_GetList", scope="tn.stt.technicians:r")
def list_technicians(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "userIds" in q:
        where.any_of("json_extract(doc, '$.userId')", parse_ids(q["userIds"], "userIds"))
    if "name" in q:
        where.doc_contains("name", q["name"])
    return page_of(ctx, ctx.table("technicians"), where, shape=public)


@route("Technicians_Get", scope="tn.stt.technicians:r")
def get_technician(ctx: Ctx) -> Any:
    doc = ctx.table("technicians").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Technician", ctx.id)
    return public(doc)


@route("BusinessUnits_GetList", scope="tn.stt.businessunits:r")
def list_business_units(ctx: Ctx) -> Any:
    where = common_filters(ctx)
    if "name" in ctx.query:
        where.doc_contains("name", ctx.query["name"])
    return page_of(ctx, ctx.table("business_units"), where, shape=public)


@route("BusinessUnits_Get", scope="tn.stt.businessunits:r")
def get_business_unit(ctx: Ctx) -> Any:
    doc = ctx.table("business_units").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Business unit", ctx.id)
    return public(doc)
