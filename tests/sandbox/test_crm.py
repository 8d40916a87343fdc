"""CRM routes as an integration would use them: find, create and update customers and locations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig
from tests.conftest import url

ADDRESS = {"street": "456 Oak Street", "city": "Springfield", "state": "IL", "zip": "62701", "country": "USA"}


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(customers=30, rate_limit_per_second=10**6)


def new_customer(name: str = "Sarah Williams", phone: str = "(555) 987-6543", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "address": ADDRESS,
        "locations": [
            {"name": "Home", "address": ADDRESS, "contacts": [{"type": "Phone", "value": "217-555-0142"}]}
        ],
        "contacts": [
            {"type": "MobilePhone", "value": phone},
            {"type": "Email", "value": "sarah.williams@email.com"},
        ],
        **extra,
    }


async def create(st: httpx.AsyncClient, tenant: int, body: dict[str, Any]) -> dict[str, Any]:
    answer = await st.post(url("crm", tenant, "customers"), json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_guide_customer_is_found_by_phone_in_any_format(st: httpx.AsyncClient, tenant: int) -> None:
    for phone in ("(555) 123-4567", "555-123-4567", "555.123.4567", "+1 555 123 4567", "5551234567"):
        answer = await st.get(url("crm", tenant, "customers"), params={"phone": phone})
        names = [c["name"] for c in answer.json()["data"]]
        assert names == ["Robert Johnson"], phone


async def test_sarah_williams_is_not_a_customer_until_created(st: httpx.AsyncClient, tenant: int) -> None:
    answer = await st.get(url("crm", tenant, "customers"), params={"phone": "(555) 987-6543"})
    assert answer.json()["data"] == []
    created = await create(st, tenant, new_customer())
    assert created["name"] == "Sarah Williams"
    assert created["locations"][0]["customerId"] == created["id"]
    assert {c["type"] for c in created["contacts"]} == {"MobilePhone", "Email"}
    assert created["locations"][0]["contacts"][0]["value"] == "217-555-0142"
    found = await st.get(url("crm", tenant, "customers"), params={"phone": "5559876543"})
    assert [c["id"] for c in found.json()["data"]] == [created["id"]]
    by_location_phone = await st.get(url("crm", tenant, "customers"), params={"phone": "(217) 555-0142"})
    assert [c["id"] for c in by_location_phone.json()["data"]] == [created["id"]]


async def test_a_customer_read_has_no_contacts_they_come_from_their_own_list(
    st: httpx.AsyncClient, tenant: int
) -> None:
    created = await create(st, tenant, new_customer())
    read = (await st.get(url("crm", tenant, f"customers/{created['id']}"))).json()
    assert "contacts" not in read and "locations" not in read
    contacts = (await st.get(url("crm", tenant, f"customers/{created['id']}/contacts"))).json()["data"]
    assert sorted(c["value"] for c in contacts) == ["(555) 987-6543", "sarah.williams@email.com"]
    assert all("locationId" not in c for c in contacts)
    location_id = created["locations"][0]["id"]
    loc_contacts = (await st.get(url("crm", tenant, f"locations/{location_id}/contacts"))).json()["data"]
    assert [c["value"] for c in loc_contacts] == ["217-555-0142"]
    across = (
        await st.get(url("crm", tenant, "locations/contacts"), params={"locationIds": str(location_id)})
    ).json()
    assert [c["locationId"] for c in across["data"]] == [location_id]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"locations": []}, "Locations"),
        ({"name": "  "}, "Name"),
        ({"address": {**ADDRESS, "country": ""}}, "Address.Country"),
        ({"address": {k: v for k, v in ADDRESS.items() if k != "country"}}, "Address.Country"),
        ({"locations": [{"name": "Home", "address": {**ADDRESS, "zip": " "}}]}, "Locations[0].Address.Zip"),
        ({"contacts": [{"type": "Email", "value": "not-an-email"}]}, "Contacts[0].Value"),
        ({"contacts": [{"type": "Phone", "value": "555-12"}]}, "Contacts[0].Value"),
        ({"contacts": [{"type": "Pager", "value": "5551234567"}]}, "Contacts[0].Type"),
        ({"email": "x@example.com"}, "Email"),  # the guide's body: e-mail is not a customer field
        ({"phoneNumber": "5551234567"}, "PhoneNumber"),
    ],
)
async def test_create_rejects_what_servicetitan_rejects(
    st: httpx.AsyncClient, tenant: int, change: dict[str, Any], field: str
) -> None:
    before = (await st.get(url("crm", tenant, "customers"), params={"includeTotal": "true"})).json()[
        "totalCount"
    ]
    answer = await st.post(url("crm", tenant, "customers"), json={**new_customer(), **change})
    assert answer.status_code == 400
    assert field in answer.json()["errors"], answer.json()["errors"]
    after = (await st.get(url("crm", tenant, "customers"), params={"includeTotal": "true"})).json()[
        "totalCount"
    ]
    assert after == before  # nothing half-created


async def test_create_without_locations_field_names_it(st: httpx.AsyncClient, tenant: int) -> None:
    body = new_customer()
    del body["locations"]
    answer = await st.post(url("crm", tenant, "customers"), json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"]["Locations"] == ["The Locations field is required."]


async def test_name_search_is_case_insensitive_contains(st: httpx.AsyncClient, tenant: int) -> None:
    created = await create(st, tenant, new_customer(name="Zelda Quixote-Marsh"))
    for needle in ("zelda", "QUIXOTE", "te-ma"):
        answer = await st.get(url("crm", tenant, "customers"), params={"name": needle})
        assert [c["id"] for c in answer.json()["data"]] == [created["id"]], needle


async def test_patch_changes_only_given_fields_and_moves_modified(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    created = await create(st, tenant, new_customer())
    clock.advance(60)
    answer = await st.patch(url("crm", tenant, f"customers/{created['id']}"), json={"doNotMail": True})
    patched = answer.json()
    assert patched["doNotMail"] is True and patched["name"] == "Sarah Williams"
    assert patched["modifiedOn"] > created["modifiedOn"]
    assert (await st.patch(url("crm", tenant, "customers/1"), json={"doNotMail": True})).status_code == 404


async def test_deactivated_customers_leave_the_default_list(st: httpx.AsyncClient, tenant: int) -> None:
    created = await create(st, tenant, new_customer(name="Gone Away"))
    await st.patch(url("crm", tenant, f"customers/{created['id']}"), json={"active": False})
    default = await st.get(url("crm", tenant, "customers"), params={"name": "Gone Away"})
    assert default.json()["data"] == []
    inactive = await st.get(url("crm", tenant, "customers"), params={"name": "Gone Away", "active": "False"})
    assert [c["id"] for c in inactive.json()["data"]] == [created["id"]]
    exported = await st.get(url("crm", tenant, "export/customers"), params={"includeRecentChanges": "true"})
    assert created["id"] in {c["id"] for c in exported.json()["data"]}


async def test_locations_belong_to_an_existing_customer(st: httpx.AsyncClient, tenant: int) -> None:
    answer = await st.post(
        url("crm", tenant, "locations"), json={"customerId": 1, "name": "X", "address": ADDRESS}
    )
    assert answer.status_code == 400 and "CustomerId" in answer.json()["errors"]
    created = await create(st, tenant, new_customer())
    rental = await st.post(
        url("crm", tenant, "locations"),
        json={"customerId": created["id"], "name": "Rental", "address": ADDRESS},
    )
    assert rental.status_code == 200
    listed = await st.get(url("crm", tenant, "locations"), params={"customerId": created["id"]})
    assert sorted(loc["name"] for loc in listed.json()["data"]) == ["Home", "Rental"]


async def test_customer_paging_and_totals(st: httpx.AsyncClient, tenant: int) -> None:
    first = (
        await st.get(url("crm", tenant, "customers"), params={"pageSize": 7, "includeTotal": "true"})
    ).json()
    assert len(first["data"]) == 7 and first["hasMore"] is True and first["totalCount"] >= 30
    seen = {c["id"] for c in first["data"]}
    page = 2
    while True:
        answer = (await st.get(url("crm", tenant, "customers"), params={"pageSize": 7, "page": page})).json()
        assert not seen & {c["id"] for c in answer["data"]}
        seen |= {c["id"] for c in answer["data"]}
        if not answer["hasMore"]:
            break
        page += 1
    assert len(seen) == first["totalCount"]


async def test_booking_external_id_is_unique_per_provider(st: httpx.AsyncClient, tenant: int) -> None:
    body = {
        "source": "Frontdesk",
        "name": "Jane Doe",
        "summary": "Quote",
        "isFirstTimeClient": True,
        "externalId": "c-9",
    }
    first = await st.post(url("crm", tenant, "booking-provider/5/bookings"), json=body)
    assert first.status_code == 200 and first.json()["status"] == "New"
    again = await st.post(url("crm", tenant, "booking-provider/5/bookings"), json=body)
    assert again.status_code == 409
    other_provider = await st.post(url("crm", tenant, "booking-provider/6/bookings"), json=body)
    assert other_provider.status_code == 200
    wrong = await st.get(url("crm", tenant, f"booking-provider/6/bookings/{first.json()['id']}"))
    assert wrong.status_code == 404
