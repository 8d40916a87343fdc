"""Guided model benchmark: how long the offline model thinks per turn, ServiceTitan's time left out.

Plays the scripted conversations of tests/agent/conversations against the in-process sandbox with the
whole receptionist (tools, guards, grounding, store), and times only the guided model's steps
(``Guide.step``: reading the transcript, extracting, deciding, wording). A turn is one customer message;
its model time is the sum of its steps (one per tool call, plus the reply). Prints p50/p95/max per step
and per turn, the number of steps per turn, and the whole turn's wall time for comparison.

Usage: python bench/guided.py [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.agent.events import Reply
from frontdesk.agent.guided import memory
from frontdesk.agent.guided.model import MODEL_NAME, Guide
from frontdesk.agent.setup import Options, open_receptionist
from frontdesk.clock import FrozenClock
from frontdesk.profile import demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.servicetitan import ServiceTitanSettings

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "tests" / "agent" / "conversations"
NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


@dataclass
class Timings:
    steps: list[float] = field(default_factory=list)  # seconds per Guide.step
    turns: list[float] = field(default_factory=list)  # model seconds per customer message
    steps_per_turn: list[int] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)  # whole turn, tools and store included


class TimedGuide(Guide):
    """The guided model, counting the time of each step."""

    def __init__(self, *args: Any, timings: Timings) -> None:
        super().__init__(*args)
        self.timings = timings
        self.current: list[float] = []

    def step(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        started = time.perf_counter()
        try:
            return super().step(messages, info)
        finally:
            spent = time.perf_counter() - started
            self.timings.steps.append(spent)
            self.current.append(spent)


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


def _conversations(quick: bool) -> list[list[str]]:
    scripts = []
    for path in sorted(CONVERSATIONS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            scripts.append([turn["say"] for turn in case["turns"]])
    return scripts[::4] if quick else scripts


async def _play(scripts: list[list[str]], rounds: int, folder: Path) -> Timings:
    timings = Timings()
    profile = load_profile(demo_profile_path())
    clock = FrozenClock(NOW)
    for round_number in range(rounds):
        memory.forget()  # every round reads each message for the first time, as in real use
        app = create_app(SandboxConfig(customers=40, seed=7, rate_limit_per_second=10**6), clock=clock)
        guide = TimedGuide(profile, clock, timings=timings)
        options = Options(
            profile=profile,
            servicetitan=_connection(),
            database_url=f"sqlite+aiosqlite:///{folder}/bench-{round_number}.sqlite3",
            clock=clock,
            secret=b"bench-secret",
            transport=httpx.ASGITransport(app=app),
            model_override=FunctionModel(guide.step, model_name=MODEL_NAME),
        )
        running = await open_receptionist(options)
        try:
            for script in scripts:
                conversation = await running.receptionist.start()
                for text in script:
                    guide.current = []
                    started = time.perf_counter()
                    async for event in running.receptionist.reply(conversation, text):
                        if isinstance(event, Reply):
                            pass
                    timings.walls.append(time.perf_counter() - started)
                    timings.turns.append(sum(guide.current))
                    timings.steps_per_turn.append(len(guide.current))
        finally:
            await running.aclose()
    return timings


def _ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    value = ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return f"{value * 1000:7.2f} ms"


def _row(label: str, values: list[float]) -> str:
    return (
        f"{label:<28} p50 {_ms(values, 0.5)}   p95 {_ms(values, 0.95)}   max {_ms(values, 1.0)}"
        f"   (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the conversations, one round")
    parser.add_argument("--rounds", type=int, default=3, help="times to play every conversation")
    args = parser.parse_args()
    scripts = _conversations(args.quick)
    rounds = 1 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as folder:
        timings = asyncio.run(_play(scripts, rounds, Path(folder)))
    turns = len(timings.turns)
    print(f"guided model: {len(scripts)} conversations x {rounds} round(s), {turns} customer turns")
    print(_row("model time per turn", timings.turns))
    print(_row("model time per step", timings.steps))
    print(_row("whole turn (incl. sandbox)", timings.walls))
    print(f"{'steps per turn':<28} mean {statistics.mean(timings.steps_per_turn):.2f}   "
          f"max {max(timings.steps_per_turn)}")  # fmt: skip
    print("goal: model time per turn p50 <= 20 ms")


if __name__ == "__main__":
    main()
