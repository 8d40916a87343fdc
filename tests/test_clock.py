"""Instants are written and read the way ServiceTitan's documents describe them (RFC 3339, UTC, Z)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.clock import iso, parse_instant


def test_iso_writes_utc_with_z_and_trims_fractions() -> None:
    assert iso(datetime(2026, 3, 16, 14, 0, tzinfo=UTC)) == "2026-03-16T14:00:00Z"
    assert iso(datetime(2026, 3, 16, 14, 0, 0, 250000, tzinfo=UTC)) == "2026-03-16T14:00:00.25Z"


def test_iso_always_writes_a_four_digit_year() -> None:
    assert iso(datetime(57, 11, 6, 15, 6, 16, tzinfo=UTC)) == "0057-11-06T15:06:16Z"


def test_parse_instant_round_trips_and_treats_naive_values_as_utc() -> None:
    assert parse_instant("0057-11-06T15:06:16Z") == datetime(57, 11, 6, 15, 6, 16, tzinfo=UTC)
    assert parse_instant("2026-03-16T09:00:00-05:00") == datetime(2026, 3, 16, 14, tzinfo=UTC)
    assert parse_instant("2026-03-16T14:00:00") == datetime(2026, 3, 16, 14, tzinfo=UTC)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "next tuesday"])
def test_parse_instant_rejects_what_cannot_be_an_instant_with_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)
