"""The guided model reads what customers want, as customers actually type it."""

from __future__ import annotations

import pytest

from frontdesk.agent.guided.intents import in_spanish, read

CASES = [
    # the guide's own openings
    (
        "Hi, I'd like to schedule an HVAC maintenance appointment for my home. Can you check what's available next week?",
        "book",
    ),
    ("Hi, my kitchen sink has been leaking and I need a plumber. Can someone come out this week?", "book"),
    ("my furnance is broken can u send someone", "book"),
    ("I need to get my AC looked at", "book"),
    ("my furnace is making a rattling noise", "book"),
    ("the blower is squealing", "book"),
    ("Can I get a quote to replace my water heater?", "book"),
    ("When is the technician arriving?", "status"),
    ("whats the status of job 1048321", "status"),
    ("Where is my plumber? He was supposed to be here at 10", "status"),
    ("hi, when is my next appointment?", "status"),
    ("when's my upcoming visit", "status"),
    ("Do I have an appointment scheduled?", "status"),
    ("do we still have someone coming tomorrow", "status"),
    ("hey is my technician coming today?", "status"),
    ("is anyone coming out today?", "status"),
    ("is the plumber on his way?", "status"),
    ("when are you coming?", "status"),
    ("has my appointment been confirmed?", "status"),
    ("did my appointment get booked?", "status"),
    ("is my appointment tomorrow?", "status"),
    ("are we still on for tomorrow?", "status"),
    ("the technician hasn't shown up", "status"),
    ("your guy was supposed to be here an hour ago", "status"),
    ("what's the eta", "status"),
    ("how far away is the technician?", "status"),
    ("can you tell me when the tech arrives", "status"),
    ("How much do I owe?", "billing"),
    ("I have a question about my invoice", "billing"),
    ("I was charged twice on my bill", "billing"),
    ("how much was the repair last week", "billing"),
    ("I need to reschedule my appointment", "reschedule"),
    ("Can we move the visit to Thursday instead?", "reschedule"),
    ("I can't make it tomorrow, can we do a different day", "reschedule"),
    ("Please cancel my appointment", "cancel"),
    ("i want to cancle the visit", "cancel"),
    ("We don't need the technician anymore", "cancel"),
    ("please call off the visit", "cancel"),
    ("we fixed it ourselves, no need to come", "cancel"),
    ("Can I talk to a real person?", "person"),
    ("let me speak with a manager", "person"),
    ("get me a person", "person"),
    ("transfer me please", "person"),
    ("What work did you do last time at my house? I'd like my service history", "history"),
    ("when was my last tune-up?", "history"),
    ("my outlets aren't working in the kitchen", "book"),
    ("no heat in the house", "book"),
    ("Do you service Chatham?", "question"),
    ("What are your hours on Saturday?", "question"),
    ("Do you offer financing?", "question"),
    ("what was the last thing you did at my house", "history"),
    ("when did someone last come out", "history"),
    ("have you been out to my house before?", "history"),
    ("do you have records of my past repairs", "history"),
    ("what time should i expect the plumber", "status"),
    ("has my job been scheduled yet", "status"),
    ("is the technician close?", "status"),
    ("we won't need the visit anymore", "cancel"),
    ("forget the appointment, it's fixed", "cancel"),
    ("scratch that appointment", "cancel"),
    ("I want to get my ducts cleaned", "book"),
    ("our basement floods every time it rains", "book"),
    ("let me speak to the owner", "person"),
    ("can someone call me", "person"),
    ("is there a person I can talk to?", "person"),
    ("hello, I had a tech out last week and the problem is back", "book"),
    ("the leak came back", "book"),
    ("you guys didn't fix it", "book"),
    ("how long is the wait for an electrician?", "book"),
    ("what's your next availability for a plumber", "book"),
    ("when is my next appointment", "status"),
    ("hello", "greeting"),
    ("thanks so much!", "thanks"),
    ("that's all, bye", "goodbye"),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_the_strongest_intent_is_what_the_customer_wants(text: str, intent: str) -> None:
    assert read(text).top == intent


def test_several_intents_in_one_message_are_all_found() -> None:
    reading = read("My AC stopped working, can you send someone? Also what's my balance?")
    assert reading.has("book") and reading.has("billing")


def test_rescheduling_an_appointment_is_not_a_new_booking() -> None:
    reading = read("I need to reschedule my furnace repair appointment")
    assert reading.top == "reschedule"


def test_nothing_recognisable_gives_no_intent_and_small_talk_is_flagged() -> None:
    assert read("purple elephants").top is None
    assert read("hi there!").small_talk_only
    assert not read("hi, my sink leaks").small_talk_only


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("hola, necesito un plomero", True),
        ("huele a gas en mi casa", True),
        ("buenos dias", True),
        ("Hi, my name is Jose Garcia", False),
        ("I live on Calle del Sol, my casa has no hot water", False),
        ("gracias", False),  # one word said in passing
    ],
)
def test_a_message_in_spanish_is_recognised(text: str, spanish: bool) -> None:
    assert in_spanish(text) is spanish


def test_a_message_for_the_technician_is_a_note() -> None:
    assert read("please let the tech know the gate code is 4321").top == "note"
    assert read("can you add a note that the dog is friendly").top == "note"
    assert read("tell the plumber to use the side door").top == "note"
    assert read("when is the tech coming?").top != "note"
