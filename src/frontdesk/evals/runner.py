"""Running tasks: a fresh sandbox and receptionist per trial, the customer talking, the judge deciding.

Trials run concurrently (asyncio, bounded) in one process, or spread over worker processes with
``workers`` > 1; every trial starts from the same seeded data on the same frozen clock, so a rerun of the
guided model hashes to the same end states.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from pydantic_ai.models import Model

from frontdesk.agent.events import Reply, ToolActivity
from frontdesk.agent.models import ModelChoice
from frontdesk.agent.setup import Options, open_receptionist
from frontdesk.evals.customer import Customer, LLMCustomer, ScriptedCustomer
from frontdesk.evals.faults import fault_plan
from frontdesk.evals.judge import Exchange, Verdict, judge
from frontdesk.evals.tasks import Task
from frontdesk.evals.world import World, connection, state_hash
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile


@dataclass
class Settings:
    """How to run: the receptionist's model, the simulated customer's, trials and concurrency."""

    model: ModelChoice | None = None  # None: FRONTDESK_MODEL (guided when unset)
    customer_model: ModelChoice | None = None  # None: the scripted customer
    trials: int = 1
    faults: str | None = None  # a profile applied to every task (on top of a task's own)
    concurrency: int = 8
    workers: int = 1
    customers: int = 40
    model_override: Model | None = None


@dataclass
class Trial:
    task: str
    trial: int
    passed: bool
    verdict: Verdict
    transcript: list[Exchange]
    calls: dict[str, int]
    seconds: float
    state_before: str
    state_after: str
    model: str
    error: str | None = None
    tools: list[tuple[str, str | None]] = field(default_factory=list)


_OPENING: dict[int, asyncio.Lock] = {}


def _opening() -> asyncio.Lock:
    """One receptionist opens at a time per event loop."""
    loop = id(asyncio.get_running_loop())
    return _OPENING.setdefault(loop, asyncio.Lock())


def _apply_setup(world: World, task: Task) -> None:
    from frontdesk.sandbox.config import DEMO_TENANT

    for edit in task.setup:
        table = world.sandbox.store[str(edit["table"])]
        doc = table.get(DEMO_TENANT, int(edit["id"]))
        if doc is None:
            raise ValueError(
                f"task {task.id}: setup names {edit['table']} {edit['id']}, which does not exist"
            )
        table.put(DEMO_TENANT, {**doc, **dict(edit.get("set", {}))})


def _customer(task: Task, settings: Settings) -> Customer:
    if settings.customer_model is None:
        return ScriptedCustomer(task)
    from frontdesk.agent.models import build

    return LLMCustomer(task, build(settings.customer_model))


async def run_trial(task: Task, trial: int, settings: Settings, profile: BusinessProfile) -> Trial:
    """One conversation of ``task`` on a fresh sandbox, judged."""
    faults = fault_plan(task.faults or settings.faults, seed=trial)
    world = World.create(customers=settings.customers, faults=faults)
    _apply_setup(world, task)
    before = world.snapshot()
    world.sandbox.stats.clear()
    transcript: list[Exchange] = []
    tools: list[tuple[str, str | None]] = []
    started = time.perf_counter()
    error: str | None = None
    label = "?"
    folder = tempfile.TemporaryDirectory(prefix="frontdesk-eval-")
    options = Options(
        profile=profile,
        servicetitan=connection(),
        database_url=f"sqlite+aiosqlite:///{Path(folder.name) / 'conversations.sqlite3'}",
        model=settings.model,
        clock=world.clock,
        secret=b"evaluation",
        transport=world.transport(),
        model_override=settings.model_override,
    )
    try:
        async with _opening():  # opening runs the store's migrations, which share global state
            running = await open_receptionist(options)
        label = running.model_label
        try:
            conversation = await running.receptionist.start()
            customer = _customer(task, settings)
            message: str | None = customer.opening()
            while message is not None:
                reply: Reply | None = None
                turn_started = time.perf_counter()
                async for event in running.receptionist.reply(conversation, message):
                    if isinstance(event, ToolActivity) and event.phase == "finished":
                        tools.append((event.tool_id, event.status))
                    elif isinstance(event, Reply):
                        reply = event
                text = reply.text if reply else ""
                transcript.append(
                    Exchange(
                        customer=message,
                        reply=text,
                        tags=list(reply.outcome_tags) if reply else [],
                        grounding_violations=reply.grounding_violations if reply else 0,
                        state=state_hash(world.snapshot()),
                        seconds=round(time.perf_counter() - turn_started, 3),
                    )
                )
                message = await customer.next(text)
        finally:
            await running.aclose()
    except Exception as exc:  # a crash is a failed trial with its reason, not a failed run
        error = f"{type(exc).__name__}: {exc}"
    folder.cleanup()
    after = world.snapshot()
    verdict = judge(task, world, before, after, transcript, error)
    return Trial(
        task=task.id,
        trial=trial,
        passed=verdict.passed,
        verdict=verdict,
        transcript=transcript,
        calls={k: v for k, v in sorted(world.calls().items())},
        seconds=round(time.perf_counter() - started, 3),
        state_before=state_hash(before),
        state_after=state_hash(after),
        model=label,
        error=error,
        tools=tools,
    )


async def run_all(
    tasks: Sequence[Task],
    settings: Settings,
    progress: Callable[[Trial], None] | None = None,
    profile: BusinessProfile | None = None,
) -> list[Trial]:
    """Every task × trial, at most ``settings.concurrency`` at a time; results in task order."""
    profile = profile or load_profile(demo_profile_path())
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(task: Task, trial: int) -> Trial:
        async with gate:
            result = await run_trial(task, trial, settings, profile)
        if progress:
            progress(result)
        return result

    jobs = [one(t, k) for t, k in itertools.product(tasks, range(1, settings.trials + 1))]
    results = await asyncio.gather(*jobs)
    return sorted(results, key=lambda r: (r.task, r.trial))


def _run_chunk(tasks: list[Task], settings: Settings) -> list[Trial]:
    return asyncio.run(run_all(tasks, settings))


def run_parallel(
    tasks: Sequence[Task], settings: Settings, progress: Callable[[Trial], None] | None = None
) -> list[Trial]:
    """Spread tasks over ``settings.workers`` processes (the guided model is CPU-bound)."""
    if settings.workers <= 1 or len(tasks) < 2:
        return asyncio.run(run_all(tasks, settings, progress))
    results: list[Trial] = []
    with ProcessPoolExecutor(max_workers=settings.workers) as pool:
        futures = [pool.submit(_run_chunk, [task], settings) for task in tasks]
        for future in as_completed(futures):
            for result in future.result():
                if progress:
                    progress(result)
                results.append(result)
    return sorted(results, key=lambda r: (r.task, r.trial))


def tasks_folder() -> Path:
    """The home-services task set shipped in the repository (evals/home_services/tasks)."""
    return Path(__file__).resolve().parents[3] / "evals" / "home_services" / "tasks"
