"""Whether the business serves a place the customer names ("do you come out to Decatur?", "what about
62629?"): a ZIP code is checked against the profile's service-area ZIP codes, and a town by its ZIP codes
from USPS data (``zipcodes``), in the states the service area lies in."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from frontdesk.agent.guided.extract import place_of, town_zips
from frontdesk.profile import BusinessProfile

# a question about where the business works, or a follow-up naming another place
_ASKS_AREA = re.compile(
    r"\b(serve|service area|service (the|in)|servicing|cover|come (out )?to|work in|go (out )?to|travel to|"
    r"(in|within|inside|part of) your (service )?(area|range|territory)|"
    r"out to|near)\b|\b(do|does|can|will) (you|y'?all|your (company|team|techs?))( guys| all)? service\b|"
    r"^\W*(?:(?:ok|okay|and|so)\W+)*(what|how) about\b",
    re.I,
)
_ZIP = re.compile(r"\b(\d{5})\b")
# the words after "in", "to", "about"…: a town's name, one to three words
_AFTER = re.compile(
    r"\b(?:in|to|about|serve|service|servicing|cover|near)\s+([A-Za-z][A-Za-z.'-]*(?:\s+[A-Za-z][A-Za-z.'-]*){0,2})"
)
_NOT_A_TOWN = {"the", "my", "our", "your", "a", "an", "me", "you", "us", "there", "here", "it", "that", "this",
               "area", "town", "city", "come", "out", "do", "work", "go", "in", "to", "about", "near"}  # fmt: skip


@dataclass(frozen=True)
class Place:
    name: str  # as the customer would read it: "Decatur", "62629 (Chatham)"
    served: bool
    zips: tuple[str, ...] = ()  # the service area's ZIP codes in that town


def asks_about_area(text: str) -> bool:
    return bool(_ASKS_AREA.search(text))


@functools.lru_cache(maxsize=64)
def _states(zips: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({known[1] for z in zips if (known := place_of(z)) is not None}))


def _town_zips(town: str, states: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code for state in states for code in town_zips(town, state))


def towns_served(profile: BusinessProfile) -> list[str]:
    """The towns of the service area, in the order of its ZIP codes."""
    names = [known[0] for z in profile.service_area_zips if (known := place_of(z)) is not None]
    return list(dict.fromkeys(names))


def place_asked(text: str, profile: BusinessProfile) -> Place | None:
    """The place a message asks about and whether it is served, when the message names one we know."""
    if not profile.service_area_zips:
        return None
    code = _ZIP.search(text)
    if code is not None:
        known = place_of(code.group(1))
        name = f"{code.group(1)} ({known[0]})" if known else code.group(1)
        return Place(name, profile.serves(code.group(1)), (code.group(1),))
    states = _states(tuple(profile.service_area_zips))
    for match in _AFTER.finditer(text):
        words = [w for w in match.group(1).split() if w.lower() not in _NOT_A_TOWN]
        for size in range(len(words), 0, -1):  # "New Berlin" before "New"
            town = " ".join(w[:1].upper() + w[1:].lower() for w in words[:size])
            zips = _town_zips(town, states)
            if zips:
                served = tuple(z for z in zips if profile.serves(z))
                return Place(town, bool(served), served)
    return None
