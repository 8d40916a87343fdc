"""Answers built from real data match ServiceTitan's published response schemas, field for field.

The schemathesis run mostly meets unknown ids; here every JPM read and create answers with records
that exist, and each answer is checked against its operation's documented 200 schema.
"""

from __future__ import annotations

from typing import Any

import httpx
from jsonschema import Draft7Validator

from frontdesk.sandbox.spec import operations
from tests.sandbox.jpm_fixtures import (  # noqa: F401  (fixtures)
    Refs,
    appointment_body,
    at,
    create_job,
    jpm,
    jpm_sandbox_config,
    refs_fixture,
)


def _conforms(operation_id: str, answer: httpx.Response) -> Any:
    assert answer.status_code == 200, answer.text
    schema = operations()[operation_id].response_schema
    assert schema is not None
    body = answer.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(body)]
    assert errors == [], errors
    return body


async def test_every_answer_matches_its_published_schema(st: httpx.AsyncClient, refs: Refs) -> None:
    guid = "2c9d7f55-3f1b-4b65-8d8e-111111111111"
    created = await st.post(
        jpm(refs.tenant, "jobs"),
        json={
            "customerId": refs.customer,
            "locationId": refs.location,
            "businessUnitId": refs.business_unit,
            "jobTypeId": refs.job_type,
            "priority": "High",
            "campaignId": refs.campaign,
            "summary": "<b>Leak</b>",
            "customFields": [{"typeId": 7, "value": "blue"}],
            "tagTypeIds": [3],
            "externalData": {"applicationGuid": guid, "externalData": [{"key": "k", "value": "v"}]},
            "appointments": [
                appointment_body(
                    0, arrivalWindowStart=at(0), arrivalWindowEnd=at(1), technicianIds=[refs.technicians[0]]
                )
            ],
        },
    )
    job = _conforms("Jobs_Create", created)
    assert job["customFields"] == [{"typeId": 7, "name": "Custom field 7", "value": "blue"}]
    ident, appointment = job["id"], job["firstAppointmentId"]
    note = await st.post(
        jpm(refs.tenant, f"jobs/{ident}/notes"), json={"text": "Dog in yard", "pinToTop": True}
    )
    _conforms("Jobs_CreateNote", note)
    added = await st.post(jpm(refs.tenant, "appointments"), json={"jobId": ident, **appointment_body(24)})
    _conforms("Appointments_Add", added)

    params = {"externalDataApplicationGuid": guid}
    _conforms("Jobs_Get", await st.get(jpm(refs.tenant, f"jobs/{ident}"), params=params))
    _conforms("Jobs_GetList", await st.get(jpm(refs.tenant, "jobs"), params={"ids": str(ident), **params}))
    patched = await st.patch(jpm(refs.tenant, f"jobs/{ident}"), json={"priority": "Low", "customerPo": "PO"})
    _conforms("Jobs_Update", patched)
    _conforms("Jobs_GetNotes", await st.get(jpm(refs.tenant, f"jobs/{ident}/notes")))
    _conforms("Appointments_Get", await st.get(jpm(refs.tenant, f"appointments/{appointment}")))
    _conforms("Appointments_GetList", await st.get(jpm(refs.tenant, "appointments"), params={"jobId": ident}))
    moved = await st.patch(
        jpm(refs.tenant, f"appointments/{appointment}/reschedule"), json={"start": at(0.5)}
    )
    _conforms("Appointments_Reschedule", moved)
    _conforms("JobTypes_Get", await st.get(jpm(refs.tenant, f"job-types/{refs.job_type}")))
    _conforms("JobTypes_GetList", await st.get(jpm(refs.tenant, "job-types"), params={"active": "Any"}))
    _conforms("JobCancelReasons_GetList", await st.get(jpm(refs.tenant, "job-cancel-reasons")))
    _conforms("JobHoldReasons_Get", await st.get(jpm(refs.tenant, "job-hold-reasons")))
    recent = {"includeRecentChanges": "true"}
    exported = _conforms("Export_Jobs", await st.get(jpm(refs.tenant, "export/jobs"), params=recent))
    assert ident in [row["id"] for row in exported["data"]]
    exported = _conforms(
        "Export_Appointments", await st.get(jpm(refs.tenant, "export/appointments"), params=recent)
    )
    assert appointment in [row["id"] for row in exported["data"]]
