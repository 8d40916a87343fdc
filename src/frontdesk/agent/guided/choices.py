"""Reading the customer's choices and words for the flows: which offered window or address they chose,
the days they asked for, the problem for the job summary, and why they cancel."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from frontdesk.agent.guided import intents, jobtypes
from frontdesk.agent.guided.extract import MONTHS
from frontdesk.agent.guided.memory import Memory

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "fifth": 4, "5th": 4, "last": -1, "earliest": 0}  # fmt: skip
# "Whatever is soonest": the earliest window offered, however it is put.
_SOONEST = re.compile(
    r"\b(soonest|earliest|first available|asap|as soon as (possible|you can)|the sooner the better|"
    r"whichever (is|comes) (first|sooner|soonest)|any (day|time) (is|works|would be) (fine|good|ok|okay)|"
    r"whatever works|no preference|doesn'?t matter)\b",
    re.I,
)
# "2", "#2", "option 2" as the whole answer: the second option listed ("2 pm" is a time, not this).
_NUMBERED = re.compile(
    r"^\s*(?:(?:option|number|no\.?|the)\s*)?#?\s*([1-9])(?:st|nd|rd|th)?\s*(?:one|please)?\s*[.!]?\s*$", re.I
)
_O_CLOCK = re.compile(
    r"^\W*(?:ok(?:ay)?\W+)?(?:the\s+)?(\d{1,2})\s*o'?clock(?:\s+one)?\W*(?:please)?\W*$", re.I
)
_FIRST_TIME = re.compile(
    r"\b((yes|yeah|yep|it'?s|this is|i'?m|im)\W+((my|our|a)\s+)?first[- ]time(r|rs| customer| calling)?|"
    r"first[- ]timers?|first[- ]time (customer|calling|using you|with you))\b",
    re.I,
)
_ASKS_WHAT = re.compile(
    r"\b(what (do you|have you|else do you) (have|got)|what'?s (open|available)|any (other )?(openings?|times?)|"
    r"anything (else|open|later|earlier)|other (times|days|options|openings))\b",
    re.I,
)
_PHONE_OR_EMAIL = re.compile(r"(\+?1?[\s.(-]*\d{3}[\s.)-]*\d{3}[\s.-]*\d{4})|([\w.+-]+@[\w-]+\.[\w.]+)")


def sounds_like_a_request(text: str) -> bool:
    """Real words that ask for something (not a typo or a fragment): out of scope rather than unclear."""
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) >= 4 and sum(1 for w in words if re.search(r"[aeiouy]", w)) >= 3


def days(m: Memory, since: int = 0) -> list[str]:
    when = m.when
    if when is None or when.earliest is None:
        return []
    last = when.latest or when.earliest
    days: list[date] = []
    day = when.earliest
    while day <= last and len(days) < 7:
        days.append(day)
        day += timedelta(days=1)
    return [d.isoformat() for d in days]


def _start(window: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(window["windowStart"]))
    except (KeyError, ValueError):
        return None


def names_one(text: str) -> bool:
    """The message names one of the options offered ("make it the second one", "the soonest")."""
    lowered = text.lower()
    return bool(_SOONEST.search(lowered) or _NUMBERED.match(lowered)) or any(
        re.search(rf"\b{word}\b", lowered) for word in _ORDINALS
    )


def pick(m: Memory, windows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The offered window the latest message chooses, if it clearly chooses one."""
    if not windows:
        return None
    text = m.transcript.latest.lower()
    if _SOONEST.search(text) and not re.search(r"\b(not|no|don'?t)\b.{0,20}\b(soonest|earliest|first)", text):
        dated = [(start, w) for w in windows if (start := _start(w)) is not None]
        day = m.latest.when.earliest if m.latest.when is not None else None
        if day is not None:  # "the earliest you have on Thursday": Thursday's first, or none offered yet
            dated = [(start, w) for start, w in dated if start.date() == day]
        if dated:
            return min(dated, key=lambda pair: pair[0])[1]
        if day is not None:
            return None
    if _ASKS_WHAT.search(text):
        return None  # "what do you have Thursday or Friday?" asks for windows, it does not choose one
    o_clock = _O_CLOCK.match(text)
    if o_clock is not None:  # "the 10 o'clock": the window starting at that working hour
        said = int(o_clock.group(1))
        hour = said if 7 <= said <= 12 else said + 12
        return next((w for w in windows if (start := _start(w)) is not None and start.hour == hour), None)
    numbered = _NUMBERED.match(text)
    if numbered:
        index = int(numbered.group(1)) - 1
        if index < len(windows):
            return windows[index]
        # "8" with four windows offered: no eighth option, so the hour (8 AM; a 1–6 is the afternoon)
        hour = index + 1 if index + 1 >= 7 else index + 13
        return next((w for w in windows if (start := _start(w)) is not None and start.hour == hour), None)
    text = _FIRST_TIME.sub(" ", text)  # "yes, first time" says they are new, not which window
    for word, index in _ORDINALS.items():
        if re.search(rf"\b{word}\b", text) and (
            re.search(r"\b(one|window|slot|option|time|please|works)\b", text) or len(text.split()) <= 3
        ):
            return windows[index] if -len(windows) <= index < len(windows) else None
    when = m.latest.when
    if when is None:
        return None
    starts = [_start(w) for w in windows]
    offered_days = sorted({start.date() for start in starts if start is not None})
    if when.earliest is not None and when.earliest not in offered_days and when.earliest == when.latest:
        # "Tuesday" after windows of next week were offered means that Tuesday, not the nearest one
        same_weekday = [d for d in offered_days if d.weekday() == when.earliest.weekday()]
        if len(same_weekday) == 1 and not re.search(r"\d{1,2}/\d{1,2}|\b(this|next|today|tomorrow)\b", text):
            when = replace(when, earliest=same_weekday[0], latest=same_weekday[0])
    matches = []
    for window in windows:
        try:
            start = datetime.fromisoformat(str(window["windowStart"]))
        except (KeyError, ValueError):
            continue
        if when.earliest is not None and start.date() != when.earliest:
            continue
        if when.at is not None:
            end_hours = 2
            window_text = str(window.get("window") or "")
            found = re.findall(r"(\d{1,2})(?::(\d{2}))?\s*([AaPp])", window_text)
            if len(found) >= 2:
                first, second = found[0], found[1]
                start_h = int(first[0]) % 12 + (12 if first[2].lower() == "p" else 0)
                end_h = int(second[0]) % 12 + (12 if second[2].lower() == "p" else 0)
                end_hours = max(end_h - start_h, 1)
            begins = start.hour * 60 + start.minute
            asked = when.at.hour * 60 + when.at.minute
            if when.bound == "after" and begins < asked:
                continue  # "after 3": the technician may not come before 3
            if when.bound == "before" and begins + end_hours * 60 > asked:
                continue  # "before noon": the window ends by then
            if when.bound == "at" and not begins <= asked < begins + end_hours * 60:
                continue
        elif when.part in ("morning", "afternoon") and (start.hour < 12) != (when.part == "morning"):
            continue
        matches.append(window)
    if len(matches) == 1 or (matches and when.at is not None):
        return matches[0]
    return None


def choose_place(text: str, places: list[dict[str, Any]], ordinal: bool) -> dict[str, Any] | None:
    """The one service location a message names: by house number, street name or ZIP, or "the first"."""
    lowered = text.lower()
    words = set(re.findall(r"[a-z0-9]+", lowered))
    chosen = []
    for place in places:
        address = str(place.get("address") or "").lower()
        street = address.split(",")[0].split()
        number = street[0] if street and street[0].isdigit() else None
        names = {
            w for w in street[1:] if len(w) > 3 and w not in ("street", "avenue", "road", "drive", "lane")
        }
        zip_code = re.findall(r"\b\d{5}\b", address)
        if (number and number in words) or (names & words) or (zip_code and zip_code[-1] in words):
            chosen.append(place)
    if len(chosen) == 1:
        return chosen[0]
    return choose_by_ordinal(text, places) if ordinal else None


def choose_by_ordinal(text: str, listed: list[dict[str, Any]]) -> dict[str, Any] | None:
    """ "The second one", "2", "the last" among the items just listed."""
    numbered = _NUMBERED.match(text)
    if numbered and 1 <= int(numbered.group(1)) <= len(listed):
        return listed[int(numbered.group(1)) - 1]
    lowered = text.lower()
    for word, index in _ORDINALS.items():
        if re.search(rf"\b{word}\b", lowered) and -len(listed) <= index < len(listed):
            return listed[index]
    return None


# emoji and pictographs (and the joiners and variation selectors that build them)
_SYMBOLS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
# a greeting, and a request for the visit before the problem ("hi, I'd like to book a furnace tune-up")
_LEAD_IN = re.compile(
    r"^\s*((hi|hello|hey|good (morning|afternoon|evening))( there)?\b[\s,!.-]*)?"
    r"((ok|okay|so|well|yes|yeah)\b[\s,]*)?((i'?m|i am|we'?re|we are) (a )?new( customers?)?( here| to you)?\b[\s,.!-]*)?"
    r"((i|we)('d| would| want| need)( like)?\s+to\s+(book|schedule|set up)"
    r"(\s+(a|an|my|our|the))?\s+)?",
    re.I,
)
_PROBLEM = re.compile(
    r"\b(leak\w*|broken|not working|stopped|noise|smell\w*|no heat|no hot water|clog\w*|"
    r"maintenance|tune[- ]?up|trip\w*|flicker\w*|install\w*|replace\w*|repair\w*|keeps? \w+ing|running|"
    r"won'?t \w+|doesn'?t \w+|isn'?t \w+|not \w+ing|jammed|stuck|drip\w*|burst|pouring|flood\w*|overflow\w*|"
    r"backed up|spark\w*|no power|freezing|no (ac|air|cooling))\b",
    re.I,
)


# days and times ("on Tuesday", "at 2", "2:30 pm", "April 8"), but not other numbers ("it's 95 degrees in here")
_WHEN_WORDS = re.compile(
    r"\s*\b(?:(?:on|at|for|this|next|by)\s+)*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|"
    r"morning|afternoon|evening|\d{1,2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)|\d{1,2}:\d{2}|\d{1,2}/\d{1,2}|"
    rf"(?:{MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"  # "April 8", "march 23rd, 2026"
    rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)(?:\s+of\s+(?:{MONTHS})[a-z]*)?|"  # "the 23rd", "8th of April"
    r"(?<=at )\d{1,2}|(?<=by )\d{1,2})\b",
    re.I,
)


_ASKING = re.compile(r",\s*(?=(?:and\s+)?(?:can|could|would|will|when|is there|do you)\b)", re.I)
# "book a drain cleaning and also check my balance": the other request is not part of the problem
_ALSO = re.compile(
    r",?\s+(?:and\s+also|also|and)\s+(?=(?:check|tell me|see|what'?s|what is|how much|what do i owe)\b)", re.I
)


def problem(m: Memory) -> str:
    """The problem in the customer's words (no phone, e-mail, times or questions), for the job summary."""
    picked: list[str] = []
    told: list[str] = []  # the first thing said, when nothing reads as the problem
    for text in m.goal_texts:
        text = _SYMBOLS.sub("", text)  # "👋 hi, toilet clogged 😩": the words, not the faces
        text = _WHEN_WORDS.sub("", _PHONE_OR_EMAIL.sub("", text))
        if m.name:
            # "my name is Robert Johnson and my AC…": the introduction goes with the name
            name = re.escape(m.name)
            text = re.sub(rf"\b(?:my name is|my name's|name is|this is|i'?m|i am|it'?s)\s+{name}\b(?:\s*,|\s+and\b)?",
                          "", text, flags=re.I)  # fmt: skip
            text = re.sub(rf",?\s*\b{name}\b", "", text, flags=re.I)
        text = _ASKING.sub(". ", text)  # "it's leaking, can you come?" keeps "it's leaking"
        text = _ALSO.sub(". ", text)
        for raw in _SENTENCE.findall(text):
            sentence = _LEAD_IN.sub("", raw).strip(" ,-")
            if not sentence or sentence.endswith("?") or len(sentence) < 8:
                continue
            if jobtypes.rank(sentence, m.profile) or _PROBLEM.search(sentence):
                picked.append(sentence[:1].upper() + sentence[1:])
            elif picked and _WHERE.match(sentence):
                # "I have a leak" … "under the kitchen sink": where it is, with the problem
                picked[-1] = f"{picked[-1].rstrip(' .')} {sentence[:1].lower() + sentence[1:]}"
            elif m.triage is not None and not told and len(sentence.split()) >= 4:
                # an emergency in words no job type uses ("water coming through my ceiling"): the
                # technician still needs them
                told.append(sentence[:1].upper() + sentence[1:])
    return " ".join(dict.fromkeys(picked or told))[:600].rstrip(" .")


# where in the home the problem is, said on its own after the problem
_WHERE = re.compile(
    r"^\W*(under|behind|in|on|near|at|from|above|below|outside)\s+(the|my|our|a)\s+(\w+\s+)?(sink|kitchen|bathroom|"
    r"basement|ceiling|wall|floor|garage|attic|upstairs|downstairs|laundry|yard|crawl ?space|closet|shower|tub|"
    r"toilet|vanity|bedroom|hallway|utility room|side of the house)\b",
    re.I,
)


def cancel_reason(m: Memory, besides: Collection[str] = ()) -> str | None:
    """Why the customer cancels, in their words: what they said besides the request, their details and the
    messages in ``besides`` (which visit they meant, say)."""
    for text in m.goal_texts:
        if text in besides:
            continue
        cleaned = _PHONE_OR_EMAIL.sub(" ", text)
        for name in [m.name] if m.name else []:
            cleaned = re.sub(re.escape(name), " ", cleaned, flags=re.I)
        for part in re.split(r"[.,;!?\n]+|\b(?:because|since|as)\b", cleaned, flags=re.I):
            part = part.strip(" -")
            if len(part.split()) < 2 or _CANCEL_ASK.search(part) or _NO_REASON.search(part):
                continue
            return part[:200]
    return None


# "I'd rather not say", "no reason": a reason declined is not the reason
_NO_REASON = re.compile(
    r"\b(rather not|prefer not|don'?t want to (say|tell)|no reason|doesn'?t matter|not important|just cancel)\b",
    re.I,
)
_CANCEL_ASK = re.compile(
    r"\b(cancel+\w*|cancle|call (it|the appointment) off|don'?t need|no longer need|my (appointment|visit|job)|"
    r"this is|my name|number|phone)\b",
    re.I,
)


# "please let the tech know that", "can you add a note:": the request, not the note
_ASK_TO_NOTE = (
    r"(?:(?:please|can you|could you|would you|i want to|i'?d like to|i need to)\s+)*(?:(?:let|tell|remind|ask)\s+"
    r"(?:the|my|your|our)\s+(?:technician|techs|tech|plumber|electrician|guy)s?(?:\s+know)?|(?:add|leave|put|make)\s+"
    r"a\s+note(?:\s+(?:for|to)\s+(?:the|my|your)\s+(?:technician|tech|electrician|plumber|guy|person|team)s?"
    r"(?:\s+(?:who(?:'s| is) )?coming(?:\s+out)?)?)?(?:\s+(?:on|to)\s+(?:my|the)\s+(?:job|visit|appointment))?|"
    r"pass\s+(?:it|this|that)\s+(?:on|along))\s*(?:that\b|to\b|:|,|-)?\s*"
)
_NOTE_ASK = re.compile(r"^\W*(?:(?:hi|hello|hey|ok|okay|also|and|so|yes|sure)\W+)*" + _ASK_TO_NOTE, re.I)
# "move it to Friday and let the tech know the gate code is 4321": the note is what follows the ask
_NOTE_ASK_INSIDE = re.compile(r"(?:,\s*|\s+)(?:and\s+(?:also\s+)?|also\s+)?" + _ASK_TO_NOTE, re.I)
_OTHER_CHANGE = ("reschedule", "cancel", "book")
_JOINED = re.compile(r"^(?:(?:and|also|oh|so|plus|ok|okay)\b[\s,]*)+", re.I)


def note_text(m: Memory) -> str | None:
    """What the customer wants passed on, in their words (without the request, their name or number)."""
    kept: list[str] = []
    for text in m.goal_texts:
        cleaned = _PHONE_OR_EMAIL.sub(" ", text)
        if m.name:
            cleaned = re.sub(
                rf"(?:,\s*)?\b(?:this is|i'?m|it'?s|my name is)?\s*{re.escape(m.name)}\b,?",
                " ",
                cleaned,
                flags=re.I,
            )
        for raw in _SENTENCE.findall(cleaned):
            inside = _NOTE_ASK_INSIDE.search(raw)
            if inside is not None and not _NOTE_ASK.match(raw.strip(" ,-")):
                sentence = raw[inside.end() :].strip(" ,-")  # the note after another request
            else:
                reading = intents.read(raw)
                other = any(
                    i in _OTHER_CHANGE and sc >= 2.5
                    for i, sc in zip(reading.intents, reading.scores, strict=True)
                )
                if other and not _NOTE_ASK.match(raw.strip(" ,-")):
                    continue  # "can you move my appointment to Friday?" is not part of the note
                sentence = _NOTE_ASK.sub("", raw.strip(" ,-")).strip(" ,-")
            sentence = sentence.rstrip("?").rstrip()  # "can you tell the tech the code is 4321?"
            sentence = _JOINED.sub("", sentence)  # "and can he bring a ladder": the request, without "and"
            if len(sentence.split()) >= 2 and not _NOTE_ASK.fullmatch(raw.strip()):
                kept.append(sentence[:1].upper() + sentence[1:])
        if kept:
            break  # the first message that says the note is the note; later ones answer other questions
    text = " ".join(dict.fromkeys(kept)).strip()
    return text[:500] if text else None
