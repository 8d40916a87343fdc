"""Customer batches, generated here or in a worker process while this one writes the previous batch.

Writing a batch (``Table.insert_many``: row extraction, JSON, SQLite) costs about as much as
generating it, and the machine has more than one core: from ``PARALLEL_FROM`` customers on, a spawned
worker generates and this process writes, overlapping the two. Both paths run the same code from the
same random state, so they give identical documents.
"""

from __future__ import annotations

import os
import pickle
import random
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orjson import Fragment

from frontdesk.sandbox.jsonio import dumps
from frontdesk.sandbox.seed.crowd import Crowd
from frontdesk.sandbox.seed.dice import Dice
from frontdesk.sandbox.seed.guide import RESERVED_EMAILS, add_guide_customer
from frontdesk.sandbox.seed.history import Batch, History
from frontdesk.sandbox.seed.ids import Counter
from frontdesk.sandbox.seed.setup import Setup
from frontdesk.sandbox.seed.timeline import Timeline

BATCH = 2000  # customers per transaction
PARALLEL_FROM = 20_000  # below this, starting a process costs more than it saves
HEADER = struct.Struct("<Q")  # each batch travels as its length and its pickle


@dataclass(frozen=True)
class Plan:
    """Everything generation needs, picklable for a worker process."""

    rng_state: tuple[Any, ...]
    now: datetime
    time_zone: str
    setup: Setup
    starts: dict[str, int]  # first free id of each counter
    customers: int


def generate_batches(plan: Plan) -> Iterator[Batch]:
    rng = random.Random()
    rng.setstate(plan.rng_state)
    dice = Dice(rng)
    counters = {kind: Counter(start) for kind, start in plan.starts.items()}
    history = History(counters, dice, Timeline(plan.now, plan.time_zone), plan.setup)
    crowd = Crowd(history, dice, RESERVED_EMAILS)
    add_guide_customer(history, crowd)
    for _ in range(plan.customers - 1):
        crowd.customer()
        if len(history.batch["customers"]) >= BATCH:
            yield history.take()
    yield history.take()


def batches(plan: Plan) -> Iterator[Batch]:
    """The plan's batches, from a worker process when there are enough customers to gain from one."""
    if plan.customers < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from generate_batches(plan)
        return
    # A plain subprocess rather than multiprocessing: fork is unsafe in a process that may run threads,
    # and spawn re-imports the caller's __main__, which breaks scripts without a main guard.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "frontdesk.sandbox.seed.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write(pickle.dumps(plan))
        worker.stdin.close()
        while True:
            # the pipe holds little: the worker generates the next batch while this one is written
            header = worker.stdout.read(HEADER.size)
            if len(header) < HEADER.size:
                raise RuntimeError(f"the demo data worker stopped (exit code {worker.wait()})")
            (size,) = HEADER.unpack(header)
            if not size:
                break
            yield unpack(worker.stdout.read(size))
    finally:
        worker.stdout.close()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


# Invoice lines are a third of all values: they cross the pipe as JSON text, which the writer embeds
# as it is (orjson.Fragment) instead of rebuilding a dict per line only to serialize it again. The
# stored bytes are the same either way.
def pack(batch: Batch) -> bytes:
    for doc in batch["docs"].get("invoices", ()):
        doc["items"] = dumps(doc["items"])
    return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> Batch:
    batch: Batch = pickle.loads(data)
    for doc in batch["docs"].get("invoices", ()):
        doc["items"] = Fragment(doc["items"])
    return batch
