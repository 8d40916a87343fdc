"""Injectable time: every component asks a clock, so tests and replays run at a fixed instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until moved; the default in tests and in seeded demos."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, delta: timedelta | float) -> None:
        self._at += delta if isinstance(delta, timedelta) else timedelta(seconds=delta)


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted to UTC. One already at offset zero, as
    ServiceTitan sends them, is kept as it is (with its own zero-offset zone): converting the 150,000 of an
    export of 50,000 jobs took a tenth of a second."""
    zone = value.tzinfo
    if zone is UTC:
        return value
    if zone is None:
        return value.replace(tzinfo=UTC)
    if zone.utcoffset(value) == _NO_OFFSET:
        return value
    return value.astimezone(UTC)


_NO_OFFSET = timedelta(0)


def parse_instant(text: str) -> datetime:
    """Parse an RFC 3339 / ISO 8601 instant ('Z' allowed); naive values are taken as UTC."""
    value = text.strip()
    if value.endswith(("z", "Z")):
        value = value[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(value))
    except OverflowError as exc:  # e.g. 0001-01-01T00:00:00+05:00 lies before the first representable instant
        raise ValueError(f"instant out of range: {text[:40]!r}") from exc


def iso(value: datetime) -> str:
    """Format an instant the way ServiceTitan does: UTC with a trailing Z."""
    value = as_utc(value)
    # strftime's %Y does not zero-pad years before 1000 on every platform; RFC 3339 needs four digits.
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if value.microsecond:
        return f"{text}.{value.microsecond:06d}".rstrip("0") + "Z"
    return text + "Z"
