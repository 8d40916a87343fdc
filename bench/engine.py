"""Conversation engine benchmark: what the receptionist itself costs per turn, apart from the model and
ServiceTitan, on the in-process sandbox with a SQLite store.

Prints:
- engine overhead per turn, p50/p99, over whole bookings (search, availability, proposal, confirmation)
  played one at a time by a scripted model that answers at once: as recorded with each turn
  (``timings["engine"]``: total − model − tools, before the turn is written) and as the caller sees it
  (the wall time of ``answer`` − model − tools, which adds the lock, the store writes and the streaming);
- many conversations at once in one process with a model that sleeps 300 ms per call: errors, wall time,
  turns per second and the same overhead figures (which now include waiting for the event loop), when every
  customer writes at the same instant and when they chat at the pace of people (``PACES``); on the event
  loop ``frontdesk serve`` uses (uvloop when installed), and the burst also on asyncio's own loop;
- stored bytes per conversation (``store.bytes_for``).

Usage: python bench/engine.py [--quick] [--bookings N] [--concurrent N] [--model-delay SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk import eventloop
from frontdesk.agent.setup import Options, Running, open_receptionist, settle_startup_objects
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.sandbox.store import Where
from frontdesk.servicetitan import ServiceTitanSettings

GOAL_P50_MS, GOAL_P99_MS = 5.0, 25.0
# how fast paced customers write: (seconds to read a reply and type the next message, uniform), and the
# seconds within which they all open the chat; people in a chat take 10–30 s a message, the first is brisk
PACES = [((4.0, 12.0), 10.0), ((10.0, 30.0), 30.0)]
LINES = [
    "Hi, I'd like to schedule an HVAC maintenance appointment. What's available next week?",
    "Sure, it's {name} and my phone number is {phone}.",
    "The first one would be perfect. Can you book that for me?",
    "Yes please",
]
ROBERT = ("Robert Johnson", "(555) 123-4567")


def lines(name: str, phone: str) -> list[str]:
    """What the customer types; the tools verify only a name the customer said themselves."""
    return [line.format(name=name, phone=phone) for line in LINES]


DAYS = ["2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19", "2026-03-20"]
WEEKDAYS = [f"2026-03-{d}" for d in (10, 11, 12, 13, 16, 17, 18, 19, 20, 23)]  # within the booking horizon


# --- a scripted model that behaves like a careful LLM ------------------------------------------------


def _since_prompt(messages: Sequence[ModelMessage]) -> tuple[int, list[ToolReturnPart]]:
    """Which customer message this is (0 for the first) and the tool results the model got after it."""
    returns: list[ToolReturnPart] = []
    prompts = [
        part
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]
    for message in reversed(messages):
        if not isinstance(message, ModelRequest):
            continue
        if any(isinstance(part, UserPromptPart) for part in message.parts):
            break
        returns[:0] = [part for part in message.parts if isinstance(part, ToolReturnPart)]
    return len(prompts) - 1, returns


def _latest(messages: Sequence[ModelMessage], tool: str, key: str) -> dict[str, Any]:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, ToolReturnPart) and part.tool_name == tool:
                    content = part.model_response_object()
                    if key in content:
                        return content
    raise LookupError(f"no {tool} result with {key}")


def _booking_args(messages: Sequence[ModelMessage], pick: int = 0) -> dict[str, Any]:
    """Book window ``pick`` (modulo) of those offered."""
    customer = _latest(messages, "searchCustomers", "data")["data"]["customer"]
    windows = _latest(messages, "getAvailableTimeSlots", "data")["data"]["windows"]
    args = {
        "customerId": customer["customerId"],
        "jobType": "HVAC Maintenance",
        "summary": "HVAC maintenance for the home",
        "windowStart": windows[pick % len(windows)]["windowStart"],
    }
    places = customer.get("serviceLocations") or []
    if len(places) > 1:  # the customer's home: the first of their service locations
        args["locationId"] = places[0]["locationId"]
    return args


_INTRODUCTION = re.compile(r"it's (?P<name>.+) and my phone number is (?P<phone>.+)\.")


def _introduction(messages: Sequence[ModelMessage]) -> tuple[str, str]:
    """The name and phone the customer gave (the second of ``LINES``)."""
    for message in messages:
        for part in message.parts if isinstance(message, ModelRequest) else ():
            if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                found = _INTRODUCTION.search(part.content)
                if found:
                    return found["name"], found["phone"]
    raise LookupError("the customer has not said who they are")


def careful(day: str | None, name: str | None = ROBERT[0], phone: str | None = ROBERT[1]) -> FunctionModel:
    """Answers ``lines(name, phone)``: look up, offer windows of ``day``, propose, book after the yes. With
    no name and phone it answers any conversation, taking them from what the customer said (and with no
    day, a day and a window chosen by the name, so many customers spread over the weeks)."""

    def pick(messages: Sequence[ModelMessage]) -> int:
        return 0 if day else zlib.crc32(_introduction(messages)[0].encode()) // len(WEEKDAYS)

    async def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        turn, returns = _since_prompt(messages)
        done = [r.tool_name for r in returns]
        if turn == 0:
            return _say("Glad to help. May I have your name and the phone number on your account?")
        if turn == 1:
            said = (name, phone) if name and phone else _introduction(messages)
            if not done:
                return _call("searchCustomers", {"name": said[0], "phone": said[1]})
            if done == ["searchCustomers"]:
                when = day or WEEKDAYS[zlib.crc32(said[0].encode()) % len(WEEKDAYS)]
                return _call(
                    "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": [when]}
                )
            windows = returns[-1].model_response_object()["data"]["windows"]
            return _say("Openings:\n" + "\n".join(f"- {w['window']}" for w in windows))
        if turn == 2:
            if not done:
                if not _latest(messages, "getAvailableTimeSlots", "data")["data"].get("windows"):
                    return _say("I'm sorry, there are no openings that day. Shall I look at another day?")
                return _call("createAppointment", _booking_args(messages, pick(messages)))
            answer = returns[-1].model_response_object()
            if "proposal" not in answer:
                return _say(f"Sorry, that didn't work: {answer.get('message', '')}")
            return _say(f"Here is what I'll do: {answer['proposal']['summary']} Shall I book it?")
        if turn == 3 and not done:
            try:
                proposal = _latest(messages, "createAppointment", "proposal")["proposal"]
            except LookupError:  # the proposal was refused (e.g. the window filled up): nothing to confirm
                return _say("Sorry, I couldn't book that. Would you like someone from our team to call you?")
            confirmation = proposal["confirmation_id"]
            return _call(
                "createAppointment",
                {**_booking_args(messages, pick(messages)), "confirmation_id": confirmation},
            )
        result = returns[-1].model_response_object() if returns else {}
        data = result.get("data") or {}
        if result.get("status") == "ok" and "jobNumber" in data:
            return _say(f"You're booked! Job number #{data['jobNumber']}, arrival window {data['window']}.")
        return _say("Sorry, I couldn't book that. Would you like someone from our team to call you?")

    return FunctionModel(answer, model_name="careful")


def sleepy(delay: float, model: FunctionModel | None = None) -> FunctionModel:
    """A careful model (by default Robert's), slowed to ``delay`` seconds per call like a hosted LLM."""
    inner = (model or careful(DAYS[0])).function
    assert inner is not None

    async def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(delay)
        result: ModelResponse = await inner(messages, info)  # type: ignore[misc]
        return result

    return FunctionModel(answer, model_name="sleepy")


def _say(text: str) -> ModelResponse:
    return ModelResponse(parts=[TextPart(text)])


def _call(tool: str, args: dict[str, Any]) -> ModelResponse:
    return ModelResponse(parts=[ToolCallPart(tool, json.dumps(args))])


# --- the world ------------------------------------------------------------------------------------------


NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
SANDBOX = SandboxConfig(customers=500, seed=7, rate_limit_per_second=10**6)
SERVE = f"""
import sys, uvicorn
from datetime import datetime
from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
config = SandboxConfig.model_validate_json({SANDBOX.model_dump_json()!r})
app = create_app(config, clock=FrozenClock(datetime.fromisoformat({NOW.isoformat()!r})))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox served by uvicorn in its own process on loopback, so its work is not the engine's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-c", SERVE, str(port)])
    try:
        for _ in range(600):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(10)


async def open_world(
    database: Path, model: FunctionModel, api_url: str | None = None
) -> tuple[Running, list[tuple[str, str]]]:
    """A receptionist on a fresh sandbox (in-process, or at ``api_url``), and (name, phone) of the
    sandbox's customers who have a phone."""
    clock = FrozenClock(NOW)
    app = create_app(SANDBOX, clock=clock)
    settings = ServiceTitanSettings(
        _env_file=None,  # type: ignore[call-arg]
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,  # type: ignore[arg-type]
        app_key=DEMO_APP_KEY,  # type: ignore[arg-type]
        environment="sandbox",  # type: ignore[arg-type]
        api_url=api_url or "http://sandbox",
        rate_limit_per_second=10**6,  # ServiceTitan's pacing is tool time; this measures the engine
    )
    options = Options(
        profile=load_profile(demo_profile_path()),
        servicetitan=settings,
        database_url=f"sqlite+aiosqlite:///{database}",
        clock=clock,
        secret=b"bench-secret",
        transport=None if api_url else httpx.ASGITransport(app=app),
        model_override=model,
    )
    sandbox = app.state.sandbox
    people: list[tuple[str, str]] = []
    for customer in sandbox.store["customers"].select(DEMO_TENANT, Where()):
        phones = [
            c["value"]
            for c in sandbox.store["contacts"].select(DEMO_TENANT, Where())
            if c.get("customerId") == customer["id"] and c["type"] == "Phone"
        ]
        if phones and customer.get("active", True):
            people.append((customer["name"], phones[0]))
    return await open_receptionist(options), people


class Figures:
    def __init__(self) -> None:
        self.recorded: list[float] = []  # engine seconds as stored with each turn
        self.seen: list[float] = []  # wall time of answer() − model − tools
        self.requests: list[int] = []  # model requests per turn
        self.errors: list[str] = []
        self.bytes: list[int] = []
        self.booked = 0
        self._walls: dict[str, list[float]] = {}

    async def play(self, running: Running, lines: Sequence[str], pauses: Sequence[float] = ()) -> None:
        """One conversation; only the wall times are taken here, the rest is read from the store later.
        ``pauses[i]`` is how long the customer takes before line i (opening the chat, reading, typing)."""
        receptionist = running.receptionist
        try:
            if pauses:
                await asyncio.sleep(pauses[0])
            conversation = await receptionist.start()
            walls = self._walls.setdefault(conversation, [])
            for i, line in enumerate(lines):
                if i and i < len(pauses):
                    await asyncio.sleep(pauses[i])
                started = time.perf_counter()
                reply = await receptionist.answer(conversation, line)
                walls.append(time.perf_counter() - started)
                self.booked += "booked" in reply.outcome_tags
                if reply.failover or reply.grounding_violations:
                    self.errors.append(f"turn {line!r}: failover={reply.failover}, {reply.text[:80]!r}")
        except Exception as error:  # the figure to report, not a reason to stop
            self.errors.append(f"{type(error).__name__}: {error}")

    def turn_walls(self) -> list[float]:
        """Wall time of each answer(), model and tools included: what the customer waits."""
        return [wall for walls in self._walls.values() for wall in walls]

    async def collect(self, running: Running) -> None:
        """Read what the turns recorded (after the timed part, so reading does not disturb it)."""
        for conversation, walls in self._walls.items():
            turns = await running.store.turns(conversation)
            for turn, wall in zip(turns, walls, strict=False):
                timings = turn.timings
                self.recorded.append(timings["engine"])
                self.seen.append(max(wall - timings["model"] - timings["tools"], 0.0))
                self.requests.append(int((turn.usage or {}).get("requests", 0)))
            self.bytes.append(await running.store.bytes_for(conversation))


def _ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def bookings(count: int) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory() as folder:
        running, people = await open_world(Path(folder) / "engine.sqlite3", careful(DAYS[0]))
        try:
            await figures.play(running, lines(*ROBERT)[:2])  # warm up: token, reference data, imports
            figures = Figures()
            for i in range(count):
                name, phone = people[i % len(people)]
                running.receptionist.parts.model = careful(WEEKDAYS[i % len(WEEKDAYS)], name, phone)
                await figures.play(running, lines(name, phone))
            await figures.collect(running)
        finally:
            await running.aclose()
    return figures


Plan = tuple[Sequence[str], Sequence[float]]  # what a customer types, and their pauses before each line


async def crowd(
    model: FunctionModel, api_url: str, plan: Callable[[list[tuple[str, str]]], list[Plan]]
) -> tuple[Figures, float, float]:
    """Conversations played at once, as ``plan(people)`` lays them out, after a warm-up and with the startup
    objects frozen as the server does; returns their figures, the wall time and this process's CPU time."""
    figures = Figures()
    with tempfile.TemporaryDirectory() as folder:
        running, people = await open_world(Path(folder) / "engine.sqlite3", model, api_url)
        try:
            await Figures().play(running, lines(*ROBERT)[:1])  # warm up
            settle_startup_objects()
            plans = plan(people)
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(figures.play(running, said, pauses) for said, pauses in plans))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            await figures.collect(running)
        finally:
            await running.aclose()
    return figures, wall, cpu


async def concurrent(count: int, delay: float, api_url: str) -> tuple[Figures, float, float]:
    """``count`` conversations sending Robert's first two messages at the same instant."""
    return await crowd(sleepy(delay), api_url, lambda _: [(lines(*ROBERT)[:2], ())] * count)


async def paced(
    count: int, delay: float, think: tuple[float, float], spread: float, api_url: str
) -> tuple[Figures, float, float]:
    """``count`` customers chatting at the same time as people do: each opens the chat at a random moment
    within ``spread`` seconds and takes ``think`` seconds (uniform) to read and type each next message; all
    four messages of a booking."""
    rng = random.Random(11)

    def plan(people: list[tuple[str, str]]) -> list[Plan]:
        return [
            (
                lines(*people[i % len(people)]),
                [rng.uniform(0, spread)] + [rng.uniform(*think) for _ in LINES[1:]],
            )
            for i in range(count)
        ]

    return await crowd(sleepy(delay, careful(None, None, None)), api_url, plan)


def _row(name: str, figures: Figures, extra: str) -> str:
    return (
        f"| {name:<34} | {_ms(figures.recorded, 0.5):7.2f} | {_ms(figures.recorded, 0.99):7.2f} "
        f"| {_ms(figures.seen, 0.5):7.2f} | {_ms(figures.seen, 0.99):7.2f} | {len(figures.errors):6} | {extra}"
    )


def _by_requests(figures: Figures) -> list[tuple[str, Figures]]:
    """The turns split by how many model requests they made (each costs pydantic-ai's own work)."""
    out = []
    for low, high, name in (
        (1, 1, "1 model request"),
        (2, 2, "2 model requests"),
        (3, 99, "3+ model requests"),
    ):
        part = Figures()
        for recorded, seen, requests in zip(figures.recorded, figures.seen, figures.requests, strict=True):
            if low <= requests <= high:
                part.recorded.append(recorded)
                part.seen.append(seen)
        if part.recorded:
            out.append((f"  turns with {name}", part))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a small run (10 bookings, 50 at once)")
    parser.add_argument("--bookings", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=500)
    parser.add_argument("--model-delay", type=float, default=0.3)
    args = parser.parse_args()
    if args.quick:
        args.bookings, args.concurrent = 10, 50

    served = eventloop.loop_name()  # the loop `frontdesk serve` runs on: every figure but one is on it
    booked = eventloop.run(bookings(args.bookings))
    bursts: dict[str, tuple[Figures, float, float]] = {}
    for loop in dict.fromkeys(["asyncio", served]):
        with sandbox_process() as api_url:
            bursts[loop] = eventloop.run(concurrent(args.concurrent, args.model_delay, api_url), loop)
    chats = []
    for think, spread in PACES[:1] if args.quick else PACES:
        with sandbox_process() as api_url:
            chats.append(
                (
                    think,
                    spread,
                    *eventloop.run(paced(args.concurrent, args.model_delay, think, spread, api_url)),
                )
            )

    print(f"Engine overhead per turn, ms (goal p50 ≤ {GOAL_P50_MS:g}, p99 ≤ {GOAL_P99_MS:g}); SQLite store")
    print("| run                                | rec p50 | rec p99 | see p50 | see p99 | errors | notes")
    print("|------------------------------------|---------|---------|---------|---------|--------|------")
    print(
        _row(
            f"{args.bookings} bookings, one at a time",
            booked,
            f"{len(booked.recorded)} turns, {booked.booked} booked",
        )
    )
    for name, part in _by_requests(booked):
        print(_row(name, part, f"{len(part.recorded)} turns"))
    for loop, (burst, burst_wall, burst_cpu) in bursts.items():
        count = len(burst.seen)
        print(
            _row(
                f"{args.concurrent} at once, model {args.model_delay * 1000:.0f} ms"
                + (f", {loop}" if len(bursts) > 1 else ""),
                burst,
                f"{count} turns in {burst_wall:.1f} s ({count / burst_wall:.0f} turns/s, "
                f"{burst_cpu / max(count, 1) * 1000:.1f} ms CPU per turn; whole turn p50 "
                f"{_ms(burst.turn_walls(), 0.5) / 1000:.1f} s, p99 {_ms(burst.turn_walls(), 0.99) / 1000:.1f} s)",
            )
        )
    for think, spread, chat, chat_wall, chat_cpu in chats:
        print(
            _row(
                f"{args.concurrent} chatting, {think[0]:g}–{think[1]:g} s a message",
                chat,
                f"{len(chat.seen)} turns in {chat_wall:.1f} s, {chat.booked} booked, all opened within {spread:g} s "
                f"({len(chat.seen) / chat_wall:.0f} turns/s, {chat_cpu / max(len(chat.seen), 1) * 1000:.1f} ms CPU "
                "per turn)",
            )
        )
    print(f"event loop: {served} (as `frontdesk serve`), and asyncio's own for comparison in the burst")
    print("rec: recorded with the turn (before its writes); see: answer() wall time − model − tools")
    print(
        "at once: every customer sends at the same instant (two messages each); chatting: whole bookings, each "
        "customer taking the given seconds to read a reply and type the next message"
    )
    print()
    print("| stored bytes per conversation       | median | max")
    print("|-------------------------------------|--------|------")
    for name, figures in (
        ("booking (4 turns, 2 writes)", booked),
        ("lookup and windows (2 turns)", bursts[served][0]),
    ):
        sizes = figures.bytes or [0]
        print(f"| {name:<35} | {statistics.median(sizes):6.0f} | {max(sizes)}")
    for error in (
        booked.errors
        + [e for burst in bursts.values() for e in burst[0].errors]
        + [e for chat in chats for e in chat[2].errors]
    )[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
