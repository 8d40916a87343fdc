"""Jobs_Create: what a booked job looks like, and every rule that turns a booking away with a 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.sandbox.store import Where, to_us
from tests.sandbox.jpm_fixtures import (  # noqa: F401  (fixtures)
    Refs,
    appointment_body,
    assert_problem,
    at,
    create_job,
    job_appointments,
    job_body,
    jpm,
    jpm_sandbox_config,
    refs_fixture,
)

NOW = "2026-03-09T15:00:00Z"


async def test_create_answers_the_job_with_its_appointments(
    st: httpx.AsyncClient, refs: Refs, sandbox_app: Starlette
) -> None:
    job = await create_job(
        st,
        refs,
        appointments=[
            appointment_body(24, arrivalWindowStart=at(24), arrivalWindowEnd=at(25)),
            appointment_body(0, technicianIds=list(refs.technicians)),
        ],
    )
    assert job["jobStatus"] == "Scheduled"
    assert job["customerId"] == refs.customer and job["locationId"] == refs.location
    assert job["summary"] == "<p>No cooling upstairs</p>"
    assert job["createdOn"] == job["modifiedOn"] == NOW
    assert isinstance(job["jobNumber"], str) and job["jobNumber"] != str(job["id"])
    assert not any(key.startswith("_") for key in job)
    assert job["appointmentCount"] == 2

    appointments = await job_appointments(st, refs, job["id"])
    assert [a["appointmentNumber"] for a in appointments] == [
        f"{job['jobNumber']}-1",
        f"{job['jobNumber']}-2",
    ]
    later, earlier = appointments
    assert (earlier["start"], earlier["end"]) == (at(0), at(2))
    assert (later["arrivalWindowStart"], later["arrivalWindowEnd"]) == (at(24), at(25))
    # first and last follow the appointments' start times, not the order they were sent in
    assert job["firstAppointmentId"] == earlier["id"]
    assert job["lastAppointmentId"] == later["id"]
    assert all(a["status"] == "Scheduled" and a["customerId"] == refs.customer for a in appointments)

    stored = sandbox_app.state.sandbox.store["jobs"].get(refs.tenant, job["id"])
    assert stored["_firstStart"] == to_us(at(0))


async def test_create_assigns_the_named_technicians(
    st: httpx.AsyncClient, refs: Refs, sandbox_app: Starlette
) -> None:
    # a technician named twice is assigned once
    job = await create_job(
        st, refs, appointments=[appointment_body(technicianIds=[refs.technicians[1], refs.technicians[1]])]
    )
    store = sandbox_app.state.sandbox.store
    assignments = store["appointment_assignments"].select(refs.tenant, Where().eq("job_id", job["id"]))
    assert [(a["technicianId"], a["technicianName"], a["appointmentId"]) for a in assignments] == [
        (refs.technicians[1], "Ben Gauge", job["firstAppointmentId"])
    ]


async def test_each_job_gets_a_new_number(st: httpx.AsyncClient, refs: Refs) -> None:
    first = await create_job(st, refs)
    second = await create_job(st, refs)
    assert first["id"] != second["id"]
    assert int(second["jobNumber"]) == int(first["jobNumber"]) + 1


async def test_created_job_can_be_read_back(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    answer = await st.get(jpm(refs.tenant, f"jobs/{job['id']}"))
    assert answer.status_code == 200
    assert answer.json() == job


UNKNOWN = 987_654_321


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda r: {"customerId": UNKNOWN}, "CustomerId"),
        (lambda r: {"locationId": UNKNOWN}, "LocationId"),
        (lambda r: {"locationId": r.other_location}, "LocationId"),  # another customer's location
        (lambda r: {"businessUnitId": UNKNOWN}, "BusinessUnitId"),
        (lambda r: {"businessUnitId": r.inactive_business_unit}, "BusinessUnitId"),
        (lambda r: {"jobTypeId": UNKNOWN}, "JobTypeId"),
        (lambda r: {"campaignId": UNKNOWN}, "CampaignId"),
        (lambda r: {"priority": "Whenever"}, "Priority"),
        (lambda r: {"priority": "urgent"}, "Priority"),
        (lambda r: {"appointments": []}, "Appointments"),
        (lambda r: {"appointments": [appointment_body(0, hours=0)]}, "Appointments[0].End"),
        (lambda r: {"appointments": [appointment_body(0, hours=-1)]}, "Appointments[0].End"),
        (
            lambda r: {"appointments": [appointment_body(), appointment_body(arrivalWindowStart=at(0))]},
            "Appointments[1].ArrivalWindowEnd",
        ),
        (
            lambda r: {"appointments": [appointment_body(arrivalWindowEnd=at(1))]},
            "Appointments[0].ArrivalWindowStart",
        ),
        (
            lambda r: {"appointments": [appointment_body(arrivalWindowStart=at(1), arrivalWindowEnd=at(1))]},
            "Appointments[0].ArrivalWindowEnd",
        ),
        (
            lambda r: {"appointments": [appointment_body(technicianIds=[UNKNOWN])]},
            "Appointments[0].TechnicianIds",
        ),
        (
            lambda r: {
                "appointments": [appointment_body(technicianIds=[r.technicians[0], r.inactive_technician])]
            },
            "Appointments[0].TechnicianIds",
        ),
    ],
)
async def test_create_rejects_a_broken_booking(
    st: httpx.AsyncClient, refs: Refs, changes: Any, field: str
) -> None:
    before = await st.get(
        jpm(refs.tenant, "jobs"), params={"customerId": refs.customer, "includeTotal": True}
    )
    answer = await st.post(jpm(refs.tenant, "jobs"), json=job_body(refs, **changes(refs)))
    assert_problem(answer, 400, field)
    after = await st.get(jpm(refs.tenant, "jobs"), params={"customerId": refs.customer, "includeTotal": True})
    assert after.json()["totalCount"] == before.json()["totalCount"] == 0


@pytest.mark.parametrize(
    "missing",
    ["customerId", "locationId", "businessUnitId", "jobTypeId", "priority", "campaignId", "appointments"],
)
async def test_create_requires_the_published_fields(st: httpx.AsyncClient, refs: Refs, missing: str) -> None:
    body = job_body(refs)
    del body[missing]
    answer = await st.post(jpm(refs.tenant, "jobs"), json=body)
    assert_problem(answer, 400, missing[:1].upper() + missing[1:])


async def test_create_reports_every_problem_at_once(st: httpx.AsyncClient, refs: Refs) -> None:
    answer = await st.post(
        jpm(refs.tenant, "jobs"),
        json=job_body(refs, campaignId=1, jobTypeId=1, appointments=[appointment_body(hours=-1)]),
    )
    errors = assert_problem(answer, 400)["errors"]
    assert {"CampaignId", "JobTypeId", "Appointments[0].End"} <= set(errors)


async def test_a_failed_create_leaves_no_appointments(st: httpx.AsyncClient, refs: Refs) -> None:
    answer = await st.post(
        jpm(refs.tenant, "jobs"),
        json=job_body(refs, appointments=[appointment_body(), appointment_body(5, technicianIds=[1])]),
    )
    assert_problem(answer, 400, "Appointments[1].TechnicianIds")
    listed = await st.get(jpm(refs.tenant, "appointments"), params={"customerId": refs.customer})
    assert listed.json()["data"] == []


async def test_external_data_is_shown_to_its_application_only(st: httpx.AsyncClient, refs: Refs) -> None:
    guid = "6f1c1b62-6a4e-4b8e-9f5e-2a1d3c4b5a69"
    job = await create_job(
        st,
        refs,
        externalData={"applicationGuid": guid.upper(), "externalData": [{"key": "ticket", "value": "T-1"}]},
    )
    assert job["externalData"] == [{"key": "ticket", "value": "T-1"}]
    plain = await st.get(jpm(refs.tenant, f"jobs/{job['id']}"))
    assert plain.json()["externalData"] == []
    mine = await st.get(jpm(refs.tenant, f"jobs/{job['id']}"), params={"externalDataApplicationGuid": guid})
    assert mine.json()["externalData"] == [{"key": "ticket", "value": "T-1"}]
    found = await st.get(
        jpm(refs.tenant, "jobs"),
        params={
            "externalDataApplicationGuid": guid,
            "externalDataKey": "ticket",
            "externalDataValues": "T-1,T-9",
        },
    )
    assert [j["id"] for j in found.json()["data"]] == [job["id"]]
    other = await st.get(
        jpm(refs.tenant, "jobs"),
        params={
            "externalDataApplicationGuid": guid,
            "externalDataKey": "ticket",
            "externalDataValues": "T-2",
        },
    )
    assert other.json()["data"] == []
