"""The guided model's decisions: given what it knows, the next tool call or the reply.

Each call of ``decide`` looks at the whole conversation again and returns one step. Tools run through the
same ToolRunner and guards as an LLM's calls; a write is proposed first, and confirmed only when the
customer's next message agrees.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from frontdesk.agent.guided import accounts, area, choices, intents, jobtypes, replies
from frontdesk.agent.guided.accounts import describe
from frontdesk.agent.guided.memory import (
    ANOTHER_VISIT,
    MOVE_IT,
    OFFER_TO_BOOK,
    OTHER_PLACE,
    RESUMABLE,
    RESUME_OFFERS,
    TASKS,
    WHAT_REASON,
    WHY_CANCEL,
    Memory,
    asks_all_places,
    places_of,
    unbooked_place,
)
from frontdesk.agent.guided.transcript import ToolOutcome
from frontdesk.capabilities.guards.agreement import classify
from frontdesk.profile import BusinessProfile

WRITES = ("createCustomer", "createAppointment", "rescheduleAppointment", "cancelAppointment", "addJobNote")
# account lookups one message may ask for together, and the tools that answer them
LOOKUPS = {
    "status": ("getJobStatus", "getTechnicianLocation"),
    "history": ("getCustomerJobs", "getCustomerMemberships"),
    "billing": ("getCustomerInvoices", "getInvoice"),
}
BESIDE_BOOKING = ("billing", "history")  # the lookups answered beside a booking


@dataclass(frozen=True)
class Call:
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Say:
    text: str


Step = Call | Say


class Flows:
    def __init__(self, profile: BusinessProfile, tools: set[str]) -> None:
        self.profile = profile
        self.tools = tools

    # --- entry -----------------------------------------------------------------------------------

    def decide(self, m: Memory) -> Step:
        step = self._decide(m)
        if not isinstance(step, Say):
            return step
        left = self._left(m)
        if left is not None and step.text.endswith(replies.ANYTHING_ELSE):
            # the task asked for on the way is done: offer to go back to the one it interrupted
            return Say(step.text.removesuffix(replies.ANYTHING_ELSE) + f"\n\n{RESUME_OFFERS[left]}")
        said = [text for turn, text in m.transcript.replies if turn < m.transcript.turn]
        if len(said) >= 2 and all(s.endswith(step.text) for s in said[-2:]):
            return self.handoff(m, "repeated_failure")  # asked the same thing twice already
        if not (said and said[-1].endswith(step.text)):
            return step
        # the same words as the reply before
        if m.asks_question or intents.is_question(m.transcript.latest):
            if step.text.endswith(replies.ANYTHING_ELSE) and not any(i in TASKS for i in m.reading.intents):
                # the task is done and told; a question that asks for no task ("do I have to be there the
                # whole time?") is for the documents, not a second telling of the same news
                return self.question(m)
            return step  # a new question with the same answer
        # twice in a row reads like a machine stuck in a loop
        if m.latest.answer == "yes" and re.search(r"\bwhich\b[^.?!]*\?", step.text, re.I):  # "which one?"
            return Say(f"Sorry, which one do you mean? {step.text}")
        if m.latest.answer == "yes" and len(m.transcript.latest.split()) <= 3:
            return Say(f"Great. {step.text}")  # "yes please" to a question a yes does not answer: asked again
        if m.latest.names or m.latest.emails or m.latest.address or m.latest.zip_code:
            return Say(f"Thanks, I've noted that. {step.text}")  # a detail given, the question still open
        if jobtypes.rank(m.transcript.latest, self.profile) or m.reading.has("book"):
            return Say(f"Got it. {step.text}")  # "my sink is leaking" while asked who they are
        return Say(f"Sorry, I didn't quite follow. {step.text}")

    def _declined(self, m: Memory) -> Say | None:
        """A no to what the reply before offered ("…shall we get back to moving your visit?", "…I can move
        it", "…shall I find a time for that too?"): what stays as it is, or goodbye when they say it."""
        t = m.transcript
        offered = next((o for o in _DECLINABLE if t.previous_reply.endswith(o)), None)
        if (
            offered is None
            or m.latest.answer != "no"
            or m.latest.when is not None  # "no, make it Friday" changes the offer, it does not decline it
            or len(t.latest.split()) > 5
            or intents.is_question(t.latest)
            or choices.names_one(t.latest)
        ):
            return None
        if m.reading.has("goodbye"):  # "no thanks, bye"
            return Say(replies.goodbye(self.profile))
        return Say(_DECLINABLE[offered]())

    def _left(self, m: Memory) -> str | None:
        """A booking or change the customer left for another task, not made since."""
        if m.left is None or m.left[0] == m.goal:
            return None
        goal, since = m.left
        made = any(
            o.tool == RESUMABLE[goal] and o.ok and "confirmation_id" in o.args and o.turn >= since
            for o in m.transcript.outcomes
        )
        return None if made else goal

    def _decide(self, m: Memory) -> Step:
        t = m.transcript
        if t.correction:
            return Say(replies.unsure(self.profile))
        if m.triage_now is not None and m.triage_now.life_safety:
            return self.life_safety(m)
        if intents.in_spanish(t.latest):
            return Say(replies.other_language(self.profile))
        if intents.asks_if_human(t.latest) and not m.reading.has("book"):
            return Say(replies.not_a_person(self.profile, intents.asks_if_machine(t.latest)))
        if intents.asks_contact(t.latest) and m.goal in (None, "question"):
            return Say(replies.contact(self.profile))  # "what's your phone number?"
        if intents.disputes_bill(t.latest):
            return self.handoff(m, "billing_dispute")
        if intents.changes_account(t.latest):
            return self.handoff(m, "account_change")
        if intents.frustrated(t.latest):
            return self.handoff(m, "frustration")
        failed = [o for o in t.this_turn() if o.tool in WRITES and "confirmation_id" in o.args and not o.ok]
        if failed:  # the customer said yes, but ServiceTitan refused or failed the write
            return self.after_write(m, failed[-1], "Shall I go ahead?")
        answered = self.answer_to_proposal(m) or self.retry(m)
        if answered is not None:
            return answered
        bare = (
            len(t.latest.split()) <= 5
            and not intents.is_question(t.latest)
            and not _CHOICE_WORDS.search(t.latest)
        )
        declined = self._declined(m)
        if declined is not None:
            return declined
        if _offered_callback(m) and bare and m.latest.answer == "yes":
            return self.handoff(m, "callback_requested")  # "…can still call you back" — "yes please"
        if _offered_more(m) and bare:
            if m.latest.answer == "yes" and m.reading.top is None and not m.took_offer:  # "yes": what, then
                return Say(replies.what_else())
            if m.latest.answer == "no" and m.reading.top in (None, "thanks", "goodbye"):  # "no thanks"
                return Say(replies.goodbye(self.profile))
        if _NEVER_MIND.search(t.latest) and not any(m.pending(tool) for tool in WRITES):
            return Say(replies.never_mind())  # "actually, never mind"
        if m.goal is None and _ASKS_HELP.match(t.latest):
            return Say(replies.how_can_i_help())  # "yes I need help": with what, then
        goal = m.goal
        introduced = bool(m.latest.phones or m.latest.names)  # "Hello, I'm Robert Johnson, 555-…"
        if m.reading.small_talk_only and not introduced and (goal is None or not m.reading.has("greeting")):
            return Say(self.small_talk(m))
        if m.asks_aside and goal not in (None, "question", "person"):
            return self.aside(m, goal)
        if m.unclear_streak > self.profile.policies.max_clarifications:
            return self.handoff(m, "repeated_failure")
        if goal is None and m.phone and (m.name or m.zip_code) and (m.latest.phones or m.latest.names):
            found = self.identify(m, "none")  # details first, the request next: look them up meanwhile
            if isinstance(found, Call | Say):
                return found
            if m.transcript.last("searchCustomers", this_turn=True) is not None:
                return Say(replies.found_you() if found is None else replies.what_for(found == "new"))
        if goal is None and m.latest.phones and not (m.name or m.zip_code):
            # a number: they are saying who they are (and, with nothing else said, not yet what they need)
            return Say(replies.name_for_number(only_the_number=len(_WORDS.findall(t.latest)) <= 2))
        if goal is None:
            if choices.sounds_like_a_request(t.latest) and not (m.latest.phones or m.latest.names):
                return Say(replies.out_of_scope(self.profile))
            return Say(replies.clarify(self.profile))
        if goal == "person":
            return self.handoff(m, "asked_for_person")
        if goal == "question":
            return self.question(m)
        if goal == "book":
            return self.book(m)
        if goal in ("status", "history", "billing", "reschedule", "cancel", "note"):
            step = self.account_task(m, goal)
            if isinstance(step, Say) and m.finished is not None and m.finished.turn == t.turn:
                lead = _NEXT_CHANGE.get(goal, "Next: ")  # the other change asked for in the same message
                return Say(f"{_done(m.finished)}\n\n{lead}{step.text}")
            return step
        return Say(replies.clarify(self.profile))

    def small_talk(self, m: Memory) -> str:
        if m.reading.has("greeting"):
            return replies.greeting(self.profile)
        if m.reading.has("goodbye"):
            return replies.goodbye(self.profile)
        return replies.thanks()

    # --- proposals and their answers -----------------------------------------------------------------

    def answer_to_proposal(self, m: Memory) -> Step | None:
        """The customer's answer to a summary read back in an earlier turn."""
        t = m.transcript
        for tool in WRITES:
            pending = m.pending(tool)
            if pending is None or pending.turn >= t.turn:
                continue
            answer = m.latest.answer
            proposal = pending.result.get("proposal") or {}
            summary = str(proposal.get("summary") or "")
            if not (summary and summary in t.previous_reply):
                continue  # a yes only counts for the summary the customer has just read
            if answer == "yes" and proposal.get("confirmation_id"):
                args = {**pending.args, "confirmation_id": proposal["confirmation_id"]}
                if t.called(tool, args):
                    return None  # the confirming call ran this turn; its outcome is handled by the flow
                return Call(tool, args)
            if answer == "no" and tool == "createCustomer" and _NO_EMAIL.search(t.latest):
                # "no email" to "is everything correct?": none is needed, the rest still asked about
                return Say(
                    replies.confirm_write(summary, "No e-mail is fine, it's optional. Is the rest correct?")
                )
            if (
                answer == "no"
                and not (m.latest.when or m.latest.address or m.latest.names or m.latest.phones)
                and not choices.names_one(t.latest)  # "no, make it the second one": a new choice
                and m.reading.top in (None, "cancel", "book")
                and not m.reading.has("reschedule")
            ):
                return Say(replies.not_confirmed())
        return None

    def retry(self, m: Memory) -> Step | None:
        """After ServiceTitan failed a write, "try again" repeats that same call."""
        t = m.transcript
        if not _RETRY.search(t.latest):
            return None
        failed = [o for o in t.outcomes if o.turn == t.turn - 1 and o.tool in WRITES and o.status == "error"]
        if not failed:
            return None
        # a confirmation is used up even when the write failed: read the summary back for a fresh yes
        args = {k: v for k, v in failed[-1].args.items() if k != "confirmation_id"}
        again = t.last(failed[-1].tool, this_turn=True)
        if again is None:
            return Call(failed[-1].tool, args)
        return self.after_write(m, again, "Shall I go ahead?")

    def propose(
        self, m: Memory, tool: str, args: dict[str, Any], question: str = "Shall I go ahead?"
    ) -> Step:
        """Ask for a write's summary, or read back the one just received."""
        outcome = m.transcript.last(tool, this_turn=True)
        if outcome is not None and outcome.args == args:
            return self.after_write(m, outcome, question)
        pending = m.pending(tool)
        if pending is not None and pending.args == args and pending.turn < m.transcript.turn:
            # still waiting for a clear yes to the same summary
            summary = (pending.result.get("proposal") or {}).get("summary", "")
            return Say(replies.confirm_write(summary, "Just to be sure — shall I go ahead? (yes or no)"))
        return Call(tool, args)

    def after_write(self, m: Memory, outcome: ToolOutcome, question: str) -> Step:
        if outcome.status == "proposal":
            summary = (outcome.result.get("proposal") or {}).get("summary", "")
            return Say(replies.confirm_write(summary, question))
        if outcome.status == "error":
            return Say(replies.write_error(self.profile))
        if outcome.status == "refused" and outcome.data.get("alreadyBooked"):
            job_type = str(outcome.args.get("jobType") or "service")
            return Say(replies.already_booked(outcome.data, job_type, MOVE_IT))
        if outcome.status in ("refused", "not_found"):
            return Say(replies.write_refused(outcome.message or "please try again."))
        return Say(replies.clarify(self.profile))

    # --- identity ----------------------------------------------------------------------------------

    def identify(self, m: Memory, task: str) -> Step | str | None:
        """None when the customer is verified; a Step to take; or "new" when no account matches."""
        if m.customer_id is not None:
            return None
        if not m.phone and m.email and not m.new_customer_said:
            return Say(replies.phone_not_email())  # an e-mail alone does not confirm who is writing
        if not m.phone:
            also = self._beside_booking(m) if task == "book" else self._also(m, task)
            if task == "history" and intents.about_membership(" ".join(m.goal_texts)):
                task = "membership"  # "am I a member?": the membership is looked up, not past visits
            return Say(replies.ask_identity(bool(m.name), False, task, also, m.new_customer_said))
        args: dict[str, Any] = {"phone": m.phone}
        if m.name:
            args["name"] = m.name
        if m.zip_code:
            args["zip"] = m.zip_code
        last = m.last("searchCustomers")
        if last is not None and last.status == "not_found" and last.args.get("phone") == m.phone:
            return "new"  # more details for the same number won't find an account
        retry = last is not None and last.status == "error" and last.turn < m.transcript.turn
        if last is None or last.args != args or retry:
            return Call("searchCustomers", args)
        if last.status == "not_found":
            return "new"
        if last.status == "error":
            return Say(replies.tool_error(self.profile))
        match = last.data.get("match")
        if match == "several":
            return Say(replies.several_accounts())
        if not last.data.get("verified"):
            if m.name and len(m.name.split()) == 1 and not m.zip_code:
                return Say(
                    replies.ask_full_name(m.name)
                )  # "this is Robert": a first name does not confirm it
            if m.name or m.zip_code:
                return Say(replies.mismatch())
            return Say(replies.ask_second_factor())
        return None

    # --- booking -----------------------------------------------------------------------------------

    def book(self, m: Memory) -> Step:
        return self._with_lookups(m, self._book(m))

    def _with_lookups(self, m: Memory, step: Step) -> Step:
        """ "Book a plumber, and what do I owe?": once the customer is verified, the account lookups asked
        for beside a booking (balance, past work) are answered ahead of the booking's next question."""
        if not isinstance(step, Say) or m.customer_id is None:
            return step
        if m.done("createCustomer", since_goal=False) is not None:
            return step  # a new account has no bills or history yet
        texts = []
        for task in self._beside_booking(m):
            if _told_before(m, LOOKUPS[task]):
                continue
            found = self._account_read(m, task)
            if isinstance(found, Call):
                return found
            texts.append(found.text.removesuffix(replies.ANYTHING_ELSE))
        return Say("\n\n".join([*texts, step.text])) if texts else step

    def _beside_booking(self, m: Memory) -> list[str]:
        """The account lookups asked for clearly beside a booking (a booking's words must not sound like
        one); none during an emergency, whose booking comes first and alone."""
        return [] if m.triage is not None else _asked(m, BESIDE_BOOKING, min_score=2.0)

    def _book(self, m: Memory) -> Step:
        urgent = m.triage if m.triage is not None and not m.triage.life_safety else None
        if (
            urgent is not None
            and "escalateEmergency" in self.tools
            and not self._escalated(m, urgent.trigger.name)
        ):
            return Call(
                "escalateEmergency",
                {"emergency": urgent.trigger.name, "level": "urgent", "summary": choices.problem(m)[:480]},
            )
        done = m.done("createAppointment")
        if done is not None:
            text = replies.booked(done.data, self._address(m))
            if done.turn < m.transcript.turn:
                return Say(text)
            next_place = unbooked_place(m.transcript) if asks_all_places(m.goal_texts) else None
            other = jobtypes.another_trade(m.goal_texts, str(done.data.get("jobType") or ""), self.profile)
            if next_place is not None:  # "…at both of my properties": the next address
                address = str(next_place.get("address") or next_place.get("name"))
                text = text.removesuffix(replies.ANYTHING_ELSE) + replies.other_place(address, OTHER_PLACE)
            elif other is not None:
                # "…my water heater, and also my AC is making a noise": that needs a visit of its own
                text = text.removesuffix(replies.ANYTHING_ELSE) + replies.another_visit(other, ANOTHER_VISIT)
            return Say(text)
        if urgent is None and m.customer_id is None and self._not_our_work(m):
            return Say(replies.out_of_scope(self.profile))  # "my garage door opener is broken"
        if urgent is None and m.customer_id is None:
            preview = self._availability(m)
            if preview is not None:
                return preview
        identity = self.identify(m, "book")
        if isinstance(identity, Call | Say):
            return self._urgent_lead(m, urgent, identity)
        customer_id = m.customer_id
        if identity == "new" and not self._new_confirmed(m):
            return self._urgent_lead(m, urgent, Say(replies.are_you_new()))
        if identity == "new":
            step = self.new_customer(m)
            if step is not None:
                return self._urgent_lead(m, urgent, step)
            customer_id = m.customer_id
        if customer_id is None:
            return Say(replies.clarify(self.profile))
        place = self._place(m)
        if isinstance(place, Say):
            return self._urgent_lead(m, urgent, place)
        job_type = urgent.trigger.job_type if urgent is not None and urgent.trigger.job_type else None
        job_type = job_type or jobtypes.to_book(m.goal_texts, self.profile)
        if job_type is None:
            return Say(
                replies.ask_problem(self.profile, jobtypes.of_trade(" ".join(m.goal_texts), self.profile))
            )
        return self._urgent_lead(
            m, urgent, self.schedule(m, customer_id, job_type, urgent is not None, place)
        )

    def _place(self, m: Memory) -> dict[str, Any] | Say | None:
        """Which of several service locations the visit is for: asked once, then read from the answer."""
        places = places_of(m.transcript)
        if not places or m.done("createCustomer", since_goal=False) is not None:
            return None
        if m.carried_place is not None and m.carried_place[0] == m.goal_from:  # "…there as well?" — "yes"
            carried = m.carried_place[1]
            offered = next((p for p in places if p.get("locationId") == carried), None)
            if offered is not None:
                return offered
        for text in reversed(m.goal_texts):  # the latest address said decides
            if choices.choose_place(text, places, ordinal=False) is not None:
                break
            said = m.said(text).address
            if said is not None and said.street:
                # "for my rental at 500 Oak Ave": not an address on the account, so not one to send a
                # technician to without the office
                shown = [str(p.get("address") or p.get("name")) for p in places]
                return Say(replies.address_not_on_file(said.street, shown, self.profile))
        if len(places) < 2:
            return None
        asked = _answers_to(m, replies.WHICH_ADDRESS)
        texts = m.transcript.customer[asked[-1] :] if asked else m.goal_texts
        for index in range(len(texts) - 1, -1, -1):
            # "the first one" picks an address only as the answer to the question; later, it is a window
            chosen = choices.choose_place(texts[index], places, ordinal=bool(asked) and index == 0)
            if chosen is not None:
                return chosen
        return Say(replies.which_address([str(p.get("address") or p.get("name")) for p in places]))

    def _new_confirmed(self, m: Memory) -> bool:
        """The customer said they are new, or said yes when asked (a wrong number must not make a twin account)."""
        if m.new_customer_said or m.customer_id is not None:
            return True
        asked = [turn for turn, text in m.transcript.replies if replies.ARE_YOU_NEW in text]
        if not asked:
            return False
        later = m.transcript.customer[asked[-1] + 1 :]
        return any(classify(text) == "yes" or "new" in text.lower() for text in later)

    def _urgent_lead(self, m: Memory, urgent: Any, step: Step) -> Step:
        if urgent is None or not isinstance(step, Say):
            return step
        if any(turn >= m.goal_from for turn, _ in m.transcript.replies):
            return step
        escalated = self._escalation(m, urgent.trigger.name)
        intro = replies.urgent_intro(
            urgent.trigger.instructions,
            " ".join(m.goal_texts),
            escalated.data if escalated is not None and escalated.ok else None,
        )
        return Say(intro + "\n\n" + step.text)

    def new_customer(self, m: Memory) -> Step | None:
        if m.customer_id is not None:
            return None
        address = m.address
        if address is None or not address.complete or not m.name:
            if not m.name:
                return Say(
                    "I don't see an account for that number yet, so I'll set one up. What's your full name?"
                )
            if address is not None and address.street:
                return Say(replies.ask_locality(address.street, address.city))
            asked_before = any("set one up" in text for _, text in m.transcript.replies)
            if asked_before:
                return Say(replies.ask_address())
            return Say(replies.new_customer_intro(m.name, True, True, not m.email))
        assert address.zip_code and address.city and address.state
        args: dict[str, Any] = {
            "name": m.name,
            "phone": m.phone,
            "street": address.street,
            "city": address.city,
            "state": address.state,
            "zip": address.zip_code,
        }
        if address.unit:
            args["unit"] = address.unit
        if m.email:
            args["email"] = m.email
        outcome = m.transcript.last("createCustomer", this_turn=True)
        if outcome is not None and outcome.ok:
            return None
        if outcome is not None and outcome.status in ("refused", "error"):
            if "area" in outcome.message.lower() or "serve" in outcome.message.lower():
                return Say(replies.outside_area(outcome.message, self.profile))
            return Say(replies.write_refused(outcome.message))
        return self.propose(m, "createCustomer", args, "Is everything correct?")

    def schedule(
        self, m: Memory, customer_id: int, job_type: str, urgent: bool, place: dict[str, Any] | None = None
    ) -> Step:
        args, unmatched = self._booking_slot_args(m, job_type, urgent)
        slots = self._slots_for(m, args)
        if slots is None:
            return Call("getAvailableTimeSlots", args)
        if slots.status == "error":
            return Say(replies.tool_error(self.profile))
        if slots.status != "ok":
            return Say(replies.write_refused(slots.message or "I couldn't check the schedule."))
        windows: list[dict[str, Any]] = slots.data.get("windows") or []
        if not windows:
            alternatives = slots.data.get("alternatives") or []
            picked = choices.pick(m, alternatives) if slots.turn < m.transcript.turn else None
            if picked is None:
                until = slots.data.get("bookableUntil")
                return Say(replies.no_windows(job_type, alternatives, self.profile, until))
            windows = alternatives
        else:
            picked = choices.pick(m, windows)
            if slots.turn == m.transcript.turn and (m.latest.when is None or m.latest.when.at is None):
                picked = None  # windows just found: offer them rather than guess
        if picked is None:
            when_text = m.when.text if m.when is not None else ""
            if slots.turn < m.transcript.turn:
                return Say(replies.pick_again(windows))
            offer = replies.offer_windows(job_type, windows, when_text, urgent)
            return Say(replies.technician_note(slots.data.get("technician"), unmatched) + offer)
        booking: dict[str, Any] = {
            "customerId": customer_id,
            "jobType": job_type,
            "summary": choices.problem(m) or job_type,
            "windowStart": picked["windowStart"],
        }
        if slots.data.get("technician") and slots.data.get("windows"):
            booking["technician"] = slots.data["technician"]  # the windows offered were his
        if place is not None and place.get("locationId"):
            booking["locationId"] = int(place["locationId"])
        if urgent:
            booking["emergency"] = True
        outcome = m.transcript.last("createAppointment", this_turn=True)
        if outcome is not None and outcome.ok:
            return Say(replies.booked(outcome.data, self._address(m)))
        return self.propose(m, "createAppointment", booking, "Shall I book it?")

    def _not_our_work(self, m: Memory) -> bool:
        """The visit asked for is for something none of the business's trades works on (a garage door, a
        fridge) and nothing said names one of its job types."""
        texts = " ".join(m.goal_texts)
        if not _OTHER_TRADES.search(texts) or _OUR_PARTS.search(texts):
            return False  # "a gas line for the oven", "wiring for the garage door opener": ours after all
        return not any(
            jobtypes.rank(text, self.profile) or jobtypes.of_trade(text, self.profile)
            for text in m.goal_texts
        )

    @staticmethod
    def _slot_args(m: Memory, job_type: str, days: list[str], urgent: bool = False) -> dict[str, Any]:
        """What to ask the slot tool for: the days, the part of the day and the hour the customer wants
        (none of them for an urgent visit, which takes the soonest)."""
        args: dict[str, Any] = {"jobType": job_type}
        if urgent:
            return args
        if days:
            args["preferredDays"] = days
        when = m.when
        if when is not None and when.part in ("morning", "afternoon"):
            args["timeOfDay"] = when.part
        if when is not None and when.at is not None and when.bound == "at":
            args["time"] = when.at.strftime("%H:%M")  # "4pm works": each day's window at 4
        return args

    def _booking_slot_args(self, m: Memory, job_type: str, urgent: bool) -> tuple[dict[str, Any], str | None]:
        """The slot tool's arguments for a new visit, and why a technician asked for is left out (if one is)."""
        args = self._slot_args(m, job_type, choices.days(m), urgent)
        unmatched = self._unmatched_technician(m)
        if m.technician and not urgent and unmatched is None:
            args["technician"] = m.technician  # "can I get Brian Walsh again?": his windows
        return args, unmatched

    def _availability(self, m: Memory) -> Step | None:
        """ "How long is the wait for an electrician?" before the customer is known: the openings (the slot
        tool needs no account), then who they are, to book one."""
        if "getAvailableTimeSlots" not in self.tools or not intents.asks_availability(m.transcript.latest):
            return None
        said = " ".join(m.goal_texts)
        job_type = jobtypes.to_book(m.goal_texts, self.profile) or next(
            iter(jobtypes.of_trade(said, self.profile)), None
        )
        if job_type is None:
            return None
        args, _ = self._booking_slot_args(m, job_type, urgent=False)
        slots = self._slots_for(m, args)
        if slots is None:
            return Call("getAvailableTimeSlots", args)
        windows = [str(w.get("window")) for w in slots.data.get("windows") or [] if w.get("window")]
        if not slots.ok or not windows:
            return None
        ask = replies.ask_identity(bool(m.name), bool(m.phone), "book", (), m.new_customer_said)
        return Say(f"{replies.soonest(job_type, windows)}\n\n{ask}")

    def _unmatched_technician(self, m: Memory) -> str | None:
        """Why the technician asked for is not offered: nobody (or several) by that name, or no opening of
        theirs for the visit; None when their windows are offered (or nobody was asked for)."""
        if m.technician is None:
            return None
        for outcome in reversed(m.transcript.outcomes):
            if outcome.tool != "getAvailableTimeSlots" or outcome.turn < m.goal_from:
                continue
            if outcome.args.get("technician") == m.technician:
                if outcome.status == "error" and "technician" in outcome.message.lower():
                    return f"I couldn't match “{m.technician}” to one technician on our team"
                if outcome.ok and not outcome.data.get("windows") and not outcome.data.get("alternatives"):
                    return f"{outcome.data.get('technician') or m.technician} has no openings for that visit soon"
                return None
        return None

    def _slots_for(self, m: Memory, args: dict[str, Any]) -> ToolOutcome | None:
        last = m.last("getAvailableTimeSlots")
        if last is not None and last.status == "error" and last.turn < m.transcript.turn:
            return None  # it failed earlier: try again
        if last is not None and last.args == args and last.turn >= m.goal_from:
            return last
        choosing = (
            last is not None
            and last.turn < m.transcript.turn
            and last.turn >= m.goal_from
            and last.args.get("jobType") == args["jobType"]
            and (m.latest.when is None or choices.pick(m, _offered(last)) is not None)
        )  # the customer is choosing among windows already offered, without new day wishes
        return last if choosing else None

    def _address(self, m: Memory) -> str | None:
        created = m.done("createCustomer", since_goal=False)
        if created is not None and created.data.get("address"):
            return str(created.data["address"])
        place = self._place(m)
        if isinstance(place, dict) and place.get("address"):
            return str(place["address"])
        found = m.last("searchCustomers")
        if found is not None:
            customer = found.data.get("customer") or {}
            places = customer.get("serviceLocations") or []
            if len(places) == 1:
                return str(places[0].get("address") or "") or None
        return None

    # --- emergencies and people ------------------------------------------------------------------

    @staticmethod
    def _escalation(m: Memory, emergency: str) -> ToolOutcome | None:
        """The newest escalateEmergency run for this emergency in the conversation, if any."""
        return next(
            (
                o
                for o in reversed(m.transcript.outcomes)
                if o.tool == "escalateEmergency" and o.args.get("emergency") == emergency
            ),
            None,
        )

    def _escalated(self, m: Memory, emergency: str) -> bool:
        return self._escalation(m, emergency) is not None

    def life_safety(self, m: Memory) -> Step:
        triage = m.triage_now
        assert triage is not None
        name = triage.trigger.name
        if "escalateEmergency" in self.tools and not self._escalated(m, name):
            return Call(
                "escalateEmergency",
                {"emergency": name, "level": "life_safety", "summary": m.transcript.latest[:480]},
            )
        outcome = self._escalation(m, name)
        return Say(
            replies.safety(triage.trigger.instructions, outcome.data if outcome else None, self.profile)
        )

    def handoff(self, m: Memory, reason: str) -> Step:
        if "handOff" not in self.tools:
            return Say(replies.handoff(None, self.profile, reason))
        outcome = m.last("handOff")
        if outcome is None:
            summary = " / ".join(m.transcript.customer[-4:])[:900]
            return Call("handOff", {"reason": reason, "summary": summary})
        return Say(replies.handoff(outcome.result, self.profile, str(outcome.args.get("reason") or reason)))

    # --- questions ---------------------------------------------------------------------------------

    def question(self, m: Memory, asked: str | None = None, closing: bool = True) -> Step:
        t = m.transcript
        asked = asked or t.latest
        parts = _questions(asked)
        if len(parts) > 1:
            return self._questions(m, parts, closing)
        before = t.customer[-2] if len(t.customer) > 1 and m.goal_from < len(t.customer) - 1 else None
        if asked == t.latest and before is not None and _FOLLOW_UP.match(asked):
            # "what's the warranty on a new furnace?" — "and on repairs?": looked up with the one before
            return self._answer(m, asked, f"{before} {asked}", closing, focus=asked)
        return self._answer(m, asked, asked, closing)

    def _answer(self, m: Memory, asked: str, query: str, closing: bool, focus: str = "") -> Step:
        """One question about the business, answered from the service area, the job types or the documents
        (searched for ``query``)."""
        place = area.place_asked(asked, self.profile) if area.asks_about_area(asked) else None
        if place is not None:  # "do you come out to Decatur?": the profile's service area says
            return Say(replies.area(place, area.towns_served(self.profile), self.profile, closing))
        offered = _SERVICE_ASKED.search(asked)
        job_type = jobtypes.best(offered.group(2), self.profile) if offered else None
        if job_type is not None and m.goal == "question":  # "do you install EV chargers?": a job type says
            return Say(replies.we_do(offered.group(2) if offered else "", job_type, OFFER_TO_BOOK))
        if "searchKnowledge" not in self.tools:
            return Say(replies.knowledge([], self.profile, closing=closing))
        args = {"question": query[:500]}
        outcome = next(
            (o for o in m.transcript.this_turn() if o.tool == "searchKnowledge" and o.args == args), None
        )
        if outcome is None:
            return Call("searchKnowledge", args)
        passages = outcome.data.get("passages") or []
        if offered is not None and job_type is None:
            # "do you do water softener installs?": a passage about water heaters does not answer it
            passages = [p for p in passages if jobtypes.mentions(offered.group(2), str(p.get("text") or ""))]
        return Say(replies.knowledge(passages, self.profile, query, closing=closing, focus=focus))

    def _questions(self, m: Memory, parts: list[str], closing: bool) -> Step:
        """Several questions in one message ("do you serve Chatham? what's your trip charge?"): each
        answered in turn, an answer two of them share told once. A question leaning on the one before
        ("how much is a tune-up? is it cheaper for members?") is looked up with it."""
        answers: list[str] = []
        offer = False
        for number, part in enumerate(parts):
            leans = number > 0 and _LEANS_ON_BEFORE.search(part)
            step = self._answer(m, part, f"{parts[number - 1]} {part}" if leans else part, closing=False)
            if isinstance(step, Call):
                return step
            answer = step.text
            if answer.endswith(OFFER_TO_BOOK):  # the offer to book closes the whole reply, once
                answer, offer = answer.removesuffix(OFFER_TO_BOOK).strip(), True
            if answer not in answers:
                answers.append(answer)
        ending = f"\n\n{OFFER_TO_BOOK}" if offer else replies.ANYTHING_ELSE
        return Say("\n\n".join(answers) + (ending if closing else ""))

    def aside(self, m: Memory, goal: str) -> Step:
        """A question about the business in the middle of a task: the answer, and the task goes on ("how
        much is a tune-up?" while choosing a window answers, then asks for the window again)."""
        asked = _aside_question(m, goal)
        if goal == "book" and _SERVICE_ASKED.search(asked) and not _OTHER_QUESTION.search(asked):
            return self.book(m)  # "can you fix my furnace?" asks for the visit being booked
        answer = self.question(m, asked, closing=False)
        if isinstance(answer, Call):
            return answer
        if goal in LOOKUPS and _told_before(m, LOOKUPS[goal]):  # "can I pay it here?" after the balance
            return Say(f"{answer.text}{replies.ANYTHING_ELSE}")
        step = self._still_proposed(m) or (self.book(m) if goal == "book" else self.account_task(m, goal))
        if isinstance(step, Call):
            return step
        if step.text.endswith(replies.ANYTHING_ELSE) and m.transcript.previous_reply.endswith(step.text):
            return Say(f"{answer.text}{replies.ANYTHING_ELSE}")  # the task's news was told already
        if step.text.endswith(replies.ANYTHING_ELSE):  # the task is done: its news first, then the answer
            return Say(
                f"{step.text.removesuffix(replies.ANYTHING_ELSE)}\n\n{answer.text}{replies.ANYTHING_ELSE}"
            )
        return Say(f"{answer.text}\n\n{step.text}")

    def _still_proposed(self, m: Memory) -> Say | None:
        """The summary read back last turn, read back again when the message only asked a question (its
        yes then still counts)."""
        t = m.transcript
        # "actually wait, how much will it cost?" hesitates; it neither agrees nor refuses
        hesitant = m.latest.answer == "no" and intents.is_question(t.latest) and not _REFUSED.search(t.latest)
        if (m.latest.answer != "unclear" and not hesitant) or m.latest.when or m.latest.address:
            return None
        if choices.names_one(t.latest):
            return None
        shown = t.previous_reply
        for tool in WRITES:
            pending = m.pending(tool)
            proposal = (pending.result.get("proposal") or {}) if pending is not None else {}
            summary = str(proposal.get("summary") or "")
            if pending is not None and pending.turn < t.turn and summary and summary in shown:
                question = "Shall I book it?" if tool == "createAppointment" else "Shall I go ahead?"
                return Say(replies.confirm_write(summary, question))
        return None

    # --- the verified customer's account -------------------------------------------------------------

    def account_task(self, m: Memory, goal: str) -> Step:
        identity = self.identify(m, goal)
        if identity == "new":
            return Say(replies.not_found_for(goal, self.profile))
        if isinstance(identity, Call | Say):
            return identity
        tasks = [goal, *self._also(m, goal)]
        if len(tasks) == 1:
            return self._account_read(m, goal)
        # "when is my tech coming, and what do I owe?": every lookup asked for, answered together
        texts = []
        for task in tasks:
            step = self._account_read(m, task)
            if isinstance(step, Call):
                return step
            texts.append(step.text.removesuffix(replies.ANYTHING_ELSE))
        return Say("\n\n".join(texts) + replies.ANYTHING_ELSE)

    def _also(self, m: Memory, goal: str) -> list[str]:
        """The other lookups the message that set the task asked for (status, history, billing), unless
        the task was answered in an earlier turn already."""
        if goal not in LOOKUPS or _told_before(m, [tool for tools in LOOKUPS.values() for tool in tools]):
            return []
        # "when's my next appointment": the visit's status; "next appointment" alone is no history asked for
        return [task for task in _asked(m, LOOKUPS, min_score=2.0) if task != goal]

    def _account_read(self, m: Memory, goal: str) -> Step:
        if goal == "billing":
            return self.billing(m)
        if goal == "history" and intents.about_membership(" ".join(m.goal_texts)):
            return self.read_and_tell(m, "getCustomerMemberships", {}, accounts.memberships)
        if goal == "history":
            asked = _request(m)
            # "when was my last tune-up?" — "am I due for another one?": the kind of work said last
            kind = next(
                (k for t in reversed(m.goal_texts) if (k := jobtypes.best(t, self.profile)) is not None), None
            )
            shown = _told_before(m, ("getCustomerJobs",))
            return self.read_and_tell(
                m,
                "getCustomerJobs",
                {},
                lambda data: accounts.history_answer(
                    data, asked, kind, shown, OFFER_TO_BOOK, f"our office at {self.profile.phone}"
                ),
            )
        if goal == "status":
            return self.status(m)
        if goal == "reschedule":
            return self.reschedule(m)
        if goal == "note":
            return self.note(m)
        return self.cancel(m)

    def billing(self, m: Memory) -> Step:
        """The balance and recent invoices, or one invoice in detail when the customer asks what was on it,
        when it is due, or names it."""
        latest = _request(m)
        sends = _SEND_COPY.search(latest) is not None  # "can you e-mail me my last invoice?"
        step = self._invoice(m, latest, one=sends or _INVOICE_DETAIL.search(latest) is not None)
        if not sends or not isinstance(step, Say):
            return step
        # no tool sends an invoice: it is shown, and the office named for the copy
        shown = m.transcript.last("getInvoice", this_turn=True)
        lead = replies.cannot_send_invoices(self.profile, shown is not None and shown.ok)
        return Say(f"{lead}\n\n{step.text}")

    def _invoice(self, m: Memory, latest: str, one: bool) -> Step:
        """The invoice named, or (``one``) the one meant; else the balance and the recent invoices."""
        named = _INVOICE_NUMBER.search(latest)
        number = named.group(1) if named is not None else None
        listing = m.last("getCustomerInvoices")
        if number is None and listing is not None and listing.ok and listing.turn < m.transcript.turn:
            # "the 612 one", "the repair one", "the one from 2023": one of the invoices just listed
            chosen = _chosen_invoice(latest, listing.data.get("invoices") or [])
            number = str(chosen["invoice"]) if chosen is not None else None
        if number is None and not one:
            return self.read_and_tell(m, "getCustomerInvoices", {}, accounts.invoices)
        if number is None:
            if listing is None or not listing.ok:
                return Call("getCustomerInvoices", {})
            listed = [
                i for i in listing.data.get("invoices") or [] if isinstance(i, dict) and i.get("invoice")
            ]
            unpaid = [i for i in listed if not i.get("paid")]
            # "when is that one due?" asks about the one unpaid invoice; "my last invoice" the newest
            pick = (
                unpaid[0]
                if len(unpaid) == 1
                and re.search(r"\b(due|owe|unpaid|that one|high|much|expensive|for)\b", latest)
                else None
            )
            pick = pick or (listed[0] if listed else None)
            if pick is None:
                return self.read_and_tell(m, "getCustomerInvoices", {}, accounts.invoices)
            number = str(pick["invoice"])
        return self.read_and_tell(m, "getInvoice", {"invoiceNumber": number}, accounts.invoice)

    def read_and_tell(
        self, m: Memory, tool: str, args: dict[str, Any], tell: Callable[[dict[str, Any]], str]
    ) -> Step:
        outcome = m.transcript.last(tool, this_turn=True)
        if outcome is None or outcome.args != args:
            return Call(tool, args)
        if outcome.status == "not_found" and tool == "getCustomerMemberships":
            return Say(accounts.memberships({}))
        if outcome.status == "not_found":
            return Say(_sentence(outcome.message) or "I couldn't find anything for that.")
        if outcome.status == "error":
            return Say(replies.tool_error(self.profile))
        if not outcome.ok:
            return Say(replies.write_refused(outcome.message or "I couldn't look that up."))
        told = tell(outcome.data)
        return Say(told if told.endswith(OFFER_TO_BOOK) else f"{told}{replies.ANYTHING_ELSE}")

    def _job_args(self, m: Memory) -> dict[str, Any] | None:
        """The job the task is about: named by number, the one upcoming visit, or the one of several the
        customer's words single out (None while several remain: see _upcoming)."""
        if m.job_number:
            return {"jobNumber": m.job_number}
        upcoming = _upcoming(m)
        if len(upcoming) > 1:
            chosen = self._chosen_visit(m, upcoming)
            return {"jobNumber": str(chosen["jobNumber"])} if chosen is not None else None
        if upcoming:
            return {"jobNumber": str(upcoming[0]["jobNumber"])}
        return None

    def _chosen_visit(self, m: Memory, upcoming: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The one of several upcoming visits the customer means: by kind of work ("the water heater
        one"), or, answering which one, by day or place in the list ("Monday's", "the second")."""
        answers = [i for i in _answers_to(m, replies.WHICH_VISIT) if i >= m.goal_from]
        answer = m.transcript.customer[answers[-1]] if answers else None
        for text in reversed(m.goal_texts):
            picked = self._visit_named(m, text, upcoming, answering=text == answer)
            if picked is not None:
                return picked
        return None

    def _visit_named(
        self, m: Memory, text: str, upcoming: list[dict[str, Any]], answering: bool
    ) -> dict[str, Any] | None:
        """The visit one message singles out; by day or place in the list only when ``answering`` which
        (a day in "move it to Friday" is where to, not which)."""
        kind = jobtypes.best(text, self.profile)
        tests: list[Callable[[dict[str, Any]], bool]] = [
            lambda u: kind is not None and u.get("type") == kind,
            lambda u: _names_kind(text, u.get("type")),
        ]
        if not answering:
            return _the_one(upcoming, tests)
        when = m.said(text).when
        tests.append(lambda u: when is not None and when.earliest in _visit_days(u))
        return _the_one(upcoming, tests) or choices.choose_by_ordinal(text, upcoming)

    def status(self, m: Memory) -> Step:
        args = self._job_args(m)
        upcoming = _upcoming(m)
        if args is None and len(upcoming) > 1:  # "when is my appointment?" with several booked
            return Say(replies.upcoming_visits([_visit_line(u) for u in upcoming]) + replies.ANYTHING_ELSE)
        if args is None:
            if m.last("getCustomerJobs") is None:
                return Call("getCustomerJobs", {})
            return Say("I don't see an upcoming visit on your account. Do you have a job number I can check?")
        wants_arrival = bool(
            re.search(r"\b(where|eta|on (his|her|their) way|arriv|coming)\b", " ".join(m.goal_texts), re.I)
        )
        tool = (
            "getTechnicianLocation"
            if wants_arrival and "getTechnicianLocation" in self.tools
            else "getJobStatus"
        )
        tell = accounts.technician if tool == "getTechnicianLocation" else accounts.job_status
        step = self.read_and_tell(m, tool, args, tell)
        # the day asked about, in this message or in the one that asked ("is he coming today?" — name, phone)
        asked, told = m.latest.when or m.when, m.transcript.last(tool, this_turn=True)
        if isinstance(step, Say) and asked is not None and asked.earliest and asked.earliest == asked.latest:
            days = _visit_days(told.data) if told is not None and told.ok else set()
            if days and asked.earliest not in days:
                # "is my appointment tomorrow still on?" when it is on Thursday: say so first (in the
                # customer's words, since a reply's dates come from the tools)
                said = asked.text if asked.text and not re.search(r"\d", asked.text) else "on that day"
                return Say(f"Your visit isn't {said.lower()} — here's what's on the schedule. {step.text}")
        return step

    def reschedule(self, m: Memory) -> Step:
        done = m.done("rescheduleAppointment")
        if done is not None:
            return Say(f"{_done(done)}\n\nAnything else I can help with?")
        args = self._visit_args(m, "move")
        if not isinstance(args, dict):
            return args
        status = _job_read(m, args)
        if status is None:
            return Call("getJobStatus", args)
        if not status.ok:
            return Say(_sentence(status.message) or "I couldn't find that job.")
        closed = _closed_job(status, "move")
        if closed is not None:
            return closed
        job_type = str(status.data.get("type") or status.data.get("jobType") or "")
        days = choices.days(m, since=m.goal_from)
        shifted = _shifted_day(" ".join(m.goal_texts), status.data, m.now.date())
        if shifted is not None:  # "push it back a week": from the visit's day, not from today
            days = [shifted.isoformat()]
        slots_args = self._slot_args(m, job_type, days)
        slots = self._slots_for(m, slots_args)
        if slots is None:
            return Call("getAvailableTimeSlots", slots_args)
        now_at = {str(v.get("windowStart")) for v in status.data.get("visits") or [] if isinstance(v, dict)}
        windows = [w for w in _offered(slots) if str(w.get("windowStart")) not in now_at]  # not where it is
        if m.away is not None:  # "I won't be home Thursday": not Thursday's windows
            windows = [w for w in windows if not str(w.get("windowStart", "")).startswith(m.away.isoformat())]
        picked = (
            choices.pick(m, windows)
            if slots.turn < m.transcript.turn or (m.latest.when and m.latest.when.at)
            else None
        )
        if picked is None and shifted is not None and _SAME_TIME.search(" ".join(m.goal_texts)):
            # "same time but a day later": the window at the visit's own hour on that day
            hours = {str(v)[11:16] for v in now_at}
            picked = next((w for w in windows if str(w.get("windowStart"))[11:16] in hours), None)
        if picked is None:
            if not windows:
                return Say(replies.no_windows(job_type, [], self.profile))
            offered_days = {str(w.get("windowStart", ""))[:10] for w in windows}
            then = bool(days) and bool(offered_days & set(days))  # openings on the days asked for, or others
            return Say(
                replies.move_windows(
                    [str(w.get("window")) for w in windows],
                    asked=then,
                    missed=bool(days) and not then,
                    until=slots.data.get("bookableUntil"),
                    current=accounts.upcoming_window(status.data),
                )
            )
        move = {**args, "windowStart": picked["windowStart"]}
        return self.propose(m, "rescheduleAppointment", move, "Shall I move it?")

    def _visit_args(self, m: Memory, verb: str) -> dict[str, Any] | Step:
        """The job a change is for (named, or the upcoming visit), or the step to find it or say there is none."""
        args = self._job_args(m)
        if args is not None:
            return args
        if m.last("getCustomerJobs") is None:
            return Call("getCustomerJobs", {})
        upcoming = _upcoming(m)
        if len(upcoming) > 1:  # several visits booked: which one to change
            return Say(replies.which_visit(verb, [_visit_line(u) for u in upcoming]))
        return self._no_visit(m, verb)

    def _no_visit(self, m: Memory, verb: str) -> Say:
        """No open visit to change: ask for a job number once, then say so plainly and offer a new one."""
        ask = f"I don't see an upcoming visit to {verb}. Do you have the job number?"
        if not any(ask in text for _, text in m.transcript.replies):
            return Say(ask)
        return Say(
            f"I can't find an upcoming visit on your account, so there's nothing to {verb}. If you'd like a new "
            f"visit, tell me what needs doing and I'll find a time; our office is at {self.profile.phone} too."
        )

    def note(self, m: Memory) -> Step:
        """A note for the technician on the customer's upcoming visit ("the gate code is 4321")."""
        done = m.done("addJobNote")
        if done is not None:
            return Say(f"{_done(done)}{replies.ANYTHING_ELSE}")
        args = self._visit_args(m, "add a note to")
        text = choices.note_text(m)
        if isinstance(args, Say) and replies.WHICH_VISIT in args.text and text is not None:
            return Say(f"Got it — I'll pass on: “{text}”. {args.text}")  # the note first, then which visit
        if not isinstance(args, dict):
            return args
        if text is None:
            return Say("Of course — what would you like me to pass on to the technician?")
        return self.propose(m, "addJobNote", {**args, "text": text}, "Shall I add it?")

    def cancel(self, m: Memory) -> Step:
        done = m.done("cancelAppointment")
        if done is not None:
            return Say(f"{_done(done)}\n\nIf you need us again, just let me know.")
        args = self._visit_args(m, "cancel")
        if not isinstance(args, dict):
            return args
        status = _job_read(m, args)
        if status is None:
            return Call("getJobStatus", args)  # check the job is theirs and open before reading it back
        if status.status == "error":
            return Say(replies.tool_error(self.profile))
        if not status.ok:
            return Say(_sentence(status.message) or "I couldn't find that job.")
        closed = _closed_job(status, "cancel")
        if closed is not None:
            return closed
        which = {m.transcript.customer[i] for i in _answers_to(m, replies.WHICH_VISIT)}
        reason = choices.cancel_reason(m, besides=which)  # "the HVAC one" says which, not why
        asked = m.transcript.previous_reply
        if reason is None and asked.endswith((WHY_CANCEL, WHAT_REASON)):
            if (
                m.latest.answer == "yes"
                and len(m.transcript.latest.split()) <= 3
                and asked.endswith(WHY_CANCEL)
            ):
                return Say(f"Of course — {WHAT_REASON}")  # "sure" to "may I ask why?"
            reason = "No reason given"  # a reason is asked for once, never required
        if reason is None:
            return Say(f"I can cancel that for you. {WHY_CANCEL}")
        return self.propose(m, "cancelAppointment", {**args, "reason": reason}, "Shall I cancel it?")


def _job_read(m: Memory, args: dict[str, Any]) -> ToolOutcome | None:
    """The job as read for this change in the current task; a read from an earlier task may predate a change
    made since ("cancel it", then "move it to Friday")."""
    status = m.last("getJobStatus")
    return status if status is not None and status.args == args and status.turn >= m.goal_from else None


def _closed_job(status: ToolOutcome, verb: str) -> Say | None:
    """A canceled or completed job has no visit to move or cancel: say so (the job the customer named, or
    the one asked about earlier in the conversation, may be one)."""
    word = str(status.data.get("status") or "")
    if word not in ("canceled", "completed"):
        return None
    number = status.data.get("jobNumber")
    if word == "canceled" and verb == "cancel":
        return Say(
            f"Job #{number} is canceled already, so there's nothing more to do.{replies.ANYTHING_ELSE}"
        )
    return Say(
        f"Job #{number} is {word}, so there's no visit to {verb}. If you'd like a new visit, tell me what needs "
        "doing and I'll find a time."
    )


# "do you install EV chargers?", "can you fix a garbage disposal?": a service, which a job type may name
_SERVICE_ASKED = re.compile(
    r"\b(do you|do you guys|can you|could you|are you able to)\s+(?:guys\s+)?((?:do|install|fix|repair|service|"
    r"handle|work on|replace|put in|clean|unclog|offer)\b[^?.!]{3,60})",
    re.I,
)
# one question of several in a message: a sentence ending in "?" of three words or more
_ONE_QUESTION = re.compile(r"[^?.!]*?\b\w+\W+\w+\W+\w+[^?.!]*\?")


# "is it cheaper for members?" after "how much is a tune-up?": the question before says what "it" is
# a question that only makes sense after the one before: "and on repairs?", "what about for members?"
_FOLLOW_UP = re.compile(r"^\W*(?:and|what about|how about|same for|also|plus)\b(?!.{60})", re.I)
_LEANS_ON_BEFORE = re.compile(r"\b(it|that|this|they|them|those|these|one)\b", re.I)


def _questions(text: str) -> list[str]:
    """The questions of a message, when it asks more than one ("do you serve Chatham? what's your trip
    charge?"); else the message itself."""
    found = [q.strip() for q in _ONE_QUESTION.findall(text)]
    return found if len(found) > 1 else [text]


_OTHER_QUESTION = re.compile(r"\b(cost|price|how much|charge|fee|hours|open|warranty|financing|area)\b", re.I)
_INVOICE_NUMBER = re.compile(r"\binvoice\s*(?:number|no\.?|#)?\s*:?\s*#?\s*(\d{4,10})\b", re.I)
# "what was on my last invoice?", "can I see the details", "when is it due?": one invoice, in detail
_INVOICE_DETAIL = re.compile(
    r"\b(what was (on|in)|what'?s on|details?|items?|itemi[sz]ed|breakdown|line items?|what (did|was) i (pay|paying|"
    r"charged|billed) for|copy of|when is (it|that|that one|this) due|due date|when('?s| is) .{0,20}due|"
    r"why (is|was) (it|that|this|my bill|the bill|my balance|the balance) so (high|much|expensive)|"
    r"why do i owe|what('?s| is| was) (it|that|this) for)\b",
    re.I,
)
_WORDS = re.compile(r"[A-Za-z]{2,}")
_SEND_COPY = re.compile(
    r"\b(e-?mail|send|text|mail|forward)\b.{0,25}\b(invoice|bill|receipt|statement)s?\b", re.I
)
_RETRY = re.compile(r"\b(try (it |that )?again|retry|one more time|another go)\b", re.I)
# Work of other trades that customers of heating, cooling, plumbing and electrical companies ask for
_OTHER_TRADES = re.compile(
    r"\b(garage doors?|garage door opener|roofs?|roofing|gutters?|shingles?|(clothes )?dryers?|washing machines?|"
    r"washers?|fridges?|refrigerators?|freezers?|ovens?|microwaves?|windows?|pests?|termites?|mice|rats|lawns?|"
    r"sprinklers?|pools?|hot tubs?|chimneys?|carpets?|paint(ing)?|drywall|fences?|driveways?|appliances?|"
    r"locks?|locksmith)\b",
    re.I,
)
_OUR_PARTS = re.compile(
    r"\b(gas|wir(e|es|ing)|circuit|plug|lines?|water|vent|duct|heat(er|ing)?|cool(ing)?)\b", re.I
)
_REFUSED = re.compile(
    r"\b(no|nope|nah|don'?t|do not|cancel|stop|instead|change|different|rather|never mind)\b", re.I
)
# offers a reply may end with, and what is said when the customer declines them
_DECLINABLE: dict[str, Callable[[], str]] = {
    **{offer: partial(replies.left_as_is, goal) for goal, offer in RESUME_OFFERS.items()},
    MOVE_IT: partial(replies.left_as_is, "reschedule"),
    ANOTHER_VISIT: replies.one_visit,
    OTHER_PLACE: replies.one_visit,
}


_NEXT_CHANGE = {
    "reschedule": "Now let's move your visit. ",
    "note": "Now your note for the technician. ",
    "cancel": "Now the cancellation. ",
}


_SHIFT = re.compile(
    r"\b(?:push|move|bump|put|set)\s+(?:it|that|this|(?:my|the|our)\s+(?:\w+\s+)?(?:appointment|appt|visit))\s+"
    r"(back|out|later|up|forward|earlier)\s+(?:by\s+)?(a|an|one|two|three|\d)\s+(day|week)s?\b",
    re.I,
)
_NO_EMAIL = re.compile(
    r"^\W*(no|none|skip|don'?t have|i don'?t have|no thanks( on| to)?)( the| an| a)? e-?mail( address)?\W*$|"
    r"\b(don'?t|do not) (have|use|want to give|need) (an |a )?e-?mail\b",
    re.I,
)
_SAME_TIME = re.compile(r"\bsame (time|hours?|window)\b", re.I)
_SHIFT_AFTER = re.compile(r"\b(a|an|one|two|three|\d)\s+(day|week)s?\s+(later|earlier|sooner)\b", re.I)
_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}


def _chosen_invoice(text: str, listed: list[Any]) -> dict[str, Any] | None:
    """The one listed invoice a message singles out: by amount, kind of work, year or month, or place."""
    invoices = [i for i in listed if isinstance(i, dict) and i.get("invoice")]
    if len(invoices) < 2:
        return None
    lowered = text.lower()
    amounts = {
        int(a.replace(",", "")) for a in re.findall(r"\$?\b(\d{1,3}(?:,\d{3})*|\d+)(?:\.\d{2})?\b", lowered)
    }

    def whole(value: Any) -> int | None:
        digits = re.sub(r"[^\d.]", "", str(value or ""))
        return int(float(digits)) if digits else None

    tests: list[Callable[[dict[str, Any]], bool]] = [
        lambda i: whole(i.get("total")) in amounts,
        lambda i: _names_kind(lowered, i.get("jobType")),
        lambda i: any(w in lowered for w in re.findall(r"\b(?:19|20)\d{2}\b", str(i.get("date") or ""))),
        lambda i: any(w.lower() in lowered for w in re.findall(r"\b[A-Z][a-z]+\b", str(i.get("date") or ""))),
    ]
    found = _the_one(invoices, tests)
    if found is not None:
        return found
    if re.search(r"\b(oldest|earliest)\b", lowered):
        return invoices[-1]
    return choices.choose_by_ordinal(text, invoices) if _CHOICE_WORDS.search(text) else None


def _request(m: Memory) -> str:
    """What the latest message asks; when it only says who the customer is (in answer to being asked),
    what the task's messages asked before it."""
    if (m.latest.phones or m.latest.names) and m.reading.top is None:
        return " ".join(m.goal_texts)
    return m.transcript.latest


def _answers_to(m: Memory, question: str) -> list[int]:
    """The indexes of the customer messages that answered a reply asking ``question``, oldest first."""
    t = m.transcript
    return [turn + 1 for turn, said in t.replies if question in said and turn + 1 < len(t.customer)]


def _the_one(
    items: list[dict[str, Any]], tests: list[Callable[[dict[str, Any]], bool]]
) -> dict[str, Any] | None:
    """The item the first test that singles one out picks (a test two items pass picks none)."""
    for test in tests:
        found = [item for item in items if test(item)]
        if len(found) == 1:
            return found[0]
    return None


def _upcoming(m: Memory) -> list[dict[str, Any]]:
    """The customer's upcoming visits as getCustomerJobs listed them (soonest first)."""
    jobs = m.last("getCustomerJobs")
    listed = (jobs.data.get("upcoming") if jobs is not None and jobs.ok else None) or []
    return [u for u in listed if isinstance(u, dict) and u.get("jobNumber")]


def _visit_line(job: dict[str, Any]) -> str:
    """ "Job #1234 (Drain Cleaning): Monday, March 9, 8:00 AM – 10:00 AM" for a list of visits."""
    windows = [
        str(v.get("window")) for v in job.get("visits") or [] if isinstance(v, dict) and v.get("window")
    ]
    kind = f" ({job['type']})" if job.get("type") else ""
    return f"Job #{job['jobNumber']}{kind}: {windows[0] if windows else 'no time set yet'}"


def _names_kind(text: str, job_type: Any) -> bool:
    """The message names a job type by one of its words ("the drain one", "the repair"); a word several of
    the listed job types share singles none out, which the callers check."""
    own = set(re.findall(r"[a-z]{3,}", str(job_type or "").lower())) - {"and"}
    return bool(own & set(re.findall(r"[a-z]+", text.lower())))


def _visit_days(data: dict[str, Any]) -> set[date]:
    """The days of a job's visits, as getJobStatus (a list of visits) or getTechnicianLocation (one) gives them."""
    visits = [data, *(v for v in data.get("visits") or [] if isinstance(v, dict))]
    days = set()
    for visit in visits:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            days.add(datetime.fromisoformat(str(visit["windowStart"])).date())
    return days


def _shifted_day(text: str, job: dict[str, Any], today: date) -> date | None:
    """The day a visit moved "back a week", "up two days" or "a day later" lands on, counted from the
    visit's own day."""
    shift = _SHIFT.search(text)
    if shift is not None:
        direction, count, unit = shift.group(1), shift.group(2), shift.group(3)
    elif (after := _SHIFT_AFTER.search(text)) is not None:
        count, unit, direction = after.group(1), after.group(2), after.group(3)
    else:
        return None
    days = _visit_days(job)
    if not days:
        return None
    on = min(days)
    number = int(count) if count.isdigit() else _COUNT[count.lower()]
    step = timedelta(days=number * (7 if unit.lower() == "week" else 1))
    later = direction.lower() in ("back", "out", "later")
    return max(on + step if later else on - step, today)


def _done(outcome: ToolOutcome) -> str:
    """What a confirmed change did, in a line or two."""
    if outcome.tool == "addJobNote":
        return (
            f"Done — your note is on job #{outcome.data.get('jobNumber')}; the office and the technician will "
            "see it."
        )
    if outcome.tool == "cancelAppointment":
        return f"Your visit is canceled.\n{describe(outcome.data)}"
    return f"Done — your visit is moved.\n{describe(outcome.data)}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _asked(m: Memory, among: Collection[str], min_score: float = 0.0) -> list[str]:
    """Which of ``among`` the messages of the current task ask for, in the order asked."""
    asked: list[str] = []
    for text in m.goal_texts:
        reading = intents.read(text)
        pairs = zip(reading.intents, reading.scores, strict=True)
        asked += [task for task, score in pairs if task in among and score >= min_score]
    return list(dict.fromkeys(asked))


_NEVER_MIND = re.compile(
    r"^\W*(?:(?:oh|ok|okay|actually|no|sorry)\W+)*(never ?mind|forget (it|that)|nvm)\W*$", re.I
)
_ASKS_HELP = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|hi|hello|hey|ok|okay|um+|well)\W+)*(i need (some )?help|(can|could) you help me|"
    r"i have a (question|problem)|help( me)?( please)?)\W*$",
    re.I,
)
_CHOICE_WORDS = re.compile(r"\b(one|first|second|third|last|earliest|that|this)\b", re.I)


# "…can still call you back", "someone from our team can follow up": a callback was offered
_CALLBACK_OFFERED = re.compile(
    r"\b(can still call you back|can have someone get back to you|someone from our team can follow up)\b",
    re.I,
)
# "…anything else I can help with?"
_MORE_OFFERED = re.compile(r"(anything|what) else (can )?i (can )?help (you )?with\?\s*$", re.I)


def _offered_callback(m: Memory) -> bool:
    """The reply before the latest message offered that someone on the team calls the customer back."""
    return _CALLBACK_OFFERED.search(m.transcript.previous_reply) is not None


def _offered_more(m: Memory) -> bool:
    """The reply before the latest message ended by asking whether there is anything else."""
    return _MORE_OFFERED.search(m.transcript.previous_reply) is not None


_CLAUSES = re.compile(r"(?<=[.?!])\s+|,\s*(?:and|but|also)\s+|\s+(?:and|but) also\s+", re.I)
_REFERS = re.compile(r"\b(that|it|this|the (visit|job|appointment|service|repair|tune[- ]?up))\b", re.I)


def _aside_question(m: Memory, goal: str) -> str:
    """The part of the latest message that asks about the business ("…when is my tech coming? and are you
    open on saturdays?" asks "are you open on saturdays?"); a price asked of "that" or "the visit" in a
    booking names the service being booked."""
    text = m.transcript.latest
    parts = [part for part in _CLAUSES.split(text) if part and intents.about_business(part)]
    asked = " ".join(parts) or text
    if goal == "book" and _REFERS.search(asked):
        booking = m.last("createAppointment") or m.last("getAvailableTimeSlots")
        job_type = str((booking.args.get("jobType") if booking is not None else "") or "")
        if job_type and re.search(r"\b(how much|cost|price|charge|fee)", asked, re.I):
            asked = f"{asked} ({job_type})"
    return asked


def _told_before(m: Memory, tools: Collection[str]) -> bool:
    """One of ``tools`` answered in an earlier turn of the current task."""
    t = m.transcript
    return any(o.ok and o.tool in tools and m.goal_from <= o.turn < t.turn for o in t.outcomes)


def _offered(slots: ToolOutcome) -> list[dict[str, Any]]:
    """The windows a slots answer offered: those of the day asked for, else the other days it suggested."""
    return list(slots.data.get("windows") or slots.data.get("alternatives") or [])
