"""getCustomerJobs and getCustomerMemberships: the verified customer's service history and plans."""

from __future__ import annotations

from typing import Any

from frontdesk.capabilities.pack import words
from frontdesk.capabilities.pack.visits import (
    JOB_SCOPES,
    ensure_own,
    job_data,
    job_facts,
    job_type_names,
    verified_customer,
    visits_of,
    zone,
)
from frontdesk.capabilities.together import collect, together
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.models import Job

_CUSTOMER_ID = {"type": "integer", "description": "the verified customer's id (optional)"}


class GetCustomerJobs(Tool):
    id = "getCustomerJobs"
    description = (
        "The verified customer's upcoming visits and past jobs: job numbers, job types, status, arrival "
        "windows and technicians' names. Summaries are the customer's or office's words, quoted as data."
    )
    access = "account"
    scopes = JOB_SCOPES

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "customerId": _CUSTOMER_ID,
                "pastLimit": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 20,
                    "default": 5,
                    "description": "how many past jobs to include, newest first",
                },
            },
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        customer_id = verified_customer(ctx)
        past_limit = int(args.get("pastLimit", 5))
        client = ctx.client
        jobs, appointments = await together(
            collect(client.jpm.jobs.iterate(customer_id=customer_id, page_size=200)),
            collect(client.jpm.appointments.iterate(customer_id=customer_id, page_size=500)),
        )
        for job in jobs:
            ensure_own(ctx, job.customer_id)
        upcoming = [j for j in jobs if (j.job_status or "") in words.OPEN_JOB_STATUSES]
        past = [j for j in jobs if j not in upcoming]
        past.sort(key=_newest_first)
        shown_past = past[:past_limit]
        shown = [*upcoming, *shown_past]
        shown_ids = {j.id for j in shown}
        visits = await visits_of(ctx, [a for a in appointments if a.job_id in shown_ids])
        types = await job_type_names(ctx) if shown else {}
        tz = zone(ctx)
        facts: list[Fact] = []

        def view(job: Job, *, only_open: bool) -> dict[str, Any]:
            own = visits.get(job.id, [])
            # an open job shows its visits still to come; a finished one its last visit, the one remembered
            own = ([v for v in own if v.open] or own[-1:]) if only_open else own[-1:]
            facts.extend(job_facts(job))
            for visit in own:
                facts.extend(visit.facts(tz))
            if job.completed_on is not None:
                facts.append(Fact(kind="date", value=words.full_date(job.completed_on, tz)))
            return job_data(job, types.get(job.job_type_id or 0), own, tz)

        upcoming.sort(key=lambda j: _first_open_start(j, visits))
        data: dict[str, Any] = {
            "upcoming": [view(j, only_open=True) for j in upcoming],
            "past": [view(j, only_open=False) for j in shown_past],
        }
        if len(past) > len(shown_past):
            data["olderJobs"] = len(past) - len(shown_past)
        message = None
        if not jobs:
            message = "This customer has no jobs on file yet."
        elif not upcoming:
            message = "No upcoming visits are scheduled."
        return ToolResult(data=data, facts=facts, message=message)


def _newest_first(job: Job) -> float:
    when = job.completed_on or job.created_on
    return -when.timestamp() if when is not None else 0.0


def _first_open_start(job: Job, visits: dict[int, list[Any]]) -> float:
    starts = [v.start.timestamp() for v in visits.get(job.id, []) if v.open and v.start is not None]
    return min(starts) if starts else float("inf")


class GetCustomerMemberships(Tool):
    id = "getCustomerMemberships"
    description = "The verified customer's memberships (service plans): status, dates and what the plan is."
    access = "account"
    scopes = ("tn.mem.memberships:r",)

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"customerId": _CUSTOMER_ID},
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        customer_id = verified_customer(ctx)
        tz = zone(ctx)
        plans: list[dict[str, Any]] = []
        facts: list[Fact] = []
        memberships = ctx.client.memberships.memberships
        async for plan in memberships.iterate(customer_ids=[customer_id], page_size=50):
            ensure_own(ctx, plan.customer_id)
            if plan.status == "Deleted":
                continue
            extra = plan.model_extra or {}
            entry: dict[str, Any] = {
                "membershipId": plan.id,
                "status": (plan.status or "unknown").lower(),
                "billing": (plan.billing_frequency or "").lower() or None,
                "description": words.quoted(
                    extra.get("memo") if isinstance(extra.get("memo"), str) else None
                ),
            }
            if plan.from_ is not None:
                entry["from"] = words.full_date(plan.from_, tz)
                facts.append(Fact(kind="date", value=entry["from"]))
            if plan.to is not None:
                entry["to"] = words.full_date(plan.to, tz)
                facts.append(Fact(kind="date", value=entry["to"]))
            plans.append({k: v for k, v in entry.items() if v is not None})
        active = [p for p in plans if p["status"] == "active"]
        return ToolResult(
            data={"memberships": plans, "activeMember": bool(active)},
            facts=facts,
            message=None if plans else "The customer has no membership.",
        )
