"""Customers with their service history: jobs, appointments, assignments, invoices and memberships.

Documents are built with the record builders (``records``) from pre-formatted timestamps
(``Timeline.iso``) and collected per batch; ``write_batch`` stores a batch with ``Table.insert_many``
in one transaction. Generation never touches the store, so it can run in another process.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any

from frontdesk.sandbox import records
from frontdesk.sandbox.seed import catalog, names
from frontdesk.sandbox.seed.catalog import JobKind
from frontdesk.sandbox.seed.dice import Dice
from frontdesk.sandbox.seed.ids import Counter, Reservations
from frontdesk.sandbox.seed.people import Person, Place
from frontdesk.sandbox.seed.setup import Setup, Tech
from frontdesk.sandbox.seed.timeline import DAY, Timeline
from frontdesk.sandbox.store import Store

Doc = dict[str, Any]
Batch = dict[str, Any]  # {"docs": {table: [documents]}, "next": {counter: next free id}}
TABLES = (
    "customers",
    "locations",
    "contacts",
    "memberships",
    "jobs",
    "appointments",
    "appointment_assignments",
    "invoices",
)
COUNTERS = (*TABLES, "invoice_items", "job_number", "appointment_number")
WINDOWS = (8 * 60, 10 * 60, 13 * 60, 15 * 60)  # arrival windows open at these local minutes
_APPOINTMENT_STATUS = {"Completed": "Done", "Canceled": "Canceled", "Scheduled": "Scheduled"}
_EPOCH_STAMP = "1970-01-01T00:00:00Z"  # invoice item templates; each copy gets its invoice's stamps
_PART_COUNTS = (0, 1, 1, 2)


@dataclass(frozen=True, slots=True)
class Kind:
    """A job type with its ids resolved for this tenant."""

    spec: JobKind
    type_id: int
    unit_id: int
    unit_ref: Doc
    duration: int  # seconds
    techs: tuple[Tech, ...]
    urgent: bool


class History:
    """Generates customers and everything that happened to them, batch by batch."""

    def __init__(self, counters: dict[str, Counter], dice: Dice, time: Timeline, setup: Setup) -> None:
        self.dice, self.time, self.setup = dice, time, setup
        self.limit = time.now - 3600  # no change is newer: export feeds show it without includeRecentChanges
        self.ids = counters
        self.batch: dict[str, list[Doc]] = {name: [] for name in TABLES}
        self.kinds = {
            k.name: Kind(
                k,
                setup.job_type_ids[k.name],
                setup.unit_ids[k.unit],
                setup.unit_refs[k.unit],
                int(k.hours * catalog.HOUR),
                tuple(setup.techs_for[k.name]),
                k.priority == "Urgent",
            )
            for k in catalog.JOB_KINDS
        }
        self.kind_list = list(self.kinds.values())
        self.kind_cum = list(accumulate(k.spec.weight for k in self.kind_list))
        self.planned = [k for k in self.kind_list if not k.urgent]
        self.planned_cum = list(accumulate(k.spec.weight for k in self.planned))
        self.first_campaign_cum = list(accumulate(catalog.FIRST_JOB_CAMPAIGN_WEIGHTS))
        self.booked: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (tech, day) → busy minutes
        self._items: dict[tuple[str, int, int], tuple[Doc, int, bool]] = {}
        self._slots: dict[int, str] = {}  # appointment times repeat: format each once

    def _slot(self, second: int) -> str:
        text = self._slots.get(second)
        if text is None:
            text = self._slots[second] = self.time.iso(second)
        return text

    # --- customers -----------------------------------------------------------------------------

    def person(
        self,
        name: str,
        address: Doc,
        created: int,
        contacts: list[tuple[str, str, str | None]],
        *,
        commercial: bool = False,
        extra_places: tuple[tuple[str, Doc], ...] = (),
    ) -> Person:
        """A customer with its locations (the first at its own address) and customer contacts."""
        ids, stamp, batch = self.ids, self.time.iso(created), self.batch
        ident = ids["customers"].take()
        doc = records.customer(
            ident,
            name,
            address,
            stamp,
            kind="Commercial" if commercial else "Residential",
            createdById=records.SYSTEM_USER,
        )
        person = Person(ident, name, commercial, address, created, doc)
        batch["customers"].append(doc)
        locations, location_ids = batch["locations"], ids["locations"]
        for place_name, place_address in ((name, address), *extra_places):
            place_id = location_ids.take()
            locations.append(
                records.location(
                    place_id, ident, place_name, place_address, stamp, createdById=records.SYSTEM_USER
                )
            )
            person.places.append(Place(place_id, {"id": place_id, "name": place_name}, place_address))
        contact_docs, contact_ids = batch["contacts"], ids["contacts"]
        for kind, value, memo in contacts:
            contact_docs.append(
                records.contact(contact_ids.take(), kind, value, stamp, customer_id=ident, memo=memo)
            )
        return person

    def finish(self, person: Person) -> None:
        person.doc["balance"] = person.unpaid_cents / 100

    def membership(self, person: Person, type_index: int, start_day: int, annual: bool) -> None:
        type_id, unit, memo = catalog.MEMBERSHIP_TYPES[type_index]
        start, end = start_day * DAY, (start_day + 365) * DAY
        ident = self.ids["memberships"].take()
        created = max(start, person.created + 60)
        status = "Active" if end > self.time.now else "Expired"
        doc = records.membership(
            ident,
            customer_id=person.id,
            location_id=person.places[0].id,
            business_unit_id=self.setup.unit_ids[unit],
            membership_type_id=type_id,
            status=status,
            start=self.time.iso(start),
            end=self.time.iso(end),
            billing_frequency="Annual" if annual else "Monthly",
            now=self.time.iso(created),
            memo=memo,
        )
        if status == "Expired":
            doc["modifiedOn"] = self.time.iso(min(end, self.limit))
        person.membership = (ident, start, end)
        self.batch["memberships"].append(doc)

    # --- jobs ----------------------------------------------------------------------------------

    def job(
        self,
        person: Person,
        place: Place,
        kind: Kind,
        created: int,
        start: int,
        status: str,
        tech: Tech | None,
        campaign: int,
        *,
        invoice: bool | None = None,
        paid: bool | None = None,
    ) -> Doc:
        """One job with one appointment; Completed jobs get an assignment and (usually) an invoice."""
        dice, time, ids, slot = self.dice, self.time, self.ids, self._slot
        job_id, appointment_id = ids["jobs"].take(), ids["appointments"].take()
        number = str(ids["job_number"].take())
        created_stamp = time.iso(created)
        start_stamp = slot(start)
        end = start + kind.duration
        appointment = records.appointment(
            appointment_id,
            str(ids["appointment_number"].take()),
            job_id=job_id,
            customer_id=person.id,
            start=start_stamp,
            end=slot(end),
            arrival_start=start_stamp,
            arrival_end=slot(start + (3600 if kind.urgent else 7200)),
            now=created_stamp,
            status=_APPOINTMENT_STATUS[status],
            special_instructions=dice.pick(names.SPECIAL_INSTRUCTIONS) if dice.chance(0.08) else None,
        )
        appointment["createdById"] = records.SYSTEM_USER
        membership = person.membership
        doc = records.job(
            job_id,
            number,
            customer_id=person.id,
            location_id=place.id,
            business_unit_id=kind.unit_id,
            job_type_id=kind.type_id,
            priority=kind.spec.priority,
            campaign_id=campaign,
            summary=dice.pick(kind.spec.job_summaries),
            now=created_stamp,
            status=status,
            appointmentCount=1,
            firstAppointmentId=appointment_id,
            lastAppointmentId=appointment_id,
            createdById=records.SYSTEM_USER,
            membershipId=membership[0] if membership and membership[1] <= start < membership[2] else None,
            _firstStart=start * 1_000_000,
        )
        changed = created
        if status == "Completed":
            changed = min(end + dice.below(1800), self.limit)
            doc["completedOn"] = time.iso(changed)
            if invoice if invoice is not None else (kind.spec.invoiced and dice.chance(0.93)):
                self._invoice(person, place, kind, doc, changed, tech, paid)
        elif status == "Canceled":
            changed = min(created + int((start - created) * dice.random()), self.limit)
        if changed != created:
            doc["modifiedOn"] = appointment["modifiedOn"] = time.iso(changed)
        if tech is not None and status != "Canceled":
            assignment = records.assignment(
                ids["appointment_assignments"].take(),
                technician_id=tech.id,
                technician_name=tech.name,
                job_id=job_id,
                appointment_id=appointment_id,
                now=created_stamp,
                status="Done" if status == "Completed" else "Scheduled",
            )
            assignment["assignedById"] = records.SYSTEM_USER
            assignment["modifiedOn"] = doc["modifiedOn"]
            self.batch["appointment_assignments"].append(assignment)
        self.batch["jobs"].append(doc)
        self.batch["appointments"].append(appointment)
        return doc

    def _item(
        self, description: str, quantity: int, price: str, kind: str, order: int
    ) -> tuple[Doc, int, bool]:
        """An invoice line's template (built once per shape), its total in cents and if it is taxed."""
        key = (description, quantity, order)
        cached = self._items.get(key)
        if cached is None:
            template = records.invoice_item(
                0, description, quantity, Decimal(price), kind, _EPOCH_STAMP, order
            )
            cached = self._items[key] = (template, int(Decimal(price) * 100) * quantity, kind != "Service")
        return cached

    def _invoice(
        self,
        person: Person,
        place: Place,
        kind: Kind,
        job: Doc,
        completed: int,
        tech: Tech | None,
        paid: bool | None,
    ) -> None:
        dice, time, spec = self.dice, self.time, kind.spec
        lines: list[tuple[Doc, int, bool]] = []
        if spec.fee:
            lines.append(self._item(spec.fee[0], 1, spec.fee[1], "Service", 1))
        low, high = spec.labor_hours
        hours = dice.between(low, high) if high else 0
        if hours:
            lines.append(self._item(catalog.LABOR[0], hours, catalog.LABOR[1], "Service", len(lines) + 1))
        if spec.parts:
            for part in dice.some(spec.parts, dice.pick(_PART_COUNTS)):
                quantity = dice.between(*part.quantity)
                lines.append(self._item(part.description, quantity, part.price, "Material", len(lines) + 1))
        stamp = time.iso(min(completed + 600, self.limit))
        item_ids, tech_id = self.ids["invoice_items"], tech.id if tech else None
        items = [
            {
                **template,
                "id": item_ids.take(),
                "createdOn": stamp,
                "modifiedOn": stamp,
                "serviceDate": stamp,
                "technicianId": tech_id,
            }
            for template, _, _ in lines
        ]
        sub = taxed = 0
        for _, cents, taxable in lines:
            sub += cents
            if taxable:
                taxed += cents
        tax = (taxed * catalog.SALES_TAX_RATE_PER_10K + 5000) // 10_000
        total = sub + tax
        draw = dice.random()
        settled = paid if paid is not None else draw < 0.85
        paid_cents = total if settled else (0 if draw < 0.95 else total // 2)
        paid_on = time.iso(min(completed + dice.below(10 * DAY), self.limit)) if settled else None
        completed_stamp = job["completedOn"]
        ident = self.ids["invoices"].take()
        doc = records.invoice(
            ident,
            reference=job["jobNumber"],
            invoice_date=completed_stamp,
            due_date=time.iso(completed + 30 * DAY) if person.commercial else completed_stamp,
            items=items,
            sales_tax=Decimal(tax).scaleb(-2),
            paid=Decimal(paid_cents).scaleb(-2),
            customer_ref=person.ref,
            customer_address=person.address,
            location_ref=place.ref,
            location_address=place.address,
            business_unit_ref=kind.unit_ref,
            job_ref={"id": job["id"], "number": job["jobNumber"], "type": spec.name},
            summary=job["summary"],
            now=stamp,
            paid_on=paid_on,
        )
        if person.commercial:
            doc["termName"] = "Net 30"
        doc["modifiedOn"] = paid_on or stamp
        person.unpaid_cents += total - paid_cents
        job["invoiceId"] = ident
        job["total"] = total / 100
        self.batch["invoices"].append(doc)

    # --- batches -------------------------------------------------------------------------------

    def take(self) -> Batch:
        """The documents generated since the last batch, and where the id counters stand."""
        docs = {name: docs for name, docs in self.batch.items() if docs}
        self.batch = {name: [] for name in TABLES}
        return {"docs": docs, "next": {kind: counter.next for kind, counter in self.ids.items()}}


def write_batch(store: Store, tenant: int, batch: Batch, reservations: Reservations) -> None:
    """Store a batch in one transaction, reserving the ids it used."""
    with store.transaction():
        for name, docs in batch["docs"].items():
            store[name].insert_many(tenant, docs)
        reservations.commit(batch["next"])
