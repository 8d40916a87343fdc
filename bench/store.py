"""Conversation store benchmark: what one turn costs to store, in time and bytes, on SQLite and PostgreSQL.

Prints, per database:
- p50/p99 latency of a whole turn's writes (the customer's message, then the turn with two tool runs,
  three HTTP exchanges and the reply), with many conversations taking turns concurrently;
- turns per second over that run, and p50/p99 of reading a conversation's explanation (``turns``);
- stored bytes per turn (``bytes_for``).

Usage: python bench/store.py [--conversations N] [--turns N] [--postgres URL] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from frontdesk.store import ConversationStore, ToolRunRecord, TurnRecord

BODY = json.dumps(
    {"data": [{"id": 10_000_000 + i, "name": f"Customer {i}", "address": "1234 Main St"} for i in range(12)]}
)


def exchange(i: int) -> dict[str, object]:
    return {
        "method": "GET",
        "url": f"https://api.example/crm/v2/tenant/1/customers?page={i}",
        "request_headers": {"authorization": "[redacted]", "accept": "application/json"},
        "request_body": None,
        "status": 200,
        "response_headers": {"content-type": "application/json"},
        "response_body": BODY,
        "started_at": "2026-03-09T15:00:00+00:00",
        "elapsed": 0.05,
        "attempt": 1,
        "kind": "api",
        "error": None,
    }


def record(customer_seq: int) -> TurnRecord:
    runs = [
        ToolRunRecord("searchCustomers", {"phone": "5551234567"}, {"status": "ok"}, 0.0, 0.1, [exchange(1)]),
        ToolRunRecord(
            "getAvailableTimeSlots",
            {"date": "2026-03-10"},
            {"status": "ok"},
            0.0,
            0.2,
            [exchange(2), exchange(3)],
        ),
    ]
    return TurnRecord(
        customer_message_seq=customer_seq,
        model="openai:gpt-4.1-mini",
        usage={"input_tokens": 1500, "output_tokens": 80, "requests": 2},
        timings={"total": 1.2, "model": 0.9, "tools": 0.3, "engine": 0.0},
        tool_runs=runs,
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run(label: str, store: ConversationStore, conversations: int, turns: int) -> None:
    ids = [
        (await store.create_conversation(business="bench", channel="chat")).id for _ in range(conversations)
    ]
    latencies: list[float] = []

    async def talk(conversation_id: str) -> None:
        for i in range(turns):
            started = time.perf_counter()
            customer = await store.add_message(conversation_id, "customer", f"question {i}: is Tuesday open?")
            await store.save_turn(conversation_id, record(customer.seq), reply="Tuesday 8–12 is open.")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(talk(c) for c in ids))
    elapsed = time.perf_counter() - started
    reads: list[float] = []
    for conversation_id in ids:
        t = time.perf_counter()
        await store.turns(conversation_id)
        reads.append(time.perf_counter() - t)
    size = statistics.mean([await store.bytes_for(c) for c in ids]) / turns
    print(
        f"{label:10} {conversations}×{turns} turns: write p50 {pct(latencies, 0.5):.1f} ms, "
        f"p99 {pct(latencies, 0.99):.1f} ms, {conversations * turns / elapsed:.0f} turns/s; "
        f"read explanation p50 {pct(reads, 0.5):.1f} ms, p99 {pct(reads, 0.99):.1f} ms; "
        f"{size:.0f} bytes per turn"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = await ConversationStore.open(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            await run("sqlite", store, args.conversations, args.turns)
        finally:
            await store.close()

    if not args.sqlite_only:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        store = await ConversationStore.open(args.postgres, schema=schema)
        try:
            await run("postgresql", store, args.conversations, args.turns)
        finally:
            await store.close()
            dsn = args.postgres.replace("+asyncpg", "")
            connection = await asyncpg.connect(dsn)
            await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
