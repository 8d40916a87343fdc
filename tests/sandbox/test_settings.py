"""Settings routes: technicians and business units."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.clock import FrozenClock
from tests.conftest import url
from tests.sandbox.dispatch_fixtures import (  # noqa: F401  (fixtures)
    Doc,
    World,
    assert_conforms,
    assert_problem,
    empty_sandbox_app,
    ids,
    lifted_config,
    world_fixture,
)


@pytest.fixture
def staff(world: World, clock: FrozenClock) -> dict[str, Doc]:
    hvac = world.business_unit("HVAC Service")
    plumbing = world.business_unit("Plumbing Service")
    closed = world.business_unit("Closed Branch", active=False)
    ada = world.technician("Ada Wrench", hvac, ["HVAC"])
    clock.advance(60)  # less than a token's life: the test client's token stays valid
    ben = world.technician("Ben Gauge", hvac, ["HVAC"])
    cy = world.technician("Cy Pipe", plumbing, ["Plumbing"])
    gone = world.technician("Dee Former", plumbing, active=False)
    return {
        "hvac": hvac,
        "plumbing": plumbing,
        "closed": closed,
        "ada": ada,
        "ben": ben,
        "cy": cy,
        "gone": gone,
    }


def settings(tenant: int, resource: str) -> str:
    return url("settings", tenant, resource)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["ada", "ben", "cy"]),
        ({"active": "Any"}, ["ada", "ben", "cy", "gone"]),
        ({"active": "False"}, ["gone"]),
        ({"name": "WRENCH"}, ["ada"]),
        ({"createdOnOrAfter": "2026-03-09T15:00:30Z"}, ["ben", "cy"]),
        ({"createdBefore": "2026-03-09T15:00:30Z"}, ["ada"]),
    ],
)
async def test_technician_filters(
    st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc], params: dict[str, str], expected: list[str]
) -> None:
    answer = await st.get(settings(tenant, "technicians"), params=params)
    assert ids(answer) == [staff[name]["id"] for name in expected]
    assert_conforms("Technicians_GetList", answer.json())


async def test_technicians_by_ids_and_user_ids(
    st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc]
) -> None:
    by_ids = await st.get(
        settings(tenant, "technicians"), params={"ids": f"{staff['cy']['id']},{staff['ada']['id']}"}
    )
    assert ids(by_ids) == [staff["ada"]["id"], staff["cy"]["id"]]
    by_users = await st.get(settings(tenant, "technicians"), params={"userIds": str(staff["ben"]["userId"])})
    assert ids(by_users) == [staff["ben"]["id"]]
    too_many = ",".join(str(i) for i in range(1, 52))
    assert_problem(
        await st.get(settings(tenant, "technicians"), params={"userIds": too_many}), 400, "userIds"
    )


async def test_technician_paging(st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc]) -> None:
    first = await st.get(settings(tenant, "technicians"), params={"pageSize": 2, "includeTotal": "true"})
    assert (first.json()["hasMore"], first.json()["totalCount"]) == (True, 3)
    second = await st.get(settings(tenant, "technicians"), params={"pageSize": 2, "page": 2})
    assert ids(second) == [staff["cy"]["id"]]
    assert second.json()["hasMore"] is False
    assert_problem(await st.get(settings(tenant, "technicians"), params={"pageSize": 0}), 400, "pageSize")


async def test_get_technician(st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc]) -> None:
    answer = await st.get(settings(tenant, f"technicians/{staff['ada']['id']}"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["businessUnitId"]) == ("Ada Wrench", staff["hvac"]["id"])
    assert [s["name"] for s in body["skills"]] == ["HVAC"]
    assert_conforms("Technicians_Get", body)
    # an inactive technician is still readable by id
    assert (await st.get(settings(tenant, f"technicians/{staff['gone']['id']}"))).json()["active"] is False
    assert_problem(await st.get(settings(tenant, "technicians/999")), 404)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["hvac", "plumbing"]),
        ({"active": "Any"}, ["hvac", "plumbing", "closed"]),
        ({"name": "plumb"}, ["plumbing"]),
        ({"name": "branch", "active": "False"}, ["closed"]),
    ],
)
async def test_business_unit_filters(
    st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc], params: dict[str, str], expected: list[str]
) -> None:
    answer = await st.get(settings(tenant, "business-units"), params=params)
    assert ids(answer) == [staff[name]["id"] for name in expected]
    assert_conforms("BusinessUnits_GetList", answer.json())


async def test_business_units_by_ids_and_paging(
    st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc]
) -> None:
    answer = await st.get(settings(tenant, "business-units"), params={"ids": str(staff["plumbing"]["id"])})
    assert ids(answer) == [staff["plumbing"]["id"]]
    page = await st.get(settings(tenant, "business-units"), params={"pageSize": 1, "includeTotal": "true"})
    assert (ids(page), page.json()["hasMore"], page.json()["totalCount"]) == ([staff["hvac"]["id"]], True, 2)


async def test_get_business_unit(st: httpx.AsyncClient, tenant: int, staff: dict[str, Doc]) -> None:
    answer = await st.get(settings(tenant, f"business-units/{staff['hvac']['id']}"))
    assert answer.status_code == 200
    assert (answer.json()["name"], answer.json()["officialName"]) == ("HVAC Service", "HVAC Service LLC")
    assert_conforms("BusinessUnits_Get", answer.json())
    assert_problem(await st.get(settings(tenant, "business-units/5")), 404)
