"""Scripted LLMs for the engine tests: what a careful model would send, step by step, echoing real values
(customerId, windowStart, confirmation_id, job number) from the tool results it was given."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from openai import AsyncOpenAI
from pydantic_ai.models import Model
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from tests.fakes import Call, Request, Say, Script, anthropic_model, fake_anthropic, fake_openai, openai_model
from tests.fakes.servers import API_KEY, FakeModelServer

NEXT_WEEK = ["2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19", "2026-03-20"]
THIS_WEEK = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"]


def result(request: Request, tool: str) -> dict[str, Any]:
    """The latest result of ``tool`` the model was shown, parsed."""
    for item in reversed(request.tool_results):
        if item.name == tool:
            data: dict[str, Any] = item.json()
            return data
    raise AssertionError(f"the model was shown no {tool} result")


def proposal(request: Request, tool: str) -> dict[str, Any]:
    """The latest proposal ``tool`` returned (a later result may be the booking itself)."""
    for item in reversed(request.tool_results):
        if item.name == tool and "proposal" in item.json():
            found: dict[str, Any] = item.json()["proposal"]
            return found
    raise AssertionError(f"the model was shown no {tool} proposal")


def window(request: Request, starts_with: str) -> dict[str, str]:
    """The offered window whose wording starts with ``starts_with`` (e.g. "Tuesday, March 17, 2:00 PM")."""
    windows = result(request, "getAvailableTimeSlots")["data"]["windows"]
    return next(w for w in windows if w["window"].startswith(starts_with))


def list_windows(request: Request) -> Say:
    data = result(request, "getAvailableTimeSlots")["data"]
    shown = "\n".join(f"- {w['window']}" for w in data["windows"])
    return Say(f"These are the openings for {data['jobType']}:\n{shown}\nWhich one suits you?")


def read_proposal(tool: str, question: str) -> Script:
    return lambda request: Say(f"Here is what I'll do: {proposal(request, tool)['summary']} {question}")


def confirm(tool: str, arguments: dict[str, Any]) -> Script:
    """Call ``tool`` again with the same arguments and the confirmation_id of its proposal."""

    def step(request: Request) -> Call:
        return Call(tool, {**arguments, "confirmation_id": proposal(request, tool)["confirmation_id"]})

    return step


def booked(request: Request) -> Say:
    data = result(request, "createAppointment")["data"]
    return Say(
        f"You're booked! Job number #{data['jobNumber']}, {data['jobType']}, arrival window {data['window']}. "
        "The technician will call when they're on the way."
    )


class Booking:
    """createAppointment with a window picked from the last offer; remembers its arguments for the yes."""

    def __init__(self, job_type: str, summary: str, window_start: str, customer_from: str) -> None:
        self.job_type = job_type
        self.summary = summary
        self.window_start = (
            window_start  # the start of the window's wording, e.g. "Tuesday, March 17, 2:00 PM"
        )
        self.customer_from = customer_from  # the tool whose result holds the customerId
        self.arguments: dict[str, Any] = {}

    def propose(self, request: Request) -> Call:
        found = result(request, self.customer_from)["data"]
        customer = found["customer"]["customerId"] if "customer" in found else found["customerId"]
        self.arguments = {
            "customerId": customer,
            "jobType": self.job_type,
            "summary": self.summary,
            "windowStart": window(request, self.window_start)["windowStart"],
        }
        return Call("createAppointment", self.arguments)

    def confirm(self, request: Request) -> Call:
        return confirm("createAppointment", self.arguments)(request)


ROBERT_LINES = [
    "Hi, I'd like to schedule an HVAC maintenance appointment for my home. "
    "Can you check what's available next week?",
    "Sure, it's Robert Johnson and my phone number is (555) 123-4567.",
    "Tuesday at 2 PM would be perfect. Can you book that for me?",
    "Yes please",
]


def robert_steps() -> list[Any]:
    """Example 1: one model request per step, over the four customer messages of ROBERT_LINES."""
    booking = Booking(
        "HVAC Maintenance", "HVAC maintenance for the home", "Tuesday, March 17, 2:00 PM", "searchCustomers"
    )
    return [
        Say("I'd be glad to set that up. May I have your name and the phone number on your account?"),
        Call("searchCustomers", {"name": "Robert Johnson", "phone": "(555) 123-4567"}),
        Call("getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": NEXT_WEEK}),
        list_windows,
        Call(
            "getAvailableTimeSlots",
            {"jobType": "HVAC Maintenance", "preferredDays": ["2026-03-17"], "timeOfDay": "afternoon"},
        ),
        booking.propose,
        read_proposal("createAppointment", "Shall I book it?"),
        booking.confirm,
        booked,
    ]


SARAH_LINES = [
    "Hi, my kitchen sink has been leaking and I need a plumber. Can someone come out this week?",
    "I'm Sarah Williams, phone number is (555) 987-6543. I think this might be my first time calling your company.",
    "My email is sarah.williams@email.com and the address is 456 Oak Street, Springfield, IL 62701. "
    "The leak is coming from under the sink - looks like it's from one of the pipes connecting to the "
    "garbage disposal.",
    "Yes, that's right",
    "Wednesday at 10 AM would be great!",
    "yes",
]

SARAH = {
    "name": "Sarah Williams",
    "phone": "(555) 987-6543",
    "email": "sarah.williams@email.com",
    "street": "456 Oak Street",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
}


def sarah_steps() -> list[Any]:
    """Example 2: a new customer, created and then booked, each write after the customer's yes."""
    booking = Booking(
        "Leak Repair",
        "Kitchen sink leaking under the sink, from a pipe connecting to the garbage disposal",
        "Wednesday, March 11, 10:00 AM",
        "createCustomer",
    )
    return [
        Say("Sorry about the leak! Could I have your name and phone number?"),
        Call("searchCustomers", {"name": "Sarah Williams", "phone": "(555) 987-6543"}),
        Say("Welcome, Sarah! I don't see an account yet. What is the service address and your e-mail?"),
        Call("createCustomer", SARAH),
        read_proposal("createCustomer", "Is that correct?"),
        confirm("createCustomer", SARAH),
        Call("getAvailableTimeSlots", {"jobType": "Leak Repair", "preferredDays": THIS_WEEK}),
        list_windows,
        Call(
            "getAvailableTimeSlots",
            {"jobType": "Leak Repair", "preferredDays": ["2026-03-11"], "timeOfDay": "morning"},
        ),
        booking.propose,
        read_proposal("createAppointment", "Shall I book it?"),
        booking.confirm,
        booked,
    ]


def steps(*items: Any) -> Script:
    """Like ``tests.fakes.sequence``, with the steps in a list the test can inspect."""
    remaining = iter(items)

    def script(request: Request) -> Any:
        step = next(remaining)
        return step(request) if callable(step) else step

    return script


def quick_openai_model(server: FakeModelServer) -> Model:
    """The real OpenAI model on the fake, without the SDK's retries (a failure fails at once)."""
    client = AsyncOpenAI(base_url=server.base_url + "/v1", api_key=API_KEY, max_retries=0)
    return OpenAIChatModel("gpt-4o", provider=OpenAIProvider(openai_client=client))


PROVIDERS: dict[str, tuple[Callable[[Script], Any], Callable[[FakeModelServer], Model]]] = {
    "openai": (fake_openai, openai_model),
    "anthropic": (fake_anthropic, anthropic_model),
}


@contextmanager
def scripted(provider: str, script: Script) -> Iterator[tuple[FakeModelServer, Model]]:
    """A fake server of ``provider`` answering with ``script``, and pydantic-ai's real model for it."""
    start, model = PROVIDERS[provider]
    with start(script) as server:
        yield server, model(server)
