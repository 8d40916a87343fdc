"""Job types, job cancel and hold reasons, and job notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock, iso
from tests.conftest import NOW
from tests.sandbox.jpm_fixtures import (  # noqa: F401  (fixtures)
    Refs,
    assert_problem,
    create_job,
    jpm,
    jpm_sandbox_config,
    list_ids,
    refs_fixture,
)

LATER = iso(NOW + timedelta(hours=1))


@pytest.fixture
def types(refs: Refs, sandbox_app: Starlette) -> tuple[int, int, int, int]:
    """The test's job types (tune-up, repair, install, retired); the install was edited an hour later."""
    table = sandbox_app.state.sandbox.store["job_types"]
    install = table.get(refs.tenant, refs.job_types[2])
    table.put(refs.tenant, {**install, "modifiedOn": LATER})
    return (*refs.job_types, refs.inactive_job_type)


async def _types(st: httpx.AsyncClient, refs: Refs, types: tuple[int, ...], **params: Any) -> list[int]:
    return await list_ids(st, refs, "job-types", ids=",".join(map(str, types)), **params)


async def test_job_type_filters(st: httpx.AsyncClient, refs: Refs, types: tuple[int, int, int, int]) -> None:
    tune_up, repair, install, retired = types
    assert await _types(st, refs, types) == [tune_up, repair, install]  # active ones by default
    assert await _types(st, refs, types, active="Any") == [tune_up, repair, install, retired]
    assert await _types(st, refs, types, active="False") == [retired]
    assert await _types(st, refs, types, name="repair") == [repair]
    assert await _types(st, refs, types, name="ZETA", active="Any") == [tune_up, repair, install, retired]
    assert await _types(st, refs, types, priority="urgent") == [install]
    assert await _types(st, refs, types, minDuration=7200) == [repair, install]
    assert await _types(st, refs, types, maxDuration=7200) == [tune_up, repair]
    assert await _types(st, refs, types, minDuration=3601, maxDuration=14399) == [repair]
    assert await _types(st, refs, types, modifiedOnOrAfter=LATER) == [install]
    assert await _types(st, refs, types, modifiedBefore=LATER) == [tune_up, repair]
    assert await _types(st, refs, types, createdOnOrAfter=LATER) == []
    assert await _types(st, refs, types, createdBefore=LATER) == [tune_up, repair, install]


async def test_job_type_order(st: httpx.AsyncClient, refs: Refs, types: tuple[int, int, int, int]) -> None:
    tune_up, repair, install, _ = types
    assert await _types(st, refs, types, orderBy="id", orderByDirection="desc") == [install, repair, tune_up]
    assert await _types(st, refs, types, orderByDirection="Descending") == [install, repair, tune_up]
    assert await _types(st, refs, types, orderBy="modifiedOn", orderByDirection="desc") == [
        install,
        repair,
        tune_up,
    ]
    assert await _types(st, refs, types, orderBy="ModifiedOn") == [tune_up, repair, install]
    assert await _types(st, refs, types, orderBy="createdOn", orderByDirection="asc") == [
        tune_up,
        repair,
        install,
    ]
    assert_problem(await st.get(jpm(refs.tenant, "job-types"), params={"orderBy": "name"}), 400, "orderBy")
    bad_direction = await st.get(jpm(refs.tenant, "job-types"), params={"orderByDirection": "up"})
    assert_problem(bad_direction, 400, "orderByDirection")


async def test_get_job_type(st: httpx.AsyncClient, refs: Refs) -> None:
    answer = await st.get(jpm(refs.tenant, f"job-types/{refs.job_types[1]}"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["duration"], body["priority"], body["businessUnitIds"]) == (
        "Repair Zeta",
        7200,
        "High",
        [refs.business_unit],
    )
    retired = await st.get(jpm(refs.tenant, f"job-types/{refs.inactive_job_type}"))
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert_problem(await st.get(jpm(refs.tenant, "job-types/987654321")), 404)


async def test_reason_lists(st: httpx.AsyncClient, refs: Refs) -> None:
    everything = await list_ids(st, refs, "job-cancel-reasons")
    assert {refs.cancel_reason, refs.inactive_cancel_reason} <= set(everything)  # all by default
    active = await list_ids(st, refs, "job-cancel-reasons", active="True")
    assert refs.cancel_reason in active and refs.inactive_cancel_reason not in active
    assert await list_ids(st, refs, "job-cancel-reasons", active="False", createdOnOrAfter=iso(NOW)) == [
        refs.inactive_cancel_reason
    ]
    answer = await st.get(jpm(refs.tenant, "job-cancel-reasons"), params={"sort": "-Id", "pageSize": 1})
    assert answer.json()["data"] == [
        {
            "id": refs.inactive_cancel_reason,
            "name": "Old reason",
            "active": False,
            "createdOn": iso(NOW),
            "modifiedOn": iso(NOW),
        }
    ]
    assert answer.json()["hasMore"] is True
    holds = await list_ids(st, refs, "job-hold-reasons")
    assert refs.hold_reason in holds and refs.cancel_reason not in holds
    assert refs.hold_reason not in await list_ids(st, refs, "job-hold-reasons", createdBefore=iso(NOW))
    assert refs.hold_reason in await list_ids(st, refs, "job-hold-reasons", createdOnOrAfter=iso(NOW))
    assert_problem(await st.get(jpm(refs.tenant, "job-hold-reasons"), params={"sort": "+Name"}), 400, "sort")


# --- notes -----------------------------------------------------------------------------------------


async def test_notes_pinned_first_then_newest(st: httpx.AsyncClient, refs: Refs, clock: FrozenClock) -> None:
    job = await create_job(st, refs)
    notes = jpm(refs.tenant, f"jobs/{job['id']}/notes")
    for text, pinned in (("first", False), ("gate code 1234", True), ("third", None)):
        clock.advance(60)
        body: dict[str, Any] = {"text": text} if pinned is None else {"text": text, "pinToTop": pinned}
        answer = await st.post(notes, json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "text": text,
            "isPinned": bool(pinned),
            "createdById": answer.json()["createdById"],
            "createdOn": iso(clock.now()),
            "modifiedOn": iso(clock.now()),
        }
    listed = (await st.get(notes, params={"includeTotal": True})).json()
    assert [n["text"] for n in listed["data"]] == ["gate code 1234", "third", "first"]
    assert listed["totalCount"] == 3
    paged = (await st.get(notes, params={"pageSize": 2, "page": 2})).json()
    assert [n["text"] for n in paged["data"]] == ["first"]
    other = await create_job(st, refs)
    assert (await st.get(jpm(refs.tenant, f"jobs/{other['id']}/notes"))).json()["data"] == []


async def test_note_rules(st: httpx.AsyncClient, refs: Refs) -> None:
    job = await create_job(st, refs)
    notes = jpm(refs.tenant, f"jobs/{job['id']}/notes")
    assert_problem(await st.post(notes, json={"pinToTop": True}), 400, "Text")
    assert_problem(await st.post(notes, json={"text": "   "}), 400, "Text")
    assert_problem(await st.post(jpm(refs.tenant, "jobs/987654321/notes"), json={"text": "x"}), 404)
    assert_problem(await st.get(jpm(refs.tenant, "jobs/987654321/notes")), 404)
    assert (await st.get(notes)).json()["data"] == []
