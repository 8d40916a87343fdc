"""getAvailableTimeSlots: the arrival windows a customer may choose, from ServiceTitan's dispatch capacity.

Capacity is asked for the job type (with skill-based availability, so only windows a qualified
technician can take count), and a window is offered only when ServiceTitan calls it available, it lies
inside the business's opening hours and it has not started. Booking and rescheduling re-check a window
through the same functions, so what was offered and what is booked follow one rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from frontdesk.capabilities.pack import recall, words
from frontdesk.capabilities.pack import windows as w
from frontdesk.capabilities.pack.visits import reference
from frontdesk.capabilities.pack.windows import Window
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.profile import BusinessProfile
from frontdesk.servicetitan.models import JobType, Technician

CAPACITY_SCOPES = ("tn.dis.capacity:w", "tn.jpm.jobtypes:r", "tn.stt.technicians:r")
MAX_CAPACITY_DAYS = 31  # ServiceTitan answers capacity for at most 31 days per call
# A window starting sooner than this is not offered: the call must end and a technician get on the road.
MIN_LEAD = timedelta(minutes=30)

TimeOfDay = Literal["morning", "afternoon", "any"]


# --- job types, as the business's guidance names them ------------------------------------------------


def guidance_names(profile: BusinessProfile) -> list[str]:
    """The job types the business books, in the order its guidance lists them (emergency types last)."""
    names = [g.job_type for g in profile.job_types]
    names += [e.job_type for e in profile.emergencies if e.job_type]
    return list(dict.fromkeys(names))


def suggest_job_type(profile: BusinessProfile, text: str) -> str | None:
    """The guidance job type whose keywords the text mentions most, if any."""
    lowered = text.lower()
    scores = [(sum(k.lower() in lowered for k in g.keywords), g.job_type) for g in profile.job_types]
    best = max(scores, default=(0, None))
    return best[1] if best[0] > 0 else None


def job_type_help(profile: BusinessProfile) -> str:
    lines = [f"{g.job_type}: {g.use_when}" for g in profile.job_types]
    return "; ".join(lines) or ", ".join(guidance_names(profile))


async def job_type_for(ctx: ToolContext, name: str) -> JobType | str:
    """The ServiceTitan job type for a name the model chose, or why it cannot be used (for the model)."""
    wanted = name.strip().lower()
    allowed = guidance_names(ctx.profile)
    canonical = next((n for n in allowed if n.lower() == wanted), None)
    if allowed and canonical is None:
        hint = suggest_job_type(ctx.profile, name)
        return (
            f"{name!r} is not one of the job types this business books. Choose by the customer's problem: "
            f"{job_type_help(ctx.profile)}." + (f" {hint!r} looks closest." if hint else "")
        )
    job_type = await reference(ctx).job_type_named(canonical or name)
    if job_type is None:
        return (
            f"ServiceTitan has no active job type named {canonical or name!r}; the business's settings need "
            "an update. Offer the customer a callback from the office."
        )
    return job_type


async def technician_named(ctx: ToolContext, name: str) -> Technician | str:
    """The active technician a customer asked for (full name, or a first or last name only one has)."""
    wanted = " ".join(name.lower().split())
    active = [t for t in await reference(ctx).technicians() if t.active and t.name]
    exact = [t for t in active if (t.name or "").lower() == wanted]
    partial = [t for t in active if wanted in (t.name or "").lower().split()]
    found = exact or partial
    if len(found) == 1:
        return found[0]
    if not found:
        return f"No technician called {name!r} works here; book without a technician (dispatch assigns one)."
    listed = ", ".join(t.name or "" for t in found)
    return f"Several technicians match {name!r} ({listed}); ask which one the customer means."


# --- capacity ----------------------------------------------------------------------------------------


async def open_windows(ctx: ToolContext, job_type: JobType, first: date, last: date) -> list[Window]:
    """Windows on the local days ``first``…``last`` that can be booked now, earliest first.

    Available in ServiceTitan, inside opening hours, and starting at least ``MIN_LEAD`` from now.
    """
    zone = ctx.profile.zone
    now = ctx.clock.now()
    earliest = now + MIN_LEAD
    found: dict[datetime, Window] = {}
    day = first
    while day <= last:
        chunk_last = min(last, day + timedelta(days=MAX_CAPACITY_DAYS - 2))
        starts, ends = w.day_bounds(day, chunk_last, zone)
        starts = max(starts, now)
        if starts < ends:
            answer = await ctx.client.dispatch.capacity(
                starts, ends, skill_based_availability=True, job_type_id=job_type.id
            )
            for item in answer.availabilities:
                window = w.from_availability(item, zone) if item.is_available else None
                if window is None or window.start < earliest:
                    continue
                if w.within_hours(window, ctx.profile.hours, zone):
                    found.setdefault(window.start, window)
        day = chunk_last + timedelta(days=1)
    return [found[start] for start in sorted(found)]


async def window_at(ctx: ToolContext, job_type: JobType, start: datetime) -> Window | None:
    """The window starting at ``start``, if it can still be booked."""
    day = start.astimezone(ctx.profile.zone).date()
    return next((x for x in await open_windows(ctx, job_type, day, day) if x.start == start), None)


def today(ctx: ToolContext) -> date:
    return ctx.clock.now().astimezone(ctx.profile.zone).date()


def last_bookable_day(ctx: ToolContext) -> date:
    return today(ctx) + timedelta(days=ctx.profile.policies.booking_horizon_days)


def part_of_day(window: Window, ctx: ToolContext, when: TimeOfDay) -> bool:
    hour = window.start.astimezone(ctx.profile.zone).hour
    return when == "any" or (hour < 12) == (when == "morning")


def spread(found: list[Window], count: int, ctx: ToolContext) -> list[Window]:
    """Up to ``count`` windows, taking one per day in turn, so a short list still offers a choice of days."""
    by_day: dict[date, list[Window]] = defaultdict(list)
    for window in found:
        by_day[window.start.astimezone(ctx.profile.zone).date()].append(window)
    chosen: list[Window] = []
    while len(chosen) < count and any(by_day.values()):
        for day in sorted(by_day):
            if by_day[day] and len(chosen) < count:
                chosen.append(by_day[day].pop(0))
    return sorted(chosen, key=lambda x: x.start)


def nearest_first(found: list[Window], at: time, ctx: ToolContext) -> list[Window]:
    """The windows of each day ordered by how near they come to ``at`` (a window holding it first), so that
    ``spread`` offers each day's window for "4 PM works" rather than its first."""
    zone = ctx.profile.zone
    asked = at.hour * 60 + at.minute

    def distance(window: Window) -> int:
        start, end = window.local(zone)
        begins, ends = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        if begins <= asked < ends:
            return 0
        return begins - asked if asked < begins else asked - ends + 1  # a window ending at 4 is before 4

    return sorted(found, key=lambda x: (x.start.astimezone(zone).date(), distance(x), x.start))


def free(window: Window, technician: Technician | None) -> bool:
    """The window suits the technician asked for (any window when nobody was asked for)."""
    return technician is None or technician.id in window.technician_ids


async def alternatives(
    ctx: ToolContext,
    job_type: JobType,
    when: TimeOfDay = "any",
    technician: Technician | None = None,
    toward: date | None = None,
) -> list[Window]:
    """Fresh windows to offer instead, from today to the booking horizon: the first open ones, or with
    ``toward`` (a day asked for that had nothing open, or lies beyond the horizon, or a window just taken)
    those of the open days nearest it, before or after (the later first when two are as near)."""
    found = await open_windows(ctx, job_type, today(ctx), last_bookable_day(ctx))
    found = [x for x in found if free(x, technician)]
    found = [x for x in found if part_of_day(x, ctx, when)] or found
    count = ctx.profile.policies.windows_to_offer
    if toward is not None:
        zone = ctx.profile.zone
        days = sorted(
            {x.start.astimezone(zone).date() for x in found},
            key=lambda d: (abs((toward - d).days), d < toward),
        )
        nearest = set(days[:count])
        found = [x for x in found if x.start.astimezone(zone).date() in nearest]
    return spread(found, count, ctx)


def offers(found: list[Window], ctx: ToolContext) -> list[dict[str, str]]:
    return [w.offer(x, ctx.profile.zone) for x in found]


def callback_advice(ctx: ToolContext) -> str:
    return f"Offer a callback from the office, or give the customer the number {ctx.profile.phone}."


# --- the tool ------------------------------------------------------------------------------------------


class GetAvailableTimeSlots(Tool):
    id = "getAvailableTimeSlots"
    description = (
        "Find open arrival windows for a visit, in the business's local time. Choose jobType from the "
        "business's job-type guidance by the customer's problem; give the days the customer prefers. "
        "Offer the windows returned, in their words; pass a window's windowStart to createAppointment. "
        "technician: only when the customer asks for someone by name."
    )
    effect = "read"
    access = "public"
    scopes = CAPACITY_SCOPES

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "jobType": {"type": "string", "description": "job type name from the business's guidance"},
                "preferredDays": {
                    "type": "array",
                    "items": {"type": "string"},
                    "maxItems": 7,
                    "description": "days the customer wants, as 2026-03-10, tomorrow or Tuesday; "
                    "leave out for the soonest days",
                },
                "timeOfDay": {"type": "string", "enum": ["morning", "afternoon", "any"]},
                "time": {
                    "type": "string",
                    "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
                    "description": "an hour the customer asked for, as 16:00: each day's window nearest it",
                },
                "technician": {"type": "string", "description": "only when the customer asks for someone"},
            },
            "required": ["jobType"],
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        job_type = await job_type_for(ctx, args["jobType"])
        if isinstance(job_type, str):
            return ToolResult.error(job_type)
        when: TimeOfDay = args.get("timeOfDay", "any")
        # the runner has checked the pattern: "9:00" or "16:00"
        at = time.fromisoformat(args["time"].zfill(5)) if args.get("time") else None
        technician: Technician | None = None
        if args.get("technician"):
            named = await technician_named(ctx, args["technician"])
            if isinstance(named, str):
                return ToolResult.error(named)
            technician = named
        first_day, horizon = today(ctx), last_bookable_day(ctx)
        try:
            days = sorted({w.parse_day(text, first_day) for text in args.get("preferredDays") or []})
        except ValueError as exc:
            return ToolResult.error(str(exc))
        notes: list[str] = []
        if any(d < first_day for d in days):
            notes.append("Days in the past were left out.")
        beyond = [d for d in days if d > horizon]
        if beyond:
            notes.append(
                f"Visits can be booked up to {horizon.isoformat()} ({(horizon - first_day).days} days ahead)."
            )
        days = [d for d in days if first_day <= d <= horizon]
        if days:
            found = await open_windows(ctx, job_type, days[0], days[-1])
            zone = ctx.profile.zone
            found = [x for x in found if x.start.astimezone(zone).date() in days]
        elif args.get("preferredDays"):
            found = []
        else:
            found = await open_windows(ctx, job_type, first_day, horizon)
        matching = [x for x in found if part_of_day(x, ctx, when) and free(x, technician)]
        if at is not None:
            matching = nearest_first(matching, at, ctx)
        chosen = spread(matching, ctx.profile.policies.windows_to_offer, ctx)
        recall.remember_offers(ctx, job_type.id, chosen)  # a booking proposal may pick one of them
        data: dict[str, Any] = {"jobType": job_type.name, "windows": offers(chosen, ctx)}
        if technician is not None:
            data["technician"] = technician.name
        if chosen:
            message = "Offer these arrival windows (a technician arrives within the window)."
            facts = [w.fact(x, ctx.profile.zone) for x in chosen]
            return ToolResult(data=data, facts=facts, message=" ".join([*notes, message]))
        past_horizon = bool(beyond) and not days  # only days past the horizon were asked for
        # the open days nearest the day asked for, before it as well as after ("anything Saturday?": Friday)
        toward = beyond[0] if past_horizon else (days[0] if days else None)
        others = await alternatives(ctx, job_type, when, technician, toward)
        data["alternatives"] = offers(others, ctx)
        recall.remember_offers(ctx, job_type.id, others)
        asked = "on the days the customer asked for" if days or args.get("preferredDays") else "soon"
        facts = [w.fact(x, ctx.profile.zone) for x in others]
        if past_horizon:
            data["bookableUntil"] = words.day(horizon, ctx.profile.zone)
            facts.append(Fact(kind="date", value=data["bookableUntil"], forms=[horizon.isoformat()]))
        if others and past_horizon:
            message = (
                f"No open arrival windows {asked}: they are past the last day that can be booked "
                f"({data['bookableUntil']}). Say so, and offer these, the open windows nearest to them."
            )
        elif others:
            message = (
                f"No open arrival windows {asked}. Say so, and offer these other windows from the open days "
                "nearest to them."
            )
        else:
            message = (
                f"No open arrival windows in the next {ctx.profile.policies.booking_horizon_days} days. "
            )
            message += callback_advice(ctx)
        return ToolResult(data=data, facts=facts, message=" ".join([*notes, message]))
