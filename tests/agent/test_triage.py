"""Emergencies are recognised from the business's phrases, typos included, and never missed by wording."""

from __future__ import annotations

import pytest

from frontdesk.agent.triage import detect
from frontdesk.profile import demo_profile_path, load_profile

PROFILE = load_profile(demo_profile_path())


@pytest.mark.parametrize(
    ("text", "name", "life"),
    [
        ("I smell gas in the kitchen", "gas smell", True),
        ("there's a smel of gass near the water heater", "gas smell", True),
        ("My CO alarm keeps going off!", "carbon monoxide alarm", True),
        ("the outlet is sparking and there's a burning smell", "sparks or burning smell", True),
        ("Our furnace stopped and the house is freezing", "no heat in freezing weather", False),
        ("a pipe burst in the basement, water everywhere", "active leak or flooding", False),
        ("no heat and I smell gas", "gas smell", True),  # life safety wins
        # what is smelled may come a few words after the smell
        ("my ac is buzzing and it smells like something is burning", "sparks or burning smell", True),
        ("I smell a bit of gas in the kitchen", "gas smell", True),
        ("there are flames coming out of the furnace", "sparks or burning smell", True),
        ("my toilet is overflowing and wont stop", "active leak or flooding", False),
        ("water is coming through the kitchen ceiling", "active leak or flooding", False),
    ],
)
def test_emergencies_are_recognised(text: str, name: str, life: bool) -> None:
    found = detect(text, PROFILE)
    assert found is not None and found.trigger.name == name and found.life_safety is life


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to schedule annual HVAC maintenance",
        "My kitchen sink has been leaking and I need a plumber",  # a leak, not flooding
        "I don't smell gas, the furnace just clicks",
        "What are your hours?",
        "the smell is gone, gas bill is high",  # only a few words of that kind may come between
        "my gas water heater is leaking",
        "my toilet overflowed last week and now it drains slowly",
        "the toilet is not overflowing, just slow",
    ],
)
def test_routine_requests_are_not_emergencies(text: str) -> None:
    assert detect(text, PROFILE) is None


def test_a_name_that_looks_like_a_trigger_word_is_not_an_emergency() -> None:
    profile = load_profile(demo_profile_path())
    assert detect("Hi, this is Jenny Park, I'd like an estimate for a new AC", profile) is None
    assert detect("there are sparkz coming from the outlet", profile) is not None  # a typo still counts


def test_a_real_word_two_letters_off_a_trigger_word_is_not_an_emergency() -> None:
    """ "Spring St" is a street, not "sparking"; a typo drops, adds or swaps one letter."""
    assert detect("the address is 900 Spring St, Springfield IL 62704", PROFILE) is None
    assert detect("the outlet is sparkng", PROFILE) is not None  # one letter dropped still counts
