"""getJobStatus and getTechnicianLocation: where one of the verified customer's jobs stands right now."""

from __future__ import annotations

from typing import Any

from frontdesk.capabilities.pack import words
from frontdesk.capabilities.pack.visits import (
    JOB_SCOPES,
    Visit,
    ensure_own,
    find_job,
    job_data,
    job_facts,
    job_reference_schema,
    job_type_names,
    job_visits,
    verified_customer,
    visits_of,
    zone,
)
from frontdesk.capabilities.together import collect, together
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import NotFound

_NO_SUCH_JOB = (
    "No job has that number. Ask the customer to check it (it is on their confirmation or invoice), or "
    "look at their jobs with getCustomerJobs."
)
# Visits a technician may be on the way to or at, most advanced first.
_UNDER_WAY = ("Working", "Dispatched")


def _job_args(args: dict[str, Any]) -> tuple[int | None, str | None]:
    job_id = args.get("jobId")
    number = args.get("jobNumber")
    return (int(job_id) if job_id is not None else None), (str(number) if number else None)


class GetJobStatus(Tool):
    id = "getJobStatus"
    description = (
        "Where one of the verified customer's jobs stands: status in plain words, its visits with arrival "
        "windows and the technicians assigned. Give the job number the customer has, or a jobId."
    )
    access = "account"
    scopes = JOB_SCOPES

    def parameters(self) -> dict[str, Any]:
        return {"type": "object", "properties": job_reference_schema(), "additionalProperties": False}

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        verified_customer(ctx)
        job_id, number = _job_args(args)
        if job_id is None and number is None:
            return ToolResult.error("Say which job: give its jobNumber (or a jobId from getCustomerJobs).")
        job = await find_job(ctx, job_id, number)
        if job is None:
            return ToolResult(status="not_found", message=_NO_SUCH_JOB)
        ensure_own(ctx, job.customer_id)
        visits = await job_visits(ctx, job.id)
        tz = zone(ctx)
        data = job_data(job, (await job_type_names(ctx)).get(job.job_type_id or 0), visits, tz)
        facts = job_facts(job)
        for visit in visits:
            facts.extend(visit.facts(tz))
        if job.completed_on is not None:
            facts.append(Fact(kind="date", value=words.full_date(job.completed_on, tz)))
        upcoming = [v for v in visits if v.open]
        if upcoming and upcoming[0].start is not None:
            data["nextVisit"] = words.window(upcoming[0].start, upcoming[0].end, tz)
        return ToolResult(data=data, facts=facts)


class GetTechnicianLocation(Tool):
    id = "getTechnicianLocation"
    description = (
        "Whether the technician is on the way to the verified customer's visit, with a live tracking link "
        "or their last known position when ServiceTitan has one. Give the job number, or none for today's visit."
    )
    access = "account"
    scopes = (*JOB_SCOPES, "tn.dis.techniciantracking:r")

    def parameters(self) -> dict[str, Any]:
        return {"type": "object", "properties": job_reference_schema(), "additionalProperties": False}

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        customer_id = verified_customer(ctx)
        job_id, number = _job_args(args)
        tz = zone(ctx)
        if job_id is not None or number is not None:
            job = await find_job(ctx, job_id, number)
            if job is None:
                return ToolResult(status="not_found", message=_NO_SUCH_JOB)
            ensure_own(ctx, job.customer_id)
            visits = await job_visits(ctx, job.id)
            jobs = {job.id: job}
        else:
            listed, appointments = await together(
                collect(ctx.client.jpm.jobs.iterate(customer_id=customer_id, page_size=200)),
                collect(ctx.client.jpm.appointments.iterate(customer_id=customer_id, page_size=500)),
            )
            jobs = {j.id: j for j in listed if (j.job_status or "") in words.OPEN_JOB_STATUSES}
            mine = [a for a in appointments if a.job_id in jobs]
            visits = [v for vs in (await visits_of(ctx, mine)).values() for v in vs]
        visit = self._current(ctx, visits)
        if visit is None:
            return ToolResult(
                status="not_found",
                message="There is no open visit to track. Check the job with getJobStatus or getCustomerJobs.",
            )
        job = jobs.get(visit.appointment.job_id or 0)
        assert job is not None
        data: dict[str, Any] = {"jobNumber": job.job_number, **visit.data(tz)}
        facts = [*job_facts(job), *visit.facts(tz)]
        technicians = []
        for tech_id, name in visit.technicians:
            technicians.append(await self._whereabouts(ctx, tech_id, name, visit))
        for entry in technicians:
            if "updated" in entry.get("lastKnownPosition", {}):
                facts.append(Fact(kind="time", value=entry["lastKnownPosition"]["updated"]))
        data["technicians"] = technicians
        known = any("trackingUrl" in t or "lastKnownPosition" in t for t in technicians)
        data["locationKnown"] = known
        message = None
        if not visit.technicians:
            message = "No technician is assigned to this visit yet; give the arrival window instead."
        elif not known:
            message = (
                "ServiceTitan has no live location for this visit (tracking starts once the technician is "
                "dispatched on the day). Say so plainly and give the arrival window instead."
            )
        return ToolResult(data=data, facts=facts, message=message)

    @staticmethod
    def _current(ctx: ToolContext, visits: list[Visit]) -> Visit | None:
        """The visit under way, else today's open one, else the next open one."""
        open_visits = [v for v in visits if v.open]
        for status in _UNDER_WAY:
            for visit in open_visits:
                if visit.appointment.status == status:
                    return visit
        today = ctx.clock.now().astimezone(zone(ctx)).date()
        dated = sorted(
            ((v.start, v) for v in open_visits if v.start is not None),
            key=lambda pair: (pair[0], pair[1].appointment.id),
        )
        for start, visit in dated:
            if start.astimezone(zone(ctx)).date() == today:
                return visit
        return dated[0][1] if dated else None

    @staticmethod
    async def _whereabouts(ctx: ToolContext, tech_id: int | None, name: str, visit: Visit) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": name}
        if tech_id is None or visit.appointment.status not in _UNDER_WAY:
            return entry  # nobody is tracked before the visit is dispatched: spare the calls
        try:
            tracking = await ctx.client.dispatch.technician_tracking(tech_id, visit.appointment.id)
            if tracking.technician_tracking_url:
                entry["trackingUrl"] = tracking.technician_tracking_url
        except NotFound:
            pass  # no active tracking: not dispatched yet, or not today
        technician = await ctx.client.settings.technicians.get(tech_id)
        if technician.status:
            entry["status"] = technician.status.lower()
        position = technician.location
        if position is not None and position.latitude is not None and position.longitude is not None:
            known: dict[str, Any] = {"latitude": position.latitude, "longitude": position.longitude}
            if position.coordinates_updated_on is not None:
                known["updated"] = words.clock_time(position.coordinates_updated_on, zone(ctx))
            entry["lastKnownPosition"] = known
        return entry
