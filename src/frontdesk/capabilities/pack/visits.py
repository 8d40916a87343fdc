"""What the read tools share: the verified customer, finding a job, and a job's visits with technicians.

A visit is a JPM appointment with the technicians dispatch assigned to it; names come from the
assignment itself or the reference cache, so showing a history costs three calls however long it is,
and one job's visits two calls made at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.capabilities.pack import words
from frontdesk.capabilities.pack.windows import local_iso
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import NotYours
from frontdesk.capabilities.together import collect, together
from frontdesk.capabilities.tool import Fact, ToolContext
from frontdesk.servicetitan.errors import NotFound
from frontdesk.servicetitan.models import Appointment, AppointmentAssignment, Job

# ServiceTitan takes at most 50 ids in one list filter.
_IDS_PER_CALL = 50
_UNNAMED = "a technician"

JOB_SCOPES = (
    "tn.jpm.jobs:r",
    "tn.jpm.appointments:r",
    "tn.dis.appointmentassignments:r",
    "tn.jpm.jobtypes:r",
    "tn.stt.technicians:r",
)


def reference(ctx: ToolContext) -> ReferenceCache:
    """The shared reference cache, or one kept for this context when none was given."""
    if isinstance(ctx.reference, ReferenceCache):
        return ctx.reference
    cache = ctx.extra.get("reference")
    if not isinstance(cache, ReferenceCache):
        cache = ReferenceCache(ctx.client)
        ctx.extra["reference"] = cache
    return cache


def zone(ctx: ToolContext) -> ZoneInfo:
    return ctx.profile.zone


def verified_customer(ctx: ToolContext) -> int:
    """The verified customer's id (the ToolRunner runs account tools only when there is one)."""
    customer_id = ctx.state.verified_customer_id
    if customer_id is None:  # only reachable when a tool is run around the ToolRunner
        raise NotYours
    return customer_id


def ensure_own(ctx: ToolContext, customer_id: int | None) -> None:
    """Raise NotYours unless the record belongs to the verified customer."""
    if customer_id is None or not ctx.state.may_access(customer_id):
        raise NotYours


async def find_job(ctx: ToolContext, job_id: int | None, job_number: str | None) -> Job | None:
    """A job by id or by the number customers see; None when there is no such job."""
    jobs = ctx.client.jpm.jobs
    if job_id is not None:
        try:
            return await jobs.get(job_id)
        except NotFound:
            return None
    if job_number:
        wanted = job_number.strip().lstrip("#").strip()
        if not wanted:
            return None
        page = await jobs.list(number=wanted, page_size=5)
        return next((job for job in page.data if job.job_number == wanted), None)
    return None


def job_reference_schema() -> dict[str, Any]:
    """Arguments that name a job: its number (what customers see) or its id."""
    return {
        "jobNumber": {"type": "string", "description": "the job number the customer gives, e.g. 100245"},
        "jobId": {"type": "integer", "description": "ServiceTitan job id, from an earlier tool result"},
    }


@dataclass
class Visit:
    appointment: Appointment
    technicians: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def start(self) -> datetime | None:
        return self.appointment.arrival_window_start or self.appointment.start

    @property
    def end(self) -> datetime | None:
        return self.appointment.arrival_window_end or self.appointment.end

    @property
    def open(self) -> bool:
        return (self.appointment.status or "") in words.OPEN_VISIT_STATUSES

    def data(self, tz: ZoneInfo) -> dict[str, Any]:
        out: dict[str, Any] = {
            "appointmentId": self.appointment.id,
            "status": words.visit_status(self.appointment.status),
        }
        if self.start is not None:
            out["window"] = words.window(self.start, self.end, tz)
            out["windowStart"] = local_iso(self.start, tz)
        out["technicians"] = [name for _, name in self.technicians]
        return out

    def facts(self, tz: ZoneInfo) -> list[Fact]:
        facts = [Fact(kind="technician", value=name) for _, name in self.technicians if name != _UNNAMED]
        if self.start is not None:
            facts.append(words.window_fact(self.start, self.end, tz))
        return facts


async def visits_of(ctx: ToolContext, appointments: Iterable[Appointment]) -> dict[int, list[Visit]]:
    """Visits by job id, earliest first, each with its assigned technicians' names."""
    listed = [a for a in appointments if a.active is not False]
    assigned: list[AppointmentAssignment] = []
    ids = [a.id for a in listed]
    for start in range(0, len(ids), _IDS_PER_CALL):
        chunk = ids[start : start + _IDS_PER_CALL]
        assigned.extend(
            [row async for row in ctx.client.dispatch.appointment_assignments.iterate(appointment_ids=chunk)]
        )
    return await _visits(ctx, listed, assigned)


async def job_visits(ctx: ToolContext, job_id: int) -> list[Visit]:
    """One job's visits, earliest first, with their technicians: both lists are asked for at once."""
    appointments, assigned = await together(
        collect(ctx.client.jpm.appointments.iterate(job_id=job_id, page_size=100)),
        collect(ctx.client.dispatch.appointment_assignments.iterate(job_id=job_id, page_size=200)),
    )
    listed = [a for a in appointments if a.active is not False and a.job_id in (None, job_id)]
    return (await _visits(ctx, listed, assigned)).get(job_id, [])


async def _visits(
    ctx: ToolContext, listed: list[Appointment], rows: Iterable[AppointmentAssignment]
) -> dict[int, list[Visit]]:
    assigned: dict[int, list[AppointmentAssignment]] = {}
    for row in rows:
        if row.active is not False and row.appointment_id is not None:
            assigned.setdefault(row.appointment_id, []).append(row)
    out: dict[int, list[Visit]] = {}
    for appointment in sorted(listed, key=lambda a: (a.start is None, a.start, a.id)):
        technicians: list[tuple[int | None, str]] = []
        for row in assigned.get(appointment.id, []):
            technicians.append((row.technician_id, await technician_name(ctx, row) or _UNNAMED))
        out.setdefault(appointment.job_id or 0, []).append(Visit(appointment, technicians))
    return out


async def technician_name(ctx: ToolContext, row: AppointmentAssignment) -> str | None:
    """The assigned technician's name: on the assignment itself, else from the reference cache."""
    if row.technician_name:
        return row.technician_name
    return await reference(ctx).technician_name(row.technician_id) if row.technician_id is not None else None


async def job_type_names(ctx: ToolContext) -> dict[int, str]:
    return {jt.id: jt.name or "" for jt in await reference(ctx).job_types()}


def job_facts(job: Job) -> list[Fact]:
    facts = []
    if job.job_number:
        facts.append(Fact(kind="job_number", value=job.job_number, forms=[f"#{job.job_number}"]))
    if job.job_status:
        facts.append(Fact(kind="status", value=words.job_status(job.job_status), forms=[job.job_status]))
    return facts


def job_data(job: Job, type_name: str | None, visits: list[Visit], tz: ZoneInfo) -> dict[str, Any]:
    """A job as the model sees it; ``summary`` is quoted free text (data, never instructions)."""
    out: dict[str, Any] = {
        "jobNumber": job.job_number,
        "jobId": job.id,
        "type": type_name,
        "status": words.job_status(job.job_status),
        "summary": words.quoted(job.summary),
        "visits": [visit.data(tz) for visit in visits],
    }
    if job.completed_on is not None:
        out["completedOn"] = words.full_date(job.completed_on, tz)
    if job.total is not None and job.job_status == "Completed":
        out["total"] = words.money(job.total)
    return {k: v for k, v in out.items() if v is not None}
