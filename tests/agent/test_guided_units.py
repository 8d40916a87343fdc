"""The guided model's newer pieces on their own: bare names, the cancel reason, choosing an address,
narrowing a knowledge answer, upset customers, and account replies worded from tool data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from frontdesk.agent.grounding import Known, check
from frontdesk.agent.guided import accounts, intents, jobtypes, replies
from frontdesk.agent.guided.choices import cancel_reason, choose_place, pick, problem, sounds_like_a_request
from frontdesk.agent.guided.extract import extract
from frontdesk.agent.guided.flows import Flows
from frontdesk.agent.guided.memory import remember
from frontdesk.agent.guided.transcript import ToolOutcome, Transcript
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(scope="module")
def demo() -> BusinessProfile:
    return load_profile(demo_profile_path())


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Robert Johnson, 555-123-4567", "Robert Johnson"),
        ("its jennifer hudson 2175354200", "Jennifer Hudson"),
        ("Hi, Robert Johnson here, 555-123-4567. I'd like a tune-up", "Robert Johnson"),
        ("do I have a balance? Robert Johnson 555 123 4567", "Robert Johnson"),
        ("Name's Priya Shah, phone 217-555-0111", "Priya Shah"),
        ("need a plumber for a leaking faucet. Amy Lane 217-629-1803", "Amy Lane"),
    ],
)
def test_names_typed_without_a_lead_in(text: str, name: str) -> None:
    assert extract(text, NOW).names == [name]


@pytest.mark.parametrize(
    "text",
    [
        "sounds good",
        "Tuesday at 2",
        "the first one please",
        "42 Cedar Lane, Springfield IL 62711",
        "yes please",
    ],
)
def test_ordinary_words_and_places_are_not_names(text: str) -> None:
    assert extract(text, NOW).names == []


def _memory(demo: BusinessProfile, *said: str) -> Any:
    return remember(Transcript(customer=list(said)), demo, NOW)


def test_the_cancel_reason_is_what_was_said_besides_the_request(demo: BusinessProfile) -> None:
    memory = _memory(demo, "cancel my visit please, Christina Holmes 217-414-6718, the noise went away")
    assert cancel_reason(memory) == "the noise went away"
    assert cancel_reason(_memory(demo, "i need to cancel", "Stephen Brown 217 629 6355")) is None


PLACES = [
    {"locationId": 1, "address": "672 Lindbergh Blvd, Springfield, IL 62703"},
    {"locationId": 2, "address": "2296 Woodland Ave, Springfield, IL 62704"},
]


@pytest.mark.parametrize(
    ("text", "ordinal", "chosen"),
    [
        ("the one on lindbergh", False, 1),
        ("2296 please", False, 2),
        ("the 62704 one", False, 2),
        ("the second", True, 2),
        ("the second", False, None),  # no list was shown, so "second" means nothing yet
        ("my house", True, None),
    ],
)
def test_choosing_one_of_several_addresses(text: str, ordinal: bool, chosen: int | None) -> None:
    place = choose_place(text, PLACES, ordinal)
    assert (place["locationId"] if place else None) == chosen


def test_a_knowledge_answer_keeps_the_matching_lines(demo: BusinessProfile) -> None:
    passages = [
        {"source": "Prices › Comfort Club", "text": "Two tune-ups a year for $19.95 a month."},
        {
            "source": "Prices › Typical prices",
            "text": "- Diagnostic service call: $89. - Annual HVAC tune-up: $149. - Labor: $125 per hour.",
        },
    ]
    answer = replies.knowledge(passages, demo, "how much is a tune up?")
    assert "Annual HVAC tune-up: $149" in answer and "$89" not in answer and "Typical prices" in answer
    assert "call us at" in replies.knowledge([], demo, "anything")


def test_a_general_price_question_is_not_answered_with_a_special_case(demo: BusinessProfile) -> None:
    passages = [
        {"source": "Emergencies › After-hours fees",
         "text": "Emergency visits after hours have a $189 service call fee instead of the regular $89."},
        {"source": "Prices › Typical prices", "text": "- Diagnostic service call: $89. - Labor: $125 per hour."},
    ]  # fmt: skip
    answer = replies.knowledge(passages, demo, "Is there a charge for the visit?")
    assert "Diagnostic service call: $89" in answer and "$189" not in answer
    assert "$189" in replies.knowledge(passages, demo, "what does an emergency visit cost after hours?")


def test_a_refusal_reaches_the_customer_without_the_advice_meant_for_a_model() -> None:
    told = replies.write_refused(
        "ZIP code 99999 is outside the area Acme serves, so nothing can be booked there. Say so kindly, and "
        "offer a callback from the office."
    )
    assert "outside the area" in told and "Say so" not in told and "callback" not in told
    told = replies.write_refused(
        "The customer already has job #7 for Leak Repair. Tell them, and offer more."
    )
    assert "you already have job #7" in told and "Tell them" not in told


@pytest.mark.parametrize(
    ("text", "upset", "dispute"),
    [
        ("this is ridiculous, your tech never showed up!!", True, False),
        ("I was overcharged on my last bill and want a refund", False, True),
        ("you charged me twice", False, True),
        ("my bill is wrong, I was charged for a part you never installed", False, True),
        ("what's my balance?", False, False),
    ],
)
def test_upset_customers_and_billing_disputes(text: str, upset: bool, dispute: bool) -> None:
    assert (intents.frustrated(text), intents.disputes_bill(text)) == (upset, dispute)


def test_price_questions_are_not_about_the_callers_bill() -> None:
    assert intents.read("do you charge extra for saturdays?").top == "question"
    assert intents.read("how much do I owe?").top == "billing"
    assert intents.read("Is there a charge for the visit?").top == "question"
    assert intents.read("what do you charge to come out?").top == "question"
    assert intents.about_business("my drain is clogged, can you come Tuesday? how much does it cost?")
    assert not intents.about_business("my drain is clogged, can you come Tuesday?")


def test_out_of_scope_needs_real_words() -> None:
    assert sounds_like_a_request("can you help me with my taxes?")
    assert not sounds_like_a_request("zzz qqq")


STATUS = {
    "jobNumber": "100028",
    "type": "Electrical Repair",
    "status": "scheduled",
    "visits": [{"status": "scheduled", "window": "Thursday, March 12, 3:00 PM – 5:00 PM", "technicians": []}],
}


def test_account_replies_say_only_what_the_data_holds() -> None:
    text = accounts.job_status(STATUS)
    assert "#100028" in text and "Thursday, March 12, 3:00 PM – 5:00 PM" in text
    assert "hasn't been assigned" in text
    bill = accounts.invoices(
        {
            "balanceOwed": "$74.50",
            "unpaidInvoices": 1,
            "invoices": [
                {
                    "invoice": "100021",
                    "total": "$149.00",
                    "balance": "$74.50",
                    "paid": False,
                    "dueDate": "May 1",
                }
            ],
        }
    )
    assert "$74.50" in bill and "due May 1" in bill and "1 unpaid invoice." in bill


def test_status_words_are_not_taken_for_a_booking_claim() -> None:
    """The grounding check reads "is scheduled" as a claim that we booked; account replies avoid it."""
    for text in (
        accounts.job_status(STATUS),
        accounts.technician({**STATUS, "technicians": [{"name": "Brian"}]}),
    ):
        assert not [v for v in check(text, Known.from_facts([])) if v.kind.startswith("claim")]


def test_a_keyword_tie_goes_to_the_job_type_whose_description_fits(demo: BusinessProfile) -> None:
    assert jobtypes.best("my lights keep flickering", demo) == "Electrical Repair"
    assert jobtypes.best("I want recessed lights installed in the kitchen", demo) == "Lighting Installation"


def test_the_job_summary_leaves_out_times_and_contact_details(demo: BusinessProfile) -> None:

    memory = _memory(
        demo, "my furnace is making a banging noise, can you come wednesday at 7pm? 555-123-4567"
    )
    summary = problem(memory)
    assert "banging noise" in summary
    assert "7pm" not in summary and "555" not in summary and "wednesday" not in summary.lower()
    hot = problem(_memory(demo, "my AC stopped cooling and it's 95 degrees in here, can you come at 9?"))
    assert "it's 95 degrees in here" in hot and "9" not in hot.replace("95", "")


def test_city_state_and_zip_complete_a_street_given_before(demo: BusinessProfile) -> None:
    memory = _memory(demo, "77 oak st", "springfield, il 62704")
    assert memory.address is not None and memory.address.complete
    assert memory.address.text() == "77 Oak St, Springfield, IL 62704"
    assert extract("Springfield, ZZ 62704", NOW).locality is None  # not a state


def test_a_problem_without_keywords_is_matched_by_the_job_descriptions(demo: BusinessProfile) -> None:
    assert jobtypes.best("the system short cycles", demo) == "HVAC Repair"
    assert jobtypes.best("my dishwasher is broken", demo) is None


def test_a_name_or_filler_words_do_not_hide_or_fake_an_emergency(demo: BusinessProfile) -> None:
    assert _memory(demo, "Helen Park, 217-555-0163").triage_now is None  # "Park" is not "sparks"
    flooding = _memory(demo, "Water is pouring into the basement!").triage_now
    assert flooding is not None and flooding.trigger.name == "active leak or flooding"
    burning = _memory(demo, "I smell something burning near the panel").triage_now
    assert burning is not None and burning.life_safety


def test_a_yes_only_confirms_the_summary_the_customer_just_read(demo: BusinessProfile) -> None:
    proposal = {"status": "proposal", "proposal": {"summary": "Cancel job #100085.", "confirmation_id": "c1"}}
    outcome = ToolOutcome("cancelAppointment", {"jobNumber": "100085", "reason": "travel"}, proposal, 0)
    flows = Flows(demo, {"cancelAppointment"})
    read_back = Transcript(
        ["cancel 100085", "yes"], [outcome], [(0, "Here's what I'll do: Cancel job #100085.")]
    )
    step = flows.answer_to_proposal(remember(read_back, demo, NOW))
    assert step is not None and getattr(step, "args", {}).get("confirmation_id") == "c1"
    replaced = Transcript(["cancel 100085", "yes"], [outcome], [(0, "I'm sorry, I want to be sure…")])
    assert flows.answer_to_proposal(remember(replaced, demo, NOW)) is None


def test_the_days_asked_for_are_echoed_with_capitals() -> None:
    offer = replies.offer_windows(
        "HVAC Repair", [{"window": "Friday, March 13, 8:00 AM – 10:00 AM"}], "friday", False
    )
    assert "(Friday)" in offer


def test_the_job_summary_leaves_out_the_introduction_and_the_request_for_a_visit(
    demo: BusinessProfile,
) -> None:
    introduced = _memory(
        demo,
        "Hi there, my name is Robert Johnson and my AC unit is making a loud grinding noise. Can someone come "
        "take a look this week? My number is 555-123-4567",
    )
    assert problem(introduced) == "My AC unit is making a loud grinding noise"
    asked = _memory(demo, "ok I want to book a furnace tune-up")
    assert problem(asked) == "Furnace tune-up"
    liked = _memory(demo, "Hi, I'd like to schedule an HVAC maintenance appointment for my home.")
    assert problem(liked) == "HVAC maintenance appointment for my home"


def test_first_time_says_the_customer_is_new_not_which_window(demo: BusinessProfile) -> None:
    windows = [
        {"windowStart": "2026-03-10T08:00:00-05:00", "window": "Tuesday, March 10, 8:00 AM – 10:00 AM"},
        {"windowStart": "2026-03-11T08:00:00-05:00", "window": "Wednesday, March 11, 8:00 AM – 10:00 AM"},
    ]
    assert pick(_memory(demo, "yes, first time"), windows) is None
    assert pick(_memory(demo, "it's my first time calling you"), windows) is None
    assert pick(_memory(demo, "the first time works"), windows) == windows[0]
    assert pick(_memory(demo, "the second one"), windows) == windows[1]
