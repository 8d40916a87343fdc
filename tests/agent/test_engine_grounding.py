"""A scripted LLM that claims what it never did: grounding catches it before the customer sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from frontdesk.agent.turns import safe_reply
from frontdesk.profile import BusinessProfile
from tests.agent.conftest import World
from tests.agent.llm_scripts import scripted, steps
from tests.fakes import Say


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_a_claimed_booking_is_corrected_by_the_retry(
    provider: str, chat: Callable[..., Any], world: World
) -> None:
    jobs_before = world.max_id("jobs")
    script = steps(
        Say("All set, you're booked for a tune-up!"),
        Say("I haven't booked anything yet. Could I have the phone number on your account to find openings?"),
    )
    with scripted(provider, script) as (server, model):
        talk = await chat(model)
        reply = await talk.say("Can you book me a furnace tune-up?")
    assert server.brain.errors == []

    assert reply.startswith("I haven't booked anything yet")
    assert "booked for" not in reply
    assert "[grounding check]" in server.requests[1].last_user_text  # the model was told what was wrong
    assert talk.replies[-1].grounding_violations == 1
    assert "grounding_violation" in talk.tags and "booked" not in talk.tags
    assert world.new_rows("jobs", jobs_before) == []
    (turn,) = await talk.running.store.turns(talk.id)
    assert [v["kind"] for v in turn.violations] == ["claim of booking"]
    conversation = await talk.running.store.get_conversation(talk.id)
    assert "grounding_violation" in conversation.outcome_tags


async def test_an_invented_job_number_twice_gets_the_safe_reply(
    chat: Callable[..., Any], profile: BusinessProfile
) -> None:
    script = steps(
        Say("Your job number is #482913, see you then."),
        Say("Sorry, the right job number is #482914."),
    )
    with scripted("openai", script) as (_, model):
        talk = await chat(model)
        reply = await talk.say("What's my job number?")

    assert reply == safe_reply(profile, [])
    assert "48291" not in reply and profile.phone in reply
    (turn,) = await talk.running.store.turns(talk.id)
    assert [(v["kind"], v["text"]) for v in turn.violations] == [
        ("job number", "482913"),
        ("job number", "482914"),
    ]
    assert "grounding_violation" in turn.tags
    messages = await talk.running.store.messages(talk.id)
    assert [m.text for m in messages if m.role == "receptionist"] == [reply]  # the invention was never stored
