"""Problems as customers describe them map to the demo business's job types, or to a question."""

from __future__ import annotations

import pytest

from frontdesk.agent.guided.jobtypes import best, of_trade
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile


@pytest.fixture(scope="module")
def profile() -> BusinessProfile:
    return load_profile(demo_profile_path())


@pytest.mark.parametrize(
    ("text", "job_type"),
    [
        ("I'd like to schedule an HVAC maintenance appointment for my home", "HVAC Maintenance"),
        ("time for the annual tune-up on my furnace", "HVAC Maintenance"),
        ("The leak is coming from under the sink, from the pipes to the garbage disposal", "Leak Repair"),
        ("my kitchen sink has been leaking", "Leak Repair"),
        ("the bathtub drain is clogged", "Drain Cleaning"),
        ("we have no hot water since this morning", "Water Heater Repair"),
        ("the outlets in the garage stopped working and the breaker keeps tripping", "Electrical Repair"),
        ("I want a quote to replace my old furnace", "AC/Furnace Replacement Estimate"),
        ("my AC is blowing warm air", "HVAC Repair"),
        ("can you install a ceiling fan in the bedroom", "Lighting Installation"),
        ("I have a question about my water heater install estimate", "Water Heater Repair"),
        ("we need a new tankless water heater", "Water Heater Repair"),
        ("my disposal is jammed", "Drain Cleaning"),
        ("my garbage disposal is humming but not spinning", "Drain Cleaning"),
        ("my garbage disposal is leaking", "Leak Repair"),
        # the kind of work and the equipment together name the estimate, not a repair of that equipment
        ("i'd like a quote for a heat pump", "AC/Furnace Replacement Estimate"),
        ("we want a new air conditioner installed", "AC/Furnace Replacement Estimate"),
        (
            "Our AC is 20 years old and I'd like an estimate for a replacement.",
            "AC/Furnace Replacement Estimate",
        ),
    ],
)
def test_described_problems_map_to_the_job_type_the_guidance_names(
    profile: BusinessProfile, text: str, job_type: str
) -> None:
    assert best(text, profile) == job_type


def test_words_that_name_no_problem_give_no_job_type(profile: BusinessProfile) -> None:
    assert best("I'd like to book something next week", profile) is None


def test_the_trade_named_gives_its_job_types() -> None:
    demo = load_profile(demo_profile_path())
    assert of_trade("hi I need a plumber", demo) == ["Leak Repair", "Drain Cleaning", "Water Heater Repair"]
    assert of_trade("need an electrician", demo) == [
        "Electrical Repair",
        "Panel Upgrade Estimate",
        "Lighting Installation",
    ]
    assert of_trade("I need help", demo) == []


@pytest.mark.parametrize("text", ["do you guys do water softener installs", "need a new toilet installed"])
def test_the_kind_of_work_alone_does_not_name_a_job_type_for_other_equipment(
    profile: BusinessProfile, text: str
) -> None:
    # "install" is a keyword of the furnace and AC estimate; a water softener is not a furnace
    assert best(text, profile) is None
