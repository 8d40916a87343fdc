"""What one conversation already read from ServiceTitan, so a later tool need not ask again.

A booking conversation reads the customer's service locations when it looks them up, and the open windows
when it offers them; proposing the booking a minute later may reuse both. A confirmed booking still checks
afresh what guards it (the window's capacity and an existing job: both change by the minute in a busy
shop); see ``GuardState.recall``. A new account goes by the lookup that found no account with the number
minutes before, for the proposal and the write alike: an account made for the same number in those minutes
would be a duplicate for the office to merge, where a full window overbooks a technician. Everything is
kept as plain JSON in the guard state, so it survives a restart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from frontdesk.capabilities.pack.windows import Window
from frontdesk.capabilities.tool import ToolContext
from frontdesk.servicetitan.models import Location

# Service locations change rarely (the office adds one); a conversation's worth of time is safe.
LOCATIONS_AGE = timedelta(minutes=30)
# What was offered stays good enough to propose from for a few minutes; the booking re-checks it anyway.
OFFERS_AGE = timedelta(minutes=10)
# "No account has this number" from the lookup just made spares the new account a second search.
NO_ACCOUNT_AGE = timedelta(minutes=10)


def remember_locations(ctx: ToolContext, customer_id: int, locations: list[Location]) -> None:
    data = [loc.model_dump(mode="json", by_alias=True) for loc in locations]
    ctx.state.remember(f"locations:{customer_id}", data, ctx.clock.now())


def locations(ctx: ToolContext, customer_id: int) -> list[Location] | None:
    """The customer's active service locations read earlier in this conversation, if still fresh."""
    data = ctx.state.recall(f"locations:{customer_id}", ctx.clock.now(), LOCATIONS_AGE)
    if not isinstance(data, list):
        return None
    found = [Location.model_validate(item) for item in data]
    return [loc for loc in found if loc.active and loc.customer_id in (None, customer_id)]


def remember_offers(ctx: ToolContext, job_type_id: int, windows: list[Window]) -> None:
    """Add windows just offered for a job type (earlier offers of the same call stay)."""
    now = ctx.clock.now()
    key = f"offers:{job_type_id}"
    kept: dict[str, Any] = {
        item["start"]: item for item in ctx.state.recall(key, now, OFFERS_AGE) or [] if isinstance(item, dict)
    }
    for window in windows:
        kept[window.start.isoformat()] = {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "technicianIds": list(window.technician_ids),
        }
    ctx.state.remember(key, sorted(kept.values(), key=lambda item: item["start"]), now)


def offered(ctx: ToolContext, job_type_id: int, start: datetime) -> Window | None:
    """The window starting at ``start`` if it was offered for this job type a few minutes ago."""
    now = ctx.clock.now()
    for item in ctx.state.recall(f"offers:{job_type_id}", now, OFFERS_AGE) or []:
        window = Window(
            datetime.fromisoformat(item["start"]),
            datetime.fromisoformat(item["end"]),
            tuple(int(t) for t in item.get("technicianIds") or ()),
        )
        if window.start == start and window.start > now:
            return window
    return None


def remember_no_account(ctx: ToolContext, phone_digits: str) -> None:
    ctx.state.remember(f"no-account:{phone_digits}", True, ctx.clock.now())


def no_account(ctx: ToolContext, phone_digits: str) -> bool:
    """The lookup of this conversation found no account with this number a few minutes ago."""
    return ctx.state.recall(f"no-account:{phone_digits}", ctx.clock.now(), NO_ACCOUNT_AGE) is True


def remember_booking(ctx: ToolContext, customer_id: int, job: dict[str, Any]) -> None:
    """A job this conversation booked, which a second booking of the same visit must not repeat."""
    key = f"booked:{customer_id}"
    kept = ctx.state.remembered.get(key)
    jobs = list(kept.data) if kept is not None and isinstance(kept.data, list) else []
    ctx.state.remember(key, [*jobs, job], ctx.clock.now())


def forget_booking(ctx: ToolContext, job_id: int) -> None:
    """A job this conversation booked and has now canceled no longer blocks booking that visit again."""
    for key, kept in ctx.state.remembered.items():
        if key.startswith("booked:") and isinstance(kept.data, list):
            kept.data = [job for job in kept.data if job.get("jobId") != job_id]


def booked_here(ctx: ToolContext, customer_id: int) -> list[dict[str, Any]]:
    kept = ctx.state.remembered.get(f"booked:{customer_id}")
    return list(kept.data) if kept is not None and isinstance(kept.data, list) else []
