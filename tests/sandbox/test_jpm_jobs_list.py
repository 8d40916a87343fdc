"""Jobs_GetList filters, sorting and paging; Jobs_Get; Jobs_Update."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class Jobs:
    """Three jobs booked ten minutes apart: A is completed, B and C scheduled."""

    a: dict[str, Any]
    b: dict[str, Any]
    c: dict[str, Any]

    @property
    def ids(self) -> str:
        return f"{self.a['id']},{self.b['id']},{self.c['id']}"


@pytest.fixture
async def jobs(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> Jobs:
    a = await create_job(st, refs, appointments=[appointment_body(0, technicianIds=[refs.technicians[0]])])
    clock.advance(600)
    b = await create_job(
        st,
        refs,
        jobTypeId=refs.job_types[1],
        priority="High",
        appointments=[appointment_body(24, technicianIds=[refs.technicians[1]])],
    )
    clock.advance(600)
    c = await create_job(
        st,
        refs,
        customerId=refs.other_customer,
        locationId=refs.other_location,
        businessUnitId=refs.other_business_unit,
        jobTypeId=refs.job_types[2],
        campaignId=refs.campaign,
        priority="Urgent",
        tagTypeIds=[77],
        appointments=[appointment_body(48)],
    )
    clock.advance(600)
    done = await st.put(jpm(refs.tenant, f"jobs/{a['id']}/complete"), json={"completedOn": _minutes(30)})
    assert done.status_code == 200, done.text
    return Jobs(await get_job(st, refs, a["id"]), b, c)


async def _ours(st: httpx.AsyncClient, refs: Refs, jobs: Jobs, **params: Any) -> set[str]:
    """Which of A, B and C a filter keeps."""
    found = await list_ids(st, refs, "jobs", ids=jobs.ids, **params)
    names = {jobs.a["id"]: "A", jobs.b["id"]: "B", jobs.c["id"]: "C"}
    return {names[i] for i in found}


def _minutes(minutes: float) -> str:
    return iso(NOW + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"A", "B", "C"}),
        ({"jobStatus": "Completed"}, {"A"}),
        ({"jobStatus": "scheduled"}, {"B", "C"}),
        ({"jobStatus": "Canceled"}, set()),
        ({"appointmentStatus": "Done"}, {"A"}),
        ({"appointmentStatus": "Scheduled"}, {"B", "C"}),
        ({"priority": "high"}, {"B"}),
        ({"priority": "Urgent"}, {"C"}),
        ({"firstAppointmentStartsOnOrAfter": at(24)}, {"B", "C"}),
        ({"firstAppointmentStartsBefore": at(24)}, {"A"}),
        ({"firstAppointmentStartsOnOrAfter": at(1), "firstAppointmentStartsBefore": at(30)}, {"B"}),
        ({"appointmentStartsOnOrAfter": at(48)}, {"C"}),
        ({"appointmentStartsBefore": at(1)}, {"A"}),
        ({"createdOnOrAfter": _minutes(10)}, {"B", "C"}),
        ({"createdBefore": _minutes(10)}, {"A"}),
        ({"modifiedOnOrAfter": _minutes(20)}, {"A", "C"}),
        ({"modifiedBefore": _minutes(20)}, {"B"}),
        ({"completedOnOrAfter": _minutes(30)}, {"A"}),
        ({"completedBefore": _minutes(30)}, set()),
        ({"completedBefore": _minutes(40)}, {"A"}),
        ({"tagTypeIds": "5,77"}, {"C"}),
        ({"hasUnusedAppointments": "true"}, set()),
    ],
)
async def test_filters_narrow_the_list(
    st: httpx.AsyncClient, refs: Refs, jobs: Jobs, params: dict[str, Any], expected: set[str]
) -> None:
    assert await _ours(st, refs, jobs, **params) == expected


async def test_filters_by_reference_ids(st: httpx.AsyncClient, refs: Refs, jobs: Jobs) -> None:
    assert await _ours(st, refs, jobs, customerId=refs.other_customer) == {"C"}
    assert await _ours(st, refs, jobs, locationId=refs.location) == {"A", "B"}
    assert await _ours(st, refs, jobs, businessUnitId=refs.other_business_unit) == {"C"}
    assert await _ours(st, refs, jobs, jobTypeId=refs.job_types[1]) == {"B"}
    assert await _ours(st, refs, jobs, campaignId=refs.campaign) == {"A", "B", "C"}
    assert await _ours(st, refs, jobs, technicianId=refs.technicians[0]) == {"A"}
    assert await _ours(st, refs, jobs, technicianId=refs.technicians[1]) == {"B"}
    assert await _ours(st, refs, jobs, number=jobs.b["jobNumber"]) == {"B"}
    # the customer filter alone (without ids) finds exactly that customer's jobs
    assert set(await list_ids(st, refs, "jobs", customerId=refs.customer)) == {jobs.a["id"], jobs.b["id"]}
    assert await list_ids(st, refs, "jobs", number=jobs.c["jobNumber"]) == [jobs.c["id"]]


async def test_ids_filter(st: httpx.AsyncClient, refs: Refs, jobs: Jobs) -> None:
    assert await list_ids(st, refs, "jobs", ids=f"{jobs.c['id']},{jobs.a['id']}") == [
        jobs.a["id"],
        jobs.c["id"],
    ]
    too_many = ",".join(str(i) for i in range(1, 52))
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"ids": too_many}), 400, "ids")


async def test_bad_filter_values_are_400(st: httpx.AsyncClient, refs: Refs) -> None:
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"jobStatus": "Lost"}), 400, "jobStatus")
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"customerId": "abc"}), 400, "customerId")
    assert_problem(
        await st.get(jpm(refs.tenant, "jobs"), params={"createdOnOrAfter": "yesterday"}),
        400,
        "createdOnOrAfter",
    )


async def test_sorting(st: httpx.AsyncClient, refs: Refs, jobs: Jobs) -> None:
    a, b, c = jobs.a["id"], jobs.b["id"], jobs.c["id"]
    assert await list_ids(st, refs, "jobs", ids=jobs.ids, sort="-Id") == [c, b, a]
    assert await list_ids(st, refs, "jobs", ids=jobs.ids, sort="+Priority") == [a, b, c]
    assert await list_ids(st, refs, "jobs", ids=jobs.ids, sort="-priority") == [c, b, a]
    assert await list_ids(st, refs, "jobs", ids=jobs.ids, sort="-ModifiedOn") == [a, c, b]
    assert await list_ids(st, refs, "jobs", ids=jobs.ids, sort="-CreatedOn") == [c, b, a]
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"sort": "+Color"}), 400, "sort")


async def test_paging(st: httpx.AsyncClient, refs: Refs, jobs: Jobs) -> None:
    params = {"ids": jobs.ids, "pageSize": 2, "includeTotal": True}
    first = (await st.get(jpm(refs.tenant, "jobs"), params=params)).json()
    assert (first["page"], first["pageSize"], first["hasMore"], first["totalCount"]) == (1, 2, True, 3)
    assert [j["id"] for j in first["data"]] == [jobs.a["id"], jobs.b["id"]]
    second = (await st.get(jpm(refs.tenant, "jobs"), params={**params, "page": 2})).json()
    assert (second["hasMore"], [j["id"] for j in second["data"]]) == (False, [jobs.c["id"]])
    plain = (await st.get(jpm(refs.tenant, "jobs"), params={"ids": jobs.ids})).json()
    assert plain["totalCount"] is None and plain["pageSize"] == 50
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"page": 0}), 400, "page")
    assert_problem(await st.get(jpm(refs.tenant, "jobs"), params={"pageSize": 5001}), 400, "pageSize")


async def test_get_unknown_job_is_404(st: httpx.AsyncClient, refs: Refs, jobs: Jobs) -> None:
    assert_problem(await st.get(jpm(refs.tenant, "jobs/987654321")), 404)
    # an appointment id is not a job id
    assert_problem(await st.get(jpm(refs.tenant, f"jobs/{jobs.a['firstAppointmentId']}")), 404)


# --- Jobs_Update -----------------------------------------------------------------------------------


async def test_update_changes_fields_and_modified_on(
    st: httpx.AsyncClient, refs: Refs, clock: FrozenClock
) -> None:
    job = await create_job(st, refs)
    clock.advance(600)
    answer = await st.patch(
        jpm(refs.tenant, f"jobs/{job['id']}"),
        json={
            "priority": "Urgent",
            "summary": "Water on the floor",
            "jobTypeId": refs.job_types[2],
            "customerPo": "PO-9",
        },
    )
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert (updated["priority"], updated["summary"], updated["jobTypeId"], updated["customerPo"]) == (
        "Urgent",
        "Water on the floor",
        refs.job_types[2],
        "PO-9",
    )
    assert updated["createdOn"] == job["createdOn"]
    assert updated["modifiedOn"] == iso(clock.now()) != job["modifiedOn"]
    assert await get_job(st, refs, job["id"]) == updated


async def test_update_moves_a_job_to_another_customer_with_its_appointments(
    st: httpx.AsyncClient, refs: Refs
) -> None:
    job = await create_job(st, refs)
    answer = await st.patch(
        jpm(refs.tenant, f"jobs/{job['id']}"),
        json={"customerId": refs.other_customer, "locationId": refs.other_location},
    )
    assert answer.status_code == 200, answer.text
    assert [a["customerId"] for a in await job_appointments(st, refs, job["id"])] == [refs.other_customer]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda r: {"customerId": r.other_customer}, "LocationId"),  # the location stays with its customer
        (lambda r: {"locationId": r.other_location}, "LocationId"),
        (lambda r: {"customerId": 987654321}, "CustomerId"),
        (lambda r: {"businessUnitId": r.inactive_business_unit}, "BusinessUnitId"),
        (lambda r: {"jobTypeId": 987654321}, "JobTypeId"),
        (lambda r: {"campaignId": 987654321}, "CampaignId"),
        (lambda r: {"priority": "Soon"}, "Priority"),
        (lambda r: {"color": "red"}, "Color"),
    ],
)
async def test_update_rejects_bad_changes(
    st: httpx.AsyncClient, refs: Refs, changes: Any, field: str
) -> None:
    job = await create_job(st, refs)
    answer = await st.patch(jpm(refs.tenant, f"jobs/{job['id']}"), json=changes(refs))
    assert_problem(answer, 400, field)
    assert await get_job(st, refs, job["id"]) == job


async def test_update_unknown_job_is_404(st: httpx.AsyncClient, refs: Refs) -> None:
    assert_problem(await st.patch(jpm(refs.tenant, "jobs/987654321"), json={"priority": "Low"}), 404)


async def test_update_external_data_replaces_or_merges(st: httpx.AsyncClient, refs: Refs) -> None:
    guid = "0b7f6c1e-8f0a-4c43-9b1e-7d1f2a3b4c5d"
    job = await create_job(
        st,
        refs,
        externalData={
            "applicationGuid": guid,
            "externalData": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}],
        },
    )
    merge = {"applicationGuid": guid, "patchMode": "Merge", "externalData": [{"key": "b", "value": "3"}]}
    merged = await st.patch(jpm(refs.tenant, f"jobs/{job['id']}"), json={"externalData": merge})
    assert merged.json()["externalData"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "3"}]
    replace = {"applicationGuid": guid, "externalData": [{"key": "c", "value": "4"}]}
    replaced = await st.patch(jpm(refs.tenant, f"jobs/{job['id']}"), json={"externalData": replace})
    assert replaced.json()["externalData"] == [{"key": "c", "value": "4"}]
