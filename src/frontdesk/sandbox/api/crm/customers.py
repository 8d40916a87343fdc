"""Customers: list (with the phone search across contacts), get, create, patch."""

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
    customer_type,
    load_customer,
    new_contact,
    touch,
)
from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Where
from frontdesk.sandbox.tables import new_id, phone_key

_ADDRESS_FILTERS = ("street", "unit", "city", "state", "zip", "country")


@route("Customers_GetList", scope="tn.crm.customers:r")
def list_customers(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "name" in q:
        where.contains("name_lc", q["name"])
    if "phone" in q:
        # ServiceTitan matches the phone against every contact of the customer and of its locations;
        # location contacts carry customerId for this. An e-mail's key keeps its '@', so digits never
        # match one; a query without digits matches nothing.
        key = phone_key(q["phone"])
        found = Where().eq("value_key", key)
        owners = ctx.table("contacts").ids(ctx.tenant, found, column="customer_id") if key else []
        where.any_of("id", sorted(set(owners)))
    for field in _ADDRESS_FILTERS:
        if field in q:
            where.doc_contains(f"address.{field}", q[field])
    return page_of(ctx, ctx.table("customers"), where, order_by(ctx), shape=public)


@route("Customers_Get", scope="tn.crm.customers:r")
def get_customer(ctx: Ctx) -> Any:
    return public(load_customer(ctx, ctx.id))


@route("Customers_Create", scope="tn.crm.customers:w")
def create_customer(ctx: Ctx) -> Any:
    body = ctx.body
    errors = FieldErrors()
    check_blank(errors, "Name", body["name"], "Name")
    customer_type(errors, "Type", body.get("type"))
    check_address(errors, "Address", body["address"])
    if not body["locations"]:
        errors.add("Locations", "At least one location is required.")
    for i, location in enumerate(body["locations"]):
        check_blank(errors, f"Locations[{i}].Name", location["name"], "Name")
        check_address(errors, f"Locations[{i}].Address", location["address"])
        for j, contact in enumerate(location.get("contacts") or []):
            check_contact(errors, f"Locations[{i}].Contacts[{j}]", contact)
    for j, contact in enumerate(body.get("contacts") or []):
        check_contact(errors, f"Contacts[{j}]", contact)
    errors.raise_any()

    store, tenant, now = ctx.store, ctx.tenant, ctx.now
    customer_id = new_id(store, "customers")
    customer = records.customer(
        customer_id,
        body["name"].strip(),
        address_doc(body["address"]),
        now,
        kind=body.get("type") or "Residential",
        doNotMail=bool(body.get("doNotMail")),
        doNotService=bool(body.get("doNotService")),
        nationalAccount=bool(body.get("nationalAccount")),
        taxExempt=bool(body.get("taxExempt")),
        tagTypeIds=list(body.get("tagTypeIds") or []),
        paymentTermId=body.get("paymentTermId"),
        creditLimit=body.get("creditLimit"),
        creditLimitBalance=body.get("creditLimitBalance"),
    )
    contacts = [new_contact(ctx, c, customer_id, None) for c in body.get("contacts") or []]
    locations = []
    location_contacts = []
    for entry in body["locations"]:
        location = records.location(
            new_id(store, "locations"),
            customer_id,
            entry["name"].strip(),
            address_doc(entry["address"]),
            now,
            tagTypeIds=list(entry.get("tagTypeIds") or []),
        )
        own = [new_contact(ctx, c, customer_id, location["id"]) for c in entry.get("contacts") or []]
        locations.append(location)
        location_contacts.append(own)
    with store.transaction():
        ctx.table("customers").insert(tenant, customer)
        ctx.table("locations").insert_many(tenant, locations)
        ctx.table("contacts").insert_many(tenant, [*contacts, *(c for own in location_contacts for c in own)])
    answer = public(customer)
    answer["locations"] = [
        {**public(location), "contacts": [brief_contact(c) for c in own]}
        for location, own in zip(locations, location_contacts, strict=True)
    ]
    answer["contacts"] = [brief_contact(c) for c in contacts]
    return answer


@route("Customers_Update", scope="tn.crm.customers:w")
def update_customer(ctx: Ctx) -> Any:
    doc = load_customer(ctx, ctx.id)
    body = ctx.body or {}
    errors = FieldErrors()
    if "name" in body and body["name"] is not None:
        check_blank(errors, "Name", body["name"], "Name")
    customer_type(errors, "Type", body.get("type"))
    if body.get("address") is not None:
        check_address(errors, "Address", body["address"])
    errors.raise_any()
    for field in ("name", "type", "doNotMail", "doNotService", "nationalAccount", "active", "taxExempt",
                  "paymentTermId", "creditLimit", "creditLimitBalance", "tagTypeIds"):  # fmt: skip
        if field in body and body[field] is not None:
            doc[field] = body[field].strip() if field == "name" else body[field]
    if body.get("address") is not None:
        doc["address"] = address_doc(body["address"])
    ctx.table("customers").put(ctx.tenant, touch(doc, ctx))
    return public(doc)
