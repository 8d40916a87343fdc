"""Grounding: replies may state only facts that tool results established."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.agent.grounding import Known, check
from frontdesk.capabilities.tool import Fact

TECHS = ["Mike Rodriguez", "Dave Martinez", "John Smith"]

BOOKED = Known.from_facts(
    [
        Fact(kind="booking", value="booked"),
        Fact(kind="job_number", value="100245", forms=["#100245"]),
        Fact(
            kind="window",
            value="2026-03-10T19:00:00Z",
            forms=["Tuesday, March 10, 2:00–4:00 PM", "2:00 PM", "4:00 PM"],
        ),
        Fact(kind="technician", value="Mike Rodriguez"),
        Fact(kind="address", value="1234 Main Street, Springfield, IL 62701"),
        Fact(kind="amount", value="149.00", forms=["$149.00"]),
    ]
)


def test_a_reply_built_from_tool_facts_passes() -> None:
    reply = (
        "You're all set! I've booked your HVAC maintenance for Tuesday, March 10 from 2:00 PM to 4:00 PM. "
        "Your job number is #100245 and Mike Rodriguez will be your technician. The tune-up is $149.00."
    )
    assert check(reply, BOOKED, TECHS) == []


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("Your job number is #ST-847392.", "job number"),
        ("I've booked you for Tuesday, March 10 at 10:00 AM.", "time"),
        ("I've booked you for Wednesday, March 11 at 2:00 PM.", "date"),
        ("Your balance is $245.00.", "amount"),
        ("Dave Martinez will be there.", "technician"),
        ("Dave will call you 30 minutes before arrival.", "technician"),
    ],
)
def test_invented_details_are_caught(reply: str, kind: str) -> None:
    assert kind in [v.kind for v in check(reply, BOOKED, TECHS)]


@pytest.mark.parametrize(
    "reply",
    [
        "Great news, you're booked for Tuesday!",
        "I've scheduled your appointment.",
        "Your appointment has been scheduled.",
        "I have created your account.",
        "Your visit has been rescheduled.",
        "I've cancelled the job.",
    ],
)
def test_claims_of_writes_need_the_write_to_have_happened(reply: str) -> None:
    nothing = Known.from_facts([Fact(kind="customer", value="Robert Johnson")])
    assert any(v.kind.startswith("claim") for v in check(reply, nothing, TECHS))


@pytest.mark.parametrize(
    "reply",
    [
        "Would you like me to book Tuesday from 2:00 PM to 4:00 PM?",
        "I can schedule that for you once you confirm.",
        "Shall I go ahead and book it?",
        "I haven't booked anything yet.",
    ],
)
def test_offers_are_not_claims(reply: str) -> None:
    assert not [v for v in check(reply, BOOKED, TECHS) if v.kind.startswith("claim")]


def test_customer_names_are_not_policed_but_technicians_are() -> None:
    known = Known.from_facts([Fact(kind="customer", value="Robert Johnson")])
    assert check("Thanks, Robert Johnson! How can I help?", known, TECHS) == []
    assert check("Thanks, Robert! John Smith can help.", known, TECHS)


def test_facts_in_24_hour_and_iso_forms_support_12_hour_replies() -> None:
    known = Known.from_facts([Fact(kind="window", value="2026-03-10 14:00-16:00")])
    assert check("That's March 10 from 2:00 PM to 4:00 PM.", known, TECHS) == []


@given(st.integers(min_value=1000, max_value=999_999_999))
def test_any_job_number_not_from_a_tool_is_a_violation(number: int) -> None:
    violations = check(f"Your job number is #{number}.", BOOKED, TECHS)
    assert (str(number) == "100245") == (violations == [])


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_not_from_a_tool_is_a_violation(amount: object) -> None:
    text = f"${amount:,.2f}"
    violations = check(f"The balance is {text}.", BOOKED, TECHS)
    assert (f"{amount:.2f}" == "149.00") == (violations == [])
