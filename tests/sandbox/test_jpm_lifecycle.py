"""How a job's status follows its appointments and the job actions (cancel, hold, complete, un-cancel)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock, iso
from frontdesk.sandbox.api.jpm import lifecycle
from tests.sandbox.jpm_fixtures import (  # noqa: F401  (fixtures)
    Refs,
    appointment_body,
    assert_problem,
    at,
    create_job,
    get_job,
    job_appointments,
    jpm,
    jpm_sandbox_config,
    list_ids,
    refs_fixture,
)


@pytest.mark.parametrize(
    ("current", "appointments", "expected"),
    [
        ("Scheduled", ["Scheduled"], "Scheduled"),
        ("Scheduled", ["Scheduled", "Dispatched"], "Dispatched"),
        ("Dispatched", ["Working", "Dispatched", "Scheduled"], "InProgress"),
        ("Scheduled", ["Hold", "Hold"], "Hold"),
        ("Scheduled", ["Hold", "Scheduled"], "Scheduled"),
        ("Hold", ["Hold", "Done"], "Hold"),
        ("InProgress", ["Done", "Done"], "InProgress"),
        ("Canceled", ["Scheduled"], "Canceled"),
        ("Completed", ["Working"], "Completed"),
    ],
)
def test_job_status_follows_the_most_advanced_open_appointment(
    current: str, appointments: list[str], expected: str
) -> None:
    assert lifecycle.job_status(current, appointments) == expected


async def _statuses(st: httpx.AsyncClient, refs: Refs, job_id: int) -> tuple[str, list[str]]:
    job = await get_job(st, refs, job_id)
    return job["jobStatus"], [a["status"] for a in await job_appointments(st, refs, job_id)]


async def _two_appointment_job(st: httpx.AsyncClient, refs: Refs) -> dict[str, Any]:
    return await create_job(st, refs, appointments=[appointment_body(0), appointment_body(24)])


def _put(st: httpx.AsyncClient, refs: Refs, job_id: int, action: str, body: Any = None) -> Any:
    return st.put(jpm(refs.tenant, f"jobs/{job_id}/{action}"), json=body)


def _cancel(refs: Refs) -> dict[str, Any]:
    return {"reasonId": refs.cancel_reason, "memo": "Customer fixed it"}


def _hold(refs: Refs) -> dict[str, Any]:
    return {"reasonId": refs.hold_reason, "memo": "Waiting for parts"}


# --- status driven by appointments (dispatch and the generator move them) ---------------------------


async def test_dispatched_and_working_appointments_move_the_job(
    st: httpx.AsyncClient, refs: Refs, sandbox_app: Starlette, clock: FrozenClock
) -> None:
    job = await _two_appointment_job(st, refs)
    store = sandbox_app.state.sandbox.store
    first = store["appointments"].get(refs.tenant, job["firstAppointmentId"])

    for appointment_status, job_status in (("Dispatched", "Dispatched"), ("Working", "InProgress")):
        clock.advance(60)
        first["status"] = appointment_status
        store["appointments"].put(refs.tenant, first)
        lifecycle.sync_job(store, refs.tenant, store["jobs"].get(refs.tenant, job["id"]), clock.now())
        shown = await get_job(st, refs, job["id"])
        assert shown["jobStatus"] == job_status
        assert shown["modifiedOn"] == iso(clock.now())
        assert job["id"] in await list_ids(st, refs, "jobs", jobStatus=job_status, customerId=refs.customer)
        assert job["id"] in await list_ids(st, refs, "jobs", appointmentStatus=appointment_status)


async def test_sync_without_change_leaves_the_job_alone(
    st: httpx.AsyncClient, refs: Refs, sandbox_app: Starlette, clock: FrozenClock
) -> None:
    job = await create_job(st, refs)
    store = sandbox_app.state.sandbox.store
    clock.advance(60)
    lifecycle.sync_job(store, refs.tenant, store["jobs"].get(refs.tenant, job["id"]), clock.now())
    assert (await get_job(st, refs, job["id"]))["modifiedOn"] == job["modifiedOn"]


# --- hold ------------------------------------------------------------------------------------------


async def test_hold_puts_the_job_and_its_open_appointments_on_hold(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await _two_appointment_job(st, refs)
    clock.advance(60)
    answer = await _put(st, refs, job["id"], "hold", _hold(refs))
    assert answer.status_code == 200, answer.text
    assert await _statuses(st, refs, job["id"]) == ("Hold", ["Hold", "Hold"])
    assert (await get_job(st, refs, job["id"]))["modifiedOn"] == iso(clock.now())
    assert job["id"] in await list_ids(st, refs, "jobs", jobStatus="Hold", customerId=refs.customer)


async def test_releasing_one_appointment_takes_the_job_off_hold(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await _two_appointment_job(st, refs)
    await _put(st, refs, job["id"], "hold", _hold(refs))
    released = await st.delete(jpm(refs.tenant, f"appointments/{job['firstAppointmentId']}/hold"))
    assert released.status_code == 200, released.text
    assert await _statuses(st, refs, job["id"]) == ("Scheduled", ["Scheduled", "Hold"])


async def test_hold_conflicts(st: httpx.AsyncClient, refs: Refs) -> None:
    held = await create_job(st, refs)
    await _put(st, refs, held["id"], "hold", _hold(refs))
    assert_problem(await _put(st, refs, held["id"], "hold", _hold(refs)), 409)

    completed = await create_job(st, refs)
    await _put(st, refs, completed["id"], "complete", {"completedOn": at(2)})
    assert_problem(await _put(st, refs, completed["id"], "hold", _hold(refs)), 409)

    canceled = await create_job(st, refs)
    await _put(st, refs, canceled["id"], "cancel", _cancel(refs))
    assert_problem(await _put(st, refs, canceled["id"], "hold", _hold(refs)), 409)
    assert (await get_job(st, refs, canceled["id"]))["jobStatus"] == "Canceled"


async def test_hold_needs_a_hold_reason(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    for reason in (987654321, refs.cancel_reason):  # a cancel reason is not a hold reason
        answer = await _put(st, refs, job["id"], "hold", {"reasonId": reason, "memo": "x"})
        assert_problem(answer, 400, "ReasonId")
    assert_problem(await _put(st, refs, job["id"], "hold", {"reasonId": refs.hold_reason}), 400, "Memo")
    assert (await get_job(st, refs, job["id"]))["jobStatus"] == "Scheduled"
    assert_problem(await _put(st, refs, 987654321, "hold", _hold(refs)), 404)


# --- cancel and remove-cancellation ----------------------------------------------------------------


async def test_cancel_cancels_the_job_and_its_open_appointments(
    st: httpx.AsyncClient, refs: Refs, sandbox_app: Starlette, clock: FrozenClock
) -> None:
    job = await _two_appointment_job(st, refs)
    store = sandbox_app.state.sandbox.store
    done = store["appointments"].get(refs.tenant, job["firstAppointmentId"])
    done["status"] = "Done"
    store["appointments"].put(refs.tenant, done)
    clock.advance(60)
    answer = await _put(st, refs, job["id"], "cancel", _cancel(refs))
    assert answer.status_code == 200, answer.text
    assert await _statuses(st, refs, job["id"]) == ("Canceled", ["Done", "Canceled"])
    shown = await get_job(st, refs, job["id"])
    assert shown["modifiedOn"] == iso(clock.now())
    assert shown["appointmentCount"] == 2
    assert job["id"] in await list_ids(st, refs, "jobs", jobStatus="Canceled", customerId=refs.customer)


async def test_cancel_conflicts_and_reasons(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    assert_problem(
        await _put(st, refs, job["id"], "cancel", {"reasonId": 987654321, "memo": "x"}), 400, "ReasonId"
    )
    assert_problem(
        await _put(st, refs, job["id"], "cancel", {"reasonId": refs.hold_reason, "memo": "x"}),
        400,
        "ReasonId",
    )
    assert_problem(await _put(st, refs, job["id"], "cancel", {"memo": "x"}), 400, "ReasonId")
    assert (await get_job(st, refs, job["id"]))["jobStatus"] == "Scheduled"
    assert (await _put(st, refs, job["id"], "cancel", _cancel(refs))).status_code == 200
    assert_problem(await _put(st, refs, job["id"], "cancel", _cancel(refs)), 409)
    assert_problem(await _put(st, refs, 987654321, "cancel", _cancel(refs)), 404)

    completed = await create_job(st, refs)
    await _put(st, refs, completed["id"], "complete", {"completedOn": at(2)})
    assert_problem(await _put(st, refs, completed["id"], "cancel", _cancel(refs)), 409)
    assert await _statuses(st, refs, completed["id"]) == ("Completed", ["Done"])


async def test_remove_cancellation_reschedules_the_job(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await _two_appointment_job(st, refs)
    await _put(st, refs, job["id"], "cancel", _cancel(refs))
    clock.advance(60)
    answer = await _put(st, refs, job["id"], "remove-cancellation")
    assert answer.status_code == 200, answer.text
    assert await _statuses(st, refs, job["id"]) == ("Scheduled", ["Scheduled", "Scheduled"])
    assert (await get_job(st, refs, job["id"]))["modifiedOn"] == iso(clock.now())


async def test_remove_cancellation_needs_a_canceled_job(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    assert_problem(await _put(st, refs, job["id"], "remove-cancellation"), 409)
    await _put(st, refs, job["id"], "hold", _hold(refs))
    assert_problem(await _put(st, refs, job["id"], "remove-cancellation"), 409)
    assert_problem(await _put(st, refs, 987654321, "remove-cancellation"), 404)


# --- complete --------------------------------------------------------------------------------------


async def test_complete_finishes_the_job_and_its_appointments(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await _two_appointment_job(st, refs)
    await _put(st, refs, job["id"], "hold", _hold(refs))
    clock.advance(60)
    answer = await _put(st, refs, job["id"], "complete", {"completedOn": "2026-03-10T16:30:00+00:00"})
    assert answer.status_code == 200, answer.text
    assert await _statuses(st, refs, job["id"]) == ("Completed", ["Done", "Done"])
    shown = await get_job(st, refs, job["id"])
    assert shown["completedOn"] == "2026-03-10T16:30:00Z"
    assert shown["modifiedOn"] == iso(clock.now())


async def test_complete_conflicts(st: httpx.AsyncClient, refs: Refs) -> None:
    canceled = await create_job(st, refs)
    await _put(st, refs, canceled["id"], "cancel", _cancel(refs))
    assert_problem(await _put(st, refs, canceled["id"], "complete", {"completedOn": at(2)}), 409)
    assert (await get_job(st, refs, canceled["id"]))["completedOn"] is None

    job = await create_job(st, refs)
    assert_problem(await _put(st, refs, job["id"], "complete", {}), 400, "CompletedOn")
    assert_problem(await _put(st, refs, job["id"], "complete", {"completedOn": "soon"}), 400, "CompletedOn")
    assert (await _put(st, refs, job["id"], "complete", {"completedOn": at(2)})).status_code == 200
    assert_problem(await _put(st, refs, job["id"], "complete", {"completedOn": at(3)}), 409)
    assert (await get_job(st, refs, job["id"]))["completedOn"] == at(2)
    assert_problem(await _put(st, refs, 987654321, "complete", {"completedOn": at(2)}), 404)
