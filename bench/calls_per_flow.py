"""ServiceTitan calls per conversation flow, with a warm reference cache.

Runs the tool calls a model makes for each flow through the ToolRunner against the in-process sandbox,
and counts the ServiceTitan API requests (token requests not included) seen on the wire:
- existing-customer booking: searchCustomers → getAvailableTimeSlots → createAppointment (proposal, yes);
- new-customer booking: searchCustomers → createCustomer (proposal, yes) → getAvailableTimeSlots →
  createAppointment (proposal, yes);
- job status: searchCustomers → getJobStatus.
Each flow runs once to warm the reference cache (job types, campaigns, technicians…), then is measured in
a fresh conversation, twice: for a customer whose number was not looked up before, and for one looked up
a few minutes earlier in another conversation (they texted, now they call), whose account and service
locations the account cache still holds (``frontdesk.capabilities.accounts``; a number with no account is
never kept, so the new customer's figures are the same both times). Prints a table of goal and measured
calls, then each tool run's requests.

Calls that do not depend on each other run at once, so a flow waits for fewer round trips than it makes
calls. Every request here is held for ``--network-ms`` (default 100, about what one ServiceTitan call
takes from a server in the same region) before the sandbox answers; the table gives the round trips on
the flow's critical path, the time the flow spent waiting for ServiceTitan, and what the same calls would
take one after another.

Usage: python bench/calls_per_flow.py [--detail] [--network-ms MS]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from frontdesk.capabilities.accounts import AccountCache
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.pack import builtin_tools
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import ToolContext, ToolResult
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.servicetitan import ServiceTitanClient, ServiceTitanSettings

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # Monday, 10:00 in Springfield
GOALS = {"existing-customer booking": 5, "new-customer booking": 6, "job status": 3}
YES = "yes, please"
FIRST, AGAIN = "never", "minutes before"


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts the API requests (not token requests) that reach the sandbox, and when each ran.

    Each request is held for ``delay`` seconds first, standing in for the network and ServiceTitan.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.api_calls = 0
        self.spans: list[tuple[float, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/connect/"):
            return await self.inner.handle_async_request(request)
        self.api_calls += 1
        began = time.perf_counter()
        await asyncio.sleep(self.delay)
        response = await self.inner.handle_async_request(request)
        self.spans.append((began, time.perf_counter()))
        return response


def round_trips(spans: list[tuple[float, float]]) -> int:
    """The longest chain of requests each of which started after the one before had ended."""
    chain: list[int] = []
    ordered = sorted(spans)
    for i, (start, _) in enumerate(ordered):
        before = [chain[j] for j in range(i) if ordered[j][1] <= start]
        chain.append(1 + max(before, default=0))
    return max(chain, default=0)


@dataclass
class Conversation:
    """One conversation's guard state and context, and the tool runs made in it."""

    runner: ToolRunner
    ctx: ToolContext
    runs: list[ToolRun] = field(default_factory=list)

    def says(self, text: str) -> None:
        self.ctx.state.note_customer_message(text)

    async def call(self, tool_id: str, args: dict[str, Any]) -> ToolResult:
        self.ctx.extra["runs"] = self.runs
        result = await self.runner.run(self.ctx, tool_id, args)
        if result.status in ("error", "refused"):
            raise RuntimeError(f"{tool_id} {args}: {result.for_model()}")
        return result

    async def write(self, tool_id: str, args: dict[str, Any]) -> ToolResult:
        proposal = await self.call(tool_id, args)
        assert proposal.proposal is not None, proposal.for_model()
        self.says(YES)
        return await self.call(tool_id, {**args, "confirmation_id": proposal.proposal.confirmation_id})


async def existing_booking(talk: Conversation, who: tuple[str, str]) -> None:
    name, phone = who
    talk.says(f"Hi, this is {name}, {phone}. I need my annual furnace tune-up.")
    found = await talk.call("searchCustomers", {"phone": phone, "name": name})
    customer_id = found.data["customer"]["customerId"]
    slots = await talk.call(
        "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": ["Tuesday"]}
    )
    talk.says("The first one works")
    window = slots.data["windows"][0]["windowStart"]
    args = {"customerId": customer_id, "jobType": "HVAC Maintenance", "summary": "Annual furnace tune-up"}
    await talk.write("createAppointment", {**args, "windowStart": window})


async def new_booking(talk: Conversation, who: tuple[str, str]) -> None:
    name, phone = who
    talk.says(f"I'm {name}, {phone}, 742 Evergreen Terrace, Springfield IL 62704. My sink is leaking.")
    await talk.call("searchCustomers", {"phone": phone, "name": name})
    person = {"name": name, "phone": phone, "street": "742 Evergreen Terrace", "city": "Springfield"}
    created = await talk.write("createCustomer", {**person, "state": "IL", "zip": "62704"})
    customer_id = created.data["customerId"]
    slots = await talk.call(
        "getAvailableTimeSlots", {"jobType": "Leak Repair", "preferredDays": ["Wednesday"]}
    )
    talk.says("Wednesday morning is good")
    window = slots.data["windows"][0]["windowStart"]
    args = {"customerId": customer_id, "jobType": "Leak Repair", "summary": "Leak under the kitchen sink"}
    await talk.write("createAppointment", {**args, "windowStart": window})


async def job_status(talk: Conversation, who: tuple[str, str], job_number: str) -> None:
    name, phone = who
    talk.says(f"{name} here, {phone}. Where does job #{job_number} stand?")
    await talk.call("searchCustomers", {"phone": phone, "name": name})
    await talk.call("getJobStatus", {"jobNumber": job_number})


def path_of(run: ToolRun) -> list[str]:
    return [f"{e.method} {urlsplit(e.url).path.split(f'/{DEMO_TENANT}/', 1)[-1]}" for e in run.exchanges]


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--detail", action="store_true", help="list each request of the measured runs")
    parser.add_argument(
        "--network-ms", type=float, default=100.0, help="time each request is held (default 100)"
    )
    options = parser.parse_args()

    clock = FrozenClock(NOW)
    app = create_app(SandboxConfig(customers=60, seed=7, rate_limit_per_second=10**6), clock=clock)
    delay = options.network_ms / 1000
    counter = CountingTransport(httpx.ASGITransport(app=app), delay)
    settings = ServiceTitanSettings(
        _env_file=None,
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        app_key=DEMO_APP_KEY,
        environment="sandbox",
        api_url="http://sandbox",
    )
    profile = load_profile(demo_profile_path())
    sandbox = app.state.sandbox
    jobs = sandbox.store["jobs"].select(DEMO_TENANT)
    customers = {c["id"]: c for c in sandbox.store["customers"].select(DEMO_TENANT)}
    phones = {
        c["customerId"]: c["value"]
        for c in reversed(sandbox.store["contacts"].select(DEMO_TENANT))
        if c["type"] in ("Phone", "MobilePhone") and c["customerId"]
    }

    def person(customer_id: int) -> tuple[str, str]:
        return customers[customer_id]["name"], phones[customer_id]

    with_jobs = [j for j in jobs if j["customerId"] in phones]
    status_jobs: list[dict[str, Any]] = []
    for job in with_jobs:  # three jobs of three different customers
        if job["customerId"] not in {j["customerId"] for j in status_jobs}:
            status_jobs.append(job)
    status_jobs = status_jobs[:3]
    bookers = [cid for cid in phones if cid not in {j["customerId"] for j in status_jobs}][:3]
    newcomers = [
        ("Sarah Williams", "555-987-6543"),
        ("Tom Nguyen", "555-246-8100"),
        ("Ana Lopez", "555-864-2200"),
    ]

    async with ServiceTitanClient(
        settings, transport=counter, clock=clock, recorder=capture_exchange
    ) as client:
        cache = ReferenceCache(client)
        accounts = AccountCache(clock)
        runner = ToolRunner(builtin_tools().values(), secret=b"bench")
        numbers = iter(range(1, 100))

        def conversation() -> Conversation:
            state = GuardState(conversation_id=f"bench-{next(numbers)}")
            return Conversation(runner, ToolContext(client, profile, clock, state, cache, accounts=accounts))

        async def looked_up(who: tuple[str, str]) -> None:
            """An earlier conversation in which the customer gave their number and name, nothing more."""
            name, phone = who
            talk = conversation()
            talk.says(f"{name}, {phone}. Is my account with you?")
            await talk.call("searchCustomers", {"phone": phone, "name": name})

        flows: dict[str, Callable[[int], Awaitable[Conversation]]] = {}
        callers: dict[str, Callable[[int], tuple[str, str]]] = {
            "existing-customer booking": lambda i: person(bookers[i]),
            "new-customer booking": lambda i: newcomers[i],
            "job status": lambda i: person(status_jobs[i]["customerId"]),
        }

        async def run_existing(i: int) -> Conversation:
            talk = conversation()
            await existing_booking(talk, person(bookers[i]))
            return talk

        async def run_new(i: int) -> Conversation:
            talk = conversation()
            await new_booking(talk, newcomers[i])
            return talk

        async def run_status(i: int) -> Conversation:
            talk = conversation()
            job = status_jobs[i]
            await job_status(talk, person(job["customerId"]), str(job["jobNumber"]))
            return talk

        flows = {
            "existing-customer booking": run_existing,
            "new-customer booking": run_new,
            "job status": run_status,
        }
        for flow in flows.values():  # warm-up: fills the reference cache, signs in
            await flow(0)
        measured: dict[tuple[str, str], tuple[int, int, float, Conversation]] = {}
        for when, index in ((FIRST, 1), (AGAIN, 2)):
            for name, flow in flows.items():
                if when == AGAIN:
                    await looked_up(callers[name](index))
                before = counter.api_calls
                counter.spans.clear()
                talk = await flow(index)
                waited = sum(run.elapsed for run in talk.runs)
                calls = counter.api_calls - before
                measured[(name, when)] = (calls, round_trips(counter.spans), waited, talk)

    print(f"each request held {options.network_ms:g} ms; token requests not counted")
    print(
        f"{'flow':<28}{'number looked up':<20}{'goal':>5}{'calls':>7}{'round trips':>13}{'waited':>9}"
        f"{'one by one':>12}  tool calls (requests)"
    )
    for (name, when), (calls, trips, waited, talk) in sorted(
        measured.items(), key=lambda kv: list(GOALS).index(kv[0][0])
    ):
        goal = GOALS[name]
        steps = ", ".join(f"{run.tool_id}{'✓' if 'confirmation_id' in run.arguments else ''} ({len(run.exchanges)})"
                          for run in talk.runs)  # fmt: skip
        print(
            f"{name:<28}{when:<20}{goal:>5}{calls:>7}{trips:>13}{waited:>8.2f}s{calls * delay:>11.2f}s  {steps}"
        )
    if options.detail:
        for (name, when), (*_, talk) in measured.items():
            print(f"\n{name}, number looked up {when}")
            for run in talk.runs:
                print(f"  {run.tool_id}: {', '.join(path_of(run)) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
