"""The conversation store, on SQLite and PostgreSQL: what a channel, the engine and the console rely on."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.store import ConversationStore, ToolRunRecord, TurnRecord
from frontdesk.store.conversations import CHECKPOINT_EVERY
from tests.store.conftest import Database


def a_turn(customer_seq: int, **changes: object) -> TurnRecord:
    values: dict[str, object] = {
        "customer_message_seq": customer_seq,
        "model": "openai:gpt-4.1-mini",
        "usage": {"input_tokens": 812, "output_tokens": 64, "requests": 2},
        "timings": {"total": 1.5, "model": 1.0, "tools": 0.25, "engine": 0.25},
        "tool_runs": [
            ToolRunRecord(
                tool_id="check_availability",
                arguments={"date": "2026-03-10"},
                result={"status": "ok", "data": {"slots": ["8-12"]}},
                started=1_773_068_400.0,
                elapsed=0.2,
                exchanges=[
                    {"method": "GET", "url": "https://api.example/a", "status": 200, "response_body": "{}"},
                    {"method": "GET", "url": "https://api.example/b", "status": 200, "response_body": "[]"},
                ],
            ),
            ToolRunRecord(
                tool_id="book_appointment",
                arguments={"slot": "8-12"},
                result={"status": "proposal"},
                started=1_773_068_400.5,
                elapsed=0.05,
            ),
        ],
    }
    values.update(changes)
    return TurnRecord(**values)  # type: ignore[arg-type]


# --- conversations --------------------------------------------------------------------------------


async def test_a_created_conversation_can_be_read_back(store: ConversationStore, clock: FrozenClock) -> None:
    created = await store.create_conversation(
        business="acme", channel="sms", external_ref="+15555550100", caller_id="+15555550100"
    )
    assert created.id == "id-0001"
    assert (created.guard_state, created.model_history, created.outcome_tags) == (None, [], [])

    loaded = await store.get_conversation(created.id)
    assert loaded == created
    assert loaded is not None and loaded.created_at == clock.now() and loaded.created_at.tzinfo is not None
    assert await store.get_conversation("nope") is None


async def test_an_sms_thread_is_found_by_its_phone_number(
    store: ConversationStore, clock: FrozenClock
) -> None:
    first = await store.create_conversation(business="acme", channel="sms", external_ref="+15555550100")
    other = await store.create_conversation(business="acme", channel="sms", external_ref="+15555550199")
    await store.create_conversation(business="acme", channel="chat", external_ref="+15555550100")
    await store.create_conversation(business="globex", channel="sms", external_ref="+15555550100")

    found = await store.find_conversation("acme", "sms", "+15555550100")
    assert found is not None and found.id == first.id
    found = await store.find_conversation("acme", "sms", "+15555550199")
    assert found is not None and found.id == other.id
    assert await store.find_conversation("acme", "sms", "+15555550111") is None

    clock.advance(timedelta(days=2))
    newer = await store.create_conversation(business="acme", channel="sms", external_ref="+15555550100")
    found = await store.find_conversation("acme", "sms", "+15555550100")
    assert found is not None and found.id == newer.id


async def test_conversations_are_listed_newest_first_by_business_and_tag(
    store: ConversationStore, clock: FrozenClock
) -> None:
    ids = []
    for i in range(5):
        conversation = await store.create_conversation(
            business="acme" if i != 2 else "globex", channel="chat"
        )
        ids.append(conversation.id)
        clock.advance(60)
    await store.update_state(ids[0], outcome_tags=["booked"])
    await store.update_state(ids[3], outcome_tags=["booked", "new_customer"])

    assert [c.id for c in await store.list_conversations()] == ids[::-1]
    assert [c.id for c in await store.list_conversations("acme")] == [ids[4], ids[3], ids[1], ids[0]]
    assert [c.id for c in await store.list_conversations("acme", limit=2, offset=1)] == [ids[3], ids[1]]
    assert [c.id for c in await store.list_conversations(tag="booked")] == [ids[3], ids[0]]
    assert [c.id for c in await store.list_conversations("acme", tag="new_customer")] == [ids[3]]
    assert await store.list_conversations("globex", tag="booked") == []


async def test_state_is_replaced_and_what_is_not_given_stays(
    store: ConversationStore, clock: FrozenClock
) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    guard = {"conversation_id": conversation.id, "verified_customer_id": 42, "facts": [{"kind": "date"}]}
    history = [{"kind": "request", "parts": [{"content": "hi", "part_kind": "user-prompt"}]}]
    clock.advance(30)
    await store.update_state(
        conversation.id,
        guard_state=guard,
        model_history=history,
        outcome_tags=["new_customer", "booked", "booked"],
    )
    loaded = await store.get_conversation(conversation.id)
    assert loaded is not None
    assert loaded.guard_state == guard
    assert loaded.model_history == history
    assert loaded.outcome_tags == ["booked", "new_customer"]
    assert loaded.updated_at == conversation.created_at + timedelta(seconds=30)

    await store.update_state(conversation.id, outcome_tags=["failover"])
    loaded = await store.get_conversation(conversation.id)
    assert loaded is not None and loaded.guard_state == guard and loaded.outcome_tags == ["failover"]
    assert [c.id for c in await store.list_conversations(tag="booked")] == []

    with pytest.raises(KeyError):
        await store.update_state("nope", outcome_tags=[])


# --- messages -------------------------------------------------------------------------------------


async def test_messages_are_numbered_per_conversation(store: ConversationStore, clock: FrozenClock) -> None:
    one = await store.create_conversation(business="acme", channel="chat")
    two = await store.create_conversation(business="acme", channel="chat")
    await store.add_message(one.id, "customer", "My AC stopped working")
    await store.add_message(two.id, "customer", "Hello")
    clock.advance(5)
    reply = await store.add_message(one.id, "receptionist", "I'm sorry to hear that — let's get it fixed.")
    staff = await store.add_message(one.id, "staff", "Called back at 3pm")

    assert (reply.seq, reply.role, reply.created_at) == (2, "receptionist", clock.now())
    assert staff.seq == 3
    listed = await store.messages(one.id)
    assert [(m.seq, m.role, m.text) for m in listed] == [
        (1, "customer", "My AC stopped working"),
        (2, "receptionist", "I'm sorry to hear that — let's get it fixed."),
        (3, "staff", "Called back at 3pm"),
    ]
    assert [m.seq for m in await store.messages(two.id)] == [1]
    assert await store.messages("nope") == []


async def test_a_message_needs_a_known_role_and_conversation(store: ConversationStore) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    with pytest.raises(ValueError, match="role"):
        await store.add_message(conversation.id, "assistant", "hi")
    with pytest.raises(KeyError):
        await store.add_message("nope", "customer", "hi")
    assert await store.messages(conversation.id) == []


async def test_concurrent_messages_get_distinct_consecutive_seqs(database: Database) -> None:
    # two stores on one database stand for two workers; each adds messages concurrently
    first, second = await database.open(), await database.open()
    try:
        conversation = await first.create_conversation(business="acme", channel="sms")
        added = await asyncio.gather(
            *(
                (first if i % 2 else second).add_message(conversation.id, "customer", f"message {i}")
                for i in range(40)
            )
        )
        assert sorted(m.seq for m in added) == list(range(1, 41))
        stored = await first.messages(conversation.id)
        assert [m.seq for m in stored] == list(range(1, 41))
        assert sorted(m.text for m in stored) == sorted(f"message {i}" for i in range(40))
        assert {m.seq: m.text for m in stored} == {m.seq: m.text for m in added}
    finally:
        await first.close()
        await second.close()


# --- turns ----------------------------------------------------------------------------------------


async def test_a_turn_is_stored_with_its_reply_tool_runs_and_exchanges(
    store: ConversationStore, clock: FrozenClock
) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    customer = await store.add_message(conversation.id, "customer", "Can someone come tomorrow?")
    turn_id = await store.save_turn(
        conversation.id,
        a_turn(customer.seq, violations=[{"kind": "time", "text": "9am"}], tags=["grounding_violation"]),
        reply="Tomorrow 8–12 is open. Shall I book it?",
    )

    messages = await store.messages(conversation.id)
    assert [(m.seq, m.role) for m in messages] == [(1, "customer"), (2, "receptionist")]
    [turn] = await store.turns(conversation.id)
    assert turn.id == turn_id and turn.conversation_id == conversation.id and turn.created_at == clock.now()
    assert (turn.customer_message_seq, turn.reply_seq) == (1, 2)
    assert turn.model == "openai:gpt-4.1-mini" and turn.failover is False and turn.error is None
    assert turn.usage == {"input_tokens": 812, "output_tokens": 64, "requests": 2}
    assert turn.timings == {"total": 1.5, "model": 1.0, "tools": 0.25, "engine": 0.25}
    assert turn.violations == [{"kind": "time", "text": "9am"}]
    assert turn.tags == ["grounding_violation"]
    assert [run.tool_id for run in turn.tool_runs] == ["check_availability", "book_appointment"]
    availability, booking = turn.tool_runs
    assert availability.arguments == {"date": "2026-03-10"}
    assert availability.result == {"status": "ok", "data": {"slots": ["8-12"]}}
    assert (availability.started, availability.elapsed) == (1_773_068_400.0, 0.2)
    assert [e["url"] for e in availability.exchanges] == ["https://api.example/a", "https://api.example/b"]
    assert booking.exchanges == []


async def test_turns_come_back_in_order(store: ConversationStore, clock: FrozenClock) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    for i in range(3):
        customer = await store.add_message(conversation.id, "customer", f"question {i}")
        await store.save_turn(conversation.id, a_turn(customer.seq, tool_runs=[]), reply=f"answer {i}")
        clock.advance(10)
    turns = await store.turns(conversation.id)
    assert [(t.customer_message_seq, t.reply_seq) for t in turns] == [(1, 2), (3, 4), (5, 6)]
    assert await store.turns("nope") == []


async def test_a_turn_without_a_reply_keeps_the_given_reply_seq(store: ConversationStore) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    await store.save_turn(conversation.id, a_turn(1, reply_seq=None, error="TimeoutError: model"))
    [turn] = await store.turns(conversation.id)
    assert turn.reply_seq is None and turn.error == "TimeoutError: model"
    assert await store.messages(conversation.id) == []


# --- figures --------------------------------------------------------------------------------------


async def test_stats_count_conversations_turns_tags_failovers_and_violations(
    store: ConversationStore,
) -> None:
    booked = await store.create_conversation(business="acme", channel="chat")
    failed = await store.create_conversation(business="acme", channel="sms")
    other = await store.create_conversation(business="globex", channel="chat")
    await store.save_turn(booked.id, a_turn(1), reply="ok")
    await store.save_turn(booked.id, a_turn(3, tags=["booked"]), reply="booked")
    await store.save_turn(
        failed.id,
        a_turn(1, failover=True, violations=[{"kind": "amount", "text": "$89"}], tags=["failover"]),
        reply="…",
    )
    await store.save_turn(other.id, a_turn(1, failover=True), reply="…")
    await store.update_state(booked.id, outcome_tags=["booked", "new_customer"])
    await store.update_state(failed.id, outcome_tags=["failover", "grounding_violation"])
    await store.update_state(other.id, outcome_tags=["booked"])

    acme = await store.stats("acme")
    assert (acme.conversations, acme.turns, acme.failovers, acme.grounding_violations) == (2, 3, 1, 1)
    assert acme.by_tag == {"booked": 1, "failover": 1, "grounding_violation": 1, "new_customer": 1}
    everyone = await store.stats()
    assert (everyone.conversations, everyone.turns, everyone.failovers) == (3, 4, 2)
    assert everyone.by_tag["booked"] == 2
    empty = await store.stats("nobody")
    assert (empty.conversations, empty.turns, empty.failovers, empty.by_tag) == (0, 0, 0, {})


async def test_bytes_for_counts_what_a_conversation_stores(store: ConversationStore) -> None:
    conversation = await store.create_conversation(business="acme", channel="chat")
    empty = await store.bytes_for(conversation.id)
    await store.add_message(conversation.id, "customer", "héllo")
    assert await store.bytes_for(conversation.id) == empty + len("héllo".encode())

    before = await store.bytes_for(conversation.id)
    big = "x" * 10_000
    run = ToolRunRecord("lookup_customer", {}, {"status": "ok"}, 0.0, 0.1, [{"response_body": big}])
    await store.save_turn(conversation.id, a_turn(1, tool_runs=[run]))
    assert await store.bytes_for(conversation.id) >= before + len(big)
    assert await store.bytes_for("nope") == 0


# --- restart --------------------------------------------------------------------------------------


async def test_everything_is_there_after_a_restart(database: Database, clock: FrozenClock) -> None:
    store = await database.open()
    conversation = await store.create_conversation(
        business="acme", channel="sms", external_ref="+15555550100"
    )
    customer = await store.add_message(conversation.id, "customer", "Is my tech still coming?")
    turn_id = await store.save_turn(conversation.id, a_turn(customer.seq), reply="Yes, between 8 and 12.")
    await store.update_state(
        conversation.id, guard_state={"verified_customer_id": 7}, outcome_tags=["booked"]
    )
    await store.close()

    reopened = await database.open()
    try:
        loaded = await reopened.find_conversation("acme", "sms", "+15555550100")
        assert loaded is not None and loaded.id == conversation.id
        assert loaded.guard_state == {"verified_customer_id": 7} and loaded.outcome_tags == ["booked"]
        assert [m.text for m in await reopened.messages(conversation.id)] == [
            "Is my tech still coming?",
            "Yes, between 8 and 12.",
        ]
        [turn] = await reopened.turns(conversation.id)
        assert turn.id == turn_id and len(turn.tool_runs) == 2 and len(turn.tool_runs[0].exchanges) == 2
        assert (await reopened.stats()).by_tag == {"booked": 1}
        nxt = await reopened.add_message(conversation.id, "customer", "Thanks")
        assert nxt.seq == 3
    finally:
        await reopened.close()


async def test_a_sqlite_file_gets_the_wal_copied_back_while_the_store_is_open(tmp_path: Path) -> None:
    """Writes run on the event loop without automatic checkpoints; the store copies the WAL into the
    database file itself every CHECKPOINT_EVERY writes, so the WAL does not grow without end."""
    path = tmp_path / "store.sqlite3"
    store = await ConversationStore.open(f"sqlite+aiosqlite:///{path}")
    try:
        conversation = await store.create_conversation(business="acme", channel="chat")
        for i in range(CHECKPOINT_EVERY + 5):
            await store.add_message(conversation.id, "customer", f"message {i}")
        assert store._checkpoint is not None
        await store._checkpoint
        # an immutable reader sees the database file alone, without the WAL
        with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as plain:
            (in_file,) = plain.execute("SELECT count(*) FROM messages").fetchone()
        assert in_file >= CHECKPOINT_EVERY - 1  # the conversation's row was one of the writes
    finally:
        await store.close()


_WRITER = """
import asyncio, os, sys
from frontdesk.store import ConversationStore

async def main():
    store = await ConversationStore.open(sys.argv[1])
    conversation = await store.create_conversation(business="acme", channel="chat")
    for i in range(40):
        await store.add_message(conversation.id, "customer", f"message {i}")
    print(conversation.id, flush=True)
    os._exit(9)  # killed: no close, no checkpoint

asyncio.run(main())
"""


async def test_nothing_written_is_lost_when_the_process_dies(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", _WRITER, url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 9, done.stderr
    conversation_id = done.stdout.strip()
    store = await ConversationStore.open(url)
    try:
        messages = await store.messages(conversation_id)
        assert [m.text for m in messages] == [f"message {i}" for i in range(40)]
    finally:
        await store.close()
