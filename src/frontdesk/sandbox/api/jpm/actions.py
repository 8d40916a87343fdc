"""Job actions: cancel, hold, complete and remove-cancellation (jobs are never deleted)."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox.api.jpm import lifecycle
from frontdesk.sandbox.api.jpm.common import check_reason, instant, load_job
from frontdesk.sandbox.registry import Ctx, route


@route("Jobs_Cancel", scope="tn.jpm.jobs:w")
def cancel_job(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    check_reason(ctx, "job_cancel_reasons", ctx.body["reasonId"], "Job cancel reason")
    lifecycle.require_job_can_cancel(job)
    now = iso(ctx.now)
    with ctx.store.transaction():
        lifecycle.move_appointments(
            ctx.store, ctx.tenant, job["id"], lifecycle.APPOINTMENT_OPEN, "Canceled", now
        )
        job.update(jobStatus="Canceled", _cancelReasonId=ctx.body["reasonId"], _cancelMemo=ctx.body["memo"])
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return None


@route("Jobs_RemoveCancellation", scope="tn.jpm.jobs:w")
def remove_cancellation(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    lifecycle.require_job_canceled(job)
    now = iso(ctx.now)
    with ctx.store.transaction():
        lifecycle.move_appointments(ctx.store, ctx.tenant, job["id"], ("Canceled",), "Scheduled", now)
        job.update(jobStatus="Scheduled", _cancelReasonId=None, _cancelMemo=None)
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return None


@route("Jobs_Hold", scope="tn.jpm.jobs:w")
def hold_job(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    check_reason(ctx, "job_hold_reasons", ctx.body["reasonId"], "Job hold reason")
    lifecycle.require_job_can_hold(job)
    now = iso(ctx.now)
    with ctx.store.transaction():
        # the appointments wait with the job, so the job stays on hold until one of them is released
        lifecycle.move_appointments(
            ctx.store,
            ctx.tenant,
            job["id"],
            ("Scheduled", "Dispatched", "Working"),
            "Hold",
            now,
            _holdReasonId=ctx.body["reasonId"],
            _holdMemo=ctx.body["memo"],
        )
        job.update(jobStatus="Hold", _holdReasonId=ctx.body["reasonId"], _holdMemo=ctx.body["memo"])
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return None


@route("Jobs_Complete", scope="tn.jpm.jobs:w")
def complete_job(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    lifecycle.require_job_can_complete(job)
    now = iso(ctx.now)
    with ctx.store.transaction():
        lifecycle.move_appointments(ctx.store, ctx.tenant, job["id"], lifecycle.APPOINTMENT_OPEN, "Done", now)
        job.update(jobStatus="Completed", completedOn=iso(instant(ctx.body["completedOn"])))
        lifecycle.sync_job(ctx.store, ctx.tenant, job, now, touch=True)
    return None
