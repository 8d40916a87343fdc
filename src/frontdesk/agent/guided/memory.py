"""What the guided model knows at a point of the conversation, derived afresh from the transcript: the facts
the customer gave (later messages correct earlier ones), what they are after, and what the tools said."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from frontdesk.agent.guided import extract as ex
from frontdesk.agent.guided import intents, jobtypes
from frontdesk.agent.guided.transcript import ToolOutcome, Transcript
from frontdesk.agent.triage import Triage, detect
from frontdesk.profile import BusinessProfile

# Intents that start a task; small talk and bare answers keep the current one.
CHANGES = {"reschedule": "rescheduleAppointment", "cancel": "cancelAppointment", "note": "addJobNote"}
OFFER_TO_BOOK = "Would you like me to find a time for a visit?"
# the reason for a cancellation, asked once: the answer ("we fixed the leak ourselves") is the reason, not a
# new request
WHY_CANCEL = "May I ask why you'd like to cancel?"
WHAT_REASON = "what's the reason?"
# a booking or change left for another task, offered again once that task is done
RESUMABLE = {
    "book": "createAppointment",
    "reschedule": "rescheduleAppointment",
    "cancel": "cancelAppointment",
}
RESUME_OFFERS = {
    "book": "Shall we get back to booking your visit?",
    "reschedule": "Shall we get back to moving your visit?",
    "cancel": "Shall we get back to canceling your visit?",
}
# a booking refused for the same visit booked already: the customer may want that one moved instead
MOVE_IT = "If that time doesn't suit you, I can move it: just tell me when you'd prefer."
# after a booking, a problem of another trade named with it ("…and also my AC is making a noise")
ANOTHER_VISIT = "Shall I find a time for that too?"
# after a booking asked for at both (all) of the customer's addresses: the next one
OTHER_PLACE = "Shall I find a time there as well?"
TASKS = ("book", "history", "status", "billing", "reschedule", "cancel", "note", "person", "question")


_EXTRACTED: dict[tuple[str, str], ex.Extracted] = {}


def _extract(text: str, day: str, now: datetime) -> ex.Extracted:
    """Extraction is the costly part of a step and a message reads the same all day: keep it."""
    key = (text, day)
    found = _EXTRACTED.get(key)
    if found is None:
        if len(_EXTRACTED) > 4096:
            _EXTRACTED.clear()
        found = _EXTRACTED[key] = ex.extract(text, now)
    return found


_TRIAGED: dict[tuple[int, str], Triage | None] = {}
_FILLER = re.compile(
    r"\b(is|are|was|were|has|have|been|it'?s|the|a|an|all|so|really|just|now|something|some|very|strong|"
    r"kind of|sort of)\b",
    re.I,
)
_PROFILES: dict[int, BusinessProfile] = {}  # keeps the profiles keyed by id alive, so no id is reused


def _detect(text: str, profile: BusinessProfile) -> Triage | None:
    """Triage forgives typos word by word, which is slow; each message is read once per profile."""
    key = (id(profile), text)
    if key not in _TRIAGED:
        if len(_TRIAGED) > 4096:
            _TRIAGED.clear()
        _PROFILES[id(profile)] = profile
        words = text
        for name in ex.names(text):  # "Helen Park" is not "sparks"
            words = words.replace(name, " ").replace(name.lower(), " ")
        found = detect(words, profile)
        if found is None:  # "water is pouring" says "water pouring"
            found = detect(_FILLER.sub(" ", words), profile)
        _TRIAGED[key] = found
    return _TRIAGED[key]


def forget() -> None:
    """Empty the per-message caches (a benchmark's rounds then each read every message afresh)."""
    _EXTRACTED.clear()
    _TRIAGED.clear()
    intents.read.cache_clear()
    jobtypes.forget()


@dataclass
class Memory:
    transcript: Transcript
    now: datetime  # business-local
    profile: BusinessProfile
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: ex.Address | None = None
    zip_code: str | None = None
    job_number: str | None = None
    when: ex.When | None = None
    goal: str | None = None
    goal_from: int = 0  # index of the customer message that set the goal
    reading: intents.Reading = field(default_factory=lambda: intents.Reading((), ()))
    latest: ex.Extracted = field(default_factory=ex.Extracted)
    triage: Triage | None = None  # the most serious emergency of the current task
    triage_now: Triage | None = None  # in the latest message
    new_customer_said: bool = False
    asks_question: bool = False  # the latest message is mainly a question about the business
    asks_aside: bool = False  # the latest message asks about the business beside a task ("how much is it?")
    unclear_streak: int = 0  # customer messages in a row that gave nothing the model could use
    finished: ToolOutcome | None = None  # a change asked for with the current one, made already
    away: date | None = None  # a day the customer said they are not available
    left: tuple[str, int] | None = None  # a booking or change left for another task: (goal, goal_from)
    technician: str | None = None  # a technician the customer asked for by name, in the current task
    phone_corrected: bool = False  # the customer said the number they gave was wrong
    # (goal_from, words): a problem named in an earlier task that the current booking is for
    carried: tuple[int, str] | None = None
    # (goal_from, locationId): the address the current booking is for, chosen when it was offered
    carried_place: tuple[int, int] | None = None
    took_offer: bool = False  # the latest message takes up a visit offered a few replies before

    def said(self, text: str) -> ex.Extracted:
        """What one of the customer's messages holds (read once per message and cached)."""
        return _extract(text, self.now.date().isoformat(), self.now)

    @property
    def goal_texts(self) -> list[str]:
        texts = self.transcript.customer[self.goal_from :]
        if self.carried is not None and self.carried[0] == self.goal_from:
            return [self.carried[1], *texts]  # "…and my AC is making a noise" — "shall I…?" — "yes"
        return texts

    # --- what the tools established ---------------------------------------------------------------

    def last(self, tool: str) -> ToolOutcome | None:
        return self.transcript.last(tool)

    @property
    def customer_id(self) -> int | None:
        """The verified (or newly created) customer, as the tools reported it."""
        found: int | None = None
        for outcome in self.transcript.outcomes:
            if not outcome.ok or outcome.tool not in ("searchCustomers", "createCustomer"):
                continue
            if outcome.tool == "searchCustomers" and not outcome.data.get("verified"):
                continue
            if self.phone_corrected and outcome.args.get("phone") not in (None, self.phone):
                continue  # verified with the number the customer has since said was wrong
            customer = outcome.data.get("customer")
            value = (
                customer.get("customerId") if isinstance(customer, dict) else outcome.data.get("customerId")
            )
            found = int(value) if isinstance(value, int) else found
        return found

    def pending(self, tool: str) -> ToolOutcome | None:
        """The newest proposal of ``tool`` that has not been confirmed or refused since."""
        for outcome in reversed(self.transcript.outcomes):
            if outcome.tool != tool:
                continue
            if outcome.status == "proposal":
                return outcome
            if "confirmation_id" in outcome.args:
                return None  # the confirming call came after the newest proposal
        return None

    def done(self, tool: str, since_goal: bool = True) -> ToolOutcome | None:
        """The newest successful confirmed write of ``tool`` (in the current task)."""
        first_turn = self.goal_from if since_goal else 0
        for outcome in reversed(self.transcript.outcomes):
            if outcome.turn < first_turn:
                break
            if outcome.tool == tool and outcome.ok and "confirmation_id" in outcome.args:
                return outcome
        return None


def remember(transcript: Transcript, profile: BusinessProfile, now: datetime) -> Memory:
    memory = Memory(transcript, now, profile)
    day = now.date().isoformat()
    goal: str | None = None
    goal_from = 0
    for index, text in enumerate(transcript.customer):
        found = _extract(text, day, now)
        reading = intents.read(text)
        offered = [said for turn, said in transcript.replies if turn == index - 1]  # the reply it answers
        if found.names:
            memory.name = found.names[0]
        elif memory.name and " " not in memory.name and offered and "full name" in offered[-1]:
            family = ex.surname(text)  # "I'm Donna" … "your full name?" … "Weaver"
            if family is not None and family.lower() != memory.name.lower():
                memory.name = f"{memory.name} {family}"
        if found.phones:
            corrected = found.phones[-1] if found.correction else None
            if corrected is not None and memory.phone is not None and corrected != memory.phone:
                memory.phone_corrected = True  # "sorry, wrong number, it's …": who they are is asked again
            memory.phone = corrected or found.phones[0]
        if found.emails:
            memory.email = found.emails[-1]
        if found.address is not None and (
            found.address.complete or memory.address is None or not memory.address.complete
        ):
            memory.address = found.address
        elif found.locality is not None and memory.address is not None and not memory.address.complete:
            memory.address = replace(
                found.locality, street=memory.address.street, unit=memory.address.unit
            )  # the street came first, the town in a later message
        if found.zip_code:
            memory.zip_code = found.zip_code
        if found.job_numbers:
            memory.job_number = found.job_numbers[0]
        # "I had a tech out last week": when the last visit was, not a day to book
        wanted = None if found.when is not None and _past(found.when, now.date()) else found.when
        if wanted is not None and _AWAY.search(text):
            memory.away = wanted.earliest  # "I won't be home Thursday": not a day to offer
        elif wanted is not None:
            memory.when = _within(wanted, memory.when, text)
        if _says_new(text):
            memory.new_customer_said = True
        # the strongest task in the message ("hi, my toilet keeps running" is a booking, not a greeting)
        tasks = [(i, score) for i, score in zip(reading.intents, reading.scores, strict=True) if i in TASKS]
        if (
            tasks
            and tasks[0][0] == "question"
            and tasks[0][1] < _DECISIVE
            and any(i != "question" and s >= 2.0 for i, s in tasks)
        ):
            # "my drain is clogged, can you come Tuesday? how much is it?": the visit is the task, the
            # price a question beside it
            tasks = [task for task in tasks if task[0] != "question"]
        weak_visit = bool(tasks) and tasks[0][0] == "book" and tasks[0][1] < 2.0
        if weak_visit and dict(tasks).get("question", 0.0) >= tasks[0][1]:
            tasks = [
                task for task in tasks if task[0] != "book"
            ]  # "what does a tune-up cost?" asks, not books
        top = tasks[0][0] if tasks else reading.top
        strong = bool(tasks) and tasks[0][1] >= 2.0
        emergency = _detect(text, profile)
        left = memory.left
        if (
            left is not None
            and offered
            and offered[-1].endswith(RESUME_OFFERS[left[0]])
            and found.answer in ("yes", "no")
        ):
            if found.answer == "yes":  # "…shall we get back to moving your visit?" — "yes"
                goal, goal_from = left
            memory.left = None
        elif (
            goal == "book"
            and offered
            and offered[-1].endswith(MOVE_IT)
            and (found.answer == "yes" or found.when is not None or top == "reschedule")
            and (booked_already := _already_booked(transcript, goal_from, index)) is not None
        ):
            # "…job #1234 is booked already; I can move it" — "yes, make it Friday": that job, moved
            memory.job_number = booked_already
            goal, goal_from = "reschedule", index
            memory.when = wanted
        elif goal == "book" and offered and offered[-1].endswith(OTHER_PLACE) and found.answer == "yes":
            place = unbooked_place(transcript, index)
            problem = transcript.customer[goal_from:index]
            if memory.carried is not None and memory.carried[0] == goal_from:
                problem = [memory.carried[1], *problem]
            goal, goal_from = "book", index  # the same visit at the customer's next address
            memory.carried = (index, " ".join(problem))
            memory.carried_place = (index, int(place["locationId"])) if place else None
            memory.when = wanted
        elif goal == "book" and offered and offered[-1].endswith(ANOTHER_VISIT) and found.answer == "yes":
            booked = _booked_kind(transcript, goal_from, index)
            other = jobtypes.another_trade(transcript.customer[goal_from:index], booked or "", profile)
            goal, goal_from = "book", index  # the second visit: a booking of its own
            memory.carried = (index, other) if other else None
            memory.when = wanted
        elif (
            goal == "book"
            and top in (None, "book", "question")
            and not intents.about_business(text)
            and _another_kind(transcript, goal_from, index, text, profile)
        ):
            goal, goal_from = "book", index  # booked; "what about the AC?" is another visit
            memory.when = wanted
        elif (
            goal in ("question", "history")
            and offered
            and offered[-1].endswith(OFFER_TO_BOOK)
            and found.answer == "yes"
        ):
            goal = "book"  # "do you install EV chargers?" — "yes, we do… shall I find a time?" — "yes"
        elif (
            goal == "question"
            and (top == "book" or (found.answer == "yes" and _GO_AHEAD.search(text)))
            and jobtypes.best(text, profile) is None
            and any(
                said.endswith(OFFER_TO_BOOK) for turn, said in transcript.replies if goal_from <= turn < index
            )
        ):
            # "do you replace water heaters?" — "…shall I find a time?" — "how much?" — "…" — "ok let's do
            # it": the visit offered, for the work asked about (the task's words stay its words)
            goal = "book"
            memory.took_offer = index == len(transcript.customer) - 1
        elif emergency is not None and goal in (None, "book", "question"):
            if goal != "book":
                goal, goal_from = "book", index
        elif top == "question" and goal is not None and goal != "question":
            pass  # a question in the middle of a task is answered, then the task goes on
        elif (
            goal == "cancel"
            and offered
            and offered[-1].endswith((WHY_CANCEL, WHAT_REASON))
            and top not in ("reschedule", "person")
        ):
            pass  # "we fixed the leak ourselves" answers why; only moving the visit or a person changes the task
        elif top in ("billing", "history") and _booking_under_way(transcript, goal, goal_from, index):
            pass  # "am I a member?" while choosing a window: answered beside the booking, which goes on
        elif top in TASKS and top != goal and (strong or goal is None):
            if goal in RESUMABLE and top not in ("person", "question"):
                memory.left = (goal, goal_from)  # "…and tell the tech to use the side gate" mid-reschedule
            elif top in RESUMABLE:
                memory.left = None  # a new booking or change: the one left before is not offered again
            goal, goal_from = top, index
            # a new task starts without the old task's preferred days (and a day they are away is none)
            memory.when = None if _AWAY.search(text) else wanted
        elif goal is None and top is None and found.when is not None and _ASKS_FOR_TIME.search(text):
            goal, goal_from = "book", index  # "can you do next Monday at 3?": a time asked for is a visit
        useful = bool(
            found.names or found.phones or found.emails or found.address or found.zip_code
            or found.job_numbers or found.when or found.answer != "unclear" or top is not None
            or emergency is not None or _CHOICE.search(text)
        )  # fmt: skip
        memory.unclear_streak = 0 if useful else memory.unclear_streak + 1
        if index == len(transcript.customer) - 1:
            memory.reading = reading
            memory.latest = found
            memory.triage_now = emergency
            memory.asks_question = top == "question" and emergency is None
            # "…how much is it?": a question about the business put as one, whatever else the message asks
            memory.asks_aside = (
                emergency is None
                and intents.about_business(text)
                and (top == "question" or intents.is_question(text))
            )
    memory.goal, memory.goal_from = goal, goal_from
    asked_for = [memory.said(text).technician for text in memory.goal_texts]
    memory.technician = next((name for name in reversed(asked_for) if name), None)
    if goal in CHANGES:
        # "move it to Friday and let the tech know the gate code": once one change is made, the other
        opening = intents.read(transcript.customer[goal_from])
        queued = [
            i for i, score in zip(opening.intents, opening.scores, strict=True)
            if i in CHANGES and i != goal and score >= 2.5
        ]  # fmt: skip
        done = memory.done(CHANGES[goal])
        if queued and done is not None:
            memory.goal, memory.finished = queued[0], done
    found_triage = [t for t in (_detect(text, profile) for text in memory.goal_texts) if t is not None]
    found_triage.sort(key=lambda t: 0 if t.life_safety else 1)
    memory.triage = found_triage[0] if found_triage else None
    return memory


# "the first one", "try again": answers that carry no fact but move the conversation on
_CHOICE = re.compile(
    r"\b(first|second|third|fourth|fifth|last|earliest|1st|2nd|3rd|4th|5th|try (it |that )?again|retry|"
    r"one more time)\b",
    re.I,
)
_BARE_DAY = re.compile(r"\b(this|next|coming|today|tomorrow|\d{1,2}/\d{1,2}|\d{1,2}(st|nd|rd|th)\b)", re.I)


_DECISIVE = 6.0  # a question scored this high is the message's point, whatever task it mentions
_GO_AHEAD = re.compile(
    r"\b(do it|do that|go ahead|book|schedule|set (it|that|one|something) up|sign me up|let'?s go|sounds good)\b",
    re.I,
)
_AWAY = re.compile(
    r"\b((not|won'?t) (going to |gonna )?be (home|there|around|available)|can'?t make it|(busy|away|out of town) "
    r"(on )?(mon|tue|wed|thu|fri|sat|sun)|not (free|available) (on )?(mon|tue|wed|thu|fri|sat|sun))",
    re.I,
)
_ASKS_FOR_TIME = re.compile(
    r"\b(can (you|someone|somebody|a tech) (do|come|make it|be here)|are you (free|available)|availab\w*|"
    r"openings?|anything (open|free|on)|is there anything|how about|what about|works? for (me|us))\b",
    re.I,
)


def _booking_under_way(transcript: Transcript, goal: str | None, goal_from: int, index: int) -> bool:
    """Windows offered or a booking proposed in the current task, and nothing booked yet."""
    if goal != "book":
        return False
    outcomes = [o for o in transcript.outcomes if goal_from <= o.turn < index]
    booked = any(o.tool == "createAppointment" and o.ok and "confirmation_id" in o.args for o in outcomes)
    started = any(o.tool in ("getAvailableTimeSlots", "createAppointment") and o.ok for o in outcomes)
    return started and not booked


def places_of(transcript: Transcript) -> list[dict[str, Any]]:
    """The verified customer's service locations, as searchCustomers gave them."""
    for outcome in reversed(transcript.outcomes):
        if outcome.tool == "searchCustomers" and outcome.ok and outcome.data.get("verified"):
            customer = outcome.data.get("customer") or {}
            return [p for p in customer.get("serviceLocations") or [] if isinstance(p, dict)]
    return []


_ALL_PLACES = re.compile(
    r"\b(both|all|each|every)\b(?:\s+[\w']+){0,3}?\s+(propert(y|ies)|houses?|homes?|addresses|places|"
    r"locations|units|rentals?|buildings?|sites?)\b",
    re.I,
)


def asks_all_places(texts: list[str]) -> bool:
    """ "…at both of my properties": one visit at each of the customer's addresses."""
    return any(_ALL_PLACES.search(text) for text in texts)


def unbooked_place(transcript: Transcript, before: int | None = None) -> dict[str, Any] | None:
    """The first of several service locations with no visit booked in this conversation (before message
    ``before``), when one has been booked at another."""
    places = places_of(transcript)
    booked = {
        o.args.get("locationId")
        for o in transcript.outcomes
        if o.tool == "createAppointment" and o.ok and "confirmation_id" in o.args
        and (before is None or o.turn < before)
    }  # fmt: skip
    if len(places) < 2 or not booked - {None}:
        return None
    return next((p for p in places if p.get("locationId") not in booked and p.get("locationId")), None)


def _past(when: ex.When, today: date) -> bool:
    """Every day the words name is before today ("last week", "two days ago", "yesterday")."""
    last = when.latest or when.earliest
    return (last is not None and last < today) or bool(_PAST_WORDS.search(when.text or ""))


_PAST_WORDS = re.compile(
    r"\b(last|past|previous) (week|month|year|time|visit|mon|tues|wednes|thurs|fri|satur|sun)(day)?\b|\bago\b|"
    r"\byesterday\b",
    re.I,
)


def _booked_kind(transcript: Transcript, goal_from: int, index: int) -> str | None:
    """The job type booked in the current task before message ``index`` (or found booked already)."""
    for o in transcript.outcomes:
        if not (goal_from <= o.turn < index and o.tool == "createAppointment"):
            continue
        if o.ok and "confirmation_id" in o.args:
            return str(o.data.get("jobType") or "") or None
        if o.data.get("alreadyBooked"):
            return str(o.args.get("jobType") or "") or None
    return None


def _already_booked(transcript: Transcript, goal_from: int, index: int) -> str | None:
    """The number of the job a booking of the current task was refused for, as booked already."""
    for o in reversed(transcript.outcomes):
        if goal_from <= o.turn < index and o.tool == "createAppointment" and o.data.get("alreadyBooked"):
            number = o.data.get("jobNumber") or o.data.get("jobId")
            return str(number) if number else None
    return None


def _another_kind(
    transcript: Transcript, goal_from: int, index: int, text: str, profile: BusinessProfile
) -> bool:
    """A visit booked in the current task, and the message names work of another job type."""
    booked = _booked_kind(transcript, goal_from, index)
    if booked is None:
        return False
    kind = jobtypes.best(text, profile)
    return kind is not None and kind != booked


def _within(new: ex.When, earlier: ex.When | None, text: str) -> ex.When:
    """A bare weekday ("Tuesday at 2") inside an earlier range ("next week") means the day in that range,
    and a time or part of the day alone ("2 to 4 pm", "the morning") keeps the days said before."""
    if new.earliest is None and earlier is not None and earlier.earliest is not None:
        return replace(new, earliest=earlier.earliest, latest=earlier.latest)
    if (
        earlier is None
        or earlier.earliest is None
        or earlier.latest is None
        or earlier.earliest == earlier.latest
        or new.earliest is None
        or new.earliest != new.latest
        or _BARE_DAY.search(text)
    ):
        return new
    day = earlier.earliest
    while day <= earlier.latest:
        if day.weekday() == new.earliest.weekday():
            return replace(new, earliest=day, latest=day)
        day += timedelta(days=1)
    return new


def _says_new(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(
        phrase in lowered
        for phrase in (
            "first time",
            "new customer",
            "never used",
            "haven't used",
            "not a customer",
            "never called",
            "i'm new",
            "im new",
            "i am new",
            "new here",
        )
    )
