"""Web channel benchmark: many conversations at once through the chat API over HTTP.

The chat app runs under uvicorn on a loopback port; the receptionist behind it uses the offline guided
model and an in-process sandbox (httpx.ASGITransport) with a SQLite conversation store. Each simulated
customer starts a conversation and plays one of three scripts (the guide's Example 1 booking with its
"Yes please", a new customer's plumbing request, a gas-smell emergency), every message sent with
``Accept: text/event-stream``. The API's per-client rate limits are raised for the run, since every
customer here comes from 127.0.0.1; the server, the sandbox and the clients share one process and one
event loop, so the figures include the clients' own cost.

Prints: errors (non-2xx answers, broken streams, a stream without its reply; goal 0), turns, wall time,
p50/p99 turn latency (message sent → reply event received), p50/p99 time to the response headers and to
the first streamed byte (the first event), and the outcome tags seen.

Usage: python bench/web.py [--quick] [--conversations N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from frontdesk import eventloop
from frontdesk.agent.models import ModelChoice
from frontdesk.agent.setup import Options, open_receptionist, settle_startup_objects
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox.app import create_app as create_sandbox
from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT,
    SandboxConfig,
)
from frontdesk.servicetitan import ServiceTitanSettings
from frontdesk.web.app import create_app
from frontdesk.web.settings import WebSettings

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday, the week before the guide's examples
RAISED_LIMIT = 1_000_000  # per client address: every simulated customer shares 127.0.0.1

SCRIPTS = [
    [
        "Hi, I'd like to schedule an HVAC maintenance appointment for my home. "
        "Can you check what's available next week?",
        "Sure, it's Robert Johnson and my phone number is (555) 123-4567.",
        "Tuesday at 2 PM would be perfect. Can you book that for me?",
        "Yes please",
    ],
    [
        "Hi, my kitchen sink has been leaking and I need a plumber. Can someone come out this week?",
        "I'm Sarah Williams, phone number is (555) 987-6543. I think this might be my first time calling.",
        "My email is sarah.williams@email.com and the address is 456 Oak Street, Springfield, IL 62701.",
    ],
    ["I smell gas in my basement."],
]


@dataclass
class Figures:
    turn_latency: list[float] = field(default_factory=list)
    first_byte: list[float] = field(default_factory=list)
    headers: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)


def _connection() -> ServiceTitanSettings:
    return ServiceTitanSettings(
        _env_file=None,  # type: ignore[call-arg]
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,  # type: ignore[arg-type]
        app_key=DEMO_APP_KEY,  # type: ignore[arg-type]
        environment="sandbox",  # type: ignore[arg-type]
        api_url="http://sandbox",
    )


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def _served(app: FastAPI) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, backlog=4096)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the chat API did not start")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _turn(client: httpx.AsyncClient, conversation: str, text: str, figures: Figures) -> None:
    sent = time.perf_counter()
    first: float | None = None
    body = b""
    async with client.stream(
        "POST",
        f"/api/conversations/{conversation}/messages",
        json={"text": text},
        headers={"Accept": "text/event-stream"},
    ) as answer:
        answered = time.perf_counter()
        if answer.status_code != 200:
            figures.errors[f"HTTP {answer.status_code}"] += 1
            await answer.aread()
            return
        async for chunk in answer.aiter_raw():
            if first is None:
                first = time.perf_counter()
            body += chunk
    done = time.perf_counter()
    replies = [block for block in body.decode().split("\n\n") if block.startswith("event: reply")]
    if len(replies) != 1:
        figures.errors["stream without one reply"] += 1
        return
    reply = json.loads(replies[0].split("data: ", 1)[1])
    figures.tags.update(reply["outcome_tags"])
    figures.turn_latency.append(done - sent)
    figures.first_byte.append((first or done) - sent)
    figures.headers.append(answered - sent)


async def _customer(client: httpx.AsyncClient, script: list[str], figures: Figures) -> None:
    try:
        created = await client.post("/api/conversations", json={"channel": "widget"})
        if created.status_code != 201:
            figures.errors[f"HTTP {created.status_code} on create"] += 1
            return
        conversation = created.json()["id"]
        for text in script:
            await _turn(client, conversation, text, figures)
    except httpx.HTTPError as error:
        figures.errors[type(error).__name__] += 1


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f} ms"


async def run(conversations: int, customers: int, folder: Path) -> Figures:
    clock = FrozenClock(NOW)
    sandbox = create_sandbox(
        SandboxConfig(
            customers=customers, seed=7, rate_limit_per_second=10**6, token_requests_per_minute=10**6
        ),
        clock=clock,
    )
    running = await open_receptionist(
        Options(
            profile=load_profile(demo_profile_path()),
            servicetitan=_connection(),
            database_url=f"sqlite+aiosqlite:///{folder}/frontdesk.sqlite3",
            model=ModelChoice("guided", "guided"),
            clock=clock,
            secret=b"bench-secret",
            transport=httpx.ASGITransport(app=sandbox),
        )
    )
    settings = WebSettings(
        _env_file=None,  # type: ignore[call-arg]
        messages_per_minute=RAISED_LIMIT,
        conversations_per_hour=RAISED_LIMIT,
    )
    figures = Figures()
    try:
        app = create_app(running.receptionist, running.store, settings)
        async with _served(app) as base:
            limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
                # one unmeasured pass first: the token, the reference cache and the imports are one-time costs
                await _customer(client, SCRIPTS[1], Figures())
                settle_startup_objects()  # as `frontdesk serve` does before it takes traffic
                started = time.perf_counter()
                await asyncio.gather(
                    *(_customer(client, SCRIPTS[i % len(SCRIPTS)], figures) for i in range(conversations))
                )
                wall = time.perf_counter() - started
    finally:
        await running.aclose()
    turns = len(figures.turn_latency)
    print(f"web API bench: {conversations} concurrent conversations, guided model, uvicorn on loopback")
    print(f"  per-client rate limits raised to {RAISED_LIMIT} for the bench (all clients are 127.0.0.1)")
    print(f"  errors: {sum(figures.errors.values())} {dict(figures.errors) or ''}")
    print(f"  turns: {turns} in {wall:.1f} s ({turns / wall:.0f} turns/s)")
    print(f"  turn latency: p50 {_ms(figures.turn_latency, 0.5)}, p99 {_ms(figures.turn_latency, 0.99)}")
    print(f"  response headers: p50 {_ms(figures.headers, 0.5)}, p99 {_ms(figures.headers, 0.99)}")
    print(f"  first streamed byte: p50 {_ms(figures.first_byte, 0.5)}, p99 {_ms(figures.first_byte, 0.99)}")
    if figures.turn_latency:
        print(f"  mean turn latency: {statistics.fmean(figures.turn_latency) * 1000:.0f} ms")
    print(f"  outcome tags: {dict(figures.tags.most_common())}")
    print("  (every Example 1 customer asks for the same Tuesday 2 PM window, so only the first few book it)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (20 conversations)")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--customers", type=int, default=300, help="customers the sandbox generates")
    args = parser.parse_args()
    logging.getLogger("frontdesk").setLevel(logging.ERROR)  # the emergency script logs a warning each time
    conversations = 20 if args.quick else args.conversations
    with tempfile.TemporaryDirectory() as folder:
        figures = eventloop.run(run(conversations, args.customers, Path(folder)))
    raise SystemExit(1 if figures.errors else 0)


if __name__ == "__main__":
    main()
