"""Marketing routes: campaigns."""

from __future__ import annotations

import httpx
import pytest

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
def campaigns(world: World) -> dict[str, Doc]:
    return {
        "signs": world.campaign("Yard signs", phones=["(512) 555-0199"]),
        "ads": world.campaign("Google Ads", phones=["512.555.0142"]),
        "radio": world.campaign("Old radio spot", active=False),
    }


def campaigns_url(tenant: int, resource: str = "campaigns") -> str:
    return url("marketing", tenant, resource)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["signs", "ads"]),
        ({"active": "Any"}, ["signs", "ads", "radio"]),
        ({"active": "False"}, ["radio"]),
        ({"name": "SIGN"}, ["signs"]),
        ({"sort": "+Name"}, ["ads", "signs"]),
        ({"sort": "-Name", "active": "Any"}, ["signs", "radio", "ads"]),
        ({"campaignPhoneNumber": "512-555-0199"}, ["signs"]),
        ({"campaignPhoneNumber": "+1 (512) 555 0142"}, ["ads"]),
        ({"campaignPhoneNumber": "555"}, []),
        ({"campaignPhoneNumber": "no digits"}, []),
    ],
)
async def test_campaign_filters(
    st: httpx.AsyncClient, tenant: int, campaigns: dict[str, Doc], params: dict[str, str], expected: list[str]
) -> None:
    answer = await st.get(campaigns_url(tenant), params=params)
    assert ids(answer) == [campaigns[name]["id"] for name in expected]
    assert_conforms("Campaigns_GetList", answer.json())


async def test_campaign_ids_paging_and_bad_sort(
    st: httpx.AsyncClient, tenant: int, campaigns: dict[str, Doc]
) -> None:
    answer = await st.get(
        campaigns_url(tenant), params={"ids": f"{campaigns['ads']['id']},{campaigns['radio']['id']}"}
    )
    assert ids(answer) == [campaigns["ads"]["id"]]
    page = await st.get(campaigns_url(tenant), params={"pageSize": 1, "page": 2, "includeTotal": "true"})
    assert (ids(page), page.json()["hasMore"], page.json()["totalCount"]) == (
        [campaigns["ads"]["id"]],
        False,
        2,
    )
    assert_problem(await st.get(campaigns_url(tenant), params={"sort": "+Budget"}), 400, "sort")


async def test_get_campaign(st: httpx.AsyncClient, tenant: int, campaigns: dict[str, Doc]) -> None:
    answer = await st.get(campaigns_url(tenant, f"campaigns/{campaigns['signs']['id']}"))
    assert answer.status_code == 200
    assert (answer.json()["name"], answer.json()["campaignPhoneNumbers"]) == (
        "Yard signs",
        ["(512) 555-0199"],
    )
    assert_conforms("Campaigns_Get", answer.json())
    assert_problem(await st.get(campaigns_url(tenant, "campaigns/777")), 404)
