"""Reads that do not depend on each other go to ServiceTitan at once, and still land in the tool's record.

Against ServiceTitan every call is a network round trip the customer waits for. Each request here is held
for a moment before the sandbox answers, and the test notes which requests were in flight together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.guards.identity import grant
from frontdesk.capabilities.pack.booking import CreateAppointment
from frontdesk.capabilities.pack.scheduling import GetAvailableTimeSlots
from frontdesk.capabilities.pack.status import GetJobStatus
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.together import together
from frontdesk.capabilities.tool import ToolContext
from frontdesk.clock import FrozenClock
from frontdesk.profile import BusinessProfile
from frontdesk.sandbox.config import DEMO_TENANT
from frontdesk.servicetitan import ServiceTitanClient
from frontdesk.servicetitan.errors import NotFound
from tests.capabilities.conftest import sandbox_settings


class Overlaps(httpx.AsyncBaseTransport):
    """Holds every API request briefly and records which others were in flight beside it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.in_flight: set[str] = set()
        self.beside: dict[str, set[str]] = {}
        self.order: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/connect/"):
            return await self.inner.handle_async_request(request)
        name = f"{request.method} {request.url.path.split(f'/{DEMO_TENANT}/', 1)[-1]}"
        self.order.append(name)
        self.beside.setdefault(name, set()).update(self.in_flight)
        for other in self.in_flight:
            self.beside.setdefault(other, set()).add(name)
        self.in_flight.add(name)
        try:
            await asyncio.sleep(0.01)
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight.discard(name)

    def together(self, a: str, b: str) -> bool:
        return b in self.beside.get(a, set())


@pytest.fixture
def wire(st_app: Starlette) -> Overlaps:
    return Overlaps(httpx.ASGITransport(app=st_app))


@pytest.fixture
async def client(wire: Overlaps, clock: FrozenClock) -> AsyncIterator[ServiceTitanClient]:
    client = ServiceTitanClient(sandbox_settings(), transport=wire, clock=clock, recorder=capture_exchange)
    yield client
    await client.aclose()


def robert_ctx(client: ServiceTitanClient, profile: BusinessProfile, clock: FrozenClock) -> ToolContext:
    state = GuardState(conversation_id="robert")
    state.note_customer_message("Hi, this is Robert Johnson, 555-123-4567. I need my annual tune-up.")
    grant(state, 10000001, ["phone", "name"])
    return ToolContext(client, profile, clock, state, ReferenceCache(client))


async def test_the_yes_checks_window_and_open_jobs_at_once_and_reads_back_job_and_technician_at_once(
    client: ServiceTitanClient, wire: Overlaps, profile: BusinessProfile, clock: FrozenClock
) -> None:
    runs: list[ToolRun] = []
    runner = ToolRunner([GetAvailableTimeSlots(), CreateAppointment()], secret=b"test", on_run=runs.append)
    ctx = robert_ctx(client, profile, clock)
    slots = await runner.run(
        ctx,
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": ["2026-03-10"], "technician": "Mike"},
    )
    args: dict[str, Any] = {
        "customerId": 10000001,
        "jobType": "HVAC Maintenance",
        "summary": "Annual furnace tune-up",
        "windowStart": slots.data["windows"][0]["windowStart"],
        "technician": "Mike",
    }
    ctx.state.note_customer_message("The first one, with Mike")
    proposal = await runner.run(ctx, "createAppointment", args)
    assert proposal.proposal is not None, proposal.for_model()
    ctx.state.note_customer_message("yes please")
    wire.order.clear()
    done = await runner.run(
        ctx, "createAppointment", {**args, "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert done.status == "ok", done.for_model()
    assert done.data["technicians"] == ["Mike Rodriguez"] and done.data["window"].startswith(
        "Tuesday, March 10"
    )
    job = f"GET jobs/{done.data['jobId']}"
    assert wire.together("POST capacity", "GET jobs")
    assert wire.together(job, "GET appointment-assignments")
    # the write goes alone, after both checks and before both reads
    assert wire.beside["POST jobs"] == set()
    assert wire.order.index("POST jobs") == 2 and set(wire.order[3:]) == {job, "GET appointment-assignments"}
    # every request of the yes is in the tool's record (the "Explanation" shows them)
    recorded = [
        f"{e.method} {e.url.split(f'/{DEMO_TENANT}/', 1)[-1].split('?')[0]}" for e in runs[-1].exchanges
    ]
    assert sorted(recorded) == sorted(wire.order)


async def test_job_status_reads_visits_and_technicians_at_once(
    client: ServiceTitanClient, wire: Overlaps, profile: BusinessProfile, clock: FrozenClock
) -> None:
    runner = ToolRunner([GetJobStatus()], secret=b"test")
    result = await runner.run(robert_ctx(client, profile, clock), "getJobStatus", {"jobNumber": "100003"})
    assert result.ok and result.data["visits"][0]["technicians"] == ["Mike Rodriguez"]
    assert wire.order[0] == "GET jobs" and wire.together("GET appointments", "GET appointment-assignments")


async def test_together_gives_both_results_or_the_first_failure_itself() -> None:
    async def value(x: int) -> int:
        await asyncio.sleep(0)
        return x

    assert await together(value(1), value(2)) == (1, 2)

    stopped = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            stopped.set()
            raise

    async def fails() -> None:
        await asyncio.sleep(0)
        raise NotFound("no such job")

    with pytest.raises(NotFound):  # the error the tool would have met alone, not an exception group
        await together(slow(), fails())
    assert stopped.is_set()  # the other call was stopped, not left running
