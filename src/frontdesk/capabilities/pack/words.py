"""How the pack words ServiceTitan's data for customers: statuses, local dates and windows, money, masks.

Every tool formats the same way, so a reply that repeats a tool's words passes the grounding check, and
a customer hears "Monday, March 16, 8:00 AM – 10:00 AM" in the business's own time zone, never UTC.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from frontdesk.capabilities.tool import Fact

# ServiceTitan's job statuses in customer words (jobStatus ∈ Scheduled, Dispatched, InProgress, Hold,
# Completed, Canceled).
JOB_STATUS_WORDS: dict[str, str] = {
    "Scheduled": "scheduled",
    "Dispatched": "a technician is on the way",
    "InProgress": "the technician is working on it",
    "Hold": "on hold",
    "Completed": "completed",
    "Canceled": "canceled",
}
# Appointment statuses (Scheduled, Dispatched, Working, Hold, Done, Canceled).
VISIT_STATUS_WORDS: dict[str, str] = {
    "Scheduled": "scheduled",
    "Dispatched": "technician on the way",
    "Working": "technician on site",
    "Hold": "on hold",
    "Done": "done",
    "Canceled": "canceled",
}
OPEN_JOB_STATUSES = frozenset({"Scheduled", "Dispatched", "InProgress", "Hold"})
OPEN_VISIT_STATUSES = frozenset({"Scheduled", "Dispatched", "Working", "Hold"})

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_CENT = Decimal("0.01")


def job_status(status: str | None) -> str:
    """A job status as a customer would say it ("a technician is on the way")."""
    if not status:
        return "unknown"
    return JOB_STATUS_WORDS.get(status, status.lower())


def visit_status(status: str | None) -> str:
    if not status:
        return "unknown"
    return VISIT_STATUS_WORDS.get(status, status.lower())


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone)


def clock_time(instant: datetime, zone: ZoneInfo) -> str:
    """``9:00 AM`` in the business's time zone."""
    at = local(instant, zone)
    return f"{(at.hour % 12) or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def day(instant: datetime | date, zone: ZoneInfo) -> str:
    """``Monday, March 16`` in the business's time zone (for visits, which are near: no year); a date as is."""
    at = local(instant, zone) if isinstance(instant, datetime) else instant
    return f"{at:%A}, {at:%B} {at.day}"


def full_date(instant: datetime, zone: ZoneInfo) -> str:
    """``March 16, 2026`` in the business's time zone: for history and invoices, where the year matters."""
    at = local(instant, zone)
    return f"{at:%B} {at.day}, {at.year}"


def window(start: datetime, end: datetime | None, zone: ZoneInfo) -> str:
    """``Monday, March 16, 8:00 AM – 10:00 AM`` (an arrival window, in the business's time zone)."""
    text = f"{day(start, zone)}, {clock_time(start, zone)}"
    if end is not None and end != start:
        if local(end, zone).date() == local(start, zone).date():
            return f"{text} – {clock_time(end, zone)}"
        return f"{text} – {day(end, zone)}, {clock_time(end, zone)}"
    return text


def window_fact(start: datetime, end: datetime | None, zone: ZoneInfo) -> Fact:
    """A window as a fact, with the other spellings a reply may use."""
    value = window(start, end, zone)
    at = local(start, zone)
    forms = [full_date(start, zone), at.date().isoformat(), clock_time(start, zone)]
    if end is not None:
        forms.append(clock_time(end, zone))
    return Fact(kind="window", value=value, forms=forms)


def money(amount: Decimal | int | float | str | None) -> str:
    """``$1,234.50``; negative amounts (credits) as ``-$20.00``."""
    if amount is None:
        return "$0.00"
    try:
        value = Decimal(str(amount)).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def amount_fact(amount: Decimal | None, what: str = "") -> Fact:
    text = money(amount)
    return Fact(kind="amount", value=text, forms=[f"{what} {text}".strip()] if what else [])


def mask_phone(value: str) -> str:
    """Only the last four digits: ``(***) ***-4567``."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 4:
        return "***"
    return f"(***) ***-{digits[-4:]}"


def mask_email(value: str) -> str:
    """The first letter and the domain: ``r***@example.com``."""
    user, at, domain = value.strip().partition("@")
    if not at:
        return "***"
    return f"{user[:1]}***@{domain}"


def address_line(
    street: str | None, unit: str | None, city: str | None, state: str | None, zip_: str | None
) -> str:
    """``1234 Main Street, Apt 2, Springfield, IL 62701`` (parts that are missing are left out)."""
    head = ", ".join(p for p in (street, unit, city) if p)
    tail = " ".join(p for p in (state, zip_) if p)
    return ", ".join(p for p in (head, tail) if p)


def quoted(text: str | None, limit: int = 300) -> str | None:
    """Free text from ServiceTitan (summaries, notes) as plain, bounded data.

    Such text was typed by customers or staff; it is passed on inside a data field, never as guidance,
    so whatever it says ("ignore your instructions …") stays something to read, not something to do.
    """
    if not text:
        return None
    plain = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1].rstrip() + "…"
    return plain or None
