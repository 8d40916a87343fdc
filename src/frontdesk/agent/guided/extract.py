"""Understanding what customers type: phones, e-mails, names, addresses, job numbers, days and times,
yes/no, and corrections — several facts per message, with typos tolerated where it is safe.
"""

from __future__ import annotations

import contextlib
import functools
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

import phonenumbers
import usaddress
import zipcodes
from dateparser.search import search_dates
from email_validator import EmailNotValidError, validate_email

from frontdesk.capabilities.guards.agreement import Answer, classify

PartOfDay = Literal["morning", "afternoon", "evening", "any"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ZIP = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
_ADDRESS = re.compile(
    r"\b(\d{1,6}\s+(?:[NSEW]\.?\s+)?[A-Za-z0-9.' -]{2,40}?\s*,?\s+"  # number and street
    r"(?:(?:apt|apartment|unit|suite|#)\.?\s*[A-Za-z0-9-]+\s*,?\s+)?"  # unit
    r"(?:[A-Za-z .'-]{2,30},?\s+)?(?:[A-Za-z]{2}\.?,?\s+)?\d{5}(?:-\d{4})?)\b",  # city, state zip (the ZIP tells
    re.IGNORECASE,  # the city and state when they are left out)
)
_STREET_ONLY = re.compile(
    r"\b(\d{1,6}\s+[A-Za-z0-9.' -]{2,30}?\s+(?:street|st|avenue|ave|road|rd|drive|dr|lane|ln|court|ct|way|"
    r"boulevard|blvd|place|pl|circle|cir|terrace|ter|parkway|pkwy)\.?)\b",
    re.IGNORECASE,
)
_JOB_NUMBER = re.compile(r"(?:job|ticket|work order|order|appointment|number|#)\s*(?:number|no\.?|#)?\s*:?\s*#?\s*(\d{5,10})\b",
                         re.IGNORECASE)  # fmt: skip
_NAME_LEAD = re.compile(
    r"\b(?:my name is|my name's|name is|name's|i am|i'm|im|this is|it's|its|it is|call me|name:)\s+"
    r"([A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+){0,3})",
    re.IGNORECASE,
)
# family-name particles, written small inside a name: "Ana de la Cruz", "Luis van der Berg"
_PARTICLES = {
    "de",
    "la",
    "del",
    "della",
    "da",
    "das",
    "dos",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "le",
    "st",
    "bin",
}
_NOT_NAMES = {
    "a", "an", "the", "not", "no", "yes", "so", "very", "really", "just", "looking", "calling", "having", "trying",
    "wondering", "leaking", "broken", "here", "there", "sure", "fine", "good", "okay", "ok", "new", "an existing",
    "interested", "still", "also", "going", "getting", "at", "in", "on", "from", "with", "and", "my", "your",
    "freezing", "hot", "cold", "out", "home", "available", "free", "back", "sorry", "actually", "customer", "first",
    "locked", "worried", "afraid", "glad", "happy", "thinking", "pretty", "kind", "currently",
}  # fmt: skip
_NAME_STOP = {
    "and",
    "my",
    "phone",
    "number",
    "from",
    "at",
    "i",
    "email",
    "e-mail",
    "the",
    "with",
    "here",
    "is",
    # "my name is tom baker i'm new": the words of the next clause
    "i'm", "im", "i've", "ive", "i'd", "we", "we're", "were", "it's", "its", "this", "but", "so", "calling", "new",
    "a", "an", "need", "have", "had", "was", "who", "just", "looking", "in", "on", "of", "for", "to", "about",
    "because", "our", "your", "please", "thanks", "can", "could", "would", "will", "am", "are", "do", "did", "not",
    "also", "want", "wanted", "live", "living",
}  # fmt: skip
# A name typed on its own: "Robert Johnson, 555-…" or "jennifer hudson 2175354200".
_BARE_NAME = re.compile(
    r"(?:^|[,.;:!?\-–—]\s*|\band\s+|(?<=\d)\s+)(?:(?:hi|hello|hey|sure|yes|ok|okay)\s*[,!.\-–—]?\s+)?"
    r"([A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+){1,3})\s*(?=$|[,.;!]|\s+(?:and\s+)?(?:my\s+)?(?:phone|number|cell|at|"
    r"\+?1?[\s.-]*\(?\d{3}\)?[\s.-]*\d{3}))",
    re.IGNORECASE,
)
_STREET = {"street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "ln", "court", "ct", "way",
           "boulevard", "blvd", "place", "pl", "circle", "cir", "terrace", "parkway", "pkwy", "highway", "hwy"}  # fmt: skip
_BEFORE_PHONE = re.compile(
    r"\s*,?\s*(?:and\s+)?(?:my\s+)?(?:phone|number|cell|\+?1?[\s.-]*\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4})",
    re.I,
)
_ENDS_IN_PHONE = re.compile(r"\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}\s*,?\s*$")
_COMMON = {
    "yes", "no", "ok", "okay", "sure", "thanks", "thank", "you", "please", "good", "great", "fine", "that", "this",
    "the", "a", "an", "my", "your", "is", "it", "its", "it's", "works", "sounds", "first", "second", "third",
    "one", "next", "last", "morning", "afternoon", "evening", "today", "tomorrow", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "week", "book", "call", "me", "number",
    "phone", "email", "zip", "code", "in", "on", "at",
    "for", "to", "of", "and", "or", "not", "do", "can", "will", "would", "be", "have", "has", "i", "im", "i'm",
    "we", "us", "our", "they", "he", "she", "him", "her", "what", "when", "where", "how", "why", "who", "which",
    "hi", "hello", "hey", "bye", "yeah", "yep", "nope", "help", "need", "want", "like", "just", "actually",
    "appointment", "service", "heat", "ac", "furnace", "leak", "water", "heater", "drain", "all", "set", "done",
    "correct", "right", "wrong", "perfect", "same", "new", "old", "customer", "account", "job", "bill", "am", "pm",
    "with", "from", "up", "out", "any", "time", "day", "anytime", "whenever", "earliest", "latest", "cool", "nice",
    "awesome", "exactly", "definitely", "absolutely", "let's", "go", "ahead", "fix", "check", "still", "again",
}  # fmt: skip
_CORRECTION = re.compile(r"\b(actually|sorry,? i meant|i meant|correction|wrong number|typo|instead)\b", re.I)
# a day said with "am" or "pm" after it ("tomorrow am", "friday PM")
_DAY_THEN = r"\b(today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+"
_PARTS: dict[PartOfDay, re.Pattern[str]] = {
    # "am" only after an hour or as "the am": "am I a member?" and "I am home" say nothing of the morning
    "morning": re.compile(
        rf"\b(morning|early|the am|first thing)\b|\ba\.m\b|(?<=\d)\s?am\b|{_DAY_THEN}am\b",
        re.I,
    ),
    "afternoon": re.compile(
        rf"\b(afternoon|after lunch|midday|noon|the pm|later in the day|end of the day)\b|{_DAY_THEN}pm\b",
        re.I,
    ),
    "evening": re.compile(r"\b(evening|after work|tonight|late)\b", re.I),
    "any": re.compile(r"\b(any ?time|whenever|doesn't matter|flexible)\b", re.I),
}
_WEEK = re.compile(
    r"\b(?:(early|earlier|beginning of|start of|mid|middle of|late|later|end of)\s+)?(?:in\s+)?"
    r"(this|next|coming|the)\s+week\b",
    re.I,
)
# Which days of the week (Monday 0) "early next week", "mid next week", "end of this week" mean.
_WEEK_SPAN = {"early": (0, 2), "mid": (1, 3), "late": (3, 6)}
_WEEK_WORD = {
    "early": "early",
    "earlier": "early",
    "beginning of": "early",
    "start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "late": "late",
    "later": "late",
    "end of": "late",
}
_DAYISH = re.compile(
    r"\b(today|tomorrow|tonight|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|weekend|week|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|"
    r"february|march|april|june|july|august|september|october|november|december|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|"
    r"\d{1,2}:\d{2}|noon|\d{1,2}/\d{1,2})\b",
    re.I,
)


_SHORTHAND = re.compile(r"\b(tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2morrow|2moro)\b", re.I)


@dataclass
class Address:
    street: str
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    unit: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.street and self.city and self.state and self.zip_code)

    def text(self) -> str:
        parts = [self.street + (f" {self.unit}" if self.unit else "")]
        if self.city:
            parts.append(self.city)
        tail = " ".join(p for p in (self.state, self.zip_code) if p)
        return ", ".join(parts + ([tail] if tail else []))


@dataclass
class When:
    """A preference for a visit, in the business's local time."""

    earliest: date | None = None
    latest: date | None = None
    at: time | None = None
    part: PartOfDay = "any"
    text: str = ""
    bound: Literal["at", "after", "before"] = "at"  # "after 3": a window starting then or later


@dataclass
class Extracted:
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    address: Address | None = None
    zip_code: str | None = None
    job_numbers: list[str] = field(default_factory=list)
    when: When | None = None
    answer: Answer = "unclear"
    correction: bool = False
    locality: Address | None = None  # "Springfield, IL 62704" typed after the street, with no street
    technician: str | None = None  # a technician asked for by name ("can I get Brian Walsh again?")


def phones(text: str) -> list[str]:
    """US numbers in any common format, as 10 digits."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        national = str(match.number.national_number)
        if len(national) == 10 and national not in found:
            found.append(national)
    return found


def emails(text: str) -> list[str]:
    found = []
    for raw in _EMAIL.findall(text):
        try:
            found.append(validate_email(raw.rstrip("."), check_deliverability=False).normalized)
        except EmailNotValidError:
            continue
    return found


def names(text: str) -> list[str]:
    """Names people give for themselves ("I'm Sarah Williams", "it's Robert Johnson and …")."""
    found: list[tuple[str, bool]] = []  # (name, typed with capitals)
    for match in _NAME_LEAD.finditer(text):
        words = []
        for word in match.group(1).split():
            if word.lower() in _NAME_STOP:
                break
            words.append(word)
        if len(words) == 4 and not any(w.lower() in _PARTICLES for w in words[1:3]):
            words = words[:3]  # four words only with a particle inside ("Ana de la Cruz")
        if not words or words[0].lower() in _NOT_NAMES:
            continue
        inner = {i for i in range(1, len(words) - 1) if words[i].lower() in _PARTICLES}
        typed_capitalised = all(w[0].isupper() for i, w in enumerate(words) if i not in inner)
        if not typed_capitalised and len(words) < 2:
            continue  # "i'm leaking" is not a name; "i'm sarah williams" is
        if not typed_capitalised and any(re.search(r"(ing|ed|ly)$", w.lower()) for w in words):
            continue  # "it's blowing cold air" describes the problem
        name = " ".join(w.lower() if i in inner else w[:1].upper() + w[1:] for i, w in enumerate(words))
        if name not in [known for known, _ in found]:
            found.append((name, typed_capitalised))
    bare = _bare_names(text)
    if bare and found and not any(capitalised for _, capitalised in found):
        return bare  # "…it's really cold in here. Robert Johnson 555-…": the name typed as one wins
    return [name for name, _ in found] or bare


# "can I get Brian Walsh again?", "could you send Carlos?", "is Mike Rodriguez available Tuesday?": a person
# asked for by name (capitalised: "get someone out" names nobody)
_ASKED_FOR = re.compile(
    r"\b(?:[Gg]et|[Hh]ave|[Rr]equest|[Ss]end|[Ww]ant|[Ww]ith|[Pp]refer)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"(?=\s+(?:again|back|to come|come|out|for|if|please|next|this|on)\b|\s*[?.!,]|\s*$)"
    r"|\b[Ii]s\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:available|free|working)\b"
)
_NOT_PEOPLE = {"I", "It", "You", "Someone", "Somebody", "Anyone", "The", "A", "An", "My", "Our", "This", "That",
               "There", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}  # fmt: skip


def technician_asked_for(text: str) -> str | None:
    """The technician a customer asks for by name, as typed."""
    for found in _ASKED_FOR.finditer(text):
        name = found.group(1) or found.group(2)
        if name.split()[0] not in _NOT_PEOPLE:
            return name
    return None


_ONE_WORD = re.compile(r"^\s*(?:it'?s\s+)?([A-Za-z][A-Za-z'-]{1,30})\s*[.!]?\s*$", re.I)


def surname(text: str) -> str | None:
    """A message that is one word that could be a family name ("Weaver"), capitalised."""
    found = _ONE_WORD.match(text)
    if found is None or found.group(1).lower() in _COMMON or found.group(1).lower() in _NOT_NAMES:
        return None
    word = found.group(1)
    return word[:1].upper() + word[1:]


def _bare_names(text: str) -> list[str]:
    """A name with no lead-in, only when it cannot be ordinary words: capitalised, or right before a phone."""
    found = []
    for match in _BARE_NAME.finditer(text.strip()):
        words = match.group(1).split()
        while len(words) > 2 and words[-1].lower() in ("here", "speaking", "calling"):
            words.pop()
        if any(w.lower() in _COMMON for w in words):
            continue
        if (
            text.strip()[: match.start(1)].rstrip()[-1:].isdigit()
            and words[-1].lower().rstrip(".") in _STREET
        ):
            continue  # "456 Oak Street" is an address
            continue
        after = text.strip()[match.end(1) :]
        before_phone = bool(_BEFORE_PHONE.match(after))
        # "…reschedule. 217-629-6355 stephen brown": two or three words ending the message after a phone
        after_phone = (
            bool(_ENDS_IN_PHONE.search(text.strip()[: match.start(1)]))
            and not after.strip(" .!")
            and len(words) <= 3
        )
        if re.match(r"\s*,?\s*\d{5}\b", after) or (len(words[-1]) == 2 and words[-1].isupper()):
            continue  # "Springfield IL 62711" is a place
        if not all(w[0].isupper() for w in words) and not (before_phone or after_phone):
            continue
        found.append(" ".join(w[:1].upper() + w[1:] for w in words))
    return found[:1]


def address(text: str) -> Address | None:
    match = _ADDRESS.search(text)
    if match:
        try:
            tags, _ = usaddress.tag(match.group(1))
        except usaddress.RepeatedLabelError:
            tags = {}
        street = " ".join(
            tags[key]
            for key in (
                "AddressNumber",
                "StreetNamePreDirectional",
                "StreetName",
                "StreetNamePostType",
                "StreetNamePostDirectional",
            )
            if key in tags
        ).strip(" ,")
        city = tags.get("PlaceName", "").strip(" ,") or None
        state = tags.get("StateName", "").strip(" ,.").upper() or None
        # a street and a ZIP alone must look like a street ("2 pm, zip 62704" is not an address)
        if street and (state or _STREET_ONLY.search(street)):
            unit = " ".join(tags[k] for k in ("OccupancyType", "OccupancyIdentifier") if k in tags) or None
            zip_code = tags.get("ZipCode", "")[:5] or None
            known = place_of(zip_code) if zip_code and not (city and state) else None
            if known is not None:  # "88 Elm Street, Springfield 62702": the ZIP says the state
                city, state = city or known[0], state or known[1]
            # "45 elm street springfield": typed in lower case, written as an address is
            street, city = _titled(street), _titled(city) if city else city
            return Address(street=street, city=city, state=state, zip_code=zip_code, unit=unit)
    street_only = _STREET_ONLY.search(text)
    if street_only:
        street = street_only.group(1).strip()
        city = state = None
        rest = _AFTER_STREET.match(text[street_only.end() :])
        if rest is not None:  # "1420 S Grand Ave E, Springfield": the town, still without its ZIP
            if rest.group(1):
                street = f"{street} {rest.group(1).upper()}"
            typed_state = (rest.group(3) or "").upper()
            town = _titled(rest.group(2).strip()) if rest.group(2) else None
            if town and (not typed_state or typed_state in _STATES) and is_town(town, typed_state or None):
                city, state = town, typed_state or None
        return Address(street=_titled(street), city=city, state=state)
    return None


# what may follow a street given without its ZIP: a direction, then the town and perhaps the state
_AFTER_STREET = re.compile(
    r"\s*(?:\b(NE|NW|SE|SW|N|S|E|W)\b\.?)?\s*(?:,\s*([A-Za-z][A-Za-z .'-]{1,30}?)\s*(?:,?\s*\b([A-Za-z]{2})\b)?)?"
    r"\s*[.!]?\s*$"
)


def _titled(text: str) -> str:
    """Words typed in lower case with capitals, as an address is written ("5th" stays "5th")."""
    return string.capwords(text) if text.islower() else text


# "at 8" or "at 2:30" without am/pm: read as the working-hours time people mean (7–11 morning, 12–6
# afternoon); dateparser alone takes "Wednesday at 10" for October
_BARE_HOUR = re.compile(
    r"\b(?:at|around|about|after|by)\s+(1[0-2]|0?[1-9])(?::([0-5]\d))?(?![\d:])"
    r"(?!\s*(?:st|nd|rd|th)\b)(?!\s*(?:o'?clock\s*)?(?:[ap]\.?m\b))",
    re.I,
)

# A weekday without a date ("Thursday", "thurs 1pm", "sometime after 3 on Wednesday") is the next such day;
# dateparser reads the hours beside it as dates ("Thursday the 10th" became October). A day of the month or
# a month stays with dateparser.
_WEEKDAY_NAMES = [
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
]  # fmt: skip
_WEEKDAY_NUMBER = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
_WEEKDAY = re.compile(rf"\b({'|'.join(_WEEKDAY_NUMBER)})\b\.?", re.I)
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"  # [a-z]* after one takes the full name
# a month named on its own ("may" left out: it is more often the verb)
_MONTH_NAME = re.compile(
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december)\b|\d{1,2}/\d{1,2}",
    re.I,
)
_DATED = re.compile(
    rf"\b(today|tomorrow|tonight)\b|\d{{1,2}}/\d{{1,2}}|\b\d{{1,2}}(?:st|nd|rd|th)\b|"
    rf"\b(?:{MONTHS})[a-z]*\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})[a-z]*\b",
    re.I,
)
# "on the 15th", "Thursday the 10th", "the 15th in the morning": a day of this month (or the next, once it
# is past), not a choice among offered windows ("the 2nd one", "the 3rd")
_ORDINAL_DAY = re.compile(
    r"\bthe\s+(3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:one|option|window|slot|choice|time|opening)s?\b)",
    re.I,
)
_ON_THE = re.compile(r"\b(on|for|by|until|till|before|after)\s+the\s+\d", re.I)
_FEWEST_OFFERED = 5  # never more windows than this are listed: "the 18th" is a day of the month


def _day_of_month(number: int, today: date) -> date | None:
    """The next date with this day of the month, from ``today`` on."""
    year, month = today.year, today.month
    for _ in range(3):
        with contextlib.suppress(ValueError):
            candidate = date(year, month, number)
            if candidate >= today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


_CLOCK = re.compile(r"\b(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*([ap])m\b|\b(noon)\b", re.I)


def _clock(text: str) -> time | None:
    """The first time of day in ``text`` ("2:30 pm", "9am", "noon"), after the hours were normalised."""
    found = _CLOCK.search(text)
    if found is None:
        return None
    if found.group(4):
        return time(12)
    hour = int(found.group(1)) % 12 + (12 if found.group(3).lower() == "p" else 0)
    return time(hour, int(found.group(2) or 0))


_DOTTED = re.compile(r"\b([ap])\.m\b\.?", re.I)  # "11 a.m." is "11 am" (dateparser misreads the dots)


# "2 to 4 pm", "2-4pm", "from 10 to 12", "between 1 and 3 p.m.", "2 to 4": the visit's window, read as its
# start (dateparser alone takes "Tuesday 2 to 4 pm" for February)
_RANGE = re.compile(
    r"(?<![\d/.:$-])\b(?:(from|between)\s+)?(1[0-2]|0?[1-9])(?::([0-5]\d))?(?:\s*([ap]m))?\s*"
    r"(?:-|–|to|and|until|till)\s*(1[0-2]|0?[1-9]|noon|midday)(?::[0-5]\d)?(?:\s*([ap]m))?\b(?![/.:]?\d)"
    r"(?P<then>\s+[a-z]+)?",
    re.I,
)
# what may follow a count rather than a time: "2 to 4 people", "3-5 days" are not a window
_COUNTED = re.compile(
    r"\s+(?:kids|children|people|persons|adults|days|hours|hrs|weeks|months|years|times|units|rooms|"
    r"bathrooms|bedrooms|floors|stories|minutes|mins|inches|feet|ft|gallons|tons|degrees|percent|of|"
    r"out|more|less|others|zones|systems|outlets|toilets|sinks|pets|dogs|cats)",
    re.I,
)


def _working_half(hour: int) -> str:
    """am or pm for an hour said without one: the working-hours reading (7–11 morning, 12–6 afternoon)."""
    return "am" if 7 <= hour <= 11 else "pm"


def _range(match: re.Match[str]) -> str:
    lead, start, minute, start_half, end, end_half, then = match.groups()
    if not end.isdigit():  # "between 10 and noon"
        end, end_half = "12", end_half or "pm"
    hour, last = int(start), int(end)
    then = then or ""
    if not (lead or start_half or end_half):
        # "2 to 4", "10-12": a window only when it reads as one in working hours (one to four hours long)
        # and is not a count ("2 to 4 people")
        first = hour % 12 + (12 if _working_half(hour) == "pm" else 0)
        final = last % 12 + (12 if _working_half(last) == "pm" else 0)
        if minute or not 1 <= final - first <= 4 or _COUNTED.fullmatch(then):
            return match.group(0)
    if start_half:
        half = start_half.lower()
    elif end_half:
        # "2 to 4 pm" is afternoon, but "10 to 12 pm" and "11 to 1 pm" start in the morning
        crosses_noon = end_half.lower() == "pm" and hour != 12 and (last == 12 or hour > last)
        half = "am" if crosses_noon else end_half.lower()
    else:
        half = _working_half(hour)
    return f"at {hour}:{minute or '00'} {half}{then}"


def _hour(match: re.Match[str]) -> str:
    hour = int(match.group(1))
    return f"at {hour}:{match.group(2) or '00'} {_working_half(hour)}"


_BOUND = re.compile(
    r"\b(?:(after|later than|no earlier than|past)|(before|no later than|by))\s+(?:\d|noon)", re.I
)


def when(text: str, now: datetime) -> When | None:
    """Preferred days and times, relative to ``now`` (local, timezone-aware) — e.g. 'next Tuesday afternoon'."""
    found = _when(text, now)
    bound = _BOUND.search(text)
    if found is not None and found.at is not None and bound is not None:
        found.bound = "after" if bound.group(1) else "before"
        if found.bound == "before":  # "before noon" is the morning; "before 3" any window ending by then
            found.part = "morning" if found.at <= time(12) else "any"
    return found


def _when(text: str, now: datetime) -> When | None:
    text = _DOTTED.sub(r"\1m", _SHORTHAND.sub("tomorrow", text))
    text = _BARE_HOUR.sub(_hour, _RANGE.sub(_range, text))
    week = _WEEK.search(text)
    if week is not None and week.group(2).lower() == "the" and not week.group(1):
        week = None  # "during the week" says weekdays, not which week
    part: PartOfDay = "any"
    part_said = ""  # the words that said it ("later in the day")
    plain = text.replace(week.group(0), " ") if week else text  # "early next week" is not the morning
    for name, pattern in _PARTS.items():
        said = pattern.search(plain)
        if said is not None and name != "any":
            part, part_said = name, said.group(0).strip()
            break
    if week:
        return _week(week, part, now.date())
    at = _clock(text)
    weekday = _WEEKDAY.search(text)
    ordinal = _ORDINAL_DAY.search(text)
    if at is not None and weekday is None and ordinal is None and not _NAMES_A_DAY.search(text):
        # "2 to 4 pm please": a time with no day keeps whatever days were asked for or offered
        return _on(None, at, part, _clock_text(text))
    if (
        ordinal is not None
        and not _MONTH_NAME.search(text)
        # "the 3rd" alone picks an offered window
        and (
            weekday is not None
            or _ON_THE.search(text)
            or part != "any"
            or at is not None
            or int(ordinal.group(1)) > _FEWEST_OFFERED
        )
    ):
        day = _day_of_month(int(ordinal.group(1)), now.date())
        if day is not None:
            return _on(day, at, part, ordinal.group(0))
    if not _DAYISH.search(text):
        return When(part=part, text=part_said) if part != "any" else None
    if weekday is not None and not _DATED.search(text):
        named = list(_WEEKDAY.finditer(text))
        days = sorted(
            {
                now.date() + timedelta(days=(_WEEKDAY_NUMBER[w.group(1).lower()] - now.weekday()) % 7 or 7)
                for w in named
            }
        )  # the same weekday as today: next week's
        if len(days) > 1:  # "Thursday or Friday": both, and the days between
            return When(days[0], days[-1], at, part, text[named[0].start() : named[-1].end()])
        bound = _DAY_BOUND.search(text[: weekday.start()])
        if bound is not None and at is None:  # "earlier than Wednesday", "any day after Tuesday"
            word, day = bound.group(1).lower(), days[0]
            span = text[bound.start(1) : weekday.end()]
            if word == "by":
                return When(now.date(), day, None, part, span)
            if word in ("after", "later than"):
                return When(day + timedelta(days=1), day + timedelta(days=7), None, part, span)
            if day > now.date():
                return When(now.date(), day - timedelta(days=1), None, part, span)
        return _on(days[0], at, part, weekday.group(0))
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        hits = search_dates(text, languages=["en"], settings=settings) or []
    except (ValueError, OverflowError):
        hits = []
    hits = [(raw, value) for raw, value in hits if _DAYISH.search(raw)]
    if not hits:
        return When(part=part) if part != "any" else None
    raw, value = hits[0]
    has_time = bool(re.search(r"\d\s*(?:am|pm|a\.m|p\.m)|\d:\d{2}|\bnoon\b|\bat\s+\d", raw, re.I))
    day = value.date()
    if day < now.date():
        day += timedelta(days=7)
    return _on(day, value.time() if has_time else None, part, raw)


def _week(match: re.Match[str], part: PartOfDay, today: date) -> When:
    """This or next week, or its early, middle or late days ("end of the week" is this week's). Weeks start
    on Sunday, as American calendars have them: on a Sunday, "this week" is the one starting tomorrow."""
    start = today + timedelta(days=1) if today.weekday() == 6 else today - timedelta(days=today.weekday())
    if match.group(2).lower() in ("next", "coming"):
        start += timedelta(days=7)
    first, last = _WEEK_SPAN.get(_WEEK_WORD.get((match.group(1) or "").lower(), ""), (0, 6))
    latest = start + timedelta(days=last)
    if latest < today:  # "early this week" said on a Thursday: the rest of this week
        latest = start + timedelta(days=6)
    return When(max(start + timedelta(days=first), today), latest, None, part, match.group(0))


_NAMES_A_DAY = re.compile(rf"\b(today|tomorrow|tonight|weekend|{MONTHS})[a-z]*\b|\d{{1,2}}/\d{{1,2}}", re.I)


def _clock_text(text: str) -> str:
    found = _CLOCK.search(text)
    return found.group(0) if found else text


# a weekday as a bound: "earlier than Wednesday", "before Friday", "by Thursday", "after Tuesday"
_DAY_BOUND = re.compile(
    r"\b(earlier than|sooner than|before|ahead of|by|later than|after)\s+(?:this\s+|next\s+|the\s+)?$", re.I
)


def _on(day: date | None, at: time | None, part: PartOfDay, raw: str) -> When:
    """A visit on ``day``, at ``at`` if given (which then tells the part of the day when none was said)."""
    if at is not None and part == "any":
        part = "morning" if at.hour < 12 else ("afternoon" if at.hour < 17 else "evening")
    return When(day, day, at, part, raw)


_STATES = set(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)
_LOCALITY = re.compile(
    r"(?:^|,\s*|\bin\s+)([A-Za-z][A-Za-z .'-]{1,30}?),?\s+(?:([A-Za-z]{2})\.?,?\s+)?(\d{5})(?:-\d{4})?\b"
)
_ONLY_A_ZIP = re.compile(
    r"^\W*(?:(?:it'?s|the zip(?: code)? is|zip(?: code)?:?)\s+)?(\d{5})(?:-\d{4})?\W*$", re.I
)


@functools.lru_cache(maxsize=1024)
def place_of(zip_code: str) -> tuple[str, str] | None:
    """The city and state a US ZIP code belongs to (USPS data shipped with ``zipcodes``), if it exists."""
    try:
        found = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    return (str(found[0]["city"]), str(found[0]["state"])) if found else None


@functools.cache
def _towns() -> dict[tuple[str, str], tuple[str, ...]]:
    """The ZIP codes of every US city or town, by (CITY, STATE), read once from the USPS data."""
    found: dict[tuple[str, str], list[str]] = {}
    for z in zipcodes.list_all():
        found.setdefault((str(z["city"]).upper(), str(z["state"])), []).append(str(z["zip_code"]))
    return {town: tuple(codes) for town, codes in found.items()}


@functools.cache
def _town_names() -> frozenset[str]:
    return frozenset(city for city, _ in _towns())


def town_zips(name: str, state: str) -> tuple[str, ...]:
    """The ZIP codes of the town of that name in that state (none when there is no such town)."""
    return _towns().get((name.strip().upper(), state), ())


def is_town(name: str, state: str | None = None) -> bool:
    """A US city or town of that name (in that state, when given), by USPS data."""
    return bool(town_zips(name, state)) if state else name.strip().upper() in _town_names()


def locality(text: str) -> Address | None:
    """City, state and ZIP on their own, to complete a street given earlier; the ZIP alone will do."""
    only = _ONLY_A_ZIP.match(text)
    if only is not None:
        known = place_of(only.group(1))
        return Address(street="", city=known[0], state=known[1], zip_code=only.group(1)) if known else None
    match = _LOCALITY.search(text)
    if match is None:
        return None
    state = (match.group(2) or "").upper()
    known = place_of(match.group(3))
    if state and state not in _STATES:
        return None
    if not state:
        if known is None:
            return None
        state = known[1]
    city = re.sub(r"^in\s+", "", match.group(1).strip(), flags=re.I)
    city = " ".join(w[:1].upper() + w[1:] for w in city.split())
    return Address(street="", city=city, state=state, zip_code=match.group(3))


def job_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(_JOB_NUMBER.findall(text)))


def extract(text: str, now: datetime) -> Extracted:
    """Everything useful in one message. ``now`` is local business time (timezone-aware)."""
    found_phones = phones(text)
    without_phones = text
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        without_phones = without_phones.replace(match.raw_string, " ")
    place = address(without_phones)
    zips = [z for z in _ZIP.findall(without_phones)]
    return Extracted(
        phones=found_phones,
        emails=emails(text),
        names=names(text),
        address=place,
        zip_code=(place.zip_code if place and place.zip_code else (zips[-1] if zips else None)),
        job_numbers=job_numbers(without_phones),
        when=when(without_phones, now),
        answer=classify(text),
        correction=bool(_CORRECTION.search(text)),
        locality=locality(without_phones) if place is None or not place.complete else None,
        technician=technician_asked_for(text),
    )
