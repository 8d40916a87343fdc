"""A turn's log, as the engine writes it, stored and read back as its explanation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic_ai.usage import RunUsage
from sqlalchemy import select

from frontdesk.agent.grounding import Violation
from frontdesk.agent.turns import TurnLog
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import Fact, ToolContext, ToolResult
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_SECRET
from frontdesk.servicetitan import ServiceTitanClient
from frontdesk.servicetitan.recorder import Exchange
from frontdesk.store import ConversationStore
from frontdesk.store.models import Base
from tests.capabilities.conftest import sandbox_settings

STARTED = datetime(2026, 3, 9, 15, 0, 1, tzinfo=UTC)


def hand_built_log(conversation_id: str, customer_seq: int) -> TurnLog:
    exchange = Exchange(
        method="GET",
        url="https://api-integration.servicetitan.io/crm/v2/tenant/1/customers?phone=5551234567",
        request_headers={"Authorization": "Bearer hand-built-token-777", "Accept": "application/json"},
        request_body=None,
        status=200,
        response_headers={"content-type": "application/json"},
        response_body='{"data": [{"id": 10000001}]}',
        started_at=STARTED,
        elapsed=0.04,
        attempt=1,
    )
    result = ToolResult(
        data={"match": "found", "verified": True},
        facts=[Fact(kind="customer", value="Robert Johnson")],
        message="Verified.",
    )
    run = ToolRun("searchCustomers", {"phone": "555-123-4567", "name": "Robert Johnson"}, result, 1.0e9, 0.25)
    run.exchanges.append(exchange)
    return TurnLog(
        conversation_id=conversation_id,
        customer_message_seq=customer_seq,
        model="anthropic:claude→guided",
        failover=True,
        runs=[run],
        usage=RunUsage(input_tokens=900, output_tokens=120, requests=3),
        total_seconds=2.0,
        model_seconds=1.5,
        violations=[Violation("time", "9am")],
        tags=["failover", "grounding_violation"],
        error="APIConnectionError: provider down",
    )


async def test_a_turn_log_is_stored_as_its_explanation(store: ConversationStore) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    customer = await store.add_message(conversation.id, "customer", "I'm Robert Johnson, 555-123-4567")
    log = hand_built_log(conversation.id, customer.seq)

    turn_id = await log.save(store, "Thanks, Robert — I found your account.")

    assert [(m.seq, m.role, m.text) for m in await store.messages(conversation.id)] == [
        (1, "customer", "I'm Robert Johnson, 555-123-4567"),
        (2, "receptionist", "Thanks, Robert — I found your account."),
    ]
    [turn] = await store.turns(conversation.id)
    assert turn.id == turn_id and (turn.customer_message_seq, turn.reply_seq) == (1, 2)
    assert turn.model == "anthropic:claude→guided" and turn.failover is True
    assert turn.usage == {"input_tokens": 900, "output_tokens": 120, "requests": 3}
    assert turn.timings == {"total": 2.0, "model": 1.5, "tools": 0.25, "engine": 0.25}
    assert turn.violations == [{"kind": "time", "text": "9am"}]
    assert turn.tags == ["failover", "grounding_violation"]
    assert turn.error == "APIConnectionError: provider down"
    [run] = turn.tool_runs
    assert run.tool_id == "searchCustomers" and run.arguments["name"] == "Robert Johnson"
    assert run.result["data"] == {"match": "found", "verified": True}
    assert run.result["facts"] == [{"kind": "customer", "value": "Robert Johnson", "forms": []}]
    assert (run.started, run.elapsed) == (1.0e9, 0.25)
    [exchange] = run.exchanges
    assert exchange["status"] == 200 and exchange["started_at"] == "2026-03-09T15:00:01+00:00"
    assert exchange["request_headers"] == {"Authorization": "[redacted]", "Accept": "application/json"}
    assert (await store.stats()).grounding_violations == 1


async def test_a_turn_that_never_reached_the_model_has_no_usage(store: ConversationStore) -> None:
    conversation = await store.create_conversation(business="acme", channel="sms")
    customer = await store.add_message(conversation.id, "customer", "hello?")
    log = TurnLog(conversation.id, customer.seq, "guided", True, [], None, 0.01, 0.0)
    await log.save(store, "We're having trouble right now.")
    [turn] = await store.turns(conversation.id)
    assert turn.usage is None and turn.tool_runs == [] and turn.violations == []


# --- with a real tool run on the sandbox ----------------------------------------------------------


@pytest.fixture
async def st_client(clock: FrozenClock) -> AsyncIterator[ServiceTitanClient]:
    app = create_app(SandboxConfig(customers=20, seed=7, rate_limit_per_second=10**6), clock=clock)
    client = ServiceTitanClient(
        sandbox_settings(), transport=httpx.ASGITransport(app=app), clock=clock, recorder=capture_exchange
    )
    yield client
    await client.aclose()


async def test_a_real_tool_runs_exchanges_are_stored_without_credentials(
    store: ConversationStore, st_client: ServiceTitanClient, clock: FrozenClock
) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    text = "Hi, this is Robert Johnson, my number is (555) 123-4567"
    customer = await store.add_message(conversation.id, "customer", text)
    state = GuardState(conversation_id=conversation.id)
    state.note_customer_message(text)
    runs: list[ToolRun] = []
    ctx = ToolContext(st_client, load_profile(demo_profile_path()), clock, state, None, extra={"runs": runs})
    result = await ToolRunner([SearchCustomers()], secret=b"test").run(
        ctx, "searchCustomers", {"phone": "555.123.4567", "name": "robert johnson"}
    )
    assert result.ok and runs and runs[0].exchanges  # the lookup really went to the sandbox

    log = TurnLog(conversation.id, customer.seq, "test", False, runs, None, 1.0, 0.5)
    await log.save(store, "Thanks, Robert.")

    [turn] = await store.turns(conversation.id)
    stored = turn.tool_runs[0].exchanges
    assert len(stored) == len(runs[0].exchanges)
    api = [e for e in stored if e["kind"] == "api"]
    assert api and all(e["request_headers"]["authorization"] == "[redacted]" for e in api)
    assert all(e["request_headers"]["st-app-key"] == "[redacted]" for e in api)
    assert any("/customers" in e["url"] and e["status"] == 200 for e in stored)

    dump: list[str] = []
    async with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            dump.extend(str(row) for row in await connection.execute(select(table)))
    raw = "\n".join(dump)
    assert "Robert Johnson" in raw
    assert DEMO_CLIENT_SECRET not in raw and DEMO_APP_KEY not in raw
    assert "Bearer " not in raw.replace("Bearer [redacted]", "")
