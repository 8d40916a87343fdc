"""Appointments: list filters, get, add, reschedule, hold and release, delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock, iso
from tests.conftest import NOW
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


def _appointment(refs: Refs, ident: int | str, suffix: str = "") -> str:
    return jpm(refs.tenant, f"appointments/{ident}{suffix}")


async def _add(st: httpx.AsyncClient, refs: Refs, job_id: int, **body: Any) -> httpx.Response:
    return await st.post(jpm(refs.tenant, "appointments"), json={"jobId": job_id, **appointment_body(**body)})


# --- reads -----------------------------------------------------------------------------------------


async def test_get_appointment(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    answer = await st.get(_appointment(refs, job["firstAppointmentId"]))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["jobId"], body["start"], body["end"], body["status"], body["active"]) == (
        job["id"],
        at(0),
        at(2),
        "Scheduled",
        True,
    )
    assert not any(key.startswith("_") for key in body)
    assert_problem(await st.get(_appointment(refs, 987654321)), 404)
    assert_problem(await st.get(_appointment(refs, job["id"])), 404)  # a job id is not an appointment id


async def test_list_filters(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> None:
    first = await create_job(
        st, refs, appointments=[appointment_body(0, technicianIds=[refs.technicians[0]])]
    )
    clock.advance(600)
    second = await create_job(
        st,
        refs,
        customerId=refs.other_customer,
        locationId=refs.other_location,
        projectId=31,
        appointments=[appointment_body(24), appointment_body(48, technicianIds=[refs.technicians[1]])],
    )
    a = first["firstAppointmentId"]
    b, c = second["firstAppointmentId"], second["lastAppointmentId"]
    ours = f"{a},{b},{c}"
    clock.advance(600)
    held = await st.put(_appointment(refs, c, "/hold"), json={"reasonId": refs.hold_reason, "memo": "parts"})
    assert held.status_code == 200

    async def found(**params: Any) -> list[int]:
        return await list_ids(st, refs, "appointments", ids=ours, **params)

    assert await found() == [a, b, c]
    assert await found(jobId=second["id"]) == [b, c]
    assert await found(customerId=refs.customer) == [a]
    assert await found(number=f"{second['jobNumber']}-2") == [c]
    assert await found(status="Hold") == [c]
    assert await found(status="scheduled") == [a, b]
    assert await found(startsOnOrAfter=at(24)) == [b, c]
    assert await found(startsBefore=at(24)) == [a]
    assert await found(startsOnOrAfter=at(1), startsBefore=at(30)) == [b]
    assert await found(technicianId=refs.technicians[1]) == [c]
    assert await found(projectId=31) == [b, c]
    assert await found(unused="false") == [a, b, c]
    assert await found(unused="true") == []
    assert await found(createdOnOrAfter=iso(NOW + timedelta(minutes=10))) == [b, c]
    assert await found(createdBefore=iso(NOW + timedelta(minutes=10))) == [a]
    assert await found(modifiedOnOrAfter=iso(NOW + timedelta(minutes=20))) == [c]
    assert await found(modifiedBefore=iso(NOW + timedelta(minutes=20))) == [a, b]
    assert await found(sort="-Id") == [c, b, a]
    assert await found(sort="-ModifiedOn") == [c, b, a]
    assert set(await list_ids(st, refs, "appointments", jobId=first["id"])) == {a}
    assert_problem(await st.get(jpm(refs.tenant, "appointments"), params={"sort": "+Start"}), 400, "sort")
    assert_problem(await st.get(jpm(refs.tenant, "appointments"), params={"status": "Gone"}), 400, "status")


async def test_list_paging(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(
        st, refs, appointments=[appointment_body(0), appointment_body(24), appointment_body(48)]
    )
    params: dict[str, Any] = {"jobId": job["id"], "pageSize": 2, "includeTotal": "true"}
    first = (await st.get(jpm(refs.tenant, "appointments"), params=params)).json()
    second = (await st.get(jpm(refs.tenant, "appointments"), params={**params, "page": 2})).json()
    assert (len(first["data"]), first["hasMore"], first["totalCount"]) == (2, True, 3)
    assert (len(second["data"]), second["hasMore"]) == (1, False)
    assert {x["id"] for x in first["data"]} | {x["id"] for x in second["data"]} == {
        x["id"] for x in await job_appointments(st, refs, job["id"])
    }


# --- add -------------------------------------------------------------------------------------------


async def test_add_appends_an_appointment_to_the_job(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await create_job(st, refs)
    clock.advance(60)
    answer = await _add(
        st,
        refs,
        job["id"],
        start=-24,
        technicianIds=[refs.technicians[0]],
        specialInstructions="Gate code 12",
    )
    assert answer.status_code == 200, answer.text
    added = answer.json()
    assert added["appointmentNumber"] == f"{job['jobNumber']}-2"
    assert (added["status"], added["specialInstructions"], added["customerId"]) == (
        "Scheduled",
        "Gate code 12",
        refs.customer,
    )
    assert added["createdOn"] == iso(clock.now())
    shown = await get_job(st, refs, job["id"])
    # the new appointment starts earlier, so it becomes the job's first one
    assert (shown["appointmentCount"], shown["firstAppointmentId"], shown["lastAppointmentId"]) == (
        2,
        added["id"],
        job["firstAppointmentId"],
    )
    assert shown["modifiedOn"] == iso(clock.now())
    assert job["id"] in await list_ids(
        st, refs, "jobs", firstAppointmentStartsBefore=at(0), customerId=refs.customer
    )
    assert added["id"] in await list_ids(st, refs, "appointments", technicianId=refs.technicians[0])


async def test_add_to_a_held_job_takes_it_off_hold(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    await st.put(jpm(refs.tenant, f"jobs/{job['id']}/hold"), json={"reasonId": refs.hold_reason, "memo": "x"})
    assert (await _add(st, refs, job["id"], start=24)).status_code == 200
    assert (await get_job(st, refs, job["id"]))["jobStatus"] == "Scheduled"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": 0}, "End"),
        ({"hours": -2}, "End"),
        ({"arrivalWindowStart": at(0)}, "ArrivalWindowEnd"),
        ({"arrivalWindowEnd": at(0)}, "ArrivalWindowStart"),
        ({"arrivalWindowStart": at(1), "arrivalWindowEnd": at(0)}, "ArrivalWindowEnd"),
        ({"technicianIds": [987654321]}, "TechnicianIds"),
    ],
)
async def test_add_rejects_a_bad_appointment(
    st: httpx.AsyncClient, refs: Refs, body: dict[str, Any], field: str
) -> None:
    job = await create_job(st, refs)
    assert_problem(await _add(st, refs, job["id"], start=24, **body), 400, field)
    assert (await get_job(st, refs, job["id"]))["appointmentCount"] == 1


async def test_add_needs_an_open_existing_job(st: httpx.AsyncClient, refs: Refs) -> None:
    assert_problem(await _add(st, refs, 987654321), 400, "JobId")
    missing_end = await st.post(jpm(refs.tenant, "appointments"), json={"jobId": 1, "start": at(0)})
    assert_problem(missing_end, 400, "End")
    canceled = await create_job(st, refs)
    await st.put(
        jpm(refs.tenant, f"jobs/{canceled['id']}/cancel"), json={"reasonId": refs.cancel_reason, "memo": "x"}
    )
    assert_problem(await _add(st, refs, canceled["id"]), 409)
    completed = await create_job(st, refs)
    await st.put(jpm(refs.tenant, f"jobs/{completed['id']}/complete"), json={"completedOn": at(2)})
    assert_problem(await _add(st, refs, completed["id"]), 409)
    assert (await get_job(st, refs, completed["id"]))["appointmentCount"] == 1


# --- reschedule ------------------------------------------------------------------------------------


async def test_reschedule_moves_the_appointment_and_the_job_summary(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await create_job(st, refs, appointments=[appointment_body(0), appointment_body(24)])
    first, last = job["firstAppointmentId"], job["lastAppointmentId"]
    clock.advance(60)
    answer = await st.patch(
        _appointment(refs, first, "/reschedule"),
        json={"start": at(48), "end": at(50), "arrivalWindowStart": at(48), "arrivalWindowEnd": at(49)},
    )
    assert answer.status_code == 200, answer.text
    moved = answer.json()
    assert (moved["start"], moved["end"], moved["arrivalWindowStart"], moved["arrivalWindowEnd"]) == (
        at(48),
        at(50),
        at(48),
        at(49),
    )
    assert moved["modifiedOn"] == iso(clock.now())
    shown = await get_job(st, refs, job["id"])
    assert (shown["firstAppointmentId"], shown["lastAppointmentId"]) == (last, first)
    assert shown["modifiedOn"] == iso(clock.now())
    assert job["id"] in await list_ids(
        st, refs, "jobs", firstAppointmentStartsOnOrAfter=at(24), firstAppointmentStartsBefore=at(25)
    )


async def test_reschedule_keeps_what_the_body_leaves_out(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(
        st,
        refs,
        appointments=[appointment_body(0, hours=3, arrivalWindowStart=at(0), arrivalWindowEnd=at(1))],
    )
    ident = job["firstAppointmentId"]
    answer = await st.patch(_appointment(refs, ident, "/reschedule"), json={"start": at(1)})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["start"], answer.json()["end"], answer.json()["arrivalWindowEnd"]) == (
        at(1),
        at(3),
        at(1),
    )
    cleared = await st.patch(
        _appointment(refs, ident, "/reschedule"), json={"arrivalWindowStart": None, "arrivalWindowEnd": None}
    )
    assert (cleared.json()["arrivalWindowStart"], cleared.json()["arrivalWindowEnd"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": at(5)}, "End"),  # after the stored end
        ({"start": at(0), "end": at(0)}, "End"),
        ({"arrivalWindowStart": None}, "ArrivalWindowStart"),
        ({"arrivalWindowStart": at(1), "arrivalWindowEnd": at(0)}, "ArrivalWindowEnd"),
        ({"start": "tomorrow"}, "Start"),
    ],
)
async def test_reschedule_rejects_bad_times(
    st: httpx.AsyncClient, refs: Refs, body: dict[str, Any], field: str
) -> None:
    job = await create_job(
        st, refs, appointments=[appointment_body(0, arrivalWindowStart=at(0), arrivalWindowEnd=at(1))]
    )
    ident = job["firstAppointmentId"]
    assert_problem(await st.patch(_appointment(refs, ident, "/reschedule"), json=body), 400, field)
    assert (await st.get(_appointment(refs, ident))).json()["start"] == at(0)


async def test_reschedule_conflicts(st: httpx.AsyncClient, refs: Refs) -> None:
    done = await create_job(st, refs)
    await st.put(jpm(refs.tenant, f"jobs/{done['id']}/complete"), json={"completedOn": at(2)})
    later = {"start": at(24), "end": at(26)}
    assert_problem(
        await st.patch(_appointment(refs, done["firstAppointmentId"], "/reschedule"), json=later), 409
    )
    canceled = await create_job(st, refs)
    await st.put(
        jpm(refs.tenant, f"jobs/{canceled['id']}/cancel"), json={"reasonId": refs.cancel_reason, "memo": "x"}
    )
    assert_problem(
        await st.patch(_appointment(refs, canceled["firstAppointmentId"], "/reschedule"), json=later), 409
    )
    assert (await st.get(_appointment(refs, canceled["firstAppointmentId"]))).json()["start"] == at(0)
    assert_problem(await st.patch(_appointment(refs, 987654321, "/reschedule"), json=later), 404)


# --- hold and release ------------------------------------------------------------------------------


async def test_hold_and_release_an_appointment(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> None:
    job = await create_job(st, refs)
    ident = job["firstAppointmentId"]
    clock.advance(60)
    answer = await st.put(
        _appointment(refs, ident, "/hold"), json={"reasonId": refs.hold_reason, "memo": "parts"}
    )
    assert answer.status_code == 200, answer.text
    appointment = (await st.get(_appointment(refs, ident))).json()
    assert (appointment["status"], appointment["modifiedOn"]) == ("Hold", iso(clock.now()))
    assert (await get_job(st, refs, job["id"]))["jobStatus"] == "Hold"  # its only appointment waits

    clock.advance(60)
    released = await st.delete(_appointment(refs, ident, "/hold"))
    assert released.status_code == 200, released.text
    appointment = (await st.get(_appointment(refs, ident))).json()
    assert (appointment["status"], appointment["modifiedOn"]) == ("Scheduled", iso(clock.now()))
    assert (await get_job(st, refs, job["id"]))["jobStatus"] == "Scheduled"


async def test_hold_rules(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    ident = job["firstAppointmentId"]
    hold = {"reasonId": refs.hold_reason, "memo": "parts"}
    assert_problem(
        await st.put(_appointment(refs, ident, "/hold"), json={"reasonId": 987654321, "memo": "x"}),
        400,
        "ReasonId",
    )
    assert_problem(
        await st.put(_appointment(refs, ident, "/hold"), json={"reasonId": refs.hold_reason}), 400, "Memo"
    )
    assert_problem(await st.delete(_appointment(refs, ident, "/hold")), 409)  # not on hold
    assert (await st.put(_appointment(refs, ident, "/hold"), json=hold)).status_code == 200
    assert_problem(await st.put(_appointment(refs, ident, "/hold"), json=hold), 409)  # already on hold
    assert_problem(await st.put(_appointment(refs, 987654321, "/hold"), json=hold), 404)
    assert_problem(await st.delete(_appointment(refs, 987654321, "/hold")), 404)

    for action, body in (
        ("complete", {"completedOn": at(2)}),
        ("cancel", {"reasonId": refs.cancel_reason, "memo": "x"}),
    ):
        closed = await create_job(st, refs)
        await st.put(jpm(refs.tenant, f"jobs/{closed['id']}/{action}"), json=body)
        assert_problem(
            await st.put(_appointment(refs, closed["firstAppointmentId"], "/hold"), json=hold), 409
        )
        assert_problem(await st.delete(_appointment(refs, closed["firstAppointmentId"], "/hold")), 409)


# --- delete ----------------------------------------------------------------------------------------


async def test_delete_removes_the_appointment(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> None:
    job = await create_job(
        st,
        refs,
        appointments=[appointment_body(0), appointment_body(24, technicianIds=[refs.technicians[1]])],
    )
    first, last = job["firstAppointmentId"], job["lastAppointmentId"]
    clock.advance(60)
    answer = await st.delete(_appointment(refs, last))
    assert answer.status_code == 200, answer.text
    assert_problem(await st.get(_appointment(refs, last)), 404)
    assert await list_ids(st, refs, "appointments", jobId=job["id"]) == [first]
    assert await list_ids(st, refs, "appointments", jobId=job["id"], active="False") == [last]
    assert last not in await list_ids(st, refs, "appointments", technicianId=refs.technicians[1])
    assert job["id"] not in await list_ids(st, refs, "jobs", technicianId=refs.technicians[1])
    shown = await get_job(st, refs, job["id"])
    assert (shown["appointmentCount"], shown["firstAppointmentId"], shown["lastAppointmentId"]) == (
        1,
        first,
        first,
    )
    assert shown["modifiedOn"] == iso(clock.now())
    assert_problem(await st.delete(_appointment(refs, last)), 404)  # already gone
    # numbers are not reused after a deletion
    added = await st.post(jpm(refs.tenant, "appointments"), json={"jobId": job["id"], **appointment_body(72)})
    assert added.json()["appointmentNumber"] == f"{job['jobNumber']}-3"


async def test_delete_conflicts(st: httpx.AsyncClient, refs: Refs) -> None:
    only = await create_job(st, refs)
    assert_problem(await st.delete(_appointment(refs, only["firstAppointmentId"])), 409)  # a job needs one
    assert (await st.get(_appointment(refs, only["firstAppointmentId"]))).status_code == 200

    job = await create_job(st, refs, appointments=[appointment_body(0), appointment_body(24)])
    await st.put(jpm(refs.tenant, f"jobs/{job['id']}/complete"), json={"completedOn": at(2)})
    assert_problem(await st.delete(_appointment(refs, job["firstAppointmentId"])), 409)  # done
    assert (await get_job(st, refs, job["id"]))["appointmentCount"] == 2
    assert_problem(await st.delete(_appointment(refs, 987654321)), 404)
