"""Arrival windows in the business's time zone: reading what customers and models say, and saying it back.

ServiceTitan works in UTC; customers think in local wall time. Everything a customer hears or a model
passes back is local time with its offset, so an answer read on either side of a daylight-saving change
still names the same instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from frontdesk.capabilities.pack import words
from frontdesk.capabilities.tool import Fact
from frontdesk.profile import DAYS, OpeningHours
from frontdesk.servicetitan.models import Availability


@dataclass(frozen=True)
class Window:
    """One arrival window: when a technician may arrive (UTC instants), and who could come."""

    start: datetime
    end: datetime
    technician_ids: tuple[int, ...] = ()

    def local(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return self.start.astimezone(zone), self.end.astimezone(zone)


def from_availability(item: Availability, zone: ZoneInfo) -> Window | None:
    """The window of one capacity answer (its UTC instants, else its local wall time)."""
    start, end = item.start_utc, item.end_utc
    if (start is None or end is None) and item.start is not None and item.end is not None:
        start, end = as_instant(item.start, zone), as_instant(item.end, zone)
    if start is None or end is None:
        return None
    available = tuple(t.id for t in item.technicians if t.status == "Available")
    return Window(start.astimezone(UTC), end.astimezone(UTC), available)


def as_instant(value: datetime, zone: ZoneInfo) -> datetime:
    """A datetime without an offset is the business's wall time; the answer is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def parse_instant_local(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date-time as a model passes it back (with or without an offset), in UTC."""
    cleaned = text.strip().replace(" ", "T", 1)
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time like 2026-03-10T08:00") from None
    return as_instant(value, zone)


def parse_day(text: str, today: date) -> date:
    """A day as a customer or model names it: 2026-03-10, today, tomorrow, or a weekday (the next one)."""
    cleaned = text.strip().lower()
    if cleaned in ("today", "now"):
        return today
    if cleaned == "tomorrow":
        return today + timedelta(days=1)
    following = cleaned.startswith("next ")
    named = cleaned.removeprefix("next ").removeprefix("this ").strip().rstrip(".")
    for index, name in enumerate(DAYS):
        if len(named) >= 3 and name.startswith(named):  # "tue", "tues", "thurs"
            ahead = (index - today.weekday()) % 7
            return today + timedelta(days=ahead or (7 if following else 0))
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", cleaned)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a day like 2026-03-10, tomorrow or Tuesday")


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From local midnight of ``first`` to local midnight after ``last``, in UTC."""
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def within_hours(window: Window, hours: OpeningHours, zone: ZoneInfo) -> bool:
    """The window lies inside the business's opening hours on its (local) day."""
    start, end = window.local(zone)
    span = hours.span(start.weekday())
    if span is None:
        return False
    opens, closes = span
    if start.time() < opens:
        return False
    if end.date() == start.date():
        return end.time() <= closes
    # a window ending at midnight fits only a day open until midnight ("…-24:00" reads as 23:59)
    return end == datetime.combine(start.date() + timedelta(days=1), time(), zone) and closes >= time(23, 59)


def describe(window: Window, zone: ZoneInfo) -> str:
    """``Tuesday, March 10, 8:00 AM – 10:00 AM`` (local time), worded as every pack tool words it."""
    return words.window(window.start, window.end, zone)


def fact(window: Window, zone: ZoneInfo) -> Fact:
    return words.window_fact(window.start, window.end, zone)


def offer(window: Window, zone: ZoneInfo) -> dict[str, str]:
    """What a model sees of a window: the words to say and the start to pass back when booking."""
    return {"window": describe(window, zone), "windowStart": local_iso(window.start, zone)}


def local_iso(value: datetime, zone: ZoneInfo) -> str:
    """The instant as local wall time with its offset, e.g. 2026-03-10T08:00:00-05:00."""
    return value.astimezone(zone).isoformat(timespec="seconds")
