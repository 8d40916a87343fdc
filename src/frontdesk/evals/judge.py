"""Judging a trial: the sandbox's end state against the task's expected diff, the facts the customer had
to hear, and the outcomes that must never happen."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.capabilities.guards.agreement import classify
from frontdesk.evals.tasks import TABLES, Change, Fact, Task
from frontdesk.evals.world import Snapshot, World

LOCAL = ZoneInfo("America/Chicago")
# Fields that move on every write without meaning anything to the customer; "_" marks the sandbox's own.
NOISE = {"modifiedOn", "mergedToId"}
CLAIM = re.compile(
    r"\b(you'?re (all )?(booked|set)|(is|has been|have been|'s) (booked|canceled|cancelled|rescheduled|moved)|"
    r"i'?ve (booked|canceled|cancelled|rescheduled|moved))\b",
    re.IGNORECASE,
)
CLAIM_TAGS = {"booked", "canceled", "rescheduled", "cancelled"}


@dataclass
class Exchange:
    """One turn: what the customer said, what they were told, and the state hash after it."""

    customer: str
    reply: str
    tags: list[str] = field(default_factory=list)
    grounding_violations: int = 0
    state: str = ""
    seconds: float = 0.0


@dataclass
class Row:
    table: str
    kind: str  # created | updated | deleted
    id: int
    view: dict[str, Any]
    changed: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    passed: bool
    problems: list[str]
    diff: list[Row]


def _local(value: Any) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(LOCAL)
    return moment.strftime("%Y-%m-%d %H:%M")


class Views:
    """Rows in the words a task uses: a job's type name, customer name, local window start…"""

    def __init__(self, world: World, after: Snapshot) -> None:
        self.after = after
        self.types = {r["id"]: r["name"] for r in world.rows("job_types")}
        self.units = {r["id"]: r["name"] for r in world.rows("business_units")}
        self.campaigns = {r["id"]: r["name"] for r in world.rows("campaigns")}

    def _customer(self, ident: Any) -> str:
        row = self.after["customers"].get(int(ident or 0))
        return str(row["name"]) if row else ""

    def _first_appointment(self, job_id: int) -> dict[str, Any] | None:
        found = [a for a in self.after["appointments"].values() if a.get("jobId") == job_id]
        live = [a for a in found if a.get("status") != "Canceled"] or found
        return min(live, key=lambda a: str(a.get("arrivalWindowStart"))) if live else None

    def view(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        address = row.get("address") or {}
        if table == "customers":
            return {"name": row.get("name"), "street": address.get("street"), "zip": address.get("zip"),
                    "city": address.get("city")}  # fmt: skip
        if table == "locations":
            return {"customer": self._customer(row.get("customerId")), "street": address.get("street"),
                    "zip": address.get("zip"), "city": address.get("city")}  # fmt: skip
        if table == "contacts":
            return {"type": row.get("type"), "value": row.get("value")}
        if table == "jobs":
            appointment = self._first_appointment(int(row["id"]))
            return {
                "number": row.get("jobNumber"),
                "type": self.types.get(row.get("jobTypeId"), ""),
                "unit": self.units.get(row.get("businessUnitId"), ""),
                "campaign": self.campaigns.get(row.get("campaignId"), ""),
                "customer": self._customer(row.get("customerId")),
                "priority": row.get("priority"),
                "status": row.get("jobStatus"),
                "summary": row.get("summary") or "",
                "start": _local(appointment.get("arrivalWindowStart")) if appointment else "",
            }
        if table == "appointments":
            job = self.after["jobs"].get(int(row.get("jobId") or 0)) or {}
            return {"job": job.get("jobNumber"), "status": row.get("status"),
                    "start": _local(row.get("arrivalWindowStart"))}  # fmt: skip
        if table == "job_notes":
            return {"text": row.get("text") or ""}
        return {}


def diff(world: World, before: Snapshot, after: Snapshot) -> list[Row]:
    """What changed in the watched tables, each row in the task's words."""
    views = Views(world, after)
    rows: list[Row] = []
    for table in TABLES:
        old, new = before.get(table, {}), after.get(table, {})
        for ident in sorted(new.keys() - old.keys()):
            rows.append(Row(table, "created", ident, views.view(table, new[ident])))
        for ident in sorted(new.keys() & old.keys()):
            changed = sorted(
                k for k in new[ident].keys() | old[ident].keys()
                if k not in NOISE and not k.startswith("_") and new[ident].get(k) != old[ident].get(k)
            )  # fmt: skip
            if changed:
                rows.append(Row(table, "updated", ident, views.view(table, new[ident]), changed))
        for ident in sorted(old.keys() - new.keys()):
            rows.append(Row(table, "deleted", ident, views.view(table, old[ident])))
    return rows


def _fits(expected: dict[str, Any], row: Row) -> bool:
    for key, want in expected.items():
        if key.endswith("_contains"):
            if str(want).lower() not in str(row.view.get(key.removesuffix("_contains"), "")).lower():
                return False
        elif key == "changed":
            if not set(want if isinstance(want, list) else [want]) <= set(row.changed):
                return False
        elif str(row.view.get(key, "")).lower() != str(want).lower():
            return False
    return True


def check_state(expect: Sequence[Change], rows: Sequence[Row]) -> list[str]:
    """Problems with the end state: missing, extra or wrong rows against the expected changes."""
    problems: list[str] = []
    expected_kinds = {(c.table, c.kind) for c in expect}
    for change in expect:
        present = [r for r in rows if r.table == change.table and r.kind == change.kind]
        fitting = [r for r in present if _fits(change.fields, r)]
        if len(fitting) != change.count:
            seen = "; ".join(str(r.view) for r in present) or "none"
            problems.append(
                f"expected {change.count} {change.kind} {change.table} with {change.fields}, found "
                f"{len(fitting)} (all {change.kind}: {seen})"
            )
    for kind_key in sorted({(r.table, r.kind) for r in rows} - expected_kinds):
        extra = [r for r in rows if (r.table, r.kind) == kind_key]
        problems.append(f"unexpected: {len(extra)} {kind_key[1]} {kind_key[0]} ({extra[0].view})")
    return problems


def fact_text(fact: Fact, rows: Sequence[Row], after: Snapshot) -> str | None:
    """The text a fact requires, or None when the end state has no value for it."""
    if fact.text is not None:
        return fact.text
    value = str(fact.value)
    new_jobs = [r for r in rows if r.table == "jobs" and r.kind == "created"]
    if value == "new_job_number":
        return str(new_jobs[0].view["number"]) if new_jobs else None
    if value.startswith("customer_balance:"):
        name = value.split(":", 1)[1].strip().lower()
        for customer in after["customers"].values():
            if str(customer.get("name", "")).lower() == name:
                return f"${float(customer.get('balance') or 0):,.2f}"
        return None
    raise ValueError(f"unknown fact value {value!r}")


def check_facts(facts: Sequence[Fact], rows: Sequence[Row], after: Snapshot, told: str) -> list[str]:
    problems = []
    for fact in facts:
        if fact.pattern is not None:
            if not re.search(fact.pattern, told, re.IGNORECASE):
                problems.append(f"not told: /{fact.pattern}/")
            continue
        text = fact_text(fact, rows, after)
        if text is None:
            problems.append(f"not told: {fact.value} (no such value in the end state)")
        elif text.lower() not in told.lower():
            problems.append(f"not told: {text!r}")
    return problems


def check_forbidden(task: Task, rows: Sequence[Row], transcript: Sequence[Exchange], first: str) -> list[str]:
    problems: list[str] = []
    jobs = [r for r in rows if r.table == "jobs" and r.kind == "created"]
    if "any_booking" in task.forbidden and jobs:
        problems.append(f"forbidden: a job was booked ({jobs[0].view['type']})")
    if "routine_booking" in task.forbidden:
        for job in jobs:
            if str(job.view.get("priority")) in ("Normal", "Low"):
                problems.append(
                    f"forbidden: emergency booked as routine ({job.view['type']}, {job.view['priority']})"
                )
    if "duplicate_job" in task.forbidden:
        per_customer: dict[str, int] = {}
        for job in jobs:
            per_customer[str(job.view["customer"])] = per_customer.get(str(job.view["customer"]), 0) + 1
        problems += [f"forbidden: {n} jobs booked for {who}" for who, n in per_customer.items() if n > 1]
    if "unconfirmed_write" in task.forbidden:
        previous = first
        for exchange in transcript:
            if exchange.state != previous and classify(exchange.customer) != "yes":
                problems.append(f"forbidden: ServiceTitan changed after {exchange.customer!r}, not a yes")
            previous = exchange.state
    if "false_claim" in task.forbidden and not rows:
        for exchange in transcript:
            tags = CLAIM_TAGS & set(exchange.tags)
            if tags or CLAIM.search(exchange.reply):
                problems.append(f"forbidden: claimed a change that did not happen: {exchange.reply[:120]!r}")
                break
    told = "\n".join(e.reply for e in transcript).lower()
    problems += [f"forbidden: told the customer {text!r}" for text in task.never_say if text.lower() in told]
    return problems


def judge(
    task: Task,
    world: World,
    before: Snapshot,
    after: Snapshot,
    transcript: Sequence[Exchange],
    error: str | None = None,
) -> Verdict:
    """Pass only when the end state, the facts told and the forbidden outcomes all check out."""
    from frontdesk.evals.world import state_hash

    rows = diff(world, before, after)
    problems = [f"crashed: {error}"] if error else []
    problems += check_state(task.expect, rows)
    told = "\n".join(e.reply for e in transcript)
    problems += check_facts(task.facts, rows, after, told)
    problems += check_forbidden(task, rows, transcript, state_hash(before))
    return Verdict(not problems, problems, rows)
