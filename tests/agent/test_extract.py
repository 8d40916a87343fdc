"""What the guided model understands in customers' messages."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.agent.guided.extract import extract

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # Monday morning


def test_the_guides_first_customer() -> None:
    found = extract("Sure, it's Robert Johnson and my phone number is (555) 123-4567.", NOW)
    assert found.names == ["Robert Johnson"] and found.phones == ["5551234567"]


def test_the_guides_new_customer_gives_several_facts_at_once() -> None:
    first = extract(
        "I'm Sarah Williams, phone number is (555) 987-6543. I think this might be my first time.", NOW
    )
    assert first.names == ["Sarah Williams"] and first.phones == ["5559876543"]
    second = extract(
        "My email is sarah.williams@email.com and the address is 456 Oak Street, Springfield, IL 62701. "
        "The leak is coming from under the sink.",
        NOW,
    )
    assert second.emails == ["sarah.williams@email.com"]
    assert second.address is not None and second.address.complete
    assert (second.address.street, second.address.city, second.address.state, second.address.zip_code) == (
        "456 Oak Street", "Springfield", "IL", "62701",
    )  # fmt: skip
    assert second.zip_code == "62701"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("88 Elm Street, Springfield 62702", ("88 Elm Street", "Springfield", "IL", "62702")),
        ("88 Elm St 62629", ("88 Elm St", "Chatham", "IL", "62629")),  # the ZIP names the city too
        ("12 Oak St, Chatham, IL 62629", ("12 Oak St", "Chatham", "IL", "62629")),
    ],
)
def test_a_zip_code_completes_the_city_and_state_left_out(text: str, expected: tuple[str, ...]) -> None:
    found = extract(text, NOW).address
    assert found is not None and found.complete
    assert (found.street, found.city, found.state, found.zip_code) == expected


def test_a_zip_code_alone_completes_a_street_given_before_but_a_time_is_no_street() -> None:
    alone = extract("62702", NOW).locality
    assert alone is not None and (alone.city, alone.state, alone.zip_code) == ("Springfield", "IL", "62702")
    assert extract("call me at 2 pm, zip 62704", NOW).address is None
    unknown = extract("88 Elm Street 00000", NOW).address  # no such ZIP: the city and state are asked for
    assert unknown is not None and not unknown.complete


@pytest.mark.parametrize(
    ("text", "day", "at", "part"),
    [
        ("Wednesday at 10 AM would be great!", date(2026, 3, 11), time(10), "morning"),
        (
            "Tuesday at 2 PM would be perfect. Can you book that for me?",
            date(2026, 3, 10),
            time(14),
            "afternoon",
        ),
        ("tomorrow morning", date(2026, 3, 10), None, "morning"),
        ("next tuesday afternoon", date(2026, 3, 10), None, "afternoon"),
        ("Friday at 3:30pm", date(2026, 3, 13), time(15, 30), "afternoon"),
        # an hour without am/pm is the working-hours one, never a month ("at 10" is not October)
        ("Wednesday at 10", date(2026, 3, 11), time(10), "morning"),
        ("wednesday at 8", date(2026, 3, 11), time(8), "morning"),
        ("thursday at 2:30", date(2026, 3, 12), time(14, 30), "afternoon"),
        ("friday at 12", date(2026, 3, 13), time(12), "afternoon"),
        ("tuesday at 11 a.m.", date(2026, 3, 10), time(11), "morning"),
        ("tuesday at 4 p.m. please", date(2026, 3, 10), time(16), "afternoon"),
        ("friday at 9 pm", date(2026, 3, 13), time(21), "evening"),
        # a window asked for is read as its start, never as a date ("Tuesday 2" is not February)
        ("Tuesday 2 to 4 pm please", date(2026, 3, 10), time(14), "afternoon"),
        ("tuesday 2-4pm", date(2026, 3, 10), time(14), "afternoon"),
        ("Thursday between 1 and 3 p.m.", date(2026, 3, 12), time(13), "afternoon"),
        ("wednesday from 10 to 12", date(2026, 3, 11), time(10), "morning"),
        ("friday between 10 and noon", date(2026, 3, 13), time(10), "morning"),
        ("first thing monday", date(2026, 3, 16), None, "morning"),
        ("book me a plumber for the 18th, Robert Johnson 555-123-4567", date(2026, 3, 18), None, "any"),
        ("the 20th please", date(2026, 3, 20), None, "any"),
        ("Friday 10-12 pm works", date(2026, 3, 13), time(10), "morning"),
        ("monday 11 to 1 pm", date(2026, 3, 16), time(11), "morning"),
        ("Wednesday 8am to 10am", date(2026, 3, 11), time(8), "morning"),
        # without am/pm, a range of one to four working hours is a window too
        ("Tuesday 2 to 4", date(2026, 3, 10), time(14), "afternoon"),
        ("11-1 friday", date(2026, 3, 13), time(11), "morning"),
        ("8 to 12 tomorrow", date(2026, 3, 10), time(8), "morning"),
        # a weekday is the next such day whatever hours stand beside it; a day of the month is this month's
        ("sometime after 3 on Wednesday", date(2026, 3, 11), time(15), "afternoon"),
        ("thurs 1pm-3pm", date(2026, 3, 12), time(13), "afternoon"),
        ("Wednesday morning around 9", date(2026, 3, 11), time(9), "morning"),
        ("Thursday the 12th", date(2026, 3, 12), None, "any"),
        ("could you come on the 20th at 10am", date(2026, 3, 20), time(10), "morning"),
        ("the 20th in the afternoon", date(2026, 3, 20), None, "afternoon"),
        ("on the 2nd", date(2026, 4, 2), None, "any"),
    ],
)
def test_days_and_times_relative_to_the_business_clock(
    text: str, day: date, at: time | None, part: str
) -> None:
    found = extract(text, NOW).when
    assert found is not None
    assert (found.earliest, found.at, found.part) == (day, at, part)


@pytest.mark.parametrize(
    "text",
    ["we have 2 to 4 kids at home", "it's been leaking for 3-5 days", "6 to 8 is fine", "on 3/2 to 3/4",
     "it costs $2 to 4", "call 555-123-4567"],
)  # fmt: skip
def test_counts_and_numbers_are_not_windows(text: str) -> None:
    found = extract(text, NOW).when
    assert found is None or found.at is None


def test_next_week_is_a_range() -> None:
    found = extract("Can you check what's available next week?", NOW).when
    assert found is not None and (found.earliest, found.latest) == (date(2026, 3, 16), date(2026, 3, 22))
    this_week = extract("anything this week?", NOW).when
    assert this_week is not None and (this_week.earliest, this_week.latest) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
    )


@pytest.mark.parametrize(
    ("text", "first", "last", "part"),
    [
        ("early next week works", date(2026, 3, 16), date(2026, 3, 18), "any"),
        ("beginning of next week, in the afternoon", date(2026, 3, 16), date(2026, 3, 18), "afternoon"),
        ("sometime mid next week", date(2026, 3, 17), date(2026, 3, 19), "any"),
        ("late next week", date(2026, 3, 19), date(2026, 3, 22), "any"),
        ("end of the week, morning if you can", date(2026, 3, 12), date(2026, 3, 15), "morning"),
        ("later this week", date(2026, 3, 12), date(2026, 3, 15), "any"),
        ("early this week", date(2026, 3, 9), date(2026, 3, 11), "any"),
    ],
)
def test_parts_of_a_week_are_days_not_hours(text: str, first: date, last: date, part: str) -> None:
    found = extract(text, NOW).when
    assert found is not None and (found.earliest, found.latest, found.part) == (first, last, part)


@pytest.mark.parametrize(
    ("text", "at"),
    [("2 to 4 pm please", time(14, 0)), ("3pm works", time(15, 0)), ("around noon?", time(12, 0))],
)
def test_a_time_without_a_day_names_no_day(text: str, at: time) -> None:
    found = extract(text, NOW).when
    assert found is not None and (found.earliest, found.latest, found.at) == (None, None, at)


def test_two_weekdays_are_both_days_and_those_between() -> None:
    found = extract("what do you have thursday or friday?", NOW).when
    assert found is not None and (found.earliest, found.latest) == (date(2026, 3, 12), date(2026, 3, 13))


def test_early_this_week_said_late_in_the_week_is_the_rest_of_it() -> None:
    thursday = datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    found = extract("early this week", thursday).when
    assert found is not None and (found.earliest, found.latest) == (date(2026, 3, 12), date(2026, 3, 15))


def test_on_a_sunday_this_week_is_the_one_starting_tomorrow() -> None:
    sunday = datetime(2026, 3, 8, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    this_week = extract("can someone come take a look this week?", sunday).when
    assert this_week is not None and (this_week.earliest, this_week.latest) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
    )
    next_week = extract("next week is better", sunday).when
    assert next_week is not None and (next_week.earliest, next_week.latest) == (
        date(2026, 3, 16),
        date(2026, 3, 22),
    )


@pytest.mark.parametrize(
    "text", ["I'm leaking water everywhere", "it's not working", "i'm locked out", "im freezing"]
)
def test_phrases_are_not_taken_for_names(text: str) -> None:
    assert extract(text, NOW).names == []


def test_lowercase_full_names_are_understood() -> None:
    assert extract("hi this is maria garcia", NOW).names == ["Maria Garcia"]


@pytest.mark.parametrize(
    "text",
    [
        "hi my name is tom baker i'm new, my heat pump is making a grinding noise",
        "my name is tom baker we just moved in",
        "this is tom baker calling about my furnace",
    ],
)
def test_a_name_ends_where_the_next_clause_begins(text: str) -> None:
    assert extract(text, NOW).names == ["Tom Baker"]  # an account was about to be made for "Tom Baker I'm"


def test_an_address_typed_in_lower_case_is_written_with_capitals() -> None:
    found = extract("45 elm street springfield 62701", NOW).address
    assert found is not None and (found.street, found.city) == ("45 Elm Street", "Springfield")
    numbered = extract("3 n 5th st, springfield il 62704", NOW).address
    assert numbered is not None and numbered.street == "3 N 5th St"
    kept = extract("12 McDonald Ave, Springfield IL 62704", NOW).address
    assert kept is not None and kept.street == "12 McDonald Ave"  # capitals typed are kept as typed


def test_corrections_and_answers() -> None:
    fixed = extract("actually my number is 217-555-0199", NOW)
    assert fixed.correction and fixed.phones == ["2175550199"]
    assert extract("yes please", NOW).answer == "yes"
    assert extract("no, that doesn't work", NOW).answer == "no"


def test_job_numbers_are_not_confused_with_phones() -> None:
    found = extract("where is my tech for job #100234? call me at 555-123-4567", NOW)
    assert found.job_numbers == ["100234"] and found.phones == ["5551234567"]


@given(
    st.tuples(
        st.integers(2, 9), st.integers(0, 99), st.integers(2, 9), st.integers(0, 99), st.integers(0, 9999)
    ),
    st.sampled_from(
        [
            "({a}{b:02d}) {c}{d:02d}-{e:04d}",
            "{a}{b:02d}-{c}{d:02d}-{e:04d}",
            "{a}{b:02d}.{c}{d:02d}.{e:04d}",
            "+1 {a}{b:02d} {c}{d:02d} {e:04d}",
            "{a}{b:02d}{c}{d:02d}{e:04d}",
        ]
    ),
)
def test_any_us_phone_format_is_read_as_ten_digits(parts: tuple[int, int, int, int, int], shape: str) -> None:
    a, b, c, d, e = parts
    text = "you can reach me at " + shape.format(a=a, b=b, c=c, d=d, e=e) + " thanks"
    assert extract(text, NOW).phones == [f"{a}{b:02d}{c}{d:02d}{e:04d}"]


@pytest.mark.parametrize("text", ["the 3rd", "the 2nd one works", "the 3rd please", "2nd one"])
def test_an_ordinal_alone_picks_an_offer_and_is_no_date(text: str) -> None:
    assert extract(text, NOW).when is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("i need to reschedule. 217-629-6355 stephen brown", "Stephen Brown"),  # lowercase, after the phone
        ("can you fix my furnace? it's blowing cold air. Robert Johnson 555-123-4567", "Robert Johnson"),
    ],
)
def test_names_typed_after_the_phone_or_after_a_description(text: str, name: str) -> None:
    assert extract(text, NOW).names == [name]


def test_call_me_at_a_number_then_thanks_is_no_name() -> None:
    assert extract("call me 555-123-4567 thanks bye", NOW).names == []


@pytest.mark.parametrize(
    ("text", "at", "bound"),
    [("tomorrow after 3", time(15), "after"), ("before noon tomorrow", time(12), "before"), ("tomorrow at 3", time(15), "at")],
)  # fmt: skip
def test_after_and_before_a_time_are_kept(text: str, at: time, bound: str) -> None:
    found = extract(text, NOW).when
    assert found is not None and (found.at, found.bound) == (at, bound)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("am I a member?", None),
        ("I am home all day", None),
        ("tomorrow am", "morning"),
        ("tomorrow a.m.", "morning"),
        ("thursday AM works", "morning"),
        ("tomorrow in the am please", "morning"),
        ("friday PM please", "afternoon"),
    ],
)
def test_am_and_pm_are_parts_of_the_day_only_beside_a_day_or_an_hour(text: str, part: str | None) -> None:
    found = extract(text, NOW).when
    assert (found.part if found is not None else None) == part
