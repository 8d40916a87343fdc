"""Which of the business's job types a described problem needs, from its job-type guidance.

Each guidance entry lists keywords; a keyword phrase found in the customer's words scores by its length
(so "water heater" beats "water"), and a phrase from ``not_when`` that is also present counts against it.
Emergencies are decided earlier by triage; this only picks among routine job types.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from frontdesk.agent.guided.intents import normalise
from frontdesk.profile import BusinessProfile, JobTypeGuidance

_WORDS = re.compile(r"[a-z0-9/']+")
_FILLER = {
    "the",
    "a",
    "an",
    "is",
    "or",
    "and",
    "of",
    "to",
    "that",
    "there",
    "it",
    "when",
    "at",
    "all",
    "with",
    "in",
}


def _words(text: str) -> list[str]:
    return _WORDS.findall(normalise(text))


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word  # "tuned", "tune" → "tun"


@dataclass(frozen=True)
class Match:
    guidance: JobTypeGuidance
    score: float

    @property
    def job_type(self) -> str:
        return self.guidance.job_type


def rank(text: str, profile: BusinessProfile) -> list[Match]:
    """Job types whose keywords the text mentions, best first."""
    words = _words(text)
    stems = [_stem(w) for w in words]
    found: list[Match] = []
    for guidance in profile.job_types:
        score = 0.0
        counted: set[tuple[str, ...]] = set()
        for keyword in guidance.keywords:
            phrase = _words(keyword)
            stemmed = tuple(_stem(w) for w in phrase)
            if stemmed in counted:
                continue  # "leak" and "leaking" are one thing said once
            if _contains(words, phrase) or _contains(stems, list(stemmed)):
                counted.add(stemmed)
                score += 1.0 + 0.5 * (len(phrase) - 1)
        if score and guidance.not_when:
            avoid = [w for w in _words(guidance.not_when.split("(")[0]) if w not in _FILLER]
            if sum(1 for w in avoid if w in words) >= 3:
                score -= 1.0
        if score > 0:
            found.append(Match(guidance, score))
    found.sort(key=lambda m: -m.score)
    return found


_GENERIC = {"not", "don't", "doesn't", "no", "or", "work", "works", "new", "without", "customer", "wants", "for",
            "broken", "nothing", "poorly", "system", "check", "makes", "goes", "out", "little", "visit", "visits",
            "quoted", "take", "takes", "usually"}  # fmt: skip


def _by_description(text: str, profile: BusinessProfile) -> str | None:
    """No keyword matched: the one job type whose description names something the customer mentioned."""
    said = _words(text)
    stems = {_stem(w) for w in said if w not in _FILLER and w not in _GENERIC and len(w) > 2}
    hits = []
    for guidance in profile.job_types:
        description = _words(guidance.use_when)
        described = {_stem(w) for w in description if w not in _FILLER and w not in _GENERIC}
        if any(not _other_thing(stem, said, description) for stem in stems & described):
            hits.append(guidance.job_type)
    return hits[0] if len(hits) == 1 else None


def _other_thing(stem: str, said: list[str], description: list[str]) -> bool:
    """The word names another thing in each: "sump pump" against a description's "heat pump"."""

    def before(words: list[str]) -> set[str]:
        return {
            _stem(words[i - 1]) for i in range(1, len(words))
            if _stem(words[i]) == stem and words[i - 1] not in _FILLER and words[i - 1] not in _ASKING
            and words[i - 1] not in _GENERIC and words[i - 1] not in _ACTIONS
        }  # fmt: skip

    customer, guidance = before(said), before(description)
    return bool(customer) and bool(guidance) and not customer & guidance


# Keywords that say what kind of work, not on what: "install" alone does not make a water softener a furnace
_ACTIONS = {"install", "installation", "installs", "replace", "replacement", "quote", "estimate", "upgrade", "new",
            "repair", "fix"}  # fmt: skip
_ASKING = {"you", "your", "guys", "do", "does", "can", "could", "would", "will", "like", "want", "need", "get",
           "have", "has", "some", "someone", "please", "me", "my", "i", "we", "our", "us", "for", "about", "how",
           "much", "what", "cost", "costs", "price", "i'd", "i'm", "we'd", "it's", "one", "be", "are", "was", "this",
           "on", "up", "hi", "hello", "hey", "just", "also", "any", "type", "kind", "sort", "offer", "old", "year",
           "years", "house", "home", "time", "soon", "today", "tomorrow", "week", "thanks", "too", "its", "out",
           "come", "look", "at", "see", "got", "there", "here", "give"}  # fmt: skip


def _named(text: str) -> set[str]:
    """What the customer names (stemmed): the words left after the asking and the kind of work."""
    return {
        _stem(w) for w in _words(text)
        if w not in _FILLER and w not in _GENERIC and w not in _ASKING and len(w) > 1 and not w.isdigit()
    } - {_stem(w) for w in _ACTIONS}  # fmt: skip


def _told(match: Match) -> set[str]:
    guidance = match.guidance
    return {_stem(w) for w in _words(" ".join([match.job_type, guidance.use_when, *guidance.keywords]))}


def _by_action(match: Match, text: str) -> bool:
    """The job type matched on a keyword saying what is to be done ("install", "quote")."""
    return any(set(_words(k)) <= _ACTIONS for k in match.guidance.keywords if _words(k) and _said(k, text))


def _only_the_action(match: Match, text: str) -> bool:
    """The job type matched on what is to be done alone, while the customer names something its guidance
    never mentions ("water softener installs" against an estimate to install a furnace)."""
    if any(_words(k) and not set(_words(k)) <= _ACTIONS for k in match.guidance.keywords if _said(k, text)):
        return False
    named = _named(text)
    return bool(named) and not (named & _told(match))


def _said(keyword: str, text: str) -> bool:
    words = _words(text)
    phrase = _words(keyword)
    return _contains(words, phrase) or _contains([_stem(w) for w in words], [_stem(w) for w in phrase])


_BEST: dict[tuple[int, str], str | None] = {}
_PROFILES: dict[int, BusinessProfile] = {}  # keeps the profiles keyed by id alive, so no id is reused


def best(text: str, profile: BusinessProfile) -> str | None:
    """The job type to book for the described problem, or None when the words do not tell; cached, since
    the guided model reads the conversation's messages again at every step."""
    key = (id(profile), text)
    if key not in _BEST:
        if len(_BEST) > 4096:
            _BEST.clear()
        _PROFILES[id(profile)] = profile
        _BEST[key] = _best(text, profile)
    return _BEST[key]


def forget() -> None:
    """Empty the cache of matches (a benchmark's rounds then each match every message afresh)."""
    _BEST.clear()


def _best(text: str, profile: BusinessProfile) -> str | None:
    matched = rank(text, profile)
    if not matched:
        return _by_description(text, profile)
    ranked = [m for m in matched if not _only_the_action(m, text)]
    if not ranked:
        return None  # "water softener installs": we may not do that kind of work at all
    named = _named(text)
    # "a quote for a heat pump", "a new air conditioner installed": the job type for that kind of work on
    # that equipment beats one that only names the equipment (a repair)
    ranked = [
        Match(m.guidance, m.score + 1.0) if _by_action(m, text) and named & _told(m) else m for m in ranked
    ]
    ranked.sort(key=lambda m: -m.score)
    tied = [m for m in ranked if m.score == ranked[0].score]
    if len(tied) > 1:
        # a tie on keywords: the job type whose description shares more of the customer's words
        stems = {_stem(w) for w in _words(text) if w not in _FILLER}
        closeness = sorted(
            ((len(stems & {_stem(w) for w in _words(m.guidance.use_when)}), m.job_type) for m in tied),
            reverse=True,
        )
        if closeness[0][0] == closeness[1][0]:
            return None  # still a tie: ask the customer rather than guess
        return closeness[0][1]
    return ranked[0].job_type


# The trades customers name, and words a job type of that trade uses in its guidance.
# The trades: how customers name each ("I need a plumber"), and words a job type of that trade uses in its
# name, keywords or guidance.
_TRADES = {
    "plumb": (r"\bplumb\w*", {"pipe", "drain", "faucet", "toilet", "sink", "sewer", "leak", "clog", "disposal",
                               "heater", "plumbing", "water"}),
    "electric": (r"\belectric\w*", {"outlet", "switch", "breaker", "panel", "lighting", "electrical", "power",
                                    "gfci", "charger", "recessed", "flicker", "wiring"}),
    "hvac": (r"\b(hvac|heating|cooling|a/?c|air condition\w*|furnace|heat pump)\b",
             {"furnace", "ac", "heat", "heating", "cooling", "hvac", "thermostat", "air"}),
}  # fmt: skip


def _type_words(*texts: str) -> set[str]:
    return set(_words(" ".join(texts).replace("/", " ")))


def of_trade(text: str, profile: BusinessProfile) -> list[str]:
    """The job types of the trade a message names ("I need a plumber"), in the profile's order."""
    wanted: set[str] = set()
    for pattern, terms in _TRADES.values():
        if re.search(pattern, text, re.I):
            wanted |= terms
    if not wanted:
        return []
    found = []
    for guidance in profile.job_types:
        if _type_words(guidance.job_type, *guidance.keywords) & wanted:
            found.append(guidance.job_type)
    return found


def trade(job_type: str) -> str | None:
    """The trade a job type belongs to ("plumb", "electric", "hvac"), by the words of its name."""
    words = _type_words(job_type)
    return next((name for name, (_, terms) in _TRADES.items() if words & terms), None)


# where one problem ends and another may begin ("…my water heater, and also my AC is making a noise")
_APART = re.compile(r"[.;!?\n,]+|\b(?:and also|also|plus|as well as|and)\b", re.I)


def _named_parts(texts: Sequence[str], profile: BusinessProfile) -> Iterator[tuple[str, str]]:
    """(words, job type) for each part of the messages that names a problem a job type is for."""
    for text in texts:
        for part in _APART.split(text):
            part = part.strip(" -")
            found = best(part, profile) if len(part.split()) >= 2 else None
            if found is not None:
                yield part, found


def another_trade(texts: Sequence[str], booked: str, profile: BusinessProfile) -> str | None:
    """The customer's words for a problem of another trade than the visit booked ("…and also my AC is
    making a noise" beside a water heater repair): work that visit's technician does not do."""
    mine = trade(booked)
    return next(
        (
            part
            for part, found in _named_parts(texts, profile)
            if found != booked and trade(found) not in (None, mine)
        ),
        None,
    )


def to_book(texts: Sequence[str], profile: BusinessProfile) -> str | None:
    """The job type to book for a task's messages: the best for all they say, but with problems of two
    trades named ("my sink is clogged and the bedroom outlet stopped working") the one named first, the
    other being offered a visit of its own afterwards."""
    whole = best(" ".join(texts), profile)
    if whole is None or another_trade(texts, whole, profile) is None:
        return whole
    first = next((found for _, found in _named_parts(texts, profile)), None)
    return first if first is not None and trade(first) is not None else whole


def mentions(thing: str, text: str) -> bool:
    """``text`` names every word that says what ``thing`` is ("water softener" is not in "water heaters")."""
    named = _named(thing)
    return named <= {_stem(w) for w in _words(text)}
