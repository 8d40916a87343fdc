"""Local business time as integers: days, minutes and UTC seconds, formatted without datetime objects.

The generator makes millions of timestamps. Building a zoned datetime and calling ``iso()`` for each
would cost more than everything else together, so it counts local days since 1970-01-01 and minutes
since local midnight, converts with the day's UTC offset (cached per day) and formats the UTC second
with a cached date prefix. The results equal ``frontdesk.clock.iso`` of the same instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = 86_400
_EPOCH = date(1970, 1, 1).toordinal()


class Timeline:
    """Local days of a time zone, anchored at ``now``."""

    def __init__(self, now: datetime, time_zone: str) -> None:
        self.zone = ZoneInfo(time_zone)
        aware = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.now = int(aware.timestamp())
        self.today = aware.astimezone(self.zone).date().toordinal() - _EPOCH
        self._offsets: dict[int, int] = {}
        self._prefixes: dict[int, str] = {}

    def offset(self, day: int) -> int:
        """Seconds the zone is ahead of UTC on a local day (at noon: business hours never span a switch)."""
        cached = self._offsets.get(day)
        if cached is None:
            local = datetime.combine(date.fromordinal(day + _EPOCH), datetime.min.time()) + timedelta(
                hours=12
            )
            shift = local.replace(tzinfo=self.zone).utcoffset()
            cached = int(shift.total_seconds()) if shift else 0
            self._offsets[day] = cached
        return cached

    def at(self, day: int, minute: int) -> int:
        """UTC seconds of a local day and minute after local midnight (between 03:00 and 24:00)."""
        return day * DAY + minute * 60 - self.offset(day)

    def iso(self, second: int) -> str:
        """``frontdesk.clock.iso`` of a UTC second."""
        day, rest = divmod(second, DAY)
        prefix = self._prefixes.get(day)
        if prefix is None:
            prefix = self._prefixes[day] = date.fromordinal(day + _EPOCH).isoformat() + "T"
        hour, rest = divmod(rest, 3600)
        minute, sec = divmod(rest, 60)
        return f"{prefix}{hour:02d}:{minute:02d}:{sec:02d}Z"

    @staticmethod
    def weekday(day: int) -> int:
        """Monday 0 … Sunday 6 (1970-01-01 was a Thursday)."""
        return (day + 3) % 7

    def local_date(self, day: int) -> date:
        return date.fromordinal(day + _EPOCH)
