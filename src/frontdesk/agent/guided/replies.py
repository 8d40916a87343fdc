"""What the guided model says, in our words and the business's voice. Every job number, window, name or
amount in these replies comes from a tool result passed in; nothing is made up here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from frontdesk.agent.guided import jobtypes
from frontdesk.agent.guided.area import Place
from frontdesk.agent.knowledge import widened
from frontdesk.profile import BusinessProfile

# Preparation advice after a booking, by the trade the job type belongs to.
_PREPARE = {
    "hvac": "Please make sure the furnace or outdoor unit is easy to reach, and keep pets in another room "
    "during the visit.",
    "plumb": "Please clear the area around the fixture (under the sink, around the water heater) so the "
    "plumber can get to it, and keep pets in another room.",
    "electric": "Please make sure the electrical panel and the problem outlets or fixtures are easy to reach, "
    "and keep pets in another room.",
}


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def greeting(profile: BusinessProfile) -> str:
    return (
        f"Hello! You've reached {profile.name}. I can book a visit, check on a job or a technician's "
        "arrival, look up your service history or bill, and answer questions about our services. "
        "What can I do for you?"
    )


def thanks() -> str:
    return "You're welcome! Is there anything else I can help you with?"


def what_else() -> str:
    return "Sure — what else can I help you with?"


def goodbye(profile: BusinessProfile) -> str:
    return f"Thank you for contacting {profile.name}. Have a great day!"


ANYTHING_ELSE = "\n\nIs there anything else I can help with?"
_ALSO = {"billing": "look up your balance", "status": "check on your visit", "history": "go over past visits"}


def ask_identity(
    name_known: bool, phone_known: bool, task: str, also: Sequence[str] = (), new: bool = False
) -> str:
    """Ask for what identifies the customer (someone who said they are new has no account to name);
    ``also`` names the other lookups they asked for, which are answered once they are identified."""
    lead = {
        "book": "I can help you get that scheduled.",
        "status": "I can check on that for you.",
        "billing": "I can look into your billing.",
        "history": "I can pull up your service history.",
        "membership": "I can check your membership.",
        "reschedule": "I can help you move your appointment.",
        "cancel": "I can help you with that appointment.",
        "note": "I can pass that on to your technician.",
    }.get(task, "I can help with that.")
    more = [_ALSO[a] for a in also if a in _ALSO]
    if more:
        lead = f"{lead[:-1]}, and {' and '.join(more)} as well."
    if new and not phone_known:
        who = "" if name_known else "your name and "
        return f"{lead} Welcome! First, could you tell me {who}the best phone number to reach you?"
    if not phone_known and not name_known:
        return f"{lead} First, could you tell me your name and the phone number on your account?"
    if not phone_known:
        return f"{lead} What's the phone number on your account?"
    return f"{lead} And what's your full name, as it appears on the account?"


def found_you() -> str:
    return (
        "What can I do for you today? I can book a visit, check on an "
        "appointment, or look up your bill or service history."
    )


def what_for(new: bool) -> str:
    if new:
        return (
            f"I don't see an account with that number. {ARE_YOU_NEW} Either way, what can I do for you today?"
        )
    return "Thank you. What can I do for you today?"


def ask_second_factor() -> str:
    return (
        "I found an account with that phone number, but I need to confirm it's yours before I share "
        "anything. Could you give me the full name on the account, or the ZIP code of the service address?"
    )


def ask_full_name(first: str) -> str:
    return (
        f"Thanks, {first}. I found an account with that phone number; to confirm it's yours, could you give me "
        "your full name as it appears on the account, or the ZIP code of the service address?"
    )


def mismatch() -> str:
    return (
        "I'm sorry, those details don't match what we have on file. Could you double-check the name on the "
        "account or the ZIP code of the service address?"
    )


def several_accounts() -> str:
    return (
        "More than one account uses that number. What's the ZIP code of the address where you need service?"
    )


def not_found_for(task: str, profile: BusinessProfile) -> str:
    return (
        "I couldn't find an account with that phone number and name. Could you check the number? If you "
        f"use a different one for your account, give me that one, or call us at {profile.phone}."
    )


ARE_YOU_NEW = "Are you new to us?"


def are_you_new() -> str:
    return (
        f"I couldn't find an account with that phone number. {ARE_YOU_NEW} If you have an account under a "
        "different number, just tell me that number instead."
    )


def new_customer_intro(name: str | None, phone_known: bool, need_address: bool, need_email: bool) -> str:
    first = f"Welcome{', ' + name.split()[0] if name else ''}! I don't see an account for you yet, so I'll set one up."
    asks = []
    if need_address:
        asks.append("the service address, with city and ZIP code")
    if need_email:
        asks.append("an e-mail address for your confirmation (optional)")
    if not asks:
        return first
    return f"{first} Could you give me {' and '.join(asks)}?"


WHICH_ADDRESS = "Which address is this visit for?"


def which_address(addresses: Sequence[str]) -> str:
    return f"I see more than one service address on your account. {WHICH_ADDRESS}\n{bullet_list(addresses)}"


def address_not_on_file(street: str, on_file: Sequence[str], profile: BusinessProfile) -> str:
    """A visit asked for at an address the account does not have: the technician is not sent there blind."""
    have = f"the address I have is {on_file[0]}" if len(on_file) == 1 else f"I have {' and '.join(on_file)}"
    return (
        f"I don't see {street} on your account — {have}. I can only book visits at "
        f"addresses on file; our office can add a new one for you at {profile.phone}. If the visit is for "
        f"{on_file[0]}, just say so and I'll carry on."
    )


def ask_locality(street: str, city: str | None = None) -> str:
    if city:  # "1420 S Grand Ave E, Springfield": only the ZIP is missing
        return f"Thanks — I have {street}, {city}. What's the ZIP code?"
    return f"Thanks — I have {street}. What's the city, state and ZIP code?"


def ask_address() -> str:
    return "What's the address where you need the service, including the city and ZIP code?"


def ask_problem(profile: BusinessProfile, of_trade: Sequence[str] = ()) -> str:
    """Ask what is wrong; the examples are the trade's job types when the customer named one ("a plumber")."""
    examples = ", ".join(list(of_trade)[:4] or [g.job_type for g in profile.job_types[:4]])
    return (
        "Could you tell me a bit about what's going on, so I book the right kind of visit? "
        f"(For example: {examples}.)"
    )


def outside_area(message: str, profile: BusinessProfile) -> str:
    return (
        f"I'm sorry, that address is outside the area we serve. {profile.name} can still call you back to "
        f"talk about options — or you can reach us at {profile.phone}."
    )


def confirm_write(summary: str, question: str = "Shall I go ahead?") -> str:
    return f"Here's what I'll do: {summary}\n\n{question}"


_DAY_NAMES = re.compile(
    r"\b(mon|tues?|wed(nes)?|thu(rs?)?|fri|sat(ur)?|sun)(day)?\b|\b(january|february|march|april|june|july|august|"
    r"september|october|november|december)\b",
    re.I,
)


def offer_windows(job_type: str, windows: Sequence[dict[str, Any]], when_text: str, urgent: bool) -> str:
    lines = [str(w.get("window") or "") for w in windows if w.get("window")]
    if urgent:
        lead = f"Because this is urgent, here are the earliest openings for {job_type}:"
    elif when_text and not re.search(r"\d", when_text):
        # the customer's own words, but never their numbers: a reply's times must come from the tools
        asked = _DAY_NAMES.sub(lambda found: found.group(0).capitalize(), when_text)  # "friday" → "Friday"
        lead = f"Here are the openings I have for {job_type} ({asked}):"
    else:
        lead = f"Here are the next openings I have for {job_type}:"
    return f"{lead}\n{bullet_list(lines)}\n\nThe technician arrives within the window. Which one works best for you?"


def no_windows(
    job_type: str, alternatives: Sequence[dict[str, Any]], profile: BusinessProfile, until: str | None = None
) -> str:
    lines = [str(w.get("window") or "") for w in alternatives if w.get("window")]
    if lines and until:
        return (
            f"I'm sorry, {_last_bookable(until, job_type)}:\n{bullet_list(lines)}\n\nWould one of these work?"
        )
    if lines:
        return (
            f"I'm sorry, there's nothing open for {job_type} then. These are the closest openings:\n"
            f"{bullet_list(lines)}\n\nWould one of these work?"
        )
    return (
        f"I'm sorry, I don't see any openings for {job_type} in the next two weeks. I can have our office call "
        f"you to find a time, or you can reach us at {profile.phone}."
    )


def _last_bookable(until: str, job_type: str = "") -> str:
    """Why the windows offered are not on the day asked for: it is past the booking horizon."""
    openings = f"the openings for {job_type}" if job_type else "the openings"
    return f"I can only book visits through {until}. These are {openings} closest to the day you asked for"


def move_windows(
    windows: Sequence[str],
    asked: bool,
    missed: bool = False,
    until: str | None = None,
    current: str | None = None,
) -> str:
    """The windows a visit can move to, after ``current``, its window now."""
    lead = "Here are the openings I have then:" if asked else "Here are the next openings:"
    if missed:
        lead = "I don't have openings on the day you asked for. Here's what I do have:"
    if until:
        lead = _last_bookable(until) + ":"
    now = f"Your visit is {current} now. " if current else ""
    return f"{now}{lead}\n{bullet_list(windows)}\n\nWhich one should I move your visit to?"


def pick_again(windows: Sequence[dict[str, Any]]) -> str:
    lines = [str(w.get("window") or "") for w in windows if w.get("window")]
    return f"Which of these works for you?\n{bullet_list(lines)}"


def booked(data: dict[str, Any], address: str | None) -> str:
    job_type = str(data.get("jobType") or "your visit")
    lines = ["You're booked! Here are the details:", f"- Job number: #{data.get('jobNumber')}"]
    lines.append(f"- Service: {job_type}")
    if data.get("window"):
        lines.append(f"- Arrival window: {data['window']}")
    technicians = data.get("technicians") or []
    if technicians:
        lines.append(f"- Technician: {', '.join(technicians)}")
    if address:
        lines.append(f"- Address: {address}")
    advice = _PREPARE.get(jobtypes.trade(job_type) or "", "")
    tail = "The technician will call when they're on the way."
    return "\n".join(lines) + f"\n\n{tail} {advice}".rstrip() + ANYTHING_ELSE


# A tool's refusal is written for a model: its advice to the model is not for the customer's eyes.
_TO_THE_MODEL = re.compile(r"^(say so|tell them|offer|verify|pass|ask|use|look (them|it) up|call)\b", re.I)


def write_refused(message: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", message.strip())
    kept = [s for s in sentences if s and not _TO_THE_MODEL.match(s)]
    text = " ".join(kept) or "that can't be done here."
    text = re.sub(
        r"\bthe customer (already )?has\b", lambda m: f"you {m.group(1) or ''}have", text, flags=re.I
    )
    return f"I'm sorry, I couldn't do that: {text[:1].lower() + text[1:] if text[1:2].islower() else text}"


def already_booked(data: dict[str, Any], job_type: str, move_it: str) -> str:
    """A booking refused because the same visit is booked already: which one, and what can be done."""
    number = data.get("jobNumber") or data.get("jobId")
    when = f", arrival window {data['window']}" if data.get("window") else ""
    return (
        f"You already have a visit for {job_type} booked at this address — job #{number}{when} — so I didn't "
        f"book a second one. {move_it}"
    )


def not_confirmed() -> str:
    return "No problem — I haven't changed anything. What would you like to do instead?"


def soonest(job_type: str, windows: Sequence[str]) -> str:
    """How soon a visit could be, told before the customer is known."""
    return f"The soonest openings I have for {job_type} are:\n{bullet_list(windows)}"


def technician_note(found: str | None, unmatched: str | None) -> str:
    """Said before the windows when the customer asked for a technician by name."""
    if found:
        return f"These are the windows {found} can come in. "
    if unmatched:
        return f"{unmatched}, so these windows are with anyone free. "
    return ""


_YOURS = {"my": "your", "i": "you", "i'm": "you're", "im": "you're", "i've": "you've", "me": "you", "our": "your",
          "we": "you", "we're": "you're", "us": "you", "mine": "yours"}  # fmt: skip


def another_visit(words: str, offer: str) -> str:
    """After a booking: a problem of another trade the customer named with it, offered a visit of its own."""
    told = re.sub(r"[\w']+", lambda w: _YOURS.get(w.group().lower(), w.group()), words.strip(" .,"))
    told = re.sub(r"^(?:you need|you'd like|you want|can you|could you|please)\s+", "", told, flags=re.I)
    return f"\n\nYou also mentioned {told} — that's work for another technician. {offer}"


def other_place(address: str, offer: str) -> str:
    """After a booking asked for at each of the customer's addresses: the next one."""
    return f"\n\nYou asked about your other property too: {address}. {offer}"


WHICH_VISIT = "Which one would you like to"


def upcoming_visits(visits: Sequence[str]) -> str:
    return f"You have {len(visits)} upcoming visits:\n{bullet_list(visits)}"


def which_visit(verb: str, visits: Sequence[str]) -> str:
    """Several visits are booked and the customer did not say which one to change."""
    return f"{upcoming_visits(visits)}\n\n{WHICH_VISIT} {verb}?"


def contact(profile: BusinessProfile) -> str:
    """The business's own phone, e-mail and website, as its profile gives them."""
    lines = [f"You can call us at {profile.phone}."]
    if profile.email:
        lines.append(f"Our e-mail is {profile.email}.")
    if profile.website:
        lines.append(f"Our website is {profile.website}.")
    return " ".join(lines) + f" I can also help you right here.{ANYTHING_ELSE}"


def one_visit() -> str:
    return f"All right — just the one visit, then.{ANYTHING_ELSE}"


def left_as_is(goal: str) -> str:
    """The customer does not want to go back to a booking or change left for another task."""
    kept = "No visit is booked" if goal == "book" else "Your visit stays as it is"
    return f"All right. {kept}.{ANYTHING_ELSE}"


def tool_error(profile: BusinessProfile) -> str:
    return (
        "I'm sorry, I'm having trouble reaching our scheduling system right now. I haven't changed anything. "
        f"You can try again in a moment, or call us at {profile.phone}."
    )


def write_error(profile: BusinessProfile) -> str:
    return (
        "I'm sorry, our scheduling system didn't answer properly, so I can't confirm that went through. "
        f"Please don't worry about doing it twice — our office can check for you at {profile.phone}, or "
        "you can ask me to try again in a moment."
    )


def on_call(name: str) -> str:
    """The on-call contact in a sentence: a role ("On-call dispatcher") as "our on-call dispatcher", a
    person ("Dana Price") by name."""
    words = name.split()
    if words and all(w.islower() or not w[:1].isalpha() for w in words[1:]):
        return f"our {name[:1].lower()}{name[1:]}"
    return f"{name}, our on-call contact,"


def safety(instructions: str, escalation: dict[str, Any] | None, profile: BusinessProfile) -> str:
    text = f"This could be dangerous, so safety first: {instructions.strip()}"
    if escalation and escalation.get("notified") and escalation.get("onCall"):
        text += f"\n\nI've alerted {on_call(str(escalation['onCall']))}, who will follow up with you as soon as possible."
    else:
        text += f"\n\nPlease also call us right away at {profile.phone}."
    return text + " Once everyone is safe, I can help arrange a technician visit."


_WATER_AND_POWER = re.compile(r"\b(panel|outlet|outlets|breaker|electric\w*|wires?|wiring)\b", re.I)
_WATER = re.compile(r"\b(water|leak\w*|flood\w*|wet|pipes?|dripping|pouring|overflow\w*)\b", re.I)


def urgent_intro(instructions: str, said: str = "", escalation: dict[str, Any] | None = None) -> str:
    text = f"I'm sorry you're dealing with that — let's get someone out quickly. In the meantime: {instructions.strip()}"
    if _WATER_AND_POWER.search(said) and _WATER.search(said):  # water near electricity, not a warm breaker
        text += (
            " Keep away from water near the electrical panel or outlets and don't touch anything electrical; "
            "if water has reached them, leave that area and call 911."
        )
    if escalation and escalation.get("notified") and escalation.get("onCall"):
        text += (
            f"\n\nI've also alerted {on_call(str(escalation['onCall']))}, who can reach out if it can't wait."
        )
    return text


def other_language(profile: BusinessProfile) -> str:
    """For a message in Spanish: what we can do, in both languages, with the way to a person and the safety
    line (an emergency in Spanish is not recognised by the English triage)."""
    return (
        f"Lo siento, por ahora solo puedo atenderle en inglés. Llame a nuestra oficina al {profile.phone} y le "
        "ayudaremos. Si huele a gas, ve chispas o hay una emergencia, salga de la casa y llame al 911.\n\n"
        f"Sorry — I can only help in English here. Please call our office at {profile.phone}, or write to me "
        "in English."
    )


def not_a_person(profile: BusinessProfile, asked_if_machine: bool = False) -> str:
    """The truth about who is answering: "are you a person?" is a no, "are you a bot?" a yes."""
    answer = "Yes" if asked_if_machine else "No"
    return (
        f"{answer} — I'm the virtual assistant of {profile.name}, an AI, not a person. I can book a visit, check on an "
        "appointment or a technician, and look up your bill or service history. If you'd rather talk to "
        "someone, just say so and I'll get a person on our team to follow up."
    )


# Why the conversation goes to a person, said first: the customer should hear they were understood.
_HANDOFF_LEADS = {
    "billing_dispute": "I'm sorry about that. A charge you disagree with or a refund needs a person on our team. ",
    "frustration": "I'm sorry for the trouble. ",
    "repeated_failure": "I'm sorry I couldn't sort this out here. ",
    "asked_for_person": "Of course. ",
    "callback_requested": "Of course. ",
    "account_change": "I can't change the details on your account from here, but a person on our team can. ",
}


def handoff(result: dict[str, Any] | None, profile: BusinessProfile, reason: str | None = None) -> str:
    lead = _HANDOFF_LEADS.get(reason or "", "")
    if result and (result.get("data") or {}).get("notified"):
        return (
            f"{lead}I've passed our conversation to a person on our team; they'll pick it up here or call you "
            f"back shortly. If it's urgent, you can also call us at {profile.phone}."
        )
    return f"{lead}Let me get you to a person: please call us at {profile.phone} and our team will help you."


def unsure(profile: BusinessProfile) -> str:
    return (
        "I'm sorry, I want to be sure I only tell you what I can confirm. Someone from our team can follow up "
        f"with you — or you can call us at {profile.phone}."
    )


def phone_not_email() -> str:
    return (
        "Thanks — I find accounts by phone number, though. Which number might be on the account? It's usually "
        "the one you'd give a technician to call. Please tell me your full name too."
    )


def never_mind() -> str:
    return "No problem. If there's anything else I can do, just let me know."


def how_can_i_help() -> str:
    return (
        "Of course — what can I help you with? I can book a visit, check on an appointment or a technician, "
        "look up your bill or service history, or answer questions about our services."
    )


def cannot_send_invoices(profile: BusinessProfile, shown: bool) -> str:
    text = f"I can't send invoices from here, but our office can e-mail you a copy — call {profile.phone}."
    return f"{text} Here's what's on it:" if shown else text


def name_for_number(only_the_number: bool) -> str:
    ask = "Thanks. And the name on the account?"
    if only_the_number:
        return f"{ask} Tell me too what I can help with: a visit, an appointment you have, or your bill."
    return ask


def clarify(profile: BusinessProfile) -> str:
    return (
        "I'm sorry, I didn't quite catch that. I can book a visit, check on an appointment or a technician, "
        "look up your bill or service history, or answer questions about our services. What would you like?"
    )


_STOP = {"the", "a", "an", "is", "are", "do", "does", "you", "your", "i", "my", "me", "what", "how", "much",
         "of", "for", "to", "in", "on", "it", "can", "we", "our", "any", "have", "has", "and", "or", "with",
         "there", "this", "that", "be", "will", "would", "offer", "offers", "provide", "get", "give", "guys"}  # fmt: skip
_PRICE = re.compile(
    r"\b(how much|price|prices|cost|costs|charged?|billed|fee|fees|rate|rates|pay for)\b", re.I
)


def _terms(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))
    return {w[:5] for w in words if w not in _STOP and len(w) > 1}


_POINTS_BACK = re.compile(r"^\W*(?:\w+\W+){0,2}(it|this|that|these|those|they|them)\b", re.I)


def _pieces(text: str) -> list[str]:
    """A passage's bullet points, or its sentences."""
    bullets = re.split(r"(?:^|\s)- ", text) if re.search(r"(^|\s)- ", text) else [text]
    # a sentence after the last bullet is a piece of its own
    return [p.strip() for bullet in bullets for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", bullet) if p.strip()]


def _asked_terms(question: str) -> set[str]:
    """The question's words, with the business's words for them (the knowledge search widens it the same way:
    "a charge for the visit" is the service call fee, "join" the membership)."""
    return _terms(widened(question))


_SPECIAL = re.compile(r"\b(emergenc\w*|after[- ]hours|holidays?)\b", re.I)


# what an answer must hold for these questions: a duration, a price (or "free")
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_ANSWER_KIND = {
    "long": re.compile(r"\b(\d+|an?|one|two|few)\s*(-\s*)?(minutes?|hours?|days?|weeks?)\b", re.I),
    "price": re.compile(r"\$\s?\d|\b(free|no charge|at no cost)\b", re.I),
}
# words that only say a price is asked about (the price flag counts that); the thing priced is what matters
_PRICE_WORDS = {"charg", "cost", "costs", "price", "prici", "fee", "fees", "rate", "rates"}
_FREE = re.compile(r"\b(free|no charge|at no cost)\b", re.I)


def _fit(piece: str, terms: set[str], price: bool, own: set[str] | None = None) -> float:
    """How well a piece of a passage answers: the question's words in it (with ``own``, the words the
    customer typed, a word the business uses for them counts half), a price when one is asked about
    something the piece names, and less when it is about a special case (emergencies, after hours) the
    question did not name."""
    found = _terms(piece)
    opening = " ".join(piece.split()[:6])  # a special case is what the piece is about when it leads
    special = {m.lower().replace("-", " ").split()[0][:5] for m in _SPECIAL.findall(opening)}
    unasked = bool(special) and not (special & terms)
    if price:  # "do you charge for estimates?" is about estimates, and "free" answers it as well as "$"
        terms = terms - _PRICE_WORDS
    matched = terms & found
    score = float(len(matched)) if own is None else sum(1.0 if t in own else 0.5 for t in matched)
    if price:
        priced = "$" in piece or bool(_FREE.search(piece))
        # a price answers "do you charge more on weekends?" only where the piece names what was asked
        score += 1.0 if priced and (matched or not terms) else 0.0
    return score - (1.5 if unasked else 0.0)


def knowledge(
    passages: Sequence[dict[str, Any]],
    profile: BusinessProfile,
    question: str = "",
    closing: bool = True,
    focus: str = "",
) -> str:
    """The passage that answers best — narrowed to its matching bullet points — with its source, and
    (``closing``) an offer of more help."""
    if not passages:
        return (
            f"I don't have that information here. Our office can answer it — call us at {profile.phone}"
            + (", or I can have someone get back to you." if closing else ".")
        )
    terms, price = _asked_terms(question), bool(_PRICE.search(question))
    scored = []
    for order, passage in enumerate(passages):
        pieces = _pieces(str(passage.get("text", "")))
        # a passage answers by its heading too: "hours" names "Office hours", though its text says "8:00 AM"
        heading = str(passage.get("source", ""))
        topic = len(terms & _terms(heading))  # the heading names the topic: it counts, and breaks ties
        best = max((_fit(f"{heading} {p}", terms, price) for p in pieces), default=0.0) + 0.25 * topic
        scored.append((-best, order, passage, pieces))
    best_score, _, chosen, pieces = min(scored, key=lambda item: (item[0], item[1]))
    if terms and best_score >= 0:  # "discounts for seniors?": not one word of it in what was found
        return knowledge([], profile, closing=closing)
    text = str(chosen.get("text", "")).strip()
    wanted = _ANSWER_KIND.get("long" if _HOW_LONG.search(question) else "price" if price else "")
    if wanted is not None and not wanted.search(text):  # "how long does a tune-up take?" and no duration
        return knowledge([], profile, closing=closing)
    if len(pieces) > 2:
        # the customer's own words weigh most; of a follow-up ("…and on repairs?"), the words it adds
        own = _terms(focus or question) - (_PRICE_WORDS if price else set())
        fits = [_fit(p, terms, price, own) for p in pieces]
        top = max(fits)
        picked = [i for i, fit in enumerate(fits) if top >= 0.5 and fit == top]
        # a sentence that points back ("Just outside it we add…") keeps the one it points to
        picked = sorted(
            {j for i in picked for j in ((i - 1, i) if i and _POINTS_BACK.match(pieces[i]) else (i,))}
        )
        if picked:
            text = " ".join(pieces[i] for i in picked)
    more = "\n\nAnything else I can help with?" if closing else ""
    return f"{text}\n\n(Source: {chosen.get('source')}){more}"


def area(place: Place, towns: Sequence[str], profile: BusinessProfile, closing: bool = True) -> str:
    """Whether we come out to the place asked about, from the profile's service area."""
    listed = ", ".join(towns[:-1]) + f" and {towns[-1]}" if len(towns) > 1 else "".join(towns)
    if place.served:
        plural = "s" if len(place.zips) > 1 else ""
        named = place.zips and not place.name[:5].isdigit()  # "62704 (Springfield)" names its ZIP already
        codes = f" (ZIP code{plural} {', '.join(place.zips)})" if named else ""
        text = f"Yes — {place.name}{codes} is in our service area."
        return text + ("\n\nIs there anything I can help you with there?" if closing else "")
    text = f"I'm sorry — {place.name} is outside our service area"
    text += f"; we serve {listed}." if listed else "."
    return text + (
        f" Our office at {profile.phone} may still be able to point you to someone." if closing else ""
    )


def we_do(service: str, job_type: str, offer: str) -> str:
    """A service the customer asked about that one of the business's job types covers."""
    return f"Yes, we can help with that — we'd book it as {job_type}. {offer}"


def out_of_scope(profile: BusinessProfile) -> str:
    return (
        f"That's outside what I can help with here — I'm the receptionist for {profile.name}, for heating, "
        "cooling, plumbing and electrical work. Is there something along those lines I can do for you?"
    )
