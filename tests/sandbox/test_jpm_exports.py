"""Export feeds of jobs and appointments: recent changes, continuation tokens, dates and deletions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from frontdesk.clock import FrozenClock, iso
from tests.sandbox.jpm_fixtures import (  # noqa: F401  (fixtures)
    Refs,
    appointment_body,
    assert_problem,
    create_job,
    jpm,
    jpm_sandbox_config,
    refs_fixture,
)


async def _drain(
    st: httpx.AsyncClient, refs: Refs, resource: str, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Every row the feed gives from ``params`` on, and the token to continue from."""
    rows: list[dict[str, Any]] = []
    while True:
        answer = await st.get(jpm(refs.tenant, f"export/{resource}"), params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"hasMore", "continueFrom", "data"}
        rows += body["data"]
        params = {**params, "from": body["continueFrom"]}
        if not body["hasMore"]:
            return rows, body["continueFrom"]


async def test_recent_changes_wait_unless_asked_for(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await create_job(st, refs)
    held_back, _ = await _drain(st, refs, "jobs")
    assert job["id"] not in [row["id"] for row in held_back]
    recent, _ = await _drain(st, refs, "jobs", includeRecentChanges="true")
    assert [row for row in recent if row["id"] == job["id"]] == [{**job, "active": True}]
    clock.advance(timedelta(minutes=16))
    settled, _ = await _drain(st, refs, "jobs")
    assert job["id"] in [row["id"] for row in settled]


async def test_continuation_gives_only_later_changes(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await create_job(st, refs, appointments=[appointment_body(0), appointment_body(24)])
    _, jobs_token = await _drain(st, refs, "jobs", includeRecentChanges="true")
    _, appointments_token = await _drain(st, refs, "appointments", includeRecentChanges="true")
    nothing, same = await _drain(st, refs, "jobs", **{"from": jobs_token, "includeRecentChanges": "true"})
    assert nothing == []

    clock.advance(60)
    canceled = await st.put(
        jpm(refs.tenant, f"jobs/{job['id']}/cancel"), json={"reasonId": refs.cancel_reason, "memo": "x"}
    )
    assert canceled.status_code == 200
    other = await create_job(st, refs)
    changed, _ = await _drain(st, refs, "jobs", **{"from": same, "includeRecentChanges": "true"})
    assert [(row["id"], row["jobStatus"]) for row in changed] == [
        (job["id"], "Canceled"),
        (other["id"], "Scheduled"),
    ]
    moved, _ = await _drain(
        st, refs, "appointments", **{"from": appointments_token, "includeRecentChanges": "true"}
    )
    assert [(row["id"], row["status"]) for row in moved] == [
        (job["firstAppointmentId"], "Canceled"),
        (job["lastAppointmentId"], "Canceled"),
        (other["firstAppointmentId"], "Scheduled"),
    ]


async def test_export_from_a_date(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> None:
    old = await create_job(st, refs)
    clock.advance(timedelta(minutes=30))
    since = iso(clock.now())
    new = await create_job(st, refs)
    rows, _ = await _drain(st, refs, "jobs", **{"from": since, "includeRecentChanges": "true"})
    assert [row["id"] for row in rows] == [new["id"]]
    everything, _ = await _drain(st, refs, "jobs", includeRecentChanges="true")
    assert {old["id"], new["id"]} <= {row["id"] for row in everything}
    assert_problem(
        await st.get(jpm(refs.tenant, "export/jobs"), params={"from": "last tuesday"}), 400, "from"
    )


async def test_deleted_appointments_export_as_inactive(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs, appointments=[appointment_body(0), appointment_body(24)])
    deleted = await st.delete(jpm(refs.tenant, f"appointments/{job['lastAppointmentId']}"))
    assert deleted.status_code == 200
    mine = {job["firstAppointmentId"], job["lastAppointmentId"]}

    async def exported(**params: Any) -> dict[int, bool]:
        rows, _ = await _drain(st, refs, "appointments", includeRecentChanges="true", **params)
        return {row["id"]: row["active"] for row in rows if row["id"] in mine}

    assert await exported() == {job["firstAppointmentId"]: True, job["lastAppointmentId"]: False}
    assert await exported(active="True") == {job["firstAppointmentId"]: True}
    assert await exported(active="False") == {job["lastAppointmentId"]: False}
