"""Contacts of customers and of locations: lists per owner, lists across owners, and adding one.

Both kinds live in one table; ``_owner`` tells which list a row belongs to. Each list shows the fields
its own schema has: customer lists no ``locationId``, location lists no ``customerId``.
"""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.api.crm.common import (
    FieldErrors,
    check_contact,
    contact_view,
    load_customer,
    load_location,
    new_contact,
)
from frontdesk.sandbox.listing import common_filters, page_of, parse_ids
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where


def _checked(ctx: Ctx) -> None:
    errors = FieldErrors()
    check_contact(errors, "", ctx.body)
    errors.raise_any()


def _with_customer(doc: Doc) -> Doc:
    return contact_view(doc, with_customer=True)


def _with_location(doc: Doc) -> Doc:
    return contact_view(doc, with_location=True)


@route("Customers_GetContactList", scope="tn.crm.customers:r")
def customer_contacts(ctx: Ctx) -> Any:
    load_customer(ctx, ctx.id)
    where = Where().eq("customer_id", ctx.id).add("owner = ?", "customer")
    return page_of(ctx, ctx.table("contacts"), where, shape=contact_view)


@route("Customers_CreateContact", scope="tn.crm.customers:w")
def add_customer_contact(ctx: Ctx) -> Any:
    customer = load_customer(ctx, ctx.id)
    _checked(ctx)
    doc = new_contact(ctx, ctx.body, customer["id"], None)
    ctx.table("contacts").insert(ctx.tenant, doc)
    return contact_view(doc)


@route("Customers_GetModifiedContactsList", scope="tn.crm.customers:r")
def customers_contacts(ctx: Ctx) -> Any:
    where = common_filters(ctx, Where().add("owner = ?", "customer"))
    if "customerIds" in ctx.query:
        where.any_of("customer_id", parse_ids(ctx.query["customerIds"], "customerIds"))
    return page_of(ctx, ctx.table("contacts"), where, shape=_with_customer)


@route("Locations_GetContactList", scope="tn.crm.locations:r")
def location_contacts(ctx: Ctx) -> Any:
    load_location(ctx, ctx.id)
    where = Where().eq("location_id", ctx.id).add("owner = ?", "location")
    return page_of(ctx, ctx.table("contacts"), where, shape=contact_view)


@route("Locations_CreateContact", scope="tn.crm.locations:w")
def add_location_contact(ctx: Ctx) -> Any:
    location = load_location(ctx, ctx.id)
    _checked(ctx)
    # customerId is kept on location contacts too: the customer phone search finds them by it
    doc = new_contact(ctx, ctx.body, location["customerId"], location["id"])
    ctx.table("contacts").insert(ctx.tenant, doc)
    return contact_view(doc)


@route("Locations_GetLocationsContactsList", scope="tn.crm.locations:r")
def locations_contacts(ctx: Ctx) -> Any:
    where = common_filters(ctx, Where().add("owner = ?", "location"))
    if "locationIds" in ctx.query:
        where.any_of("location_id", parse_ids(ctx.query["locationIds"], "locationIds"))
    return page_of(ctx, ctx.table("contacts"), where, shape=_with_location)
