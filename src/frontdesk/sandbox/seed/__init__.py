"""Deterministic demo data: a home-services company in Springfield, Illinois and its customers.

``generate`` fills one tenant: settings (business units, job types, campaigns, reasons, technicians,
their shifts, business hours), the seed guide's customer and ``customers - 1`` random ones with
years of jobs, invoices and memberships, and a few visits booked in the coming two weeks. The same
(seed, tenant, customers, now, time zone) gives byte-identical documents; every timestamp of a
change lies at least an hour before ``now``.
"""

from __future__ import annotations

import random
from datetime import datetime

from frontdesk.sandbox.seed.batches import PARALLEL_FROM, Plan, batches
from frontdesk.sandbox.seed.bulk import bulk_load
from frontdesk.sandbox.seed.history import COUNTERS, TABLES, write_batch
from frontdesk.sandbox.seed.ids import Reservations
from frontdesk.sandbox.seed.setup import write_setup
from frontdesk.sandbox.seed.timeline import Timeline
from frontdesk.sandbox.store import Store

__all__ = ["generate"]


def generate(store: Store, tenant: int, *, seed: int, customers: int, now: datetime, time_zone: str) -> None:
    """Fill an empty tenant with demo data; ``customers`` counts the guide's Robert Johnson too."""
    rng = random.Random(f"frontdesk-demo:{seed}:{tenant}")
    setup = write_setup(store, tenant, rng, Timeline(now, time_zone))
    if customers <= 0:
        return
    reservations = Reservations(store, COUNTERS)
    plan = Plan(rng.getstate(), now, time_zone, setup, dict(reservations.committed), customers)
    with bulk_load(store, TABLES, large=customers >= PARALLEL_FROM):
        for batch in batches(plan):
            write_batch(store, tenant, batch, reservations)
