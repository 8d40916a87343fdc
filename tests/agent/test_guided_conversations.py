"""Scripted conversations with the guided model on the sandbox, written as data.

Each file under ``conversations/`` holds conversations: what the customer types, words each reply must (or
must not) contain, and what ServiceTitan must hold afterwards. Nothing is written unless the end state names
it, and no reply may state a fact the tools did not give (the grounding check).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from frontdesk.agent.escalation import EscalateEmergency, HandOff
from frontdesk.agent.notify import MemoryNotifier
from frontdesk.capabilities.runner import ToolRunner
from frontdesk.sandbox.config import DEMO_TENANT
from frontdesk.sandbox.faults import FaultPlan, FaultRule
from frontdesk.sandbox.store import Where
from tests.agent.conftest import Conversation, World

HERE = Path(__file__).parent / "conversations"
CHICAGO = ZoneInfo("America/Chicago")


def _load() -> list[Any]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


def _local(value: str) -> str:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(CHICAGO)
    return moment.strftime("%Y-%m-%d %H:%M")


# --- setting the scene ---------------------------------------------------------------------------------


def _no_capacity(world: World, first: str, last: str) -> None:
    """Every technician off from ``first`` to ``last`` (local days, inclusive)."""
    start = datetime.combine(date.fromisoformat(first), datetime.min.time(), CHICAGO)
    end = datetime.combine(date.fromisoformat(last) + timedelta(days=1), datetime.min.time(), CHICAGO)
    table = world.sandbox.store["technician_shifts"]
    for shift in table.select(DEMO_TENANT, Where().eq("active", 1)):
        begins = datetime.fromisoformat(shift["start"].replace("Z", "+00:00"))
        if start <= begins < end:
            table.put(DEMO_TENANT, {**shift, "active": False})


def _share_phone(world: World, phone: str, customer: str) -> None:
    """Put ``phone`` on another customer's account too, so the number alone is ambiguous."""
    owner = world.rows("customers", name=customer)[0]
    contacts = world.sandbox.store["contacts"]
    template = next(c for c in world.rows("contacts") if c.get("customerId") == owner["id"])
    new_id = world.max_id("contacts") + 1
    contacts.insert(DEMO_TENANT, {**template, "id": new_id, "type": "MobilePhone", "value": phone})


def _fail_once(world: World, route: str, method: str) -> None:
    """ServiceTitan answers the first matching request with a 503."""
    rule = FaultRule(route=route, methods=[method], error_rate=1.0, status=503, limit=1)
    world.sandbox.faults.configure(FaultPlan(rules=[rule]))


def _set_up(world: World, setup: dict[str, Any]) -> None:
    if "fail_once" in setup:
        _fail_once(world, setup["fail_once"]["route"], setup["fail_once"]["method"])
    if "no_capacity" in setup:
        _no_capacity(world, *setup["no_capacity"])
    if "share_phone" in setup:
        _share_phone(world, setup["share_phone"]["phone"], setup["share_phone"]["with"])


# --- the end state ------------------------------------------------------------------------------------


def _check_bookings(
    world: World,
    talk: Conversation,
    expected: dict[str, Any] | list[dict[str, Any]],
    jobs: list[dict[str, Any]],
) -> None:
    """``booked`` is one job, or a list of them in the order they were booked."""
    wanted = expected if isinstance(expected, list) else [expected]
    assert len(jobs) == len(wanted), f"expected {len(wanted)} new job(s), found {len(jobs)}"
    for job, one in zip(jobs, wanted, strict=True):
        _check_booking(world, talk, one, job)


def _check_booking(world: World, talk: Conversation, expected: dict[str, Any], job: dict[str, Any]) -> None:
    if "customer" in expected:
        assert world.rows("customers", id=job["customerId"])[0]["name"] == expected["customer"]
    if "job_type" in expected:
        assert world.rows("job_types", id=job["jobTypeId"])[0]["name"] == expected["job_type"]
    if "priority" in expected:
        assert job["priority"] == expected["priority"]
    if "summary_has" in expected:
        assert expected["summary_has"].lower() in job["summary"].lower()
    if "summary_lacks" in expected:
        assert expected["summary_lacks"].lower() not in job["summary"].lower(), job["summary"]
    appointment = world.rows("appointments", jobId=job["id"])[0]
    if "start" in expected:
        assert _local(appointment["arrivalWindowStart"]) == expected["start"]
    if "start_on" in expected:
        assert _local(appointment["arrivalWindowStart"]).startswith(expected["start_on"])
    # the confirmation names the job ServiceTitan created
    assert any(f"#{job['jobNumber']}" in reply.text for reply in talk.replies)
    assert "booked" in talk.tags


def _with_people(talk: Conversation) -> MemoryNotifier:
    """Give the receptionist the escalation and handoff tools, with a notifier the test can read."""
    notifier = MemoryNotifier()
    parts = talk.running.receptionist.parts
    tools = [*parts.runner.tools.values(), EscalateEmergency(notifier), HandOff(notifier)]
    parts.runner = ToolRunner(tools, secret=b"test-secret")
    return notifier


def _check_end(
    world: World, talk: Conversation, end: dict[str, Any], before: dict[str, int], notifier: MemoryNotifier
) -> None:
    jobs = world.new_rows("jobs", before["jobs"])
    customers = world.new_rows("customers", before["customers"])
    if "booked" in end:
        _check_bookings(world, talk, end["booked"], jobs)
    else:
        assert jobs == [], "a job was created"
    if "new_customer" in end:
        expected = end["new_customer"]
        assert [c["name"] for c in customers] == [expected["name"]]
        created = customers[0]
        if "zip" in expected:
            assert created["address"]["zip"] == expected["zip"]
        if "street" in expected:
            assert created["address"]["street"] == expected["street"]
        contacts = {c["value"] for c in world.contacts_of(created["id"])}
        for value in expected.get("contacts", []):
            assert value in contacts
    else:
        assert customers == [], "a customer was created"
    for number, status in (end.get("job_status") or {}).items():
        job = world.rows("jobs", jobNumber=str(number))[0]
        assert job["jobStatus"] == status
    for number, text in (end.get("noted") or {}).items():
        job = world.rows("jobs", jobNumber=str(number))[0]
        notes = [n["text"] for n in world.rows("job_notes", _jobId=job["id"])]
        assert any(text.lower() in note.lower() for note in notes), notes
    for number, start in (end.get("moved_to") or {}).items():
        job = world.rows("jobs", jobNumber=str(number))[0]
        starts = [_local(a["arrivalWindowStart"]) for a in world.rows("appointments", jobId=job["id"])]
        assert start in starts, starts
    used = {tool for tool, _ in talk.tools}
    for tool in end.get("tools", []):
        assert tool in used, f"{tool} was not called ({sorted(used)})"
    for tool in end.get("not_tools", []):
        assert tool not in used, f"{tool} was called"
    notices = [notice.kind for notice in notifier.sent]
    assert notices == end.get("notices", []), notices
    for tag in end.get("tags", []):
        assert tag in talk.tags
    assert "grounding_violation" not in talk.tags


@pytest.mark.parametrize("case", _load())
async def test_conversation(case: dict[str, Any], chat: Callable[..., Any], world: World) -> None:
    _set_up(world, case.get("setup") or {})
    before = {"jobs": world.max_id("jobs"), "customers": world.max_id("customers")}
    talk: Conversation = await chat()
    notifier = _with_people(talk)
    for number, turn in enumerate(case["turns"], 1):
        reply = await talk.say(turn["say"])
        print(f"> {turn['say']}\n{reply}\n")  # shown when the case fails
        for text in turn.get("expect", []):
            assert text.lower() in reply.lower(), f"turn {number}: {text!r} missing from {reply!r}"
        for text in turn.get("absent", []):
            assert text.lower() not in reply.lower(), f"turn {number}: {text!r} in {reply!r}"
    _check_end(world, talk, case.get("end") or {}, before, notifier)


def test_there_are_enough_conversations() -> None:
    assert len(_load()) >= 40
