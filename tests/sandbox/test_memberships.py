"""Memberships routes: customer memberships."""

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
def plans(world: World) -> dict[str, Doc]:
    unit = world.business_unit("HVAC Service")
    alice, bob = world.customer("Alice Able"), world.customer("Bob Baker")
    return {
        "alice": alice[0],
        "bob": bob[0],
        "alice_now": world.membership(alice, unit),
        "alice_old": world.membership(alice, unit, status="Expired", frequency="Annual"),
        "bob_now": world.membership(bob, unit, frequency="Annual"),
        "bob_gone": world.membership(bob, unit, status="Canceled"),
    }


def memberships(tenant: int, resource: str = "memberships") -> str:
    return url("memberships", tenant, resource)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # `active` is ServiceTitan's "not deleted" flag: expired and canceled memberships stay listed
        ({}, ["alice_now", "alice_old", "bob_now", "bob_gone"]),
        ({"customerIds": "{alice}"}, ["alice_now", "alice_old"]),
        ({"customerIds": "{alice}, {bob}", "status": "Active"}, ["alice_now", "bob_now"]),
        ({"customerIds": "{alice}", "active": "Any"}, ["alice_now", "alice_old"]),
        ({"status": "Expired", "active": "Any"}, ["alice_old"]),
        ({"status": "canceled"}, ["bob_gone"]),
        ({"status": "Expired", "active": "False"}, []),
        ({"billingFrequency": "Annual"}, ["alice_old", "bob_now"]),
        ({"duration": "12", "active": "Any"}, ["alice_now", "alice_old", "bob_now", "bob_gone"]),
        ({"duration": "24"}, []),
        ({"sort": "-Id", "status": "Active"}, ["bob_now", "alice_now"]),
    ],
)
async def test_membership_filters(
    st: httpx.AsyncClient, tenant: int, plans: dict[str, Doc], params: dict[str, str], expected: list[str]
) -> None:
    query = {k: v.format(alice=plans["alice"]["id"], bob=plans["bob"]["id"]) for k, v in params.items()}
    answer = await st.get(memberships(tenant), params=query)
    assert ids(answer) == [plans[name]["id"] for name in expected]
    assert_conforms("CustomerMemberships_GetList", answer.json())


async def test_membership_ids_and_paging(st: httpx.AsyncClient, tenant: int, plans: dict[str, Doc]) -> None:
    wanted = f"{plans['bob_gone']['id']},{plans['alice_now']['id']}"
    answer = await st.get(memberships(tenant), params={"ids": wanted, "active": "Any"})
    assert ids(answer) == [plans["alice_now"]["id"], plans["bob_gone"]["id"]]
    page = await st.get(memberships(tenant), params={"active": "Any", "pageSize": 3, "includeTotal": "true"})
    assert (len(ids(page)), page.json()["hasMore"], page.json()["totalCount"]) == (3, True, 4)
    assert_problem(await st.get(memberships(tenant), params={"customerIds": "12,abc"}), 400, "customerIds")
    assert_problem(await st.get(memberships(tenant), params={"status": "Lapsed"}), 400, "status")


async def test_get_membership(st: httpx.AsyncClient, tenant: int, plans: dict[str, Doc]) -> None:
    answer = await st.get(memberships(tenant, f"memberships/{plans['alice_old']['id']}"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["customerId"], body["status"], body["billingFrequency"]) == (
        plans["alice"]["id"],
        "Expired",
        "Annual",
    )
    assert_conforms("CustomerMemberships_Get", body)
    assert_problem(await st.get(memberships(tenant, "memberships/80999999")), 404)
