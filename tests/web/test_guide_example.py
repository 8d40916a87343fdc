"""The guide's Example 1 typed into the chat API: Robert Johnson books HVAC maintenance, with the guided
model against the sandbox. Frontdesk reads the booking back and waits for a yes before writing it."""

from __future__ import annotations

import httpx

from tests.agent.conftest import World


async def test_example_1_books_through_the_http_api(api: httpx.AsyncClient, world: World) -> None:
    jobs_before = world.max_id("jobs")
    conversation = (await api.post("/api/conversations", json={"channel": "widget"})).json()["id"]

    async def say(text: str) -> str:
        answer = await api.post(f"/api/conversations/{conversation}/messages", json={"text": text})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["text"])

    reply = await say(
        "Hi, I'd like to schedule an HVAC maintenance appointment for my home. "
        "Can you check what's available next week?"
    )
    assert "phone" in reply.lower()
    reply = await say("Sure, it's Robert Johnson and my phone number is (555) 123-4567.")
    assert "HVAC Maintenance" in reply and "Tuesday, March 17" in reply
    reply = await say("Tuesday at 2 PM would be perfect. Can you book that for me?")
    assert "Tuesday, March 17, 2:00 PM – 4:00 PM" in reply
    assert world.new_rows("jobs", jobs_before) == []  # nothing written before the customer's yes
    answer = await api.post(f"/api/conversations/{conversation}/messages", json={"text": "Yes please"})
    booked = answer.json()

    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1
    robert = world.rows("customers", name="Robert Johnson")[0]
    assert jobs[0]["customerId"] == robert["id"]
    assert f"#{jobs[0]['jobNumber']}" in booked["text"]
    assert "booked" in booked["outcome_tags"]

    transcript = (await api.get(f"/api/conversations/{conversation}")).json()
    assert transcript["channel"] == "widget"
    assert "booked" in transcript["outcome_tags"]
    assert sum(m["role"] == "customer" for m in transcript["messages"]) == 4
