"""The receptionist's turns land in the store: a scripted model, the real ToolRunner and the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.agent.receptionist import Parts, Receptionist
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.runner import ToolRunner
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_SECRET
from frontdesk.servicetitan import ServiceTitanClient
from frontdesk.store import ConversationLocks, ConversationStore
from tests.capabilities.conftest import sandbox_settings


def scripted(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Looks the caller up once, then answers from what the tool said."""
    returned = [p for m in messages for p in getattr(m, "parts", []) if isinstance(p, ToolReturnPart)]
    if not returned:
        return ModelResponse(
            parts=[ToolCallPart("searchCustomers", {"phone": "555-123-4567", "name": "Robert Johnson"})]
        )
    return ModelResponse(parts=[TextPart("Thanks, Robert — I found your account. How can I help?")])


@pytest.fixture
async def receptionist(store: ConversationStore, clock: FrozenClock) -> AsyncIterator[Receptionist]:
    app = create_app(SandboxConfig(customers=20, seed=7, rate_limit_per_second=10**6), clock=clock)
    client = ServiceTitanClient(
        sandbox_settings(), transport=httpx.ASGITransport(app=app), clock=clock, recorder=capture_exchange
    )
    parts = Parts(
        profile=load_profile(demo_profile_path()),
        client=client,
        runner=ToolRunner([SearchCustomers()], secret=b"test"),
        reference=None,
        capabilities=[],
        store=store,
        locks=ConversationLocks(),
        clock=clock,
        model=FunctionModel(scripted),
        model_label="scripted",
    )
    yield Receptionist(parts)
    await client.aclose()


async def test_a_turn_is_stored_with_its_tool_run_and_the_verified_state(
    receptionist: Receptionist, store: ConversationStore
) -> None:
    conversation_id = await receptionist.start(channel="sms", external_ref="+15551234567")
    reply = await receptionist.answer(conversation_id, "Hi, this is Robert Johnson, 555-123-4567")

    assert [(m.seq, m.role) for m in await store.messages(conversation_id)] == [
        (1, "customer"),
        (2, "receptionist"),
    ]
    [turn] = await store.turns(conversation_id)
    assert turn.id == reply.turn_id and turn.model == "scripted" and not turn.failover
    assert (turn.customer_message_seq, turn.reply_seq) == (1, 2)
    assert turn.usage is not None and turn.usage["requests"] == 2
    assert set(turn.timings) == {"total", "model", "tools", "engine"}
    [run] = turn.tool_runs
    assert run.tool_id == "searchCustomers" and run.result["status"] == "ok"
    assert any("/crm/v2/" in e["url"] for e in run.exchanges)

    conversation = await store.get_conversation(conversation_id)
    assert conversation is not None and conversation.guard_state is not None
    assert conversation.guard_state["verified_customer_id"] == 10000001
    assert conversation.model_history  # the next turn continues this history

    raw = str(await store.turns(conversation_id))
    assert DEMO_CLIENT_SECRET not in raw and DEMO_APP_KEY not in raw


async def test_the_next_turn_continues_from_the_stored_state(
    receptionist: Receptionist, store: ConversationStore
) -> None:
    conversation_id = await receptionist.start()
    await receptionist.answer(conversation_id, "Hi, this is Robert Johnson, 555-123-4567")
    await receptionist.answer(conversation_id, "Thanks!")
    turns = await store.turns(conversation_id)
    assert [(t.customer_message_seq, t.reply_seq) for t in turns] == [(1, 2), (3, 4)]
    assert turns[1].tool_runs == []  # the history shows the lookup already happened
    conversation = await store.get_conversation(conversation_id)
    assert conversation is not None and len(conversation.model_history) > 4


async def test_the_stored_history_leaves_out_the_instructions_each_turn_rebuilds(
    receptionist: Receptionist, store: ConversationStore
) -> None:
    seen: list[str | None] = []

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.instructions)
        return scripted(messages, info)

    receptionist.parts.model = FunctionModel(model)
    conversation_id = await receptionist.start()
    await receptionist.answer(conversation_id, "Hi, this is Robert Johnson, 555-123-4567")
    await receptionist.answer(conversation_id, "Thanks!")

    # every request of both turns was sent with the business's instructions, the verified state included
    assert len(seen) == 3 and all(text and "Capital City Home Services" in text for text in seen)
    assert seen[-1] is not None and "verified" in seen[-1].lower()
    conversation = await store.get_conversation(conversation_id)
    assert conversation is not None and len(conversation.model_history) == 6
    assert all(not message.get("instructions") for message in conversation.model_history)
