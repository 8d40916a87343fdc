"""The guide's two example conversations, typed as the guide types them, served offline by the guided
model against the sandbox. Frontdesk reads every write back and waits for a yes, so each write adds one
"yes" from the customer to the guide's script."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.agent.conftest import World

CHICAGO = ZoneInfo("America/Chicago")


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(CHICAGO)


async def test_example_1_robert_johnson_books_hvac_maintenance(
    chat: Callable[..., Any], world: World
) -> None:
    jobs_before = world.max_id("jobs")
    talk = await chat()
    reply = await talk.say(
        "Hi, I'd like to schedule an HVAC maintenance appointment for my home. "
        "Can you check what's available next week?"
    )
    assert "phone" in reply.lower()
    reply = await talk.say("Sure, it's Robert Johnson and my phone number is (555) 123-4567.")
    assert "HVAC Maintenance" in reply and "March 1" in reply  # windows of next week (March 16–20)
    reply = await talk.say("Tuesday at 2 PM would be perfect. Can you book that for me?")
    assert "Tuesday, March 17, 2:00 PM – 4:00 PM" in reply and "1234 Main Street" in reply
    assert world.new_rows("jobs", jobs_before) == []  # nothing written before the customer's yes
    reply = await talk.say("Yes please")

    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1
    job = jobs[0]
    robert = world.rows("customers", name="Robert Johnson")[0]
    assert job["customerId"] == robert["id"]
    job_type = world.rows("job_types", id=job["jobTypeId"])[0]
    assert job_type["name"] == "HVAC Maintenance"
    unit = world.rows("business_units", id=job["businessUnitId"])[0]
    assert "HVAC" in unit["name"]
    campaign = world.rows("campaigns", id=job["campaignId"])[0]
    assert campaign["name"] == "Website Chat"
    appointment = world.rows("appointments", jobId=job["id"])[0]
    start = _local(appointment["arrivalWindowStart"])
    assert (start.month, start.day, start.hour) == (3, 17, 14)
    assert f"#{job['jobNumber']}" in reply and "Tuesday, March 17, 2:00 PM – 4:00 PM" in reply
    assert "booked" in talk.tags


async def test_example_2_sarah_williams_new_customer_books_a_plumber(
    chat: Callable[..., Any], world: World
) -> None:
    customers_before, jobs_before = world.max_id("customers"), world.max_id("jobs")
    talk = await chat()
    await talk.say(
        "Hi, my kitchen sink has been leaking and I need a plumber. Can someone come out this week?"
    )
    reply = await talk.say(
        "I'm Sarah Williams, phone number is (555) 987-6543. I think this might be my first time calling your company."
    )
    assert "address" in reply.lower()
    reply = await talk.say(
        "My email is sarah.williams@email.com and the address is 456 Oak Street, Springfield, IL 62701. "
        "The leak is coming from under the sink - looks like it's from one of the pipes connecting to the "
        "garbage disposal."
    )
    assert "Sarah Williams" in reply and "456 Oak Street" in reply
    assert world.new_rows("customers", customers_before) == []
    reply = await talk.say("Yes, that's right")
    assert "Leak Repair" in reply and "Wednesday, March 11" in reply
    reply = await talk.say("Wednesday at 10 AM would be great!")
    assert "Wednesday, March 11, 10:00 AM – 12:00 PM" in reply
    reply = await talk.say("yes")

    customers = world.new_rows("customers", customers_before)
    assert [c["name"] for c in customers] == ["Sarah Williams"]
    sarah = customers[0]
    assert sarah["address"]["street"] == "456 Oak Street" and sarah["address"]["zip"] == "62701"
    location = world.rows("locations", customerId=sarah["id"])[0]
    assert location["address"]["city"] == "Springfield" and location["address"]["country"]
    contacts = {(c["type"], c["value"]) for c in world.contacts_of(sarah["id"])}
    assert ("Phone", "5559876543") in contacts and ("Email", "sarah.williams@email.com") in contacts
    job = world.new_rows("jobs", jobs_before)[0]
    assert job["customerId"] == sarah["id"] and job["locationId"] == location["id"]
    assert world.rows("job_types", id=job["jobTypeId"])[0]["name"] == "Leak Repair"
    assert "Plumbing" in world.rows("business_units", id=job["businessUnitId"])[0]["name"]
    assert "garbage disposal" in job["summary"]
    appointment = world.rows("appointments", jobId=job["id"])[0]
    start = _local(appointment["arrivalWindowStart"])
    assert (start.month, start.day, start.hour) == (3, 11, 10)
    assert f"#{job['jobNumber']}" in reply
    assert {"booked", "new_customer"} <= talk.tags
