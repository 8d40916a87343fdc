"""Export feeds of jobs and appointments: every change in order, inactive rows included."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.api.jpm.common import APPOINTMENTS, JOBS, appointment_view, job_view
from frontdesk.sandbox.listing import common_filters, export_feed
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc


def _export_job(doc: Doc) -> Doc:
    # jobs are never deleted, so an exported job is always active (the export schema requires the field)
    return {**job_view(doc), "active": True}


@route("Export_Jobs", scope="tn.jpm.jobs:r")
def export_jobs(ctx: Ctx) -> Any:
    return export_feed(ctx, ctx.table(JOBS), shape=_export_job)


@route("Export_Appointments", scope="tn.jpm.appointments:r")
def export_appointments(ctx: Ctx) -> Any:
    where = common_filters(ctx, default_active=False)
    return export_feed(ctx, ctx.table(APPOINTMENTS), where, shape=appointment_view)
