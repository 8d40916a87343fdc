"""Locations: list, get, create and patch. Every location belongs to exactly one customer."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox import records
from frontdesk.sandbox.api.crm.common import (
    FieldErrors,
    address_doc,
    brief_contact,
    check_address,
    check_blank,
    check_contact,
    load_location,
    new_contact,
    touch,
)
from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Where
from frontdesk.sandbox.tables import new_id

_ADDRESS_FILTERS = ("street", "unit", "city", "state", "zip", "country")


@route("Locations_GetList", scope="tn.crm.locations:r")
def list_locations(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "customerId" in q:
        where.eq("customer_id", q["customerId"])
    if "name" in q:
        where.contains("name_lc", q["name"])
    for field in _ADDRESS_FILTERS:
        if field in q:
            where.doc_contains(f"address.{field}", q[field])
    return page_of(ctx, ctx.table("locations"), where, order_by(ctx), shape=public)


@route("Locations_Get", scope="tn.crm.locations:r")
def get_location(ctx: Ctx) -> Any:
    return public(load_location(ctx, ctx.id))


@route("Locations_Create", scope="tn.crm.locations:w")
def create_location(ctx: Ctx) -> Any:
    body = ctx.body
    errors = FieldErrors()
    if ctx.table("customers").get(ctx.tenant, body["customerId"]) is None:
        errors.add("CustomerId", f"Customer {body['customerId']} does not exist.")
    check_blank(errors, "Name", body["name"], "Name")
    check_address(errors, "Address", body["address"])
    for j, contact in enumerate(body.get("contacts") or []):
        check_contact(errors, f"Contacts[{j}]", contact)
    errors.raise_any()
    location = records.location(
        new_id(ctx.store, "locations"),
        body["customerId"],
        body["name"].strip(),
        address_doc(body["address"]),
        ctx.now,
        tagTypeIds=list(body.get("tagTypeIds") or []),
    )
    contacts = [new_contact(ctx, c, body["customerId"], location["id"]) for c in body.get("contacts") or []]
    with ctx.store.transaction():
        ctx.table("locations").insert(ctx.tenant, location)
        ctx.table("contacts").insert_many(ctx.tenant, contacts)
    return {**public(location), "contacts": [brief_contact(c) for c in contacts]}


@route("Locations_Update", scope="tn.crm.locations:w")
def update_location(ctx: Ctx) -> Any:
    doc = load_location(ctx, ctx.id)
    body = ctx.body or {}
    errors = FieldErrors()
    if (
        body.get("customerId") is not None
        and ctx.table("customers").get(ctx.tenant, body["customerId"]) is None
    ):
        errors.add("CustomerId", f"Customer {body['customerId']} does not exist.")
    if body.get("name") is not None:
        check_blank(errors, "Name", body["name"], "Name")
    if body.get("address") is not None:
        check_address(errors, "Address", body["address"])
    errors.raise_any()
    moved = body.get("customerId") is not None and body["customerId"] != doc["customerId"]
    for field in ("customerId", "name", "active", "taxZoneId", "tagTypeIds"):
        if body.get(field) is not None:
            doc[field] = body[field].strip() if field == "name" else body[field]
    if body.get("address") is not None:
        doc["address"] = address_doc(body["address"])
    with ctx.store.transaction():
        ctx.table("locations").put(ctx.tenant, touch(doc, ctx))
        if moved:
            _move_contacts(ctx, doc["id"], doc["customerId"])
    return public(doc)


def _move_contacts(ctx: Ctx, location_id: int, customer_id: int) -> None:
    """The phone search finds a customer through the customerId its location contacts carry."""
    contacts = ctx.table("contacts")
    for contact in contacts.select(ctx.tenant, Where().eq("location_id", location_id)):
        contact["customerId"] = customer_id
        contacts.put(ctx.tenant, contact)
