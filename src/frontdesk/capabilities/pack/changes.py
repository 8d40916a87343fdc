"""rescheduleAppointment, cancelAppointment and addJobNote: changes to the verified customer's own jobs.

Each names a job by its number (what customers see) or id; a job of another customer is refused as
not theirs. ServiceTitan decides what a job's state allows: its 409 (a done visit cannot move, a
completed job cannot be canceled) reaches the customer as a plain explanation.
"""

from __future__ import annotations

from typing import Any

from frontdesk.capabilities.pack import recall, scheduling, words
from frontdesk.capabilities.pack import windows as w
from frontdesk.capabilities.pack.booking import taken
from frontdesk.capabilities.pack.visits import ensure_own, find_job, job_reference_schema, reference
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import Conflict, NotFound
from frontdesk.servicetitan.models import Appointment, Job, Reason

_CLOSED_VISITS = frozenset({"Done", "Canceled"})
_NOTE_LIMIT = 2000
_DEFAULT_REASON_WORDS = ("customer",)  # the reason chosen when the customer's words name none


def _job_args(extra: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**job_reference_schema(), **extra},
        "required": required,
        "additionalProperties": False,
    }


async def own_job(ctx: ToolContext, args: dict[str, Any]) -> Job | ToolResult:
    """The job the arguments name, when it is the verified customer's (NotYours otherwise)."""
    if args.get("jobId") is None and not args.get("jobNumber"):
        return ToolResult.error("Name the job: pass jobNumber (as the customer says it) or jobId.")
    job = await find_job(ctx, args.get("jobId"), args.get("jobNumber"))
    if job is None:
        return ToolResult(
            status="not_found",
            message="No job with that number. Ask the customer to check it, or look up their jobs.",
        )
    ensure_own(ctx, job.customer_id)
    return job


def job_fact(job: Job) -> Fact:
    return Fact(kind="job_number", value=job.job_number or str(job.id), forms=[f"#{job.job_number}"])


async def _visit(ctx: ToolContext, job: Job, appointment_id: int | None) -> Appointment | ToolResult:
    """The visit to change: the one named, else the job's next open one, else its last one."""
    appointments = ctx.client.jpm.appointments
    if appointment_id is not None:
        try:
            visit = await appointments.get(appointment_id)
        except NotFound:
            visit = None
        if visit is None or visit.job_id != job.id:
            return ToolResult(status="not_found", message=f"Job #{job.job_number} has no such visit.")
        return visit
    visits = [v async for v in appointments.iterate(job_id=job.id)]
    if not visits:
        return ToolResult(status="not_found", message=f"Job #{job.job_number} has no visit to change.")
    open_visits = [v for v in visits if v.status not in _CLOSED_VISITS and v.start is not None]
    ordered = sorted(open_visits or visits, key=lambda v: (v.start is None, v.start))
    return ordered[0] if open_visits else ordered[-1]


def _visit_window(visit: Appointment, ctx: ToolContext) -> str | None:
    start = visit.arrival_window_start or visit.start
    if start is None:
        return None
    return words.window(start, visit.arrival_window_end or visit.end, ctx.profile.zone)


def _conflict(exc: Conflict, what: str) -> ToolResult:
    return ToolResult.error(
        f"ServiceTitan would not {what}: {exc.message} Tell the customer plainly that this visit can no "
        "longer be changed, and offer to book a new visit or a callback from the office."
    )


# --- rescheduleAppointment -----------------------------------------------------------------------------


class RescheduleAppointment(Tool):
    id = "rescheduleAppointment"
    description = (
        "Move the verified customer's visit to another arrival window from getAvailableTimeSlots (same job "
        "type). Names the job by jobNumber or jobId; appointmentId only when the job has several visits."
    )
    effect = "write"
    access = "account"
    scopes = (
        "tn.jpm.appointments:w",
        "tn.jpm.appointments:r",
        "tn.jpm.jobs:r",
        *scheduling.CAPACITY_SCOPES,
    )

    def parameters(self) -> dict[str, Any]:
        return _job_args(
            {
                "appointmentId": {"type": "integer"},
                "windowStart": {"type": "string", "description": "windowStart of an offered window"},
            },
            ["windowStart"],
        )

    async def _plan(
        self, ctx: ToolContext, args: dict[str, Any]
    ) -> tuple[Job, Appointment, w.Window] | ToolResult:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return job
        visit = await _visit(ctx, job, args.get("appointmentId"))
        if isinstance(visit, ToolResult):
            return visit
        job_type = next((t for t in await reference(ctx).job_types() if t.id == job.job_type_id), None)
        if job_type is None:
            return ToolResult.error(
                "The job's type is unknown, so its windows cannot be checked. "
                + scheduling.callback_advice(ctx)
            )
        try:
            start = w.parse_instant_local(args["windowStart"], ctx.profile.zone)
        except ValueError as exc:
            return ToolResult.error(f"{exc}. Pass the windowStart of a window from getAvailableTimeSlots.")
        window = await scheduling.window_at(ctx, job_type, start)
        if window is None:
            return await taken(ctx, job_type, start, "changed")
        return job, visit, window

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        plan = await self._plan(ctx, args)
        if isinstance(plan, ToolResult):
            return plan
        job, visit, _ = plan
        if visit.status in _CLOSED_VISITS:
            return ToolResult.refused(
                f"The visit of job #{job.job_number} is {words.visit_status(visit.status)}, so it cannot be "
                "moved. Offer to book a new visit instead."
            )
        return None

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        plan = await self._plan(ctx, args)
        if isinstance(plan, ToolResult):
            return f"Reschedule job {args.get('jobNumber') or args.get('jobId')} to {args['windowStart']}."
        job, visit, window = plan
        before = _visit_window(visit, ctx)
        moved = f" from {before}" if before else ""
        return f"Move the visit for job #{job.job_number}{moved} to {w.describe(window, ctx.profile.zone)}."

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        plan = await self._plan(ctx, args)  # fresh: the window may have filled since the proposal
        if isinstance(plan, ToolResult):
            return plan
        job, visit, window = plan
        length = (visit.end - visit.start) if visit.start and visit.end else (window.end - window.start)
        try:
            await ctx.client.jpm.appointments.reschedule(
                visit.id,
                window.start,
                window.start + length,
                arrival_window_start=window.start,
                arrival_window_end=window.end,
            )
        except Conflict as exc:
            return _conflict(exc, "move this visit")
        now = await ctx.client.jpm.appointments.get(visit.id)
        when = _visit_window(now, ctx) or w.describe(window, ctx.profile.zone)
        start = now.arrival_window_start or now.start or window.start
        facts = [
            Fact(kind="reschedule", value=f"job #{job.job_number} moved to {when}"),
            words.window_fact(start, now.arrival_window_end or now.end, ctx.profile.zone),
            job_fact(job),
        ]
        return ToolResult(
            data={"jobNumber": job.job_number, "appointmentId": now.id, "window": when},
            facts=facts,
            message="Rescheduled in ServiceTitan. Tell the customer the new arrival window.",
        )


# --- cancelAppointment ---------------------------------------------------------------------------------


def _choose_reason(reasons: list[Reason], said: str) -> Reason | None:
    active = [r for r in reasons if r.active and r.name]
    lowered = said.strip().lower()
    named = next((r for r in active if r.name and r.name.lower() == lowered), None)
    if named is not None:
        return named
    fallback = next(
        (r for r in active if any(x in (r.name or "").lower() for x in _DEFAULT_REASON_WORDS)), None
    )
    return fallback or (active[0] if active else None)


class CancelAppointment(Tool):
    id = "cancelAppointment"
    description = (
        "Cancel the verified customer's job and its visits (jobs are never deleted). Names the job by "
        "jobNumber or jobId; reason is the customer's reason in their words."
    )
    effect = "write"
    access = "account"
    scopes = ("tn.jpm.jobs:w", "tn.jpm.jobs:r", "tn.jpm.jobcancelreasons:r", "tn.jpm.appointments:r")

    def parameters(self) -> dict[str, Any]:
        return _job_args({"reason": {"type": "string", "maxLength": 500}}, [])

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return job
        if job.job_status in ("Completed", "Canceled"):
            return ToolResult.refused(
                f"Job #{job.job_number} is {words.job_status(job.job_status)} already; there is nothing to cancel."
            )
        return None

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return f"Cancel job {args.get('jobNumber') or args.get('jobId')}."
        when = ""
        if job.first_appointment_id:
            visit = await _visit(ctx, job, None)
            window = _visit_window(visit, ctx) if isinstance(visit, Appointment) else None
            when = f" (the visit {window})" if window else ""
        names = {t.id: t.name for t in await reference(ctx).job_types()}
        kind = names.get(job.job_type_id or 0) or "service"
        return f"Cancel job #{job.job_number}, the {kind} visit{when}."

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return job
        said = (args.get("reason") or "").strip()
        reason = _choose_reason(await reference(ctx).job_cancel_reasons(), said)
        if reason is None:
            return ToolResult.error(
                "ServiceTitan has no job cancel reasons set up. " + scheduling.callback_advice(ctx)
            )
        memo = f"Canceled by the customer through the receptionist. {words.quoted(said, 400) or ''}".strip()
        try:
            await ctx.client.jpm.jobs.cancel(job.id, reason.id, memo)
        except Conflict as exc:
            return _conflict(exc, "cancel this job")
        now = await ctx.client.jpm.jobs.get(job.id)
        if now.job_status != "Canceled":
            return ToolResult.error(
                f"ServiceTitan still shows job #{now.job_number} as {words.job_status(now.job_status)}. "
                + scheduling.callback_advice(ctx)
            )
        recall.forget_booking(ctx, job.id)
        return ToolResult(
            data={
                "jobNumber": now.job_number,
                "status": words.job_status(now.job_status),
                "reason": reason.name,
            },
            facts=[Fact(kind="cancellation", value=f"job #{now.job_number} canceled"), job_fact(now)],
            message="Canceled in ServiceTitan. Tell the customer it is canceled.",
        )


# --- addJobNote ----------------------------------------------------------------------------------------


class AddJobNote(Tool):
    id = "addJobNote"
    description = (
        "Add a note for the office and technician to the verified customer's job (gate codes, pets, "
        "what changed). Names the job by jobNumber or jobId."
    )
    effect = "write"
    access = "account"
    scopes = ("tn.jpm.jobs:w", "tn.jpm.jobs:r")

    def parameters(self) -> dict[str, Any]:
        return _job_args({"text": {"type": "string", "minLength": 1, "maxLength": _NOTE_LIMIT}}, ["text"])

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return job
        if not words.quoted(args["text"], _NOTE_LIMIT):
            return ToolResult.error("The note is empty.")
        return None

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        number = args.get("jobNumber") or args.get("jobId")
        job = await own_job(ctx, args)
        if isinstance(job, Job):
            number = job.job_number
        text = words.quoted(args["text"], _NOTE_LIMIT) or ""
        return f'Add this note to job #{number}: "{text}"' + ("" if text.endswith((".", "!", "?")) else ".")

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        job = await own_job(ctx, args)
        if isinstance(job, ToolResult):
            return job
        # the note says exactly what the customer agreed to: plain text, as the summary showed it
        text = words.quoted(args["text"], _NOTE_LIMIT)
        if not text:
            return ToolResult.error("The note is empty.")
        note = await ctx.client.jpm.jobs.add_note(job.id, text)
        return ToolResult(
            data={"jobNumber": job.job_number, "note": words.quoted(note.text, 300)},
            facts=[job_fact(job)],
            message="The note is on the job; the office and the technician will see it.",
        )
