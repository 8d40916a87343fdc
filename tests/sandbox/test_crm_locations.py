"""CRM locations and the contacts of customers and locations: create, list, filter, patch, move."""

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
    address,
    create_customer,
    crm,
    crm_sandbox_config,
    customer_body,
    customer_ids,
    field_errors,
    location_ids,
    ok,
)


async def add_location(st: httpx.AsyncClient, tenant: int, customer_id: int, name: str, **extra: Any) -> Any:
    body = {"customerId": customer_id, "name": name, "address": ADDRESS, **extra}
    return await ok(await st.post(crm(tenant, "locations"), json=body), "Locations_Create")


# --- locations -------------------------------------------------------------------------------------


async def test_create_a_location_for_a_customer(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(st, tenant)
    rental = await add_location(
        st,
        tenant,
        owner["id"],
        "Rental",
        address=address(street="9 Elm Ct", unit="Apt 4"),
        contacts=[
            {"type": "Phone", "value": "217-555-0188", "memo": "tenant"},
            {"type": "Email", "value": "t@example.com"},
        ],
    )
    assert rental["customerId"] == owner["id"] and rental["name"] == "Rental" and rental["active"] is True
    assert rental["address"]["unit"] == "Apt 4"
    assert rental["createdOn"] == rental["modifiedOn"] == NOW_ISO
    assert [(c["type"], c["value"]) for c in rental["contacts"]] == [
        ("Phone", "217-555-0188"),
        ("Email", "t@example.com"),
    ]
    read = await ok(await st.get(crm(tenant, f"locations/{rental['id']}")), "Locations_Get")
    assert read == {k: v for k, v in rental.items() if k != "contacts"}
    assert await location_ids(st, tenant, customerId=owner["id"]) == [
        owner["locations"][0]["id"],
        rental["id"],
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customerId": 10}, "CustomerId"),
        ({"customerId": None}, "CustomerId"),
        ({"name": " "}, "Name"),
        ({"address": address(zip="")}, "Address.Zip"),
        ({"address": {k: v for k, v in ADDRESS.items() if k != "state"}}, "Address.State"),
        ({"contacts": [{"type": "Email", "value": "nobody"}]}, "Contacts[0].Value"),
        ({"contacts": [{"type": "Phone", "value": "555-01"}]}, "Contacts[0].Value"),
    ],
)
async def test_create_location_rejects_bad_requests(
    st: httpx.AsyncClient, tenant: int, change: dict[str, Any], field: str
) -> None:
    owner = await create_customer(st, tenant)
    body = {"customerId": owner["id"], "name": "Cabin", "address": ADDRESS, **change}
    if change.get("customerId") is None and "customerId" in change:
        del body["customerId"]
    assert field in field_errors(await st.post(crm(tenant, "locations"), json=body))
    assert await location_ids(st, tenant, active="Any", name="cabin") == []


async def test_a_customer_id_must_name_an_existing_customer(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(st, tenant)
    location_id = owner["locations"][0]["id"]  # a location's id is no customer's
    errors = field_errors(
        await st.post(
            crm(tenant, "locations"), json={"customerId": location_id, "name": "X", "address": ADDRESS}
        )
    )
    assert list(errors) == ["CustomerId"]


async def test_unknown_location_is_404(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(st, tenant)
    assert_problem(await st.get(crm(tenant, f"locations/{owner['id']}")), 404)
    assert_problem(await st.patch(crm(tenant, f"locations/{owner['id']}"), json={"name": "X"}), 404)


async def test_location_list_filters(st: httpx.AsyncClient, tenant: int) -> None:
    first = await create_customer(st, tenant, customer_body("First Owner"))
    second = await create_customer(st, tenant, customer_body("Second Owner"))
    home1, home2 = first["locations"][0]["id"], second["locations"][0]["id"]
    shop = await add_location(
        st,
        tenant,
        second["id"],
        "Main Street Shop",
        address=address(street="12 Main St", city="Chatham", zip="62629"),
    )
    assert await location_ids(st, tenant, customerId=second["id"]) == [home2, shop["id"]]
    assert await location_ids(st, tenant, name="SHOP") == [shop["id"]]
    assert await location_ids(st, tenant, name="home") == [home1, home2]
    assert await location_ids(st, tenant, city="chatham") == [shop["id"]]
    assert await location_ids(st, tenant, zip="62701") == [home1, home2]
    assert await location_ids(st, tenant, street="main st") == [shop["id"]]
    assert await location_ids(st, tenant, state="il", customerId=first["id"]) == [home1]
    assert await location_ids(st, tenant, ids=f"{shop['id']},{home1}") == [home1, shop["id"]]
    assert await location_ids(st, tenant, sort="-Id") == [shop["id"], home2, home1]
    assert "sort" in field_errors(await st.get(crm(tenant, "locations"), params={"sort": "+Name"}))
    assert "customerId" in field_errors(await st.get(crm(tenant, "locations"), params={"customerId": "abc"}))


async def test_location_paging_active_and_dates(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    owner = await create_customer(st, tenant)
    home = owner["locations"][0]["id"]
    clock.advance(timedelta(hours=1))
    later = [(await add_location(st, tenant, owner["id"], f"Unit {n}"))["id"] for n in range(3)]
    page = await ok(
        await st.get(crm(tenant, "locations"), params={"pageSize": 2, "page": 2, "includeTotal": "true"}),
        "Locations_GetList",
    )
    assert (page["hasMore"], page["totalCount"], [r["id"] for r in page["data"]]) == (False, 4, later[1:])

    assert await location_ids(st, tenant, createdOnOrAfter=iso(clock.now())) == later
    assert await location_ids(st, tenant, createdBefore=iso(clock.now())) == [home]

    clock.advance(timedelta(hours=1))
    closed = await ok(
        await st.patch(crm(tenant, f"locations/{later[0]}"), json={"active": False}), "Locations_Update"
    )
    assert closed["active"] is False and closed["modifiedOn"] == iso(clock.now())
    assert await location_ids(st, tenant) == [home, *later[1:]]
    assert await location_ids(st, tenant, active="False") == [later[0]]
    assert await location_ids(st, tenant, active="Any") == [home, *later]
    assert await location_ids(st, tenant, active="Any", modifiedOnOrAfter=iso(clock.now())) == [later[0]]
    assert await location_ids(st, tenant, modifiedBefore=iso(clock.now())) == [home, *later[1:]]


async def test_patch_a_location(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    owner = await create_customer(st, tenant)
    location = owner["locations"][0]
    clock.advance(90)
    new_address = {**address(street="77 Pine Rd"), "unit": "B"}
    patched = await ok(
        await st.patch(
            crm(tenant, f"locations/{location['id']}"), json={"name": "Main House", "address": new_address}
        ),
        "Locations_Update",
    )
    assert patched["name"] == "Main House" and patched["address"]["street"] == "77 Pine Rd"
    assert patched["address"]["unit"] == "B"
    assert patched["modifiedOn"] == iso(clock.now()) and patched["createdOn"] == location["createdOn"]
    assert patched["customerId"] == owner["id"] and patched["active"] is True
    assert (await st.get(crm(tenant, f"locations/{location['id']}"))).json() == patched


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "Name"),
        ({"customerId": 12345}, "CustomerId"),
        ({"address": {**address(street=" "), "unit": ""}}, "Address.Street"),
        ({"address": ADDRESS}, "Address.Unit"),  # the published patch address wants every part
        ({"zoneId": 3}, "ZoneId"),
    ],
)
async def test_bad_location_patches_change_nothing(
    st: httpx.AsyncClient, tenant: int, body: dict[str, Any], field: str
) -> None:
    owner = await create_customer(st, tenant)
    location = owner["locations"][0]
    assert field in field_errors(await st.patch(crm(tenant, f"locations/{location['id']}"), json=body))
    read = (await st.get(crm(tenant, f"locations/{location['id']}"))).json()
    assert read == {k: v for k, v in location.items() if k != "contacts"}


async def test_a_location_moved_to_another_customer_takes_its_phone_along(
    st: httpx.AsyncClient, tenant: int
) -> None:
    seller = await create_customer(
        st, tenant, customer_body("Seller", phone="(555) 300-0001", location_phone="555-300-0002")
    )
    buyer = await create_customer(
        st, tenant, customer_body("Buyer", phone="(555) 300-0003", location_phone=None)
    )
    location_id = seller["locations"][0]["id"]
    moved = await ok(
        await st.patch(crm(tenant, f"locations/{location_id}"), json={"customerId": buyer["id"]}),
        "Locations_Update",
    )
    assert moved["customerId"] == buyer["id"]
    assert await customer_ids(st, tenant, phone="5553000002") == [buyer["id"]]
    assert await customer_ids(st, tenant, phone="5553000001") == [seller["id"]]
    assert await location_ids(st, tenant, customerId=buyer["id"]) == sorted(
        [buyer["locations"][0]["id"], location_id]
    )
    assert await location_ids(st, tenant, customerId=seller["id"]) == []


# --- contacts of customers -------------------------------------------------------------------------


async def test_customer_contacts_list_only_the_customer_s_own(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(st, tenant)
    await create_customer(st, tenant, customer_body("Someone Else", phone="(555) 111-2222"))
    listed = await ok(
        await st.get(crm(tenant, f"customers/{owner['id']}/contacts")), "Customers_GetContactList"
    )
    assert [(c["id"], c["type"], c["value"]) for c in listed["data"]] == [
        (c["id"], c["type"], c["value"]) for c in owner["contacts"]
    ]
    assert all("locationId" not in c and "customerId" not in c for c in listed["data"])
    mobile = listed["data"][0]
    assert mobile["phoneSettings"] == {"phoneNumber": "(555) 987-6543", "doNotText": False}
    assert mobile["createdOn"] == mobile["modifiedOn"] == NOW_ISO
    paged = await ok(
        await st.get(
            crm(tenant, f"customers/{owner['id']}/contacts"), params={"pageSize": 1, "includeTotal": "true"}
        ),
        "Customers_GetContactList",
    )
    assert (len(paged["data"]), paged["hasMore"], paged["totalCount"]) == (1, True, 2)
    assert_problem(await st.get(crm(tenant, f"customers/{owner['id'] + 99}/contacts")), 404)


async def test_add_a_contact_to_a_customer(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    owner = await create_customer(st, tenant)
    clock.advance(300)
    added = await ok(
        await st.post(
            crm(tenant, f"customers/{owner['id']}/contacts"),
            json={"type": "Phone", "value": "217-555-0199", "memo": "work"},
        ),
        "Customers_CreateContact",
    )
    assert (added["type"], added["value"], added["memo"]) == ("Phone", "217-555-0199", "work")
    assert added["createdOn"] == added["modifiedOn"] == iso(clock.now())
    listed = (await st.get(crm(tenant, f"customers/{owner['id']}/contacts"))).json()["data"]
    assert listed[-1] == added and len(listed) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "Email", "value": "not an email"}, "Value"),
        ({"type": "MobilePhone", "value": "12-34"}, "Value"),
        ({"type": "Phone", "value": ""}, "Value"),
        ({"value": "2175550199"}, "Type"),
        ({"type": "Telegram", "value": "@sarah"}, "Type"),
    ],
)
async def test_bad_contacts_are_400(
    st: httpx.AsyncClient, tenant: int, body: dict[str, Any], field: str
) -> None:
    owner = await create_customer(st, tenant)
    location_id = owner["locations"][0]["id"]
    assert field in field_errors(await st.post(crm(tenant, f"customers/{owner['id']}/contacts"), json=body))
    assert field in field_errors(await st.post(crm(tenant, f"locations/{location_id}/contacts"), json=body))
    assert len((await st.get(crm(tenant, f"customers/{owner['id']}/contacts"))).json()["data"]) == 2
    assert len((await st.get(crm(tenant, f"locations/{location_id}/contacts"))).json()["data"]) == 1


async def test_adding_a_contact_to_an_unknown_owner_is_404(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(st, tenant)
    contact = {"type": "Phone", "value": "2175550199"}
    assert_problem(
        await st.post(crm(tenant, f"customers/{owner['locations'][0]['id']}/contacts"), json=contact), 404
    )
    assert_problem(await st.post(crm(tenant, f"locations/{owner['id']}/contacts"), json=contact), 404)


async def test_contacts_of_many_customers_with_their_customer_ids(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    first = await create_customer(st, tenant, customer_body("First"))
    second = await create_customer(st, tenant, customer_body("Second", phone="(555) 222-3333"))
    third = await create_customer(st, tenant, customer_body("Third", phone="(555) 222-4444"))
    both = f"{first['id']},{third['id']}"
    listed = await ok(
        await st.get(crm(tenant, "customers/contacts"), params={"customerIds": both}),
        "Customers_GetModifiedContactsList",
    )
    assert [(c["customerId"], c["value"]) for c in listed["data"]] == [
        (first["id"], "(555) 987-6543"),
        (first["id"], "sarah.williams@example.com"),
        (third["id"], "(555) 222-4444"),
        (third["id"], "sarah.williams@example.com"),
    ]
    assert all("locationId" not in c for c in listed["data"])  # location contacts are not listed here

    clock.advance(timedelta(minutes=10))
    since = iso(clock.now())
    await st.post(
        crm(tenant, f"customers/{second['id']}/contacts"), json={"type": "Fax", "value": "555 222 9999"}
    )
    recent = (await st.get(crm(tenant, "customers/contacts"), params={"modifiedOnOrAfter": since})).json()
    assert [(c["customerId"], c["value"]) for c in recent["data"]] == [(second["id"], "555 222 9999")]
    older = (
        await st.get(crm(tenant, "customers/contacts"), params={"modifiedBefore": since, "pageSize": 4})
    ).json()
    assert len(older["data"]) == 4 and older["hasMore"] is True
    assert "customerIds" in field_errors(
        await st.get(crm(tenant, "customers/contacts"), params={"customerIds": "x"})
    )


# --- contacts of locations -------------------------------------------------------------------------


async def test_location_contacts(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    owner = await create_customer(st, tenant)
    home = owner["locations"][0]
    listed = await ok(
        await st.get(crm(tenant, f"locations/{home['id']}/contacts")), "Locations_GetContactList"
    )
    assert [(c["id"], c["value"], c["memo"]) for c in listed["data"]] == [
        (home["contacts"][0]["id"], "217-555-0142", "landline")
    ]
    assert all("locationId" not in c and "customerId" not in c for c in listed["data"])
    clock.advance(60)
    added = await ok(
        await st.post(
            crm(tenant, f"locations/{home['id']}/contacts"),
            json={"type": "Email", "value": "home@example.com"},
        ),
        "Locations_CreateContact",
    )
    assert added["value"] == "home@example.com" and added["memo"] is None
    assert added["modifiedOn"] == iso(clock.now())
    again = (await st.get(crm(tenant, f"locations/{home['id']}/contacts"))).json()["data"]
    assert [c["id"] for c in again] == [home["contacts"][0]["id"], added["id"]]
    # a location's contacts are not the customer's
    customer_list = (await st.get(crm(tenant, f"customers/{owner['id']}/contacts"))).json()["data"]
    assert added["id"] not in [c["id"] for c in customer_list]
    assert_problem(await st.get(crm(tenant, f"locations/{owner['id']}/contacts")), 404)


async def test_contacts_of_many_locations_with_their_location_ids(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    owner = await create_customer(st, tenant)
    home = owner["locations"][0]["id"]
    clock.advance(timedelta(minutes=5))
    cabin = await add_location(
        st, tenant, owner["id"], "Cabin", contacts=[{"type": "Phone", "value": "906-555-0100"}]
    )
    await create_customer(
        st, tenant, customer_body("Elsewhere", phone="(555) 444-5555", location_phone="555-444-6666")
    )
    listed = await ok(
        await st.get(crm(tenant, "locations/contacts"), params={"locationIds": f"{home},{cabin['id']}"}),
        "Locations_GetLocationsContactsList",
    )
    assert [(c["locationId"], c["value"]) for c in listed["data"]] == [
        (home, "217-555-0142"),
        (cabin["id"], "906-555-0100"),
    ]
    assert all("customerId" not in c for c in listed["data"])
    recent = (
        await st.get(
            crm(tenant, "locations/contacts"),
            params={"locationIds": f"{home},{cabin['id']}", "createdOnOrAfter": iso(clock.now())},
        )
    ).json()
    assert [c["locationId"] for c in recent["data"]] == [cabin["id"]]
    everything = (await st.get(crm(tenant, "locations/contacts"), params={"includeTotal": "true"})).json()
    assert everything["totalCount"] == 3  # customer contacts are not listed here
