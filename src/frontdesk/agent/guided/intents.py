"""What a customer wants, from what they typed: the guided model's intent reading.

A message may carry several intents ("my furnace is out, when can you come, and what do I owe?"); they are
returned strongest first. Emergencies are not decided here: the triage module reads every message first,
for every model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Intent = Literal[
    "book",
    "history",
    "status",
    "billing",
    "reschedule",
    "cancel",
    "note",
    "person",
    "question",
    "greeting",
    "thanks",
    "goodbye",
]

# A question about how soon a visit could be: answered with the openings, before the customer is known.
AVAILABILITY = (
    r"\bhow long (is|'s) the wait\b|\bhow long (would|will|do) (i|we) (have to )?wait\b|\bhow soon (can|could|would)\b|"
    r"(?<!\bmy )(?<!\bour )\b(next|earliest|soonest|first) (available|availability|opening|slot)s?\b|"
    r"\b(your|the) (earliest|soonest|first) (appointment|visit)s?\b|\bany (openings|availability|slots)\b|"
    r"\bwhat('?s| is| do you have for)? (your )?availability\b"
)

# Each pattern scores its intent; a stronger, more specific phrase weighs more. Words are matched whole,
# with common misspellings of the words customers type most.
# the customer's membership (service plan), as they name it
_MEMBERSHIP = r"\b(membership|member|maintenance plan|service plan|comfort club)\b"
_PATTERNS: dict[Intent, list[tuple[str, float]]] = {
    "person": [
        (
            r"\b(speak|talk|chat)\s+(to|with)\s+(a|an|some|the|real|actual|live)?\s*(human|person|agent|someone|"
            r"somebody|manager|representative|rep|operator|dispatcher|staff|people)\b",
            3.0,
        ),
        (r"\b(real|live|actual)\s+(person|human|agent)\b", 3.0),
        # "let me speak to the owner", "is there a person I can talk to?", "can someone call me?"
        (
            r"\b(speak|talk)\s+(to|with)\s+(the|your)\s+(owner|boss|office|someone in charge)\b|\b(person|human|"
            r"someone|somebody)\s+(i|we)\s+(can|could)\s+(talk|speak)\b|\b(can|could|would|have)\s+(someone|"
            r"somebody|a person|the office)\s+(please\s+)?call me\b",
            3.0,
        ),
        (r"\b(human|representative|operator|manager|supervisor)\b", 1.5),
        (r"\bcall me back\b|\bcallback\b|\bcall back\b", 2.0),
        # "get me a person", "transfer me please"
        (
            r"\b(get|give|put|connect) me (to |through to |with )?(a|an|the|some)?\s*(person|human|someone|"
            r"somebody|agent|representative|rep|manager|operator)\b|\btransfer me\b",
            3.0,
        ),
    ],
    "reschedule": [
        (
            r"\b(re-?sched[a-z]*|resc?hedule|move|change|push|switch)\b.{0,40}\b(appointment|visit|booking|"
            r"time|window|day|date|it|that|this)\b",
            3.0,
        ),
        (r"\bre-?sched[a-z]*\b|\bresc?hedule\b|\bresch\b", 3.0),
        # "move my drain cleaning to Friday": a visit moved to a day, whatever it is called
        (
            r"\b(move|push|switch|change|bump)\s+(my|the|our)\s+(?!(appointment|appt|visit|booking)\b)([a-z-]+\s+){1,3}?"
            r"(to|until|till)\s+(next\s+|this\s+)?((mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|next week|"
            r"the \d{1,2}(st|nd|rd|th)?)\b",
            3.0,
        ),
        (r"\b(different|another|later|earlier)\s+(day|time|date|window)\b", 2.0),
        (r"\bcan'?t make it\b|\bwon'?t be (home|there|available)\b", 2.0),
        # "I'm not going to be home thursday", "can the electrician come earlier?"
        (r"\b(not|won'?t) (going to |gonna )?be (home|there|around|available)\b", 2.5),
        (
            r"\b(come|be here|be there|make it|do it)\s+(earlier|later|sooner|another day|a different day)\b",
            2.5,
        ),
        # "same time but a day later", "two days earlier", "the day after instead"
        (
            r"\b(a|an|one|two|three|\d) (day|week)s? (later|earlier|sooner)\b|\bsame time\b.{0,30}\b(later|earlier|"
            r"next|tomorrow|instead|but|on)\b|\b(the )?(day|week) (after|before)\b.{0,20}\binstead\b",
            2.5,
        ),
    ],
    "cancel": [
        (r"\b(cancel+[a-z]*|cancle|cancell)\b", 3.0),
        (
            r"\b(don'?t|do not|no longer|won'?t|will not)\s+need\b.{0,30}\b(appointment|visit|technician|tech|service|"
            r"anymore)\b",
            2.5,
        ),
        (r"\bcall(ing)? (it|the (appointment|visit|job)) off\b|\bcall(ing)? off\b", 3.0),
        # "we fixed it ourselves, no need to come"
        (r"\bno need (for (you|anyone|someone|a tech|the tech|the technician) )?to come\b", 3.0),
        # "forget the appointment, it's fixed", "scratch that visit"
        (
            r"\b(forget|scratch|nix|drop)\s+(about\s+)?(the|my|that|this|our)\s+(appointment|visit|booking)\b",
            3.0,
        ),
    ],
    "note": [
        (
            r"\b((let|tell|remind|ask) (the|my|your|our) (tech|techs|technician|plumber|electrician|guy)s?|(add|leave|put|"
            r"make) a note|note (for|to) the (tech|technician)|pass (it|this|that) (on|along))\b",
            3.5,
        ),
        (r"\b(gate code|lock ?box|door code|side door|back door|park (in|on)|beware of|the dog)\b", 1.5),
        # "can he bring a ladder?", "could the plumber call when he's close" ("will they call?" asks what they do)
        (
            r"\b(can|could|please have|have)\s+(he|she|they|the (tech|technician|plumber|electrician|guy))\s+"
            r"(please\s+)?(bring|use|call|text|knock|ring|wear|park)\b",
            3.5,
        ),
    ],
    "status": [
        (r"\b(status|update)\b", 2.0),
        (
            r"\b(check(ing)? on|status of|update on|still on|still happening|confirm)\b.{0,40}\b(appointment|appt|"
            r"visit|job|tech|technician|service call)\b",
            3.5,
        ),
        (
            r"\b(is|are) (my|our|the) (appointment|appt|visit|tech|technician)s?(\s+[a-z]+){0,3}\s+still (on|happening|"
            r"coming|scheduled|good)\b",
            3.5,
        ),
        (
            r"\b(when|what time|what day)\s*(is|'s|are|will)\s+(my|the|our)\s+(?:(?:next|upcoming|scheduled)\s+)?"
            r"(appointment|appt|visit|tech|technician|service call)\b",
            3.0,
        ),
        (
            r"\b(when|what time)\b.{0,30}\b(tech|technician|plumber|electrician|someone|guy|he|she|they)\b"
            r".{0,30}\b(arrive|arrives|arriving|come|comes|coming|get here|gets here|be here|show up|shows up)\b",
            3.0,
        ),
        (r"\b(where|eta)\b.{0,30}\b(tech|technician|plumber|electrician|guy)\b", 3.0),
        # "has a tech been assigned yet?", "do I have a technician yet?"
        (
            r"\bassigned\b|\b(do|did) (i|we) (have|get) (a|my|our) (tech|technician|plumber|electrician)\b",
            3.0,
        ),
        # "what's the name of the plumber coming?", "who is coming?"
        (
            r"\b(name of|who'?s|who is|who will be)\b.{0,20}\b(tech|technician|plumber|electrician|guy|coming)\b|"
            r"\b(tech|technician|plumber|electrician|guy)'?s\s+name\b",
            3.0,
        ),
        (
            r"\b(do|did) (i|we) (still )?have\b.{0,30}\b(appointment|appt|visit|someone|a tech|anything)\b.{0,20}"
            r"\b(scheduled|booked|coming( up)?|set up|on the books)\b",
            3.0,
        ),
        (r"\b(on (his|her|their) way|running late|still coming|arriv(e|es|al|ing))\b", 2.0),
        # "is my technician coming today?", "is anyone coming out today?", "is the plumber on his way?"
        (
            r"\b(is|are)\s+(my|our|the|your|a)?\s*(tech|techs|technician|plumber|electrician|guy|someone|"
            r"somebody|anyone|anybody|you|you guys|y'?all|they|he|she)\s+(still\s+)?(coming|on (his|her|their|the|"
            r"your) way|arriving|showing up|going to (come|show|make it)|headed)\b",
            3.5,
        ),
        # "when are you coming?"
        (
            r"\bwhen (are|will) (you|you guys|y'?all|they|he|she|someone|somebody)\b.{0,15}\b(coming|come|arrive|"
            r"be here|get here|show up)\b",
            3.0,
        ),
        # "is my appointment tomorrow?", "has my appointment been confirmed?", "did my appointment get booked?"
        (
            r"\b(is|was|has|have|did)\s+(my|our|the)\s+(appointment|visit|booking|job|repair|service call)\b.{0,25}"
            r"\b(today|tomorrow|"
            r"tonight|this (morning|afternoon|evening|week)|confirmed|booked|scheduled|go through|went through)\b",
            3.5,
        ),
        (r"\b(are we|is (it|that|this)|we'?re) still on\b", 3.0),
        # nobody came: "the technician hasn't shown up", "your guy was supposed to be here an hour ago"
        (
            r"\b(nobody|no one|noone|tech|techs|technician|plumber|electrician|guy|he|she|they)\b.{0,20}\b(hasn'?t|"
            r"has not|haven'?t|have not|didn'?t|did not|never)\s+(shown up|showed up|show up|come|came|arrived?)\b"
            r"|\b(nobody|no one|noone) (has )?(showed|shown|came|come)\b|\bsupposed to (be here|come|arrive|"
            r"show up)\b",
            3.5,
        ),
        (r"\beta\b", 2.5),
        # "what time should I expect the plumber?", "is the technician close?"
        (
            r"\bexpect(ing)?\s+(the|my|your|a|our)\s+(tech|technician|plumber|electrician|guy|visit|appointment)\b|"
            r"\b(tech|technician|plumber|electrician|guy)\s+(is\s+)?(close|close by|nearby|almost here|near)\b",
            3.0,
        ),
        # "how far away is the technician?", "how long until the plumber gets here"
        (
            r"\bhow (far|long)( away| out| until| till)?\b.{0,20}\b(tech|technician|plumber|electrician|guy|he|she|"
            r"they)\b",
            3.5,
        ),
        (r"\b(my|the)\s+(job|appointment|visit|work order)\b", 1.0),
        (r"\bjob\s*(number|no\.?|#)\b", 1.5),
    ],
    "billing": [
        (
            r"\b(bill|billing|invoice|invoices|balance|owe|payment|pay|paid|charged|charges? on|refund|receipt|"
            r"statement|amount due)\b",
            2.5,
        ),
        (r"\bhow much (do i|did i|is my|was|were)\b", 2.5),
        # "what did that cost?" after a past job: its invoice, not the price list
        (
            r"\b(what|how much) did (that|it|this|the (job|visit|repair|work|tune[- ]?up)|my( [\w-]+){1,2}) (cost|run|come to)\b",
            6.0,
        ),
    ],
    "history": [
        (
            r"\b(service history|history|past (jobs|visits|service|repairs|work|appointments)|last (visit|service|time)|"
            r"previous (visit|"
            r"service|jobs?)|my account|account details|what (work|service) (was|did))\b",
            2.5,
        ),
        (r"\b(upcoming|scheduled|next)\s+(visit|appointment|service)s?\b", 1.5),
        # "when was my last tune-up?", "when did you last service my furnace"
        (r"\bwhen (was|were|did)\b.{0,20}\b(last|previous)\b", 3.0),
        (r"\bwhen did\b.{0,25}\blast\b", 1.0),  # "when did someone last come out": past, not an arrival
        # "what was the last thing you did here", "have you been out to my house before?"
        (
            r"\b(last|previous)\s+(thing|things|work|job|time|repair)\b.{0,25}\b(you|your|y'?all|did|done|here|"
            r"came|were)\b|\b(have|has)\s+(you|y'?all|your (guys|techs?)|someone|anyone)\s+(ever\s+)?(been|come|"
            r"came)\b.{0,30}\bbefore\b|\brecords?\s+of\b",
            3.0,
        ),
        (_MEMBERSHIP, 2.5),
        (
            r"\b(what|which)\b.{0,20}\b(work|jobs?|repairs?|visits?)\b.{0,30}\b(done|did|had|before|past)\b",
            2.5,
        ),
        (
            r"\b(you|your (guys|techs?))\b.{0,20}\b(did|done|fixed|worked on)\b.{0,30}\b(before|last|past)\b",
            2.0,
        ),
    ],
    "book": [
        (
            r"\b(book|booking|schedul[a-z]*|shedule|appointment|appt|set up|come out|send (someone|a tech|"
            r"somebody)|come (over|by|take a look)|have (someone|a tech) (come|look))\b",
            2.5,
        ),
        (
            r"\b(need|want|like|looking for|get)\b.{0,30}\b(service|repair|fix|tune[- ]?up|maintenance|inspection|"
            r"estimate|quote|plumber|electrician|technician|tech|someone|install[a-z]*|replace[a-z]*|look at|"
            r"clean(ed|ing)?)\b",
            2.0,
        ),
        (
            r"\b(broken|not working|isn'?t working|aren'?t working|don'?t work|quit working|doesn'?t work|won'?t (turn on|start|work)|stopped working|"
            r"leak[a-z]*|clog+ed|dripping|flood(s|ed|ing)?|no hot water|blowing (warm|cold)|making (an? )?([a-z]+ )?(noise|sound)|"
            r"rattl[a-z]*|squeal[a-z]*|grinding|banging|jammed|stuck|seized|tripp[a-z]*|"
            r"flicker[a-z]*|keeps? (running|tripping|leaking|turning off|shutting off|beeping)|won'?t (drain|"
            r"flush|heat|cool|turn off)|not (draining|heating|cooling|flushing))\b",
            2.0,
        ),
        (r"\bno (heat|heating|ac|a/c|air conditioning|cooling|hot water|water pressure)\b", 2.0),
        (
            r"\b(furnace|ac|a/c|air conditioner|heat pump|water heaters?|toilets?|sinks?|drains?|faucets?|pipes?|"
            r"outlets?|breakers?|panel|thermostat|hvac|disposal|dishwasher|sump pump|boiler|water softener|"
            r"ceiling fans?|light fixtures?|switch|switches|gfci|ducts?|basement|gas lines?|water lines?)\b",
            0.8,
        ),
        (r"\b(tune[- ]?up|maintenance)\b", 1.5),
        # "the problem is back", "you didn't fix it": a return visit
        (
            r"\b(problem|issue|leak|noise)('s| is| has)? (came |come )?back\b|\bit('s| is| came| has come) back\b(?! to)|\bsame (problem|issue|thing) (again|as before)\b|"
            r"\b(didn'?t|did not|never) (get )?(fix|fixed|repair|solve)\b|\b(doing it|happening|broken|leaking) again\b|"
            r"\bstill (not working|broken|leaking|doesn'?t work|isn'?t working|won'?t)\b",
            3.0,
        ),
        # "how long is the wait for an electrician?", "what's your next availability?": when a visit could be
        (AVAILABILITY, 4.0),
        # "can I get Brian again for my next service?"
        (
            r"\b(get|have|request|send)\s+\w+(\s+\w+)?\s+(again|back)\b|\bfor (my|our) next (service|visit|"
            r"tune[- ]?up)\b",
            3.0,
        ),
    ],
    "question": [
        (
            r"\b(do you|does your|are you|is there|can you)\b.{0,40}\b(serve|service|cover|work in|come (out )?to|"
            r"open|offer|accept|take|charge|warranty|guarantee|licensed|insured|weekends?|after hours|"
            r"financing)\b",
            2.5,
        ),
        (
            r"\b(hours|open|close|closing|service area|areas?|warranty|guarantee|financing|credit card|"
            r"price|prices|pricing|cost|costs|fee|fees|rates?|trip charge|licensed|insured)\b",
            1.5,
        ),
        (r"\bhow much (is|are|does|do you|would|will|for)\b", 1.5),
        (r"\bhow long (does|will|would|do|is)\b", 1.5),  # "how long does a tune-up take?"
        # "do you install EV chargers?": whether the business does a kind of work
        (
            r"\b(do you( guys)? (do|install|fix|repair|service|handle|work on|replace|put in|offer)|(can|could) you( guys)? "
            r"(install|fix|repair|handle|work on|replace|put in))\b",
            2.0,
        ),
        # how to pay is about the business, even with "my bill" in it (weighed to outrank the bill itself)
        (
            r"\b(can i pay|how (do|can|would) i pay|pay (it |this |that |my bill )?(online|here|by card|by phone|with (a )?"
            r"(card|credit card|check))|ways to pay|payment (options|methods))\b",
            6.0,
        ),
        (r"\b(what|when|where|how)\b.{3,30}\?", 0.5),
        # "do I need to be home for the appointment?": about visits in general, not a request for one
        (
            r"\b(do|will|would) (i|we) (need|have) to be (home|there|present|around)|should (i|we) be (home|there)|"
            r"(does|do|will) (someone|anyone|an adult|somebody) (need|have) to be (home|there)|"
            r"how (should|do) (i|we) (prepare|get ready)\b",
            6.0,
        ),
        # how visits go in general: "what time does the tech usually show up?", "will you text me when he's on
        # the way?"
        (
            r"\b(tech\w*|technicians?|plumbers?|electricians?|visits?|appointments?|they|you( guys)?)\b.{0,25}\b(usually|"
            r"typically|normally|generally)\b|\b(text|call|notify|message|let) (me|us)( know)?\b.{0,20}\b(when|before)\b"
            r".{0,30}\b(on (the|their|his|her) way|coming|arriv\w*|leav\w*)\b",
            6.0,
        ),
        # "will I be charged for this visit?", "is the repair covered?": what the visit costs, not the bill
        (
            r"\b(will|would|do|am) i (be|get|have to) (charged|billed|pay)\b|\b(is|will) (it|this|that|the (visit|repair|"
            r"fix))( visit)? (be )?(free|covered|under warranty)\b|\bunder (the )?warranty\b",
            6.0,
        ),
        # "do you charge extra to come out to Chatham?": a price, not a request for the visit
        (r"\b(charge extra|extra (charge|fee)|trip (charge|fee)|travel (charge|fee)|mileage)\b", 6.0),
        # the plans the business sells, not the customer's own membership
        (
            r"\b(difference between|compare|what('?s| is| are| does| do)|benefits? of|how (do|can|would) (i|we) "
            r"(sign up|join|enroll|become)|sign (me )?up for|join|cost to join)\b.{0,40}\b(memberships?|members|"
            r"plans|comfort club)\b|\b(memberships?|plans|comfort club)\b.{0,30}\b(include|includes|cover|"
            r"covers|cost|benefits?|offer)\b|\bhow (do|can) (i|we) (sign up|join|enroll)\b",
            6.0,
        ),
    ],
    "greeting": [
        (r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|howdy|yo)\b[\s!.,]*", 1.0),
        (r"^\W*(is |are )?(any ?one|any ?body|some ?one|you) (there|here|around|awake|available)\W*$", 1.0),
    ],
    "thanks": [(r"\b(thanks|thank you|thx|ty|appreciate (it|that|you))\b", 1.0)],
    "goodbye": [(r"\b(bye|goodbye|see you|that'?s all|that is all|nothing else|all set|i'?m good)\b", 1.0)],
}
_COMPILED = {
    intent: [(re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in rules]
    for intent, rules in _PATTERNS.items()
}
# Words customers often misspell, folded before matching.
_SPELLING = {
    # contractions typed without the apostrophe
    "isnt": "isn't",
    "doesnt": "doesn't",
    "dont": "don't",
    "didnt": "didn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "cant": "can't",
    "wouldnt": "wouldn't",
    "apointment": "appointment",
    "appoinment": "appointment",
    "appointmnet": "appointment",
    "apointement": "appointment",
    "appt": "appointment",
    "schedual": "schedule",
    "scedule": "schedule",
    "shedule": "schedule",
    "tecnician": "technician",
    "techician": "technician",
    "furnance": "furnace",
    "invoce": "invoice",
    "ballance": "balance",
    "cancle": "cancel",
    "resched": "reschedule",
    "plumer": "plumber",
    "leek": "leak",
    "leeking": "leaking",
}
_WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class Reading:
    """The intents found in one message, strongest first, with their scores."""

    intents: tuple[Intent, ...]
    scores: tuple[float, ...]

    @property
    def top(self) -> Intent | None:
        return self.intents[0] if self.intents else None

    def has(self, intent: Intent) -> bool:
        return intent in self.intents

    @property
    def small_talk_only(self) -> bool:
        return bool(self.intents) and all(i in ("greeting", "thanks", "goodbye") for i in self.intents)


def normalise(text: str) -> str:
    """Lower-case text with common misspellings corrected and curly quotes made straight."""
    text = text.replace("’", "'").replace("‘", "'")
    return _WORD.sub(lambda m: _SPELLING.get(m.group(0).lower(), m.group(0).lower()), text)


_FRUSTRATED = re.compile(
    r"\b(ridiculous|unacceptable|terrible|horrible|awful|worst|furious|angry|pissed|fed up|sick of|tired of|"
    r"waste of (my )?time|never (showed|came|called)|no[- ]show|useless|this is a joke|are you kidding|"
    r"not helpful|doesn'?t help|you'?re not listening)\b",
    re.IGNORECASE,
)
_DISPUTE = re.compile(
    r"\b(overcharg\w*|over-?billed|dispute|refund|charged (me )?twice|double[- ]charged|wrong (amount|bill|"
    r"charge)|shouldn'?t have (been )?charged|not (going to |gonna )?pay(ing)? (for|that|this)|"
    r"(bill|invoice|charge|price)s?\s+(is|was|looks|seems)\s+(wrong|incorrect|too high)|"
    r"charged (me )?for .{0,40}\b(never|didn'?t|did not|wasn'?t))\b",
    re.IGNORECASE,
)


_ASKS_IF_HUMAN = re.compile(
    r"\b(are you|is (this|that)|am i (talking|speaking|chatting|texting) (to|with))\s+(a |an )?"
    r"(real |actual |live )?(person|human|people|bot|robot|ai|a\.i\.|computer|machine|automated|recording)\b",
    re.IGNORECASE,
)


# Words that are Spanish and not English: a message with two of them (or opening with "hola") is in Spanish.
_SPANISH_WORDS = (
    "hola necesito necesita quiero tengo tiene ayuda por favor gracias buenos buenas dias tardes noches "
    "plomero electricista calefaccion calefacción aire acondicionado fuga agua caliente cita técnico tecnico "
    "mañana manana cuando cuándo cuanto cuánto cuesta puede pueden usted ustedes hablan habla español espanol "
    "casa cocina baño bano huele olor estufa luz funciona mi mis el los las una unos para con "
    "está esta estoy en que hay del muy pero nuestra nuestro"
)
_SPANISH = frozenset(_SPANISH_WORDS.split())
_ENGLISH_TOO = frozenset(
    {"no", "a", "con", "para", "mi", "el", "esta", "casa", "luz"}
)  # also English or names


def in_spanish(text: str) -> bool:
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    if words[:1] == ["hola"]:
        return True
    return sum(1 for w in words if w in _SPANISH and w not in _ENGLISH_TOO) >= 2


_MACHINE = re.compile(r"\b(bot|robot|ai|a\.i\.|computer|machine|automated|recording)\b", re.IGNORECASE)


def asks_if_machine(text: str) -> bool:
    """ "Are you a bot?" (answered yes) rather than "are you a real person?" (answered no)."""
    found = _ASKS_IF_HUMAN.search(normalise(text))
    return found is not None and bool(_MACHINE.search(found.group(0)))


def asks_if_human(text: str) -> bool:
    """ "Is this a real person?", "am I talking to a bot?": a question to answer truthfully, not a request."""
    return bool(_ASKS_IF_HUMAN.search(normalise(text)))


_ACCOUNT_CHANGE = re.compile(
    r"\b(update|change|correct)\b.{0,25}\b(my|our|the)\s+(billing |home |mailing |service )?"
    r"(address|phone( number)?|number on (file|the account)|e-?mail( address)?|name on the account|card on file)\b"
    r"|\bi(?:'ve| have)? moved\b",
    re.IGNORECASE,
)


def changes_account(text: str) -> bool:
    """The customer wants their account's details changed, which no tool here does: a person must."""
    return bool(_ACCOUNT_CHANGE.search(normalise(text)))


def frustrated(text: str) -> bool:
    """The customer is upset with us: a person should take over rather than the model carrying on."""
    return bool(_FRUSTRATED.search(normalise(text)))


def disputes_bill(text: str) -> bool:
    """A complaint about a charge: only the office can settle it."""
    return bool(_DISPUTE.search(normalise(text)))


_CONTACT = re.compile(
    r"\b(what'?s|what is|give me|can i (get|have)|i need)\b.{0,15}\b(your|the (office|company|business)'?s?)\s+"
    r"(phone( number)?|number|e-?mail( address)?|website|web site)\b|\bhow (can|do|would) i (call|reach|contact|"
    r"phone|e-?mail) (you|the office|your office|someone)\b|\b(your|the office'?s?) (phone number|e-?mail address)\b",
    re.I,
)


def asks_contact(text: str) -> bool:
    """ "What's your phone number?", "how do I reach the office?": the business's own contact details."""
    return bool(_CONTACT.search(normalise(text)))


_MEMBERSHIP_SAID = re.compile(_MEMBERSHIP, re.I)


def about_membership(text: str) -> bool:
    """ "Am I a member?", "my maintenance plan": the customer's membership is what they mean."""
    return bool(_MEMBERSHIP_SAID.search(normalise(text)))


# a question, with or without its question mark ("whats the technicians name")
_QUESTION = re.compile(
    r"\?|^\W*(?:(?:ok(?:ay)?|and|so|but|um+|oh|also)\W+)*(what|whats|what's|who|whos|who's|when|where|why|how|"
    r"which|is|are|does|do|can|could|will|would)\b",
    re.I,
)


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def about_business(text: str) -> bool:
    """The message asks about the business itself (prices, hours, warranty, area…), beside anything else."""
    reading = read(text)
    return dict(zip(reading.intents, reading.scores, strict=True)).get("question", 0.0) >= 1.5


@lru_cache(maxsize=4096)
def read(text: str) -> Reading:
    """Every intent the message shows, strongest first (ties keep the table's order); cached, since the
    guided model reads the conversation's messages again at every step."""
    folded = normalise(text)
    scored: list[tuple[float, int, Intent]] = []
    for order, (intent, rules) in enumerate(_COMPILED.items()):
        score = sum(weight for pattern, weight in rules if pattern.search(folded))
        if score > 0:
            scored.append((score, order, intent))
    scored = _resolve(scored, folded)
    scored.sort(key=lambda item: (-item[0], item[1]))
    return Reading(tuple(i for _, _, i in scored), tuple(s for s, _, _ in scored))


_ASKS_AVAILABILITY = re.compile(AVAILABILITY, re.I)


def asks_availability(text: str) -> bool:
    """ "How long is the wait for an electrician?", "any openings tomorrow?": how soon a visit could be."""
    return bool(_ASKS_AVAILABILITY.search(normalise(text)))


def _resolve(scored: list[tuple[float, int, Intent]], text: str) -> list[tuple[float, int, Intent]]:
    """Settle overlaps: rescheduling or cancelling an appointment is not a new booking."""
    found = {intent for _, _, intent in scored}
    if _ASKS_AVAILABILITY.search(text):  # "how long is the wait for an electrician?": a visit's openings
        scored = [(s * 0.5 if i == "status" else s, o, i) for s, o, i in scored if i != "question"]
    if found & {"reschedule", "cancel"}:
        scored = [(s * 0.3 if i == "book" else s, o, i) for s, o, i in scored]
    if (
        "status" in found
        and "book" in found
        and re.search(r"\b(my|our)\s+(\w+\s+){0,3}(appointment|visit)\b", text)
    ):
        scored = [(s * 0.6 if i == "book" else s, o, i) for s, o, i in scored]  # an existing visit
    elif "status" in found and re.search(r"\b(when|where|eta)\b", text) and "book" in found:
        scored = [(s * 0.6 if i == "book" else s, o, i) for s, o, i in scored]
    if "billing" in found and "question" in found:
        if re.search(r"\b(my|i owe|our|me)\b", text):
            scored = [(s * 0.5 if i == "question" else s, o, i) for s, o, i in scored]
        else:  # "do you charge extra on saturdays?" asks about prices, not the caller's bill
            scored = [(s * 0.5 if i == "billing" else s, o, i) for s, o, i in scored]
    return scored
