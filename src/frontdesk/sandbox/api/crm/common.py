"""What the CRM routes share: loading (404), address and contact rules, and public views."""

from __future__ import annotations

import re
from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox import records
from frontdesk.sandbox.problems import Problem, not_found
from frontdesk.sandbox.registry import Ctx
from frontdesk.sandbox.store import Doc
from frontdesk.sandbox.tables import new_id, phone_key

CUSTOMER_TYPES = ("Residential", "Commercial")
PHONE_TYPES = ("Phone", "MobilePhone", "Fax")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADDRESS_PARTS = ("street", "city", "state", "zip", "country")


class FieldErrors:
    """Collects field errors so one 400 names every problem of a request."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise Problem(400, errors=self.errors)


def load_customer(ctx: Ctx, ident: int) -> Doc:
    doc = ctx.table("customers").get(ctx.tenant, ident)
    if doc is None:
        raise not_found("Customer", ident)
    return doc


def load_location(ctx: Ctx, ident: int) -> Doc:
    doc = ctx.table("locations").get(ctx.tenant, ident)
    if doc is None:
        raise not_found("Location", ident)
    return doc


def check_blank(errors: FieldErrors, field: str, value: Any, label: str) -> None:
    if isinstance(value, str) and not value.strip():
        errors.add(field, f"The {label} field must not be empty.")


def check_address(errors: FieldErrors, prefix: str, address: dict[str, Any] | None) -> None:
    """Rules beyond the schema: no blank parts (the schema only asks that they be present)."""
    if not isinstance(address, dict):
        return
    for part in ADDRESS_PARTS:
        value = address.get(part)
        label = part[:1].upper() + part[1:]
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.add(f"{prefix}.{label}", f"The {label} field is required.")


def check_contact(errors: FieldErrors, prefix: str, contact: dict[str, Any]) -> None:
    """A contact's value must fit its type; ``prefix`` "" names the fields of a bare contact body."""
    field = f"{prefix}.Value" if prefix else "Value"
    kind, value = contact.get("type"), str(contact.get("value") or "")
    if not value.strip():
        errors.add(field, "The Value field must not be empty.")
    elif kind == "Email" and not _EMAIL.match(value.strip()):
        errors.add(field, f"'{value[:80]}' is not a valid e-mail address.")
    elif kind in PHONE_TYPES and len(phone_key(value)) < 10:
        errors.add(field, f"'{value[:40]}' is not a valid phone number (10 digits needed).")


def customer_type(errors: FieldErrors, field: str, value: str | None) -> str | None:
    """Residential or Commercial in ServiceTitan's spelling; where the schema leaves the field a free
    string (bookings), any other value would later break readers of the enum-typed answer."""
    if value is None:
        return None
    for allowed in CUSTOMER_TYPES:
        if allowed.lower() == value.strip().lower():
            return allowed
    errors.add(field, f"The {field} must be Residential or Commercial.")
    return None


def address_doc(address: dict[str, Any]) -> Doc:
    return records.address(
        str(address["street"]).strip(),
        str(address["city"]).strip(),
        str(address["state"]).strip(),
        str(address["zip"]).strip(),
        str(address["country"]).strip(),
        unit=address.get("unit"),
    ) | {"latitude": address.get("latitude"), "longitude": address.get("longitude")}


def new_contact(ctx: Ctx, contact: dict[str, Any], customer_id: int, location_id: int | None) -> Doc:
    return records.contact(
        new_id(ctx.store, "contacts"),
        str(contact["type"]),
        str(contact["value"]).strip(),
        ctx.now,
        customer_id=customer_id,
        location_id=location_id,
        memo=contact.get("memo"),
    )


def contact_view(doc: Doc, with_customer: bool = False, with_location: bool = False) -> Doc:
    """A contact as the list it appears in shows it (each list has its own set of fields)."""
    view = {
        "id": doc["id"],
        "type": doc["type"],
        "value": doc["value"],
        "memo": doc.get("memo"),
        "phoneSettings": doc.get("phoneSettings") or {"phoneNumber": "", "doNotText": False},
        "modifiedOn": doc["modifiedOn"],
        "createdOn": doc["createdOn"],
        "preferences": doc.get("preferences"),
    }
    if with_customer:
        view["customerId"] = doc["customerId"]
    if with_location:
        view["locationId"] = doc["locationId"]
    return view


def brief_contact(doc: Doc) -> Doc:
    """The short form of a contact inside a create answer (id, type, value, memo)."""
    return {"id": doc["id"], "type": doc["type"], "value": doc["value"], "memo": doc.get("memo")}


def touch(doc: Doc, ctx: Ctx) -> Doc:
    doc["modifiedOn"] = iso(ctx.now)
    return doc
