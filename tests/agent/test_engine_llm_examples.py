"""The guide's two example conversations, played by a scripted LLM through pydantic-ai's real OpenAI and
Anthropic providers (fake servers on loopback) against the sandbox: the engine, the tools, the two-step
writes and grounding all run as they would with a real model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.agent.conftest import World
from tests.agent.llm_scripts import ROBERT_LINES, SARAH_LINES, robert_steps, sarah_steps, scripted, steps

CHICAGO = ZoneInfo("America/Chicago")
PROVIDERS = ["openai", "anthropic"]


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(CHICAGO)


def _writes(server: Any, tool: str) -> list[dict[str, Any]]:
    """The arguments of every call of ``tool`` the model made."""
    return [call.arguments for reply in server.brain.replies for call in reply.calls if call.name == tool]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_robert_johnson_books_hvac_maintenance(
    provider: str, chat: Callable[..., Any], world: World
) -> None:
    jobs_before = world.max_id("jobs")
    with scripted(provider, steps(*robert_steps())) as (server, model):
        talk = await chat(model)
        await talk.say(ROBERT_LINES[0])
        windows = await talk.say(ROBERT_LINES[1])
        proposal = await talk.say(ROBERT_LINES[2])
        assert world.new_rows("jobs", jobs_before) == []  # nothing written before the customer's yes
        done = await talk.say(ROBERT_LINES[3])
    assert server.brain.errors == []

    assert "HVAC Maintenance" in windows and "March 1" in windows
    assert "Tuesday, March 17, 2:00 PM – 4:00 PM" in proposal and "1234 Main Street" in proposal
    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1
    job = jobs[0]
    robert = world.rows("customers", name="Robert Johnson")[0]
    assert job["customerId"] == robert["id"]
    assert world.rows("job_types", id=job["jobTypeId"])[0]["name"] == "HVAC Maintenance"
    assert "HVAC" in world.rows("business_units", id=job["businessUnitId"])[0]["name"]
    assert job["priority"] == "Normal"
    start = _local(world.rows("appointments", jobId=job["id"])[0]["arrivalWindowStart"])
    assert (start.month, start.day, start.hour) == (3, 17, 14)
    assert f"#{job['jobNumber']}" in done and "Tuesday, March 17, 2:00 PM – 4:00 PM" in done
    assert "booked" in talk.tags and "grounding_violation" not in talk.tags
    assert talk.replies[-1].model == f"{provider}:{model.model_name}"

    # the model searched with what the customer typed, proposed first, then confirmed with the id it got
    assert _writes(server, "searchCustomers") == [{"name": "Robert Johnson", "phone": "(555) 123-4567"}]
    first, second = _writes(server, "createAppointment")
    assert "confirmation_id" not in first and second["confirmation_id"].startswith("cf_")
    assert server.requests[0].tool_names and "createAppointment" in server.requests[0].tool_names


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_sarah_williams_new_customer_books_a_plumber(
    provider: str, chat: Callable[..., Any], world: World
) -> None:
    customers_before, jobs_before = world.max_id("customers"), world.max_id("jobs")
    with scripted(provider, steps(*sarah_steps())) as (server, model):
        talk = await chat(model)
        replies = [await talk.say(line) for line in SARAH_LINES[:3]]
        assert world.new_rows("customers", customers_before) == []
        replies += [await talk.say(line) for line in SARAH_LINES[3:]]
    assert server.brain.errors == []

    assert "Sarah Williams" in replies[2] and "456 Oak Street" in replies[2]
    assert "Leak Repair" in replies[3] and "Wednesday, March 11" in replies[3]
    assert "Wednesday, March 11, 10:00 AM – 12:00 PM" in replies[4]
    customers = world.new_rows("customers", customers_before)
    assert [c["name"] for c in customers] == ["Sarah Williams"]
    sarah = customers[0]
    assert sarah["address"]["street"] == "456 Oak Street" and sarah["address"]["zip"] == "62701"
    location = world.rows("locations", customerId=sarah["id"])[0]
    assert location["address"]["city"] == "Springfield"
    contacts = {(c["type"], c["value"]) for c in world.contacts_of(sarah["id"])}
    assert ("Phone", "5559876543") in contacts and ("Email", "sarah.williams@email.com") in contacts
    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1
    job = jobs[0]
    assert job["customerId"] == sarah["id"] and job["locationId"] == location["id"]
    assert world.rows("job_types", id=job["jobTypeId"])[0]["name"] == "Leak Repair"
    assert "Plumbing" in world.rows("business_units", id=job["businessUnitId"])[0]["name"]
    assert "garbage disposal" in job["summary"]
    assert job["priority"] in ("High", "Normal")  # the job type's own priority, not an emergency
    start = _local(world.rows("appointments", jobId=job["id"])[0]["arrivalWindowStart"])
    assert (start.month, start.day, start.hour) == (3, 11, 10)
    assert f"#{job['jobNumber']}" in replies[-1]
    assert {"booked", "new_customer"} <= talk.tags and "grounding_violation" not in talk.tags
    created = _writes(server, "createCustomer")
    assert len(created) == 2 and "confirmation_id" in created[1]
