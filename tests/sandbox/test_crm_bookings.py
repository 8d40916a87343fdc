"""Bookings through a booking provider: requests the business reviews instead of booking directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock, iso
from tests.sandbox.conftest import assert_problem
from tests.sandbox.crm_fixtures import (  # noqa: F401  (fixture)
    ADDRESS,
    NOW_ISO,
    crm,
    crm_sandbox_config,
    field_errors,
    ok,
)

PROVIDER = 5


def booking_body(external_id: str = "conv-1", **extra: Any) -> dict[str, Any]:
    return {
        "source": "Frontdesk",
        "name": "Jane Doe",
        "summary": "Water heater leaking, caller asked for a callback",
        "isFirstTimeClient": True,
        "externalId": external_id,
        **extra,
    }


def bookings(tenant: int, provider: int = PROVIDER, rest: str = "") -> str:
    return crm(tenant, f"booking-provider/{provider}/bookings{rest}")


async def book(st: httpx.AsyncClient, tenant: int, provider: int = PROVIDER, **body: Any) -> Any:
    answer = await st.post(bookings(tenant, provider), json=booking_body(**body))
    return await ok(answer, "Bookings_Create")


async def listed(st: httpx.AsyncClient, tenant: int, provider: int = PROVIDER, **params: Any) -> Any:
    return await ok(await st.get(bookings(tenant, provider), params=params), "Bookings_GetList2")


async def test_a_booking_is_new_and_belongs_to_its_provider(st: httpx.AsyncClient, tenant: int) -> None:
    made = await book(
        st,
        tenant,
        address={**ADDRESS, "unit": "3"},
        contacts=[{"type": "MobilePhone", "value": "(555) 987-6543"}],
        customerType="commercial",
        priority="High",
        isSendConfirmationEmail=True,
    )
    assert made["status"] == "New" and made["bookingProviderId"] == PROVIDER
    assert (made["name"], made["externalId"], made["source"]) == ("Jane Doe", "conv-1", "Frontdesk")
    assert made["summary"].startswith("Water heater") and made["isFirstTimeClient"] is True
    assert made["customerType"] == "Commercial"  # spelled as the enum of the answer
    assert made["address"] == {**ADDRESS, "unit": "3"}
    assert made["priority"] == "High" and made["isSendConfirmationEmail"] is True
    assert made["createdOn"] == made["modifiedOn"] == made["start"] == NOW_ISO
    assert made["jobId"] is None and made["dismissingReasonId"] is None
    read = await ok(await st.get(bookings(tenant, rest=f"/{made['id']}")), "Bookings_GetForProvider")
    assert read == made


async def test_start_is_kept_in_utc(st: httpx.AsyncClient, tenant: int) -> None:
    made = await book(st, tenant, start="2026-03-12T09:30:00-05:00")
    assert made["start"] == "2026-03-12T14:30:00Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"externalId": None}, "ExternalId"),
        ({"source": None}, "Source"),
        ({"isFirstTimeClient": None}, "IsFirstTimeClient"),
        ({"summary": "  "}, "Summary"),
        ({"name": ""}, "Name"),
        ({"customerType": "Industrial"}, "CustomerType"),
        ({"address": {**ADDRESS, "city": " "}}, "Address.City"),
        ({"contacts": [{"type": "Email", "value": "jane at example"}]}, "Contacts[0].Value"),
        ({"priority": "Whenever"}, "Priority"),
        ({"email": "jane@example.com"}, "Email"),
    ],
)
async def test_bad_bookings_are_400_and_not_stored(
    st: httpx.AsyncClient, tenant: int, change: dict[str, Any], field: str
) -> None:
    body = {k: v for k, v in booking_body(**change).items() if v is not None}
    assert field in field_errors(await st.post(bookings(tenant), json=body))
    assert (await listed(st, tenant))["data"] == []


async def test_an_external_id_books_once_per_provider(st: httpx.AsyncClient, tenant: int) -> None:
    first = await book(st, tenant, external_id="conv-9")
    again = await st.post(bookings(tenant), json=booking_body("conv-9", name="Someone Else"))
    assert_problem(again, 409)
    assert [row["id"] for row in (await listed(st, tenant))["data"]] == [first["id"]]
    elsewhere = await book(st, tenant, provider=PROVIDER + 1, external_id="conv-9")
    assert elsewhere["id"] != first["id"] and elsewhere["bookingProviderId"] == PROVIDER + 1


async def test_a_provider_sees_only_its_own_bookings(st: httpx.AsyncClient, tenant: int) -> None:
    mine = await book(st, tenant)
    theirs = await book(st, tenant, provider=PROVIDER + 1)
    assert [row["id"] for row in (await listed(st, tenant))["data"]] == [mine["id"]]
    assert_problem(await st.get(bookings(tenant, PROVIDER + 1, f"/{mine['id']}")), 404)
    assert_problem(await st.get(bookings(tenant, rest=f"/{theirs['id']}")), 404)
    assert_problem(await st.get(bookings(tenant, rest=f"/{mine['id'] + 100}")), 404)


async def test_booking_list_filters_paging_and_sort(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    made = []
    for n in range(3):
        made.append((await book(st, tenant, external_id=f"conv-{n}"))["id"])
        clock.advance(60)
    assert [r["id"] for r in (await listed(st, tenant, externalId="conv-1"))["data"]] == [made[1]]
    assert [r["id"] for r in (await listed(st, tenant, sort="-Id"))["data"]] == made[::-1]
    assert [r["id"] for r in (await listed(st, tenant, ids=f"{made[2]},{made[0]}"))["data"]] == [
        made[0],
        made[2],
    ]
    since = iso(clock.now() - timedelta(seconds=90))
    assert [r["id"] for r in (await listed(st, tenant, createdOnOrAfter=since))["data"]] == [made[2]]
    page = await listed(st, tenant, pageSize=2, page=1, includeTotal="true")
    assert (len(page["data"]), page["hasMore"], page["totalCount"]) == (2, True, 3)
    assert "sort" in field_errors(await st.get(bookings(tenant), params={"sort": "+Name"}))
