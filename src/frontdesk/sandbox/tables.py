"""The sandbox's tables: which fields of each ServiceTitan record are indexed for filtering."""

from __future__ import annotations

import re
from typing import Any

from frontdesk.sandbox.store import Column, Doc, Store, to_us

_DIGITS = re.compile(r"\D+")


def phone_key(value: str) -> str:
    """Digits of a phone number, without a leading US country code: '(555) 123-4567' → '5551234567'."""
    digits = _DIGITS.sub("", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def contact_key(contact: Doc) -> str:
    """The searchable form of a contact value: phone digits, or a lower-cased e-mail."""
    value = str(contact.get("value") or "")
    if contact.get("type") in ("Phone", "MobilePhone", "Fax"):
        return phone_key(value)
    return value.strip().lower()


def _lower(key: str) -> Any:
    return lambda d: (d.get(key) or "").lower()


def _field(*path: str) -> Any:
    def get(doc: Doc) -> Any:
        value: Any = doc
        for part in path:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def _instant(*path: str) -> Any:
    get = _field(*path)
    return lambda d: to_us(get(d))


TABLES: dict[str, tuple[Column, ...]] = {
    # crm
    "customers": (Column("name_lc", _lower("name"), "TEXT"),),
    "locations": (Column("customer_id", _field("customerId")), Column("name_lc", _lower("name"), "TEXT")),
    "contacts": (
        # customer and location contacts share one table; ``owner`` tells which list a row belongs to
        Column("owner", _field("_owner"), "TEXT", index=False),
        Column("customer_id", _field("customerId")),
        Column("location_id", _field("locationId")),
        Column("value_key", contact_key, "TEXT"),
    ),
    "bookings": (
        Column("provider", _field("_provider"), "TEXT"),
        Column("external_id", _field("externalId"), "TEXT"),
    ),
    # jpm
    "jobs": (
        Column("customer_id", _field("customerId")),
        Column("location_id", _field("locationId")),
        Column("number", _field("jobNumber"), "TEXT"),
        Column("status", _field("jobStatus"), "TEXT", index=False),
        Column("first_start", _field("_firstStart")),
        Column("completed", _instant("completedOn")),
    ),
    "appointments": (
        Column("job_id", _field("jobId")),
        Column("customer_id", _field("customerId")),
        Column("start", _instant("start")),
        Column("status", _field("status"), "TEXT", index=False),
    ),
    "job_notes": (Column("job_id", _field("_jobId")),),
    "job_types": (),
    "job_cancel_reasons": (),
    "job_hold_reasons": (),
    # dispatch
    "technician_shifts": (
        Column("technician_id", _field("technicianId")),
        Column("start", _instant("start")),
        Column("end_", _instant("end")),
    ),
    "appointment_assignments": (
        Column("appointment_id", _field("appointmentId")),
        Column("job_id", _field("jobId")),
        Column("technician_id", _field("technicianId")),
    ),
    "business_hours": (),
    # settings
    "technicians": (),
    "business_units": (),
    # accounting
    "invoices": (
        Column("customer_id", _field("customer", "id")),
        Column("job_id", _field("job", "id")),
        Column("invoice_date", _instant("invoiceDate")),
    ),
    # memberships
    "memberships": (Column("customer_id", _field("customerId")),),
    # marketing
    "campaigns": (),
}

# The first id each counter hands out: realistic magnitudes, and ids of different kinds never collide,
# so a test that passes a customer id where a job id belongs gets a 404, as on ServiceTitan.
ID_START: dict[str, int] = {
    "customers": 10_000_001,
    "locations": 20_000_001,
    "contacts": 30_000_001,
    "jobs": 40_000_001,
    "appointments": 50_000_001,
    "appointment_assignments": 60_000_001,
    "job_notes": 65_000_001,
    "invoices": 70_000_001,
    "invoice_items": 75_000_001,
    "memberships": 80_000_001,
    "technician_shifts": 85_000_001,
    "bookings": 90_000_001,
    "job_types": 1001,
    "business_units": 101,
    "technicians": 2001,
    "campaigns": 501,
    "job_cancel_reasons": 301,
    "job_hold_reasons": 401,
    "business_hours": 1,
    "job_number": 100_001,
    "appointment_number": 1,
}


def open_store(path: str | None = None) -> Store:
    """A store with every sandbox table defined (created on first use)."""
    store = Store(path)
    for name, columns in TABLES.items():
        store.define(name, columns)
    return store


def new_id(store: Store, kind: str) -> int:
    return store.next_id(kind, ID_START[kind])
