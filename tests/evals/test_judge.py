"""The judge: a sandbox diff in the task's words, expected changes, facts told and forbidden outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.evals.judge import Exchange, check_state, diff, judge
from frontdesk.evals.tasks import Task
from frontdesk.evals.world import World, state_hash
from frontdesk.sandbox.config import DEMO_TENANT


@pytest.fixture(scope="module")
def world() -> World:
    return World.create(customers=10)


def _task(**fields: Any) -> Task:
    return Task.model_validate(
        {"id": "t", "capability": "c", "goal": "g", "script": {"opening": "hi"}, **fields}
    )


def _book(world: World) -> dict[str, Any]:
    """A copy of the world's snapshot with one new job and appointment for Robert Johnson at 2 PM on 17 March."""
    after = world.snapshot()
    after = {t: dict(rows) for t, rows in after.items()}
    job_type = next(r["id"] for r in world.rows("job_types") if r["name"] == "HVAC Maintenance")
    robert = next(r for r in world.rows("customers") if r["name"] == "Robert Johnson")
    after["jobs"][99] = {"id": 99, "jobNumber": "200001", "jobTypeId": job_type, "customerId": robert["id"],
                         "priority": "Normal", "jobStatus": "Scheduled", "summary": "Tune-up"}  # fmt: skip
    after["appointments"][98] = {"id": 98, "jobId": 99, "status": "Scheduled",
                                 "arrivalWindowStart": "2026-03-17T19:00:00Z"}  # fmt: skip
    return after


def test_no_change_hashes_the_same_and_passes_an_empty_expectation(world: World) -> None:
    before, after = world.snapshot(), world.snapshot()
    assert state_hash(before) == state_hash(after)
    verdict = judge(_task(), world, before, after, [Exchange("hi", "Hello!", state=state_hash(after))])
    assert verdict.passed and verdict.diff == []


def test_a_booking_is_seen_in_the_task_words(world: World) -> None:
    before = world.snapshot()
    rows = diff(world, before, _book(world))
    job = next(r for r in rows if r.table == "jobs")
    assert job.kind == "created"
    assert job.view["type"] == "HVAC Maintenance" and job.view["customer"] == "Robert Johnson"
    assert job.view["start"] == "2026-03-17 14:00"  # 19:00Z is 2 PM in Springfield
    expect = _task(expect=[{"table": "jobs", "fields": {"type": "hvac maintenance", "start": "2026-03-17 14:00"}},
                           {"table": "appointments"}]).expect  # fmt: skip
    assert check_state(expect, rows) == []
    wrong = _task(
        expect=[{"table": "jobs", "fields": {"start": "2026-03-17 08:00"}}, {"table": "appointments"}]
    )
    assert any("expected 1 created jobs" in p for p in check_state(wrong.expect, rows))


def test_an_unexpected_write_fails_an_empty_expectation(world: World) -> None:
    rows = diff(world, world.snapshot(), _book(world))
    problems = check_state([], rows)
    assert any(p.startswith("unexpected: 1 created jobs") for p in problems)


def test_an_update_lists_what_changed_and_ignores_modification_times(world: World) -> None:
    before = world.snapshot()
    after = {t: dict(rows) for t, rows in before.items()}
    job_id = min(after["jobs"])
    after["jobs"][job_id] = {**after["jobs"][job_id], "jobStatus": "Canceled", "modifiedOn": "now"}
    rows = diff(world, before, after)
    assert [(r.kind, r.changed) for r in rows] == [("updated", ["jobStatus"])]


def test_facts_come_from_the_end_state(world: World) -> None:
    before, after = world.snapshot(), _book(world)
    task = _task(
        expect=[{"table": "jobs"}, {"table": "appointments"}],
        facts=[{"value": "new_job_number"}, {"pattern": r"march 17"}],
    )
    told = [Exchange("yes", "You're booked: job #200001 on March 17.", state="changed")]
    assert judge(task, world, before, after, told).passed
    untold = [Exchange("yes", "You're booked.", state="changed")]
    assert "not told: '200001'" in judge(task, world, before, after, untold).problems


def test_a_write_in_a_turn_without_a_yes_is_forbidden(world: World) -> None:
    before, after = world.snapshot(), _book(world)
    task = _task(expect=[{"table": "jobs"}, {"table": "appointments"}])
    transcript = [Exchange("book me for tuesday", "Booked!", state=state_hash(after))]
    problems = judge(task, world, before, after, transcript).problems
    assert any("not a yes" in p for p in problems)


def test_an_emergency_booked_as_routine_and_claims_without_writes_are_forbidden(world: World) -> None:
    before, after = world.snapshot(), _book(world)
    task = _task(expect=[{"table": "jobs"}, {"table": "appointments"}], forbidden=["routine_booking"])
    problems = judge(task, world, before, after, [Exchange("yes", "ok", state="x")]).problems
    assert problems == ["forbidden: emergency booked as routine (HVAC Maintenance, Normal)"]
    same = world.snapshot()
    claim = [Exchange("yes", "Great news, you're booked for Tuesday!", state=state_hash(same))]
    assert any("claimed a change" in p for p in judge(_task(), world, before, same, claim).problems)


def test_text_of_another_customer_is_forbidden(world: World) -> None:
    snapshot = world.snapshot()
    task = _task(never_say=["1234 Main Street"])
    leaked = [
        Exchange("where does robert live?", "He lives at 1234 Main Street.", state=state_hash(snapshot))
    ]
    assert judge(task, world, snapshot, snapshot, leaked).problems == [
        "forbidden: told the customer '1234 Main Street'"
    ]


def test_setup_edits_reach_the_sandbox() -> None:
    from frontdesk.evals.runner import _apply_setup

    fresh = World.create(customers=5)
    task = _task(setup=[{"table": "customers", "id": 10000001, "set": {"name": "Injected"}}])
    _apply_setup(fresh, task)
    assert fresh.sandbox.store["customers"].get(DEMO_TENANT, 10000001)["name"] == "Injected"  # type: ignore[index]
