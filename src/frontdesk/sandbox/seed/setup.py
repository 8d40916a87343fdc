"""The company's settings: business units, job types, campaigns, reasons, technicians, shifts, hours."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from frontdesk.sandbox import records
from frontdesk.sandbox.seed import catalog
from frontdesk.sandbox.seed.catalog import JobKind
from frontdesk.sandbox.seed.ids import Reservations
from frontdesk.sandbox.seed.timeline import Timeline
from frontdesk.sandbox.store import Store
from frontdesk.sandbox.tables import new_id

SHIFT_DAYS_BEFORE = 60
SHIFT_DAYS_AFTER = 42
FOUNDED_DAYS_AGO = 2500  # settings were created before the oldest customer (six years of history)


@dataclass(frozen=True)
class Tech:
    id: int
    name: str
    unit: str
    skills: tuple[str, ...]


@dataclass
class Setup:
    """What the customer generator needs to know about the company it generates for."""

    unit_ids: dict[str, int] = field(default_factory=dict)
    unit_refs: dict[str, dict[str, Any]] = field(default_factory=dict)
    job_type_ids: dict[str, int] = field(default_factory=dict)
    campaign_ids: list[int] = field(default_factory=list)
    default_campaign: int = 0
    repeat_campaign: int = 0
    techs: list[Tech] = field(default_factory=list)
    techs_for: dict[str, list[Tech]] = field(default_factory=dict)  # job type name → qualified techs
    # (technician id, local day) → (first, last) bookable minute of the day, for days after today
    open_hours: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def tech(self, name: str) -> Tech:
        return next(t for t in self.techs if t.name == name)


def _qualified(kind: JobKind, techs: list[Tech]) -> list[Tech]:
    return [t for t in techs if t.unit == kind.unit and set(kind.skills) <= set(t.skills)]


def write_setup(store: Store, tenant: int, rng: random.Random, time: Timeline) -> Setup:
    setup = Setup()
    founded = time.iso(time.at(time.today - FOUNDED_DAYS_AGO, 9 * 60))
    street, city, state, zip_code = catalog.COMPANY_ADDRESS
    office = records.address(street, city, state, zip_code)

    units = []
    for unit in catalog.UNITS:
        ident = new_id(store, "business_units")
        setup.unit_ids[unit.key] = ident
        setup.unit_refs[unit.key] = {"id": ident, "name": unit.name}
        units.append(
            records.business_unit(ident, unit.name, unit.official, unit.phone, unit.email, office, founded)
        )

    job_types = []
    for kind in catalog.JOB_KINDS:
        ident = new_id(store, "job_types")
        setup.job_type_ids[kind.name] = ident
        job_types.append(
            records.job_type(
                ident,
                kind.name,
                business_unit_ids=[setup.unit_ids[kind.unit]],
                skills=list(kind.skills),
                priority=kind.priority,
                duration_seconds=int(kind.hours * catalog.HOUR),
                summary=kind.summary,
                now=founded,
            )
        )

    categories = {
        name: {"id": i + 1, "name": name, "active": True}
        for i, name in enumerate(catalog.CAMPAIGN_CATEGORIES)
    }
    campaigns = []
    for name, category, default in catalog.CAMPAIGNS:
        ident = new_id(store, "campaigns")
        setup.campaign_ids.append(ident)
        if default:
            setup.default_campaign = ident
        if name == "Repeat Customer":
            setup.repeat_campaign = ident
        campaigns.append(records.campaign(ident, name, categories[category], founded, default=default))

    cancel = [records.reason(new_id(store, "job_cancel_reasons"), n, founded) for n in catalog.CANCEL_REASONS]
    hold = [records.reason(new_id(store, "job_hold_reasons"), n, founded) for n in catalog.HOLD_REASONS]

    technicians = []
    for index, person in enumerate(catalog.TECHNICIANS):
        ident = new_id(store, "technicians")
        setup.techs.append(Tech(ident, person.name, person.unit, person.skills))
        first, last = person.name.lower().split(" ", 1)
        technicians.append(
            records.technician(
                ident,
                person.name,
                business_unit_id=setup.unit_ids[person.unit],
                skills=list(person.skills),
                phone=f"21755501{10 + index:02d}",
                email=f"{first}.{last}@{catalog.COMPANY_DOMAIN}",
                now=founded,
                bio=person.bio,
            )
        )
    for kind in catalog.JOB_KINDS:
        setup.techs_for[kind.name] = _qualified(kind, setup.techs)

    hours = {"id": new_id(store, "business_hours"), **catalog.BUSINESS_HOURS}
    shifts = _shifts(store, rng, time, setup)

    with store.transaction():
        store["business_units"].insert_many(tenant, units)
        store["job_types"].insert_many(tenant, job_types)
        store["campaigns"].insert_many(tenant, campaigns)
        store["job_cancel_reasons"].insert_many(tenant, cancel)
        store["job_hold_reasons"].insert_many(tenant, hold)
        store["technicians"].insert_many(tenant, technicians)
        store["business_hours"].insert_many(tenant, [hours])
        store["technician_shifts"].insert_many(tenant, shifts)
    return setup


def _time_off(rng: random.Random, time: Timeline, guide: bool) -> tuple[set[int], set[int]]:
    """Full days and afternoons off: the guide's technicians only in the past, so its examples book."""
    first = time.today - SHIFT_DAYS_BEFORE
    last = time.today - 1 if guide else time.today + SHIFT_DAYS_AFTER
    weekdays = [d for d in range(first, last + 1) if time.weekday(d) < 5]
    days = rng.sample(weekdays, 2 if guide else 3)
    afternoons = set() if guide else {rng.choice([d for d in weekdays if d not in days])}
    return set(days), afternoons


def _shifts(store: Store, rng: random.Random, time: Timeline, setup: Setup) -> list[dict[str, Any]]:
    reservations = Reservations(store, ("technician_shifts",))
    ids = reservations.counters()["technician_shifts"]
    guide = {p.name for p in catalog.TECHNICIANS if p.guide}
    by_unit = {u.key: [t for t in setup.techs if t.unit == u.key] for u in catalog.UNITS}
    off = {t.id: _time_off(rng, time, t.name in guide) for t in setup.techs}
    shifts: list[dict[str, Any]] = []

    def add(tech: Tech, kind: str, day: int, start: int, end: int, title: str = "") -> None:
        created = time.iso(time.at(min(day - 21, time.today - 1), 9 * 60))
        shifts.append(
            records.shift(
                ids.take(),
                tech.id,
                kind,
                time.iso(time.at(day, start * 60)),
                time.iso(time.at(day, end * 60)),
                created,
                title,
            )
        )

    for day in range(time.today - SHIFT_DAYS_BEFORE, time.today + SHIFT_DAYS_AFTER + 1):
        weekday = time.weekday(day)
        week = (day - weekday) // 7
        for unit_techs in by_unit.values():
            on_call = unit_techs[week % len(unit_techs)]
            saturday = unit_techs[(week + 1) % len(unit_techs)]
            for tech in unit_techs:
                days_off, afternoons = off[tech.id]
                if weekday < 5 and day in days_off:
                    add(tech, "TimeOff", day, 8, 18, "Vacation day")
                    continue
                if weekday < 5:
                    add(tech, "Normal", day, 8, 18)
                    opens = (8 * 60, 18 * 60)
                    if day in afternoons:
                        add(tech, "TimeOff", day, 13, 18, "Appointment (afternoon off)")
                        opens = (8 * 60, 13 * 60)
                    if day > time.today:
                        setup.open_hours[(tech.id, day)] = opens
                elif weekday == 5 and tech is saturday:
                    add(tech, "Normal", day, 9, 13, "Saturday shift")
                if tech is on_call:
                    if weekday < 5:
                        add(tech, "OnCall", day, 18, 22, "On call (evening)")
                    elif weekday == 5:
                        add(tech, "OnCall", day, 13, 22, "On call (weekend)")
                    else:
                        add(tech, "OnCall", day, 8, 22, "On call (weekend)")
    reservations.commit({"technician_shifts": ids.next})
    return shifts
