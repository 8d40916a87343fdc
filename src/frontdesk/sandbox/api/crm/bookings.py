"""Bookings through a booking provider: requests a person at the business reviews and converts."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso, parse_instant
from frontdesk.sandbox.api.crm.common import (
    FieldErrors,
    address_doc,
    check_address,
    check_blank,
    check_contact,
    customer_type,
)
from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.problems import conflict, not_found
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where
from frontdesk.sandbox.tables import new_id


def _provider(ctx: Ctx) -> int:
    return ctx.path["booking_provider"]


def _address(address: dict[str, Any] | None) -> Doc | None:
    if not address:
        return None
    full = address_doc(address)
    return {k: full[k] for k in ("street", "unit", "city", "state", "zip", "country")}  # no coordinates


@route("Bookings_Create", scope="tn.crm.bookings:w")
def create_booking(ctx: Ctx) -> Any:
    body = ctx.body
    errors = FieldErrors()
    for field in ("source", "name", "summary", "externalId"):
        check_blank(errors, field[:1].upper() + field[1:], body[field], field[:1].upper() + field[1:])
    if body.get("address") is not None:
        check_address(errors, "Address", body["address"])
    for j, contact in enumerate(body.get("contacts") or []):
        check_contact(errors, f"Contacts[{j}]", contact)
    kind = customer_type(errors, "CustomerType", body.get("customerType"))
    errors.raise_any()
    table = ctx.table("bookings")
    same = Where().eq("provider", _provider(ctx)).eq("external_id", body["externalId"])
    if table.count(ctx.tenant, same):
        raise conflict(f"A booking with externalId '{body['externalId']}' already exists for this provider.")
    stamp = iso(ctx.now)
    doc: Doc = {
        "id": new_id(ctx.store, "bookings"),
        "source": body["source"],
        "createdOn": stamp,
        "name": body["name"],
        "address": _address(body.get("address")),
        "customerType": kind or "Residential",
        "start": iso(parse_instant(body["start"])) if body.get("start") else stamp,
        "campaignId": body.get("campaignId"),
        "businessUnitId": body.get("businessUnitId"),
        "isFirstTimeClient": body["isFirstTimeClient"],
        "uploadedImages": body.get("uploadedImages") or [],
        "isSendConfirmationEmail": bool(body.get("isSendConfirmationEmail")),
        "status": "New",
        "dismissingReasonId": None,
        "jobId": None,
        "externalId": body["externalId"],
        "priority": body.get("priority"),
        "jobTypeId": body.get("jobTypeId"),
        "bookingProviderId": _provider(ctx),
        "modifiedOn": stamp,
        "summary": body["summary"],
        "_provider": _provider(ctx),
        "_contacts": body.get("contacts") or [],
    }
    table.insert(ctx.tenant, doc)
    return public(doc)


@route("Bookings_GetForProvider", scope="tn.crm.bookings:r")
def get_booking(ctx: Ctx) -> Any:
    doc = ctx.table("bookings").get(ctx.tenant, ctx.id)
    if doc is None or doc.get("_provider") != _provider(ctx):
        raise not_found("Booking", ctx.id)
    return public(doc)


@route("Bookings_GetList2", scope="tn.crm.bookings:r")
def list_bookings(ctx: Ctx) -> Any:
    where = common_filters(ctx).eq("provider", _provider(ctx))
    if "externalId" in ctx.query:
        where.eq("external_id", ctx.query["externalId"])
    return page_of(ctx, ctx.table("bookings"), where, order_by(ctx), shape=public)
