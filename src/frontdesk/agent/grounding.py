"""Grounding: a reply may state only what the tools established in this conversation.

Before a reply leaves, every job number, time, date, amount and technician name in it, and every claim
that something was booked, created, rescheduled or cancelled, must trace to a fact of a tool result.
What cannot be traced is a violation; the engine then asks the model once to correct itself and, if
that fails too, sends a safe reply that says only what is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from frontdesk.capabilities.tool import Fact

_MONEY = re.compile(r"\$\s?\d[\d,]*(?:\.\d{2})?")
_JOB_NUMBER = re.compile(r"(?:#\s?|\bjob (?:number|no\.?|#)\s*:?\s*#?\s*|\bST-)(\d{4,12})\b", re.IGNORECASE)
_TIME = re.compile(r"\b(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*([ap])\.?\s?m\.?\b", re.IGNORECASE)
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
_DATE = re.compile(
    r"\b("
    + "|".join(m[:3] + r"(?:" + m[3:] + r")?" for m in _MONTHS)
    + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# Claims that a write happened; "I can book" or "shall I book" are offers, not claims.
_CLAIMS: dict[str, re.Pattern[str]] = {
    "booking": re.compile(
        r"\b(?:i(?:'ve| have)? (?:booked|scheduled)|(?:is|are|has been|have been|was|were|got you|you're|you are) "
        r"(?:now |all )?(?:booked|scheduled|confirmed)|(?:booking|appointment) is confirmed|"
        r"successfully (?:booked|scheduled))\b",
        re.IGNORECASE,
    ),
    "customer_created": re.compile(
        r"\b(?:i(?:'ve| have)? (?:created|set up|opened) (?:your|an|a new) (?:account|customer)|"
        r"(?:account|profile) (?:has been|is now|was) (?:created|set up))\b",
        re.IGNORECASE,
    ),
    "reschedule": re.compile(
        r"\b(?:i(?:'ve| have)? (?:rescheduled|moved)|(?:has been|have been|was|is now) (?:rescheduled|moved))\b",
        re.IGNORECASE,
    ),
    "cancellation": re.compile(
        r"\b(?:i(?:'ve| have)? cancell?ed|(?:has been|have been|was|is now|is) cancell?ed)\b", re.IGNORECASE
    ),
}


@dataclass(frozen=True)
class Violation:
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind} '{self.text}'"


@dataclass
class Known:
    """Everything the conversation's tool results established, normalised for matching."""

    job_numbers: set[str] = field(default_factory=set)
    times: set[str] = field(default_factory=set)
    dates: set[tuple[int, int]] = field(default_factory=set)
    amounts: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    text: str = ""

    @classmethod
    def from_facts(cls, facts: Iterable[Fact]) -> Known:
        known = cls()
        blob: list[str] = []
        for fact in facts:
            values = [fact.value, *fact.forms]
            blob.extend(values)
            if fact.kind in ("booking", "customer_created", "reschedule", "cancellation"):
                known.events.add(fact.kind)
            for value in values:
                known.job_numbers.update(
                    re.findall(r"\d{4,12}", value) if fact.kind in ("job_number", "job_id") else ()
                )
                known.times.update(_times(value))
                known.dates.update(_dates(value))
                known.amounts.update(_amounts(value))
                if fact.kind in ("technician", "customer"):
                    known.names.add(_norm_name(value))
        known.text = " ".join(blob).lower()
        return known


def _times(text: str) -> set[str]:
    out = set()
    for hour, minute, half in _TIME.findall(text):
        out.add(f"{int(hour)}:{minute or '00'}{half.lower()}")
    # 24-hour or ISO forms in facts, e.g. 14:00 → 2:00p
    for hour, minute in re.findall(
        r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?!\s*[ap]\.?m)", text, re.IGNORECASE
    ):
        h = int(hour)
        out.add(f"{(h % 12) or 12}:{minute}{'p' if h >= 12 else 'a'}")
    return out


def _dates(text: str) -> set[tuple[int, int]]:
    out = set()
    for month, day in _DATE.findall(text):
        index = next(i for i, m in enumerate(_MONTHS) if m.startswith(month.lower()[:3]))
        out.add((index + 1, int(day)))
    for _, month, day in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})", text):
        out.add((int(month), int(day)))
    return out


def _amounts(text: str) -> set[str]:
    out = set()
    for raw in _MONEY.findall(text):
        out.add(_money(raw))
    for raw in re.findall(r"(?<![\d.])(\d+\.\d{2})(?!\d)", text):
        out.add(_money(raw))
    return out


def _money(raw: str) -> str:
    value = raw.replace("$", "").replace(",", "").strip()
    return f"{float(value):.2f}"


def _norm_name(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def check(reply: str, known: Known, people: Iterable[str] = ()) -> list[Violation]:
    """Statements in ``reply`` that no fact supports.

    ``people`` are names the business has (technicians): a reply naming one of them must have learned it
    from a tool result; names outside that list are not checked (they may be the customer's own words).
    """
    found: list[Violation] = []
    for number in _JOB_NUMBER.findall(reply):
        if number not in known.job_numbers:
            found.append(Violation("job number", number))
    for hour, minute, half in _TIME.findall(reply):
        stamp = f"{int(hour)}:{minute or '00'}{half.lower()}"
        if stamp not in known.times:
            found.append(Violation("time", f"{hour}{':' + minute if minute else ''} {half.upper()}M"))
    for month, day in _DATE.findall(reply):
        index = next(i for i, m in enumerate(_MONTHS) if m.startswith(month.lower()[:3]))
        if (index + 1, int(day)) not in known.dates:
            found.append(Violation("date", f"{month} {day}"))
    for raw in _MONEY.findall(reply):
        if _money(raw) not in known.amounts:
            found.append(Violation("amount", raw.strip()))
    lowered = _norm_name(reply)
    known_words = {word for name in known.names for word in name.split()}
    for person in people:
        name = _norm_name(person)
        if not name:
            continue
        if re.search(rf"\b{re.escape(name)}\b", lowered):
            if name not in known.names:
                found.append(Violation("technician", person))
            continue
        # "Mike will call you": a technician's first name, capitalised, that no fact mentions
        first = person.split()[0]
        if re.search(rf"\b{re.escape(first)}\b", reply) and first.lower() not in known_words:
            found.append(Violation("technician", first))
    for event, pattern in _CLAIMS.items():
        match = pattern.search(reply)
        if match and event not in known.events:
            found.append(Violation(f"claim of {event.replace('_', ' ')}", match.group(0)))
    return found
