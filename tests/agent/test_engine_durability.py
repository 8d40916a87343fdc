"""What survives trouble: a restart in the middle of a booking, a provider that fails mid-conversation,
and two messages to one conversation at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.agent.guided.model import guided_model
from frontdesk.agent.turns import unavailable_reply
from frontdesk.clock import FrozenClock
from frontdesk.profile import BusinessProfile
from tests.agent.conftest import Conversation, World
from tests.agent.llm_scripts import ROBERT_LINES, quick_openai_model, robert_steps, scripted, steps
from tests.fakes import Fail, Say, fake_openai


async def test_a_restart_after_the_proposal_books_once_on_yes(
    open_running: Callable[..., Any], world: World
) -> None:
    jobs_before = world.max_id("jobs")
    script = robert_steps()
    again = script[-2:]  # a second "yes": the model confirms once more, with the same id
    with scripted("openai", steps(*script, *again)) as (server, model):
        first = await open_running(model)
        talk = Conversation(first, await first.receptionist.start())
        for line in ROBERT_LINES[:3]:
            await talk.say(line)
        await first.aclose()  # the process goes away with the proposal pending

        second = await open_running(model)  # same SQLite file, same secret
        resumed = Conversation(second, talk.id)
        done = await resumed.say("Yes please")
        again_reply = await resumed.say("yes")
    assert server.brain.errors == []

    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1
    assert f"#{jobs[0]['jobNumber']}" in done and f"#{jobs[0]['jobNumber']}" in again_reply
    assert ("createAppointment", "ok") in resumed.tools and ("createAppointment", "repeat") in resumed.tools
    assert "booked" in resumed.tags
    turns = await second.store.turns(talk.id)
    assert len(turns) == 5 and [r.tool_id for r in turns[3].tool_runs] == ["createAppointment"]


async def test_a_provider_failure_fails_over_to_the_guided_model(
    chat: Callable[..., Any], profile: BusinessProfile, clock: FrozenClock
) -> None:
    script = steps(
        Say("I'd be glad to set that up. May I have your name and the phone number on your account?"),
        Fail(500, "upstream overloaded"),
    )
    with fake_openai(script) as server:
        talk = await chat(quick_openai_model(server), fallback=guided_model(profile, clock))
        await talk.say(ROBERT_LINES[0])
        reply = await talk.say(ROBERT_LINES[1])

    final = talk.replies[-1]
    assert final.failover and final.model == "openai:gpt-4o→guided"
    assert "failover" in final.outcome_tags and "failover" not in talk.replies[0].outcome_tags
    assert "HVAC Maintenance" in reply  # the guided model carried on with the booking
    turns = await talk.running.store.turns(talk.id)
    assert turns[-1].failover and "upstream overloaded" in (turns[-1].error or "")
    assert [r.tool_id for r in turns[-1].tool_runs][:1] == ["searchCustomers"]


async def test_without_a_fallback_the_customer_gets_a_way_to_reach_a_person(
    chat: Callable[..., Any], profile: BusinessProfile
) -> None:
    with fake_openai(steps(Fail(500))) as server:
        talk = await chat(quick_openai_model(server))
        reply = await talk.say("Is anyone there?")
    assert reply == unavailable_reply(profile) and profile.phone in reply
    assert talk.replies[-1].failover and "failover" in talk.tags


async def test_two_messages_at_once_are_answered_one_after_the_other(chat: Callable[..., Any]) -> None:
    active, most = 0, 0

    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        nonlocal active, most
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.05)
        active -= 1
        seen = sum(1 for m in messages if isinstance(m, ModelResponse))
        return ModelResponse(parts=[TextPart(f"Answer {seen + 1}.")])

    talk = await chat(FunctionModel(slow))
    await asyncio.gather(talk.say("first message"), talk.say("second message"))

    assert most == 1
    messages = await talk.running.store.messages(talk.id)
    assert [m.role for m in messages] == ["customer", "receptionist", "customer", "receptionist"]
    # the second turn saw the first one's answer in its history
    assert [m.text for m in messages if m.role == "receptionist"] == ["Answer 1.", "Answer 2."]
    conversation = await talk.running.store.get_conversation(talk.id)
    assert len(conversation.model_history) == 4
