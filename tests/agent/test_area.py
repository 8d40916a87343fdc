"""Whether the business serves a place a customer names, from the profile's service-area ZIP codes."""

from __future__ import annotations

import pytest

from frontdesk.agent.guided.area import asks_about_area, place_asked, towns_served
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile


@pytest.fixture(scope="module")
def demo() -> BusinessProfile:
    return load_profile(demo_profile_path())


@pytest.mark.parametrize(
    ("text", "name", "served"),
    [
        ("Do you do electrical work in Chatham?", "Chatham", True),
        ("what about in Decatur?", "Decatur", False),
        ("do you serve new berlin", "New Berlin", True),  # two words, typed in lower case
        ("do you come out to 62521?", "62521 (Decatur)", False),
        ("do you service the Springfield area", "Springfield", True),
    ],
)
def test_a_town_or_zip_is_checked_against_the_service_area(
    demo: BusinessProfile, text: str, name: str, served: bool
) -> None:
    assert asks_about_area(text)
    place = place_asked(text, demo)
    assert place is not None and (place.name, place.served) == (name, served)


def test_the_towns_served_come_from_the_zip_codes(demo: BusinessProfile) -> None:
    assert towns_served(demo) == ["Springfield", "Chatham", "Sherman", "New Berlin", "Rochester"]
    partly = place_asked("do you serve Springfield?", demo)
    assert partly is not None and "62701" in partly.zips and "62705" not in partly.zips


def test_no_place_named_or_no_service_area_gives_no_answer(demo: BusinessProfile) -> None:
    assert place_asked("what about my bill", demo) is None
    anywhere = demo.model_copy(update={"service_area_zips": []})
    assert place_asked("do you serve Chatham?", anywhere) is None
