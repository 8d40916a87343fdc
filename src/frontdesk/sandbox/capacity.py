"""The dispatch capacity engine behind ``POST dispatch/v2/tenant/{tenant}/capacity``.

ServiceTitan answers capacity as hours of technician time per arrival window. The sandbox computes the
same answer from its own data with these rules:

Arrival windows
    Each day's business hours (the tenant's ``business_hours`` document, else weekdays 8–18, Saturday
    9–13, no Sunday) are read as wall-clock hours in the tenant's time zone and cut into windows of
    ``arrival_window_hours`` (a last window shorter than that is kept). Wall time is kept across daylight
    saving changes, so 8:00 is 8:00 local on both sides of a change and the UTC instants move. Only
    windows lying wholly inside [startsOnOrAfter, endsOnOrBefore] that have not started yet are answered.

Technicians considered
    Active technicians of the requested business units; without ``businessUnitIds``, those of the job
    type's business units; when the job type has none either, every active technician. With
    ``skillBasedAvailability`` and a job type, a technician lacking any of the job type's skills
    (case-insensitive match on ``skills[].name``) is listed as Unavailable with ``hasRequiredSkills``
    false and adds no hours. ``hasRequiredSkills`` is null without ``skillBasedAvailability``, and
    true for everyone when there is no job type (nothing is required).

Hours
    A technician's hours in a window are the part of the window covered by their active Normal or
    OnCall shifts, less the part covered by their TimeOff shifts (overlapping shifts count once).
    ``totalAvailability`` is the sum over the technicians considered.

Bookings
    Every active appointment that is not Canceled or Done and whose arrival window (else its start–end)
    overlaps the window books its whole duration (end − start). An appointment with active assignments
    takes that time from each assigned technician's remaining hours (never below zero), whatever the
    job's business unit: a technician busy on any job is busy. An unassigned appointment books the
    pool, if its job belongs to the business units considered. ``openAvailability`` is
    total − booked, never below zero.

Answers
    The hours a booking needs are the job type's ``duration`` (seconds), or one hour without a job
    type, capped at the window's length: an arrival window says when a technician arrives, and the
    work may run past it. A technician is Available when their remaining hours cover that need;
    ``isAvailable`` when ``openAvailability`` covers it and at least one technician is Available;
    ``isExceedingIdealBookingPercentage`` when booked hours exceed 80 % of the total.

Everything here is a pure function of data loaded from the store (``load``); the route validates the
request and shapes the problems.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from frontdesk.clock import iso, parse_instant
from frontdesk.sandbox.store import Doc, Store, Where, to_us

DEFAULT_BUSINESS_HOURS: Doc = {
    "weekdays": [{"fromHour": 8, "toHour": 18}],
    "saturday": [{"fromHour": 9, "toHour": 13}],
    "sunday": [],
}
MAX_RANGE = timedelta(days=31)
IDEAL_BOOKING = 0.8
CLOSED_STATUSES = frozenset({"Canceled", "Done"})
WORKING_SHIFTS = frozenset({"Normal", "OnCall"})
DEFAULT_NEED = 3600  # seconds a booking needs when no job type says otherwise
# how far outside the requested range an appointment's start may lie and its arrival window still overlap
_LOOKBEHIND = timedelta(days=7)
_LOOKAHEAD = timedelta(days=1)
_LAST_INSTANT = datetime.max.replace(tzinfo=UTC) - timedelta(days=30)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class CapacityRequest:
    starts: datetime
    ends: datetime
    business_unit_ids: tuple[int, ...] | None = None
    job_type_id: int | None = None
    skill_based: bool = False


@dataclass
class CapacityData:
    """What one capacity answer is computed from."""

    business_hours: Doc
    business_unit_ids: list[int]  # the business units the answer applies to
    restrict_units: bool  # False: every business unit counts (no filter asked for)
    technicians: list[Doc]
    shifts: list[Doc]
    appointments: list[Doc]
    job_units: dict[int, int | None]  # job id → business unit id
    assigned: dict[int, list[int]]  # appointment id → technicians actively assigned
    job_type: Doc | None = None


# --- business hours and windows --------------------------------------------------------------------


def business_hours(store: Store, tenant: int) -> Doc:
    """The tenant's business hours (the Dispatch.V2.BusinessHourModel shape), or the default ones."""
    stored = store["business_hours"].select(tenant, limit=1)
    if not stored:
        return {key: [dict(r) for r in ranges] for key, ranges in DEFAULT_BUSINESS_HOURS.items()}
    return {key: stored[0].get(key) or [] for key in DEFAULT_BUSINESS_HOURS}


def _ranges(hours: Doc, day: date) -> list[tuple[int, int]]:
    key = {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekdays")
    return sorted((int(r["fromHour"]), int(r["toHour"])) for r in hours.get(key) or [])


def arrival_windows(
    hours: Doc, zone: ZoneInfo, starts: datetime, ends: datetime, now: datetime, length_hours: int
) -> list[tuple[datetime, datetime]]:
    """Local wall-clock (naive) start and end of each window inside the range that has not started."""
    windows: list[tuple[datetime, datetime]] = []
    day = starts.astimezone(zone).date()
    last = ends.astimezone(zone).date()
    while day <= last:
        midnight = datetime.combine(day, time())
        for from_hour, to_hour in _ranges(hours, day):
            hour = from_hour
            while hour < to_hour:
                local = (
                    midnight + timedelta(hours=hour),
                    midnight + timedelta(hours=min(hour + length_hours, to_hour)),
                )
                start, end = (_utc(w, zone) for w in local)
                if start >= starts and end <= ends and start >= now:
                    windows.append(local)
                hour += length_hours
        day += timedelta(days=1)
    return sorted(set(windows))


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone).astimezone(UTC)


# --- interval arithmetic ---------------------------------------------------------------------------


def _clip(intervals: list[Interval], window: Interval) -> list[Interval]:
    lo, hi = window
    return [(max(a, lo), min(b, hi)) for a, b in intervals if a < hi and b > lo]


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _seconds(intervals: list[Interval]) -> int:
    return sum(int((b - a).total_seconds()) for a, b in intervals)


@dataclass
class Roster:
    """One technician's shifts, parsed once: the spans they work and the spans they are off."""

    work: list[Interval] = field(default_factory=list)
    off: list[Interval] = field(default_factory=list)

    def seconds(self, window: Interval) -> int:
        """Seconds of the window the technician can work (Normal/OnCall less TimeOff)."""
        work = _union(_clip(self.work, window))
        if not work:
            return 0
        off = _union(_clip(self.off, window))
        return _seconds(work) - sum(_seconds(_clip(off, w)) for w in work)


_IDLE = Roster()  # a technician without shifts


def rosters(shifts: list[Doc]) -> dict[int, Roster]:
    """Each technician's roster from their shift documents."""
    found: dict[int, Roster] = {}
    for shift in shifts:
        roster = found.setdefault(shift["technicianId"], Roster())
        if shift.get("shiftType") in WORKING_SHIFTS:
            roster.work.append(_span(shift))
        elif shift.get("shiftType") == "TimeOff":
            roster.off.append(_span(shift))
    return found


def _span(doc: Doc, start: str = "start", end: str = "end") -> Interval:
    return parse_instant(doc[start]), parse_instant(doc[end])


def _occupies(appointment: Doc) -> Interval:
    """The time an appointment holds on the board: its arrival window when it has one."""
    if appointment.get("arrivalWindowStart") and appointment.get("arrivalWindowEnd"):
        return _span(appointment, "arrivalWindowStart", "arrivalWindowEnd")
    return _span(appointment)


# --- the answer ------------------------------------------------------------------------------------


def _skill_names(technician: Doc) -> set[str]:
    return {str(s.get("name", "")).casefold() for s in technician.get("skills") or [] if isinstance(s, dict)}


def has_required_skills(technician: Doc, job_type: Doc | None) -> bool:
    required = {str(s).casefold() for s in (job_type or {}).get("skills") or []}
    return required <= _skill_names(technician)


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def compute(
    request: CapacityRequest, data: CapacityData, *, zone: ZoneInfo, now: datetime, window_hours: int
) -> Doc:
    """The Dispatch.V2.CapacityResponse for a validated request."""
    duration = int((data.job_type or {}).get("duration") or 0)
    need_seconds = duration if duration > 0 else DEFAULT_NEED
    shifts = rosters(data.shifts)
    skilled: dict[int, bool | None] = {
        t["id"]: has_required_skills(t, data.job_type) if request.skill_based else None
        for t in data.technicians
    }
    bookings = [(a, _occupies(a), _seconds([_span(a)])) for a in data.appointments]
    units = set(data.business_unit_ids)

    availabilities: list[Doc] = []
    for local in arrival_windows(data.business_hours, zone, request.starts, request.ends, now, window_hours):
        window = (_utc(local[0], zone), _utc(local[1], zone))
        need = min(need_seconds, int((window[1] - window[0]).total_seconds()))
        total = {
            t["id"]: shifts.get(t["id"], _IDLE).seconds(window)
            for t in data.technicians
            if skilled[t["id"]] is not False
        }
        remaining = dict(total)
        pool = 0
        for appointment, (a, b), seconds in bookings:
            if not (a < window[1] and b > window[0]):
                continue
            technicians = data.assigned.get(appointment["id"])
            if technicians:
                for tech in technicians:
                    if tech in remaining:
                        remaining[tech] = max(remaining[tech] - seconds, 0)
            elif not data.restrict_units or data.job_units.get(appointment["jobId"]) in units:
                pool += seconds
        total_seconds = sum(total.values())
        booked = total_seconds - sum(remaining.values()) + pool
        open_seconds = max(total_seconds - booked, 0)
        listed = [
            {
                "id": t["id"],
                "name": t["name"],
                "status": "Available" if remaining.get(t["id"], 0) >= need > 0 else "Unavailable",
                "hasRequiredSkills": skilled[t["id"]],
            }
            for t in data.technicians
        ]
        availabilities.append(
            {
                "start": local[0].isoformat(),
                "end": local[1].isoformat(),
                "startUtc": iso(window[0]),
                "endUtc": iso(window[1]),
                "businessUnitIds": list(data.business_unit_ids),
                "totalAvailability": _hours(total_seconds),
                "openAvailability": _hours(open_seconds),
                "technicians": listed,
                "isAvailable": open_seconds >= need and any(t["status"] == "Available" for t in listed),
                "isExceedingIdealBookingPercentage": booked > IDEAL_BOOKING * total_seconds,
            }
        )
    return {"timeStamp": iso(now), "availabilities": availabilities}


# --- loading ---------------------------------------------------------------------------------------


def load(store: Store, tenant: int, request: CapacityRequest) -> CapacityData:
    """Read what ``compute`` needs for a request whose ids are known to exist."""
    job_type = store["job_types"].get(tenant, request.job_type_id) if request.job_type_id else None
    if request.business_unit_ids:
        units, restrict = sorted(set(request.business_unit_ids)), True
    elif job_type and job_type.get("businessUnitIds"):
        units, restrict = sorted(set(job_type["businessUnitIds"])), True
    else:
        units, restrict = store["business_units"].ids(tenant, Where().eq("active", 1)), False
        units.sort()
    technicians = [
        t
        for t in store["technicians"].select(tenant, Where().eq("active", 1))
        if not restrict or t.get("businessUnitId") in units
    ]
    shifts = store["technician_shifts"].select(
        tenant,
        Where()
        .eq("active", 1)
        .lt("start", to_us(request.ends))
        .add("end_ > ?", to_us(request.starts))
        .any_of("technician_id", [t["id"] for t in technicians]),
    )
    appointments = [
        a
        for a in store["appointments"].select(
            tenant,
            Where()
            .eq("active", 1)
            .gte("start", to_us(request.starts - _LOOKBEHIND))
            .lt("start", to_us(request.ends + _LOOKAHEAD)),
        )
        if a.get("status") not in CLOSED_STATUSES
    ]
    appointment_ids = [a["id"] for a in appointments]
    jobs = store["jobs"].select(tenant, Where().any_of("id", sorted({a["jobId"] for a in appointments})))
    assigned: dict[int, list[int]] = defaultdict(list)
    for row in store["appointment_assignments"].select(
        tenant, Where().eq("active", 1).any_of("appointment_id", appointment_ids)
    ):
        assigned[row["appointmentId"]].append(row["technicianId"])
    return CapacityData(
        business_hours=business_hours(store, tenant),
        business_unit_ids=units,
        restrict_units=restrict,
        technicians=sorted(technicians, key=lambda t: t["id"]),
        shifts=shifts,
        appointments=appointments,
        job_units={j["id"]: j.get("businessUnitId") for j in jobs},
        assigned=dict(assigned),
        job_type=job_type,
    )


def answer(
    store: Store, tenant: int, request: CapacityRequest, *, time_zone: str, now: datetime, window_hours: int
) -> Doc:
    """Load and compute in one call (what the route does).

    Windows that have begun are never offered, so a range that ends before now has none; near the ends of
    the calendar (year 1, year 9999) that also keeps the date arithmetic of the lookups in range.
    """
    if request.ends <= now or request.ends >= _LAST_INSTANT:
        return {"timeStamp": iso(now), "availabilities": []}
    request = replace(request, starts=max(request.starts, now - _LOOKAHEAD))
    data = load(store, tenant, request)
    return compute(request, data, zone=ZoneInfo(time_zone), now=now, window_hours=window_hours)
