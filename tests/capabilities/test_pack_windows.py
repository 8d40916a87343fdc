"""Arrival windows: days and times as customers and models give them, in the business's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.capabilities.pack import windows as w
from frontdesk.capabilities.pack.windows import Window
from frontdesk.profile import OpeningHours
from frontdesk.servicetitan.models import Availability

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 3, 9)


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("today", MONDAY),
        ("Tomorrow", date(2026, 3, 10)),
        ("monday", MONDAY),
        ("next Monday", date(2026, 3, 16)),
        ("Sat", date(2026, 3, 14)),
        ("thurs", date(2026, 3, 12)),
        ("this Friday", date(2026, 3, 13)),
        ("Sunday", date(2026, 3, 15)),
        ("2026-03-20", date(2026, 3, 20)),
        ("2026-03-20T09:00", date(2026, 3, 20)),
    ],
)
def test_days_as_people_say_them(said: str, day: date) -> None:
    assert w.parse_day(said, MONDAY) == day


@pytest.mark.parametrize("said", ["someday", "2026-02-30", ""])
def test_a_day_that_is_not_one_is_refused(said: str) -> None:
    with pytest.raises(ValueError, match="not a day"):
        w.parse_day(said, MONDAY)


def test_a_time_without_offset_is_local_wall_time_across_daylight_saving() -> None:
    # DST began on Sunday, March 8, 2026: 8 AM is 14:00 UTC before and 13:00 UTC after
    assert w.parse_instant_local("2026-03-06T08:00", CHICAGO) == datetime(2026, 3, 6, 14, tzinfo=UTC)
    assert w.parse_instant_local("2026-03-10 08:00", CHICAGO) == datetime(2026, 3, 10, 13, tzinfo=UTC)
    assert w.parse_instant_local("2026-03-10T13:00:00Z", CHICAGO) == datetime(2026, 3, 10, 13, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a date and time"):
        w.parse_instant_local("Tuesday morning", CHICAGO)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)))
def test_what_a_model_is_given_it_can_pass_back(moment: datetime) -> None:
    instant = moment.replace(tzinfo=UTC, microsecond=0)
    assert w.parse_instant_local(w.local_iso(instant, CHICAGO), CHICAGO) == instant


def window(local_start: str, hours: int = 2) -> Window:
    start = w.parse_instant_local(local_start, CHICAGO)
    return Window(start, start + timedelta(hours=hours))


@pytest.mark.parametrize(
    ("start", "hours", "inside"),
    [
        ("2026-03-10T08:00", 2, True),
        ("2026-03-10T16:00", 2, True),
        ("2026-03-10T17:00", 2, False),  # past 6 PM closing
        ("2026-03-10T07:00", 2, False),
        ("2026-03-14T11:00", 2, True),  # Saturday 9–1
        ("2026-03-14T12:00", 2, False),
        ("2026-03-15T10:00", 2, False),  # Sunday closed
    ],
)
def test_windows_inside_opening_hours(start: str, hours: int, inside: bool) -> None:
    assert w.within_hours(window(start, hours), OpeningHours(), CHICAGO) is inside


def test_a_window_to_midnight_fits_a_day_open_until_midnight() -> None:
    late = OpeningHours(tuesday="08:00-24:00")
    assert w.within_hours(window("2026-03-10T22:00"), late, CHICAGO)
    assert not w.within_hours(window("2026-03-10T22:00"), OpeningHours(), CHICAGO)


def test_a_capacity_answer_becomes_a_window_and_words() -> None:
    item = Availability.model_validate(
        {
            "start": "2026-03-10T08:00:00",
            "end": "2026-03-10T10:00:00",
            "isAvailable": True,
            "technicians": [{"id": 1, "status": "Available"}, {"id": 2, "status": "Unavailable"}],
        }
    )
    found = w.from_availability(item, CHICAGO)
    assert found == Window(datetime(2026, 3, 10, 13, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC), (1,))
    assert w.describe(found, CHICAGO) == "Tuesday, March 10, 8:00 AM – 10:00 AM"
    assert w.offer(found, CHICAGO)["windowStart"] == "2026-03-10T08:00:00-05:00"
