"""CRM customers as an integration uses them: create, find (phone, name, address), page, filter, patch."""

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
    list_customers,
    ok,
    total,
)

# --- create ----------------------------------------------------------------------------------------


async def test_create_answers_the_customer_with_its_locations_and_contacts(
    st: httpx.AsyncClient, tenant: int
) -> None:
    created = await create_customer(st, tenant, customer_body(type="Commercial", doNotMail=True))
    assert created["name"] == "Sarah Williams"
    assert created["type"] == "Commercial" and created["doNotMail"] is True and created["active"] is True
    assert created["createdOn"] == created["modifiedOn"] == NOW_ISO
    assert {k: created["address"][k] for k in ADDRESS} == ADDRESS
    assert [(c["type"], c["value"]) for c in created["contacts"]] == [
        ("MobilePhone", "(555) 987-6543"),
        ("Email", "sarah.williams@example.com"),
    ]
    assert created["contacts"][1]["memo"] == "home"
    assert all(set(c) <= {"id", "type", "value", "memo"} for c in created["contacts"])
    (location,) = created["locations"]
    assert location["customerId"] == created["id"] and location["name"] == "Home"
    assert [(c["type"], c["value"], c["memo"]) for c in location["contacts"]] == [
        ("Phone", "217-555-0142", "landline")
    ]
    ids = [created["id"], location["id"], *(c["id"] for c in created["contacts"] + location["contacts"])]
    assert len(set(ids)) == len(ids)


async def test_a_created_customer_reads_back_without_locations_or_contacts(
    st: httpx.AsyncClient, tenant: int
) -> None:
    created = await create_customer(st, tenant)
    read = await ok(await st.get(crm(tenant, f"customers/{created['id']}")), "Customers_Get")
    assert read == {k: v for k, v in created.items() if k not in ("locations", "contacts")}
    location = created["locations"][0]
    read_location = await ok(await st.get(crm(tenant, f"locations/{location['id']}")), "Locations_Get")
    assert read_location == {k: v for k, v in location.items() if k != "contacts"}


async def test_unknown_customer_is_404(st: httpx.AsyncClient, tenant: int) -> None:
    created = await create_customer(st, tenant)
    assert_problem(await st.get(crm(tenant, f"customers/{created['id'] + 1000}")), 404)
    # a location id is not a customer id
    assert_problem(await st.get(crm(tenant, f"customers/{created['locations'][0]['id']}")), 404)


async def test_several_locations_each_with_contacts(st: httpx.AsyncClient, tenant: int) -> None:
    body = customer_body(
        locations=[
            {"name": "Home", "address": ADDRESS},
            {
                "name": "Rental",
                "address": address(street="9 Elm Ct", unit="2B"),
                "contacts": [{"type": "Phone", "value": "217-555-0177"}],
            },
        ]
    )
    created = await create_customer(st, tenant, body)
    assert [(loc["name"], len(loc["contacts"])) for loc in created["locations"]] == [
        ("Home", 0),
        ("Rental", 1),
    ]
    assert created["locations"][1]["address"]["unit"] == "2B"
    listed = await st.get(crm(tenant, "locations"), params={"customerId": created["id"]})
    assert sorted(loc["name"] for loc in listed.json()["data"]) == ["Home", "Rental"]


BAD_CREATES: list[tuple[dict[str, Any], str]] = [
    ({"locations": []}, "Locations"),
    ({"name": ""}, "Name"),
    ({"name": "   "}, "Name"),
    ({"address": address(country="")}, "Address.Country"),
    ({"address": address(street=" ")}, "Address.Street"),
    ({"address": {k: v for k, v in ADDRESS.items() if k != "city"}}, "Address.City"),
    ({"locations": [{"name": "Home", "address": address(zip=" ")}]}, "Locations[0].Address.Zip"),
    (
        {"locations": [{"name": "Home", "address": ADDRESS}, {"name": " ", "address": ADDRESS}]},
        "Locations[1].Name",
    ),
    ({"locations": [{"name": "Home"}]}, "Locations[0].Address"),
    ({"contacts": [{"type": "Email", "value": "sarah.williams"}]}, "Contacts[0].Value"),
    ({"contacts": [{"type": "Email", "value": "a@b"}]}, "Contacts[0].Value"),
    (
        {"contacts": [{"type": "Email", "value": "x@y.com"}, {"type": "Phone", "value": "555-0142"}]},
        "Contacts[1].Value",
    ),
    ({"contacts": [{"type": "MobilePhone", "value": "  "}]}, "Contacts[0].Value"),
    ({"contacts": [{"type": "Pager", "value": "5551234567"}]}, "Contacts[0].Type"),
    (
        {
            "locations": [
                {"name": "Home", "address": ADDRESS, "contacts": [{"type": "Fax", "value": "12345"}]}
            ]
        },
        "Locations[0].Contacts[0].Value",
    ),
    ({"type": "Industrial"}, "Type"),
    ({"email": "sarah@example.com"}, "Email"),  # e-mail and phone are contacts, not customer fields
    ({"phoneNumber": "5559876543"}, "PhoneNumber"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATES)
async def test_create_rejects_what_servicetitan_rejects_and_writes_nothing(
    st: httpx.AsyncClient, tenant: int, change: dict[str, Any], field: str
) -> None:
    before = [
        await total(st, tenant, r, op)
        for r, op in (("customers", "Customers_GetList"), ("locations", "Locations_GetList"))
    ]
    errors = field_errors(await st.post(crm(tenant, "customers"), json={**customer_body(), **change}))
    assert field in errors, errors
    assert all(message.strip() for message in errors[field])
    after = [
        await total(st, tenant, r, op)
        for r, op in (("customers", "Customers_GetList"), ("locations", "Locations_GetList"))
    ]
    assert after == before
    # neither are the contacts of a rejected customer findable
    assert await customer_ids(st, tenant, phone="(555) 987-6543", active="Any") == []


async def test_missing_locations_and_one_answer_naming_every_problem(
    st: httpx.AsyncClient, tenant: int
) -> None:
    body = customer_body()
    del body["locations"]
    errors = field_errors(await st.post(crm(tenant, "customers"), json=body))
    assert errors["Locations"] == ["The Locations field is required."]
    errors = field_errors(
        await st.post(crm(tenant, "customers"), json={**customer_body(), "name": " ", "locations": []})
    )
    assert {"Name", "Locations"} <= set(errors)


# --- phone and name search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["(808) 555-0143", "808-555-0143", "808.555.0143", "+1 808 555 0143", "8085550143", "1-808-555-0143"],
)
async def test_phone_search_finds_the_customer_whatever_the_formatting(
    st: httpx.AsyncClient, tenant: int, typed: str
) -> None:
    wanted = await create_customer(st, tenant, customer_body("Kai Nakamura", phone="808.555.0143"))
    await create_customer(st, tenant, customer_body("Other Person", phone="(808) 555-0144"))
    assert await customer_ids(st, tenant, phone=typed) == [wanted["id"]]


async def test_a_location_contact_phone_finds_its_customer(st: httpx.AsyncClient, tenant: int) -> None:
    owner = await create_customer(
        st, tenant, customer_body("Lena Ortiz", phone=None, location_phone="(312) 555-0101")
    )
    assert await customer_ids(st, tenant, phone="312 555 0101") == [owner["id"]]

    # a location added later, and a contact added to it later, count as well
    rental = await st.post(
        crm(tenant, "locations"),
        json={
            "customerId": owner["id"],
            "name": "Rental",
            "address": ADDRESS,
            "contacts": [{"type": "MobilePhone", "value": "312-555-0102"}],
        },
    )
    assert rental.status_code == 200
    assert await customer_ids(st, tenant, phone="+13125550102") == [owner["id"]]
    added = await st.post(
        crm(tenant, f"locations/{rental.json()['id']}/contacts"),
        json={"type": "Phone", "value": "312.555.0103"},
    )
    assert added.status_code == 200
    assert await customer_ids(st, tenant, phone="(312) 555-0103") == [owner["id"]]


async def test_a_contact_added_to_the_customer_later_is_searchable(
    st: httpx.AsyncClient, tenant: int
) -> None:
    owner = await create_customer(st, tenant, customer_body("Ravi Patel", phone=None, location_phone=None))
    assert await customer_ids(st, tenant, phone="(646) 555-0199") == []
    added = await st.post(
        crm(tenant, f"customers/{owner['id']}/contacts"),
        json={"type": "MobilePhone", "value": "646-555-0199"},
    )
    assert added.status_code == 200
    assert await customer_ids(st, tenant, phone="(646) 555-0199") == [owner["id"]]


async def test_phone_search_matches_whole_numbers_only(st: httpx.AsyncClient, tenant: int) -> None:
    await create_customer(st, tenant, customer_body("Ann Lee", phone="(415) 555-0120"))
    for typed in ("555-0120", "415555012", "415 555 01200", "no digits", "sarah.williams@example.com"):
        assert await customer_ids(st, tenant, phone=typed) == [], typed


async def test_one_customer_with_a_number_on_several_contacts_is_listed_once(
    st: httpx.AsyncClient, tenant: int
) -> None:
    owner = await create_customer(
        st, tenant, customer_body("Sam Reed", phone="(720) 555-0111", location_phone="720-555-0111")
    )
    assert await customer_ids(st, tenant, phone="7205550111") == [owner["id"]]


async def test_name_search_is_a_case_insensitive_contains(st: httpx.AsyncClient, tenant: int) -> None:
    zelda = await create_customer(st, tenant, customer_body("Zelda Quixote-Marsh"))
    other = await create_customer(st, tenant, customer_body("Marshall Quinn"))
    for needle in ("zelda", "QUIXOTE", "te-ma", "Zelda Quixote-Marsh"):
        assert await customer_ids(st, tenant, name=needle) == [zelda["id"]], needle
    assert await customer_ids(st, tenant, name="marsh") == [zelda["id"], other["id"]]
    assert await customer_ids(st, tenant, name="quixote marsh") == []
    assert await customer_ids(st, tenant, name="100%") == []  # LIKE wildcards are taken literally


async def test_address_filters(st: httpx.AsyncClient, tenant: int) -> None:
    springfield = await create_customer(st, tenant, customer_body("In Springfield"))
    chicago = await create_customer(
        st,
        tenant,
        customer_body("In Chicago", address=address(street="1 Lake Shore Dr", city="Chicago", zip="60601")),
    )
    assert await customer_ids(st, tenant, city="chicago") == [chicago["id"]]
    assert await customer_ids(st, tenant, zip="62701") == [springfield["id"]]
    assert await customer_ids(st, tenant, street="oak street") == [springfield["id"]]
    assert await customer_ids(st, tenant, state="IL", sort="-Id") == [chicago["id"], springfield["id"]]
    assert await customer_ids(st, tenant, city="Chicago", name="springfield") == []


# --- paging, active, ids, sort, dates --------------------------------------------------------------


async def test_paging_through_customers(st: httpx.AsyncClient, tenant: int) -> None:
    made = [(await create_customer(st, tenant, customer_body(f"Pager {i}")))["id"] for i in range(7)]
    seen: list[int] = []
    for page, size, more in ((1, 3, True), (2, 3, True), (3, 1, False)):
        answer = await list_customers(st, tenant, name="pager", pageSize=3, page=page, includeTotal="true")
        assert (answer["page"], answer["pageSize"], answer["hasMore"], answer["totalCount"]) == (
            page,
            3,
            more,
            7,
        )
        assert len(answer["data"]) == size
        seen += [row["id"] for row in answer["data"]]
    assert seen == made
    beyond = await list_customers(st, tenant, name="pager", pageSize=3, page=4)
    assert beyond["data"] == [] and beyond["hasMore"] is False
    assert (await list_customers(st, tenant, name="pager"))["totalCount"] is None  # only when asked
    exact = await list_customers(st, tenant, name="pager", pageSize=7)
    assert exact["hasMore"] is False and len(exact["data"]) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": 0}, "pageSize"),
        ({"page": 0}, "page"),
        ({"pageSize": 5001}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
    ],
)
async def test_bad_paging_is_400(
    st: httpx.AsyncClient, tenant: int, params: dict[str, Any], field: str
) -> None:
    assert field in field_errors(await st.get(crm(tenant, "customers"), params=params))


async def test_deactivated_customers_leave_the_default_list(st: httpx.AsyncClient, tenant: int) -> None:
    kept = await create_customer(st, tenant, customer_body("Active Alice", phone="(555) 000-1111"))
    gone = await create_customer(st, tenant, customer_body("Inactive Ian", phone="(555) 000-2222"))
    patched = await ok(
        await st.patch(crm(tenant, f"customers/{gone['id']}"), json={"active": False}), "Customers_Update"
    )
    assert patched["active"] is False
    assert await customer_ids(st, tenant) == [kept["id"]]
    assert await customer_ids(st, tenant, active="True") == [kept["id"]]
    assert await customer_ids(st, tenant, active="false") == [gone["id"]]
    assert await customer_ids(st, tenant, active="Any") == [kept["id"], gone["id"]]
    assert await customer_ids(st, tenant, phone="5550002222") == []
    assert await customer_ids(st, tenant, phone="5550002222", active="Any") == [gone["id"]]
    read = await st.get(crm(tenant, f"customers/{gone['id']}"))
    assert read.status_code == 200 and read.json()["active"] is False
    assert "active" in field_errors(await st.get(crm(tenant, "customers"), params={"active": "Sometimes"}))


async def test_ids_filter(st: httpx.AsyncClient, tenant: int) -> None:
    a, b, c = [(await create_customer(st, tenant, customer_body(f"Ids {n}")))["id"] for n in "abc"]
    assert await customer_ids(st, tenant, ids=f"{c},{a}") == [a, c]
    assert await customer_ids(st, tenant, ids=f"{b}, 999") == [b]  # unknown ids are just absent
    assert "ids" in field_errors(
        await st.get(crm(tenant, "customers"), params={"ids": ",".join(map(str, range(1, 52)))})
    )
    assert "ids" in field_errors(await st.get(crm(tenant, "customers"), params={"ids": "1,two"}))


async def test_sorting(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    names = ["Sort Charlie", "sort alpha", "Sort Bravo"]
    made = []
    for name in names:
        made.append((await create_customer(st, tenant, customer_body(name)))["id"])
        clock.advance(60)
    assert await customer_ids(st, tenant, name="sort", sort="-Id") == made[::-1]
    assert await customer_ids(st, tenant, name="sort", sort="+Id") == made
    # ServiceTitan's published documents allow only Id, CreatedOn and ModifiedOn
    assert "sort" in field_errors(await st.get(crm(tenant, "customers"), params={"sort": "Name"}))
    assert await customer_ids(st, tenant, name="sort", sort="-CreatedOn") == made[::-1]
    await st.patch(crm(tenant, f"customers/{made[0]}"), json={"doNotService": True})
    assert await customer_ids(st, tenant, name="sort", sort="-ModifiedOn") == [made[0], made[2], made[1]]
    assert await customer_ids(st, tenant, name="sort", sort="+modifiedon") == [made[1], made[2], made[0]]
    assert "sort" in field_errors(await st.get(crm(tenant, "customers"), params={"sort": "-Balance"}))


async def test_created_and_modified_filters(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    start = clock.now()
    early = (await create_customer(st, tenant, customer_body("Dates Early")))["id"]
    clock.advance(timedelta(hours=1))
    late = (await create_customer(st, tenant, customer_body("Dates Late")))["id"]
    half = iso(start + timedelta(minutes=30))
    assert await customer_ids(st, tenant, createdOnOrAfter=half) == [late]
    assert await customer_ids(st, tenant, createdBefore=half) == [early]
    assert await customer_ids(st, tenant, createdOnOrAfter=iso(start)) == [early, late]  # inclusive
    assert await customer_ids(st, tenant, createdBefore=iso(start)) == []  # exclusive

    clock.advance(timedelta(hours=1))
    await st.patch(crm(tenant, f"customers/{early}"), json={"name": "Dates Early Changed"})
    after_late = iso(start + timedelta(minutes=90))
    assert await customer_ids(st, tenant, modifiedOnOrAfter=after_late) == [early]
    assert await customer_ids(st, tenant, modifiedBefore=after_late) == [late]
    assert await customer_ids(st, tenant, createdBefore=half, modifiedOnOrAfter=after_late) == [early]
    assert "createdBefore" in field_errors(
        await st.get(crm(tenant, "customers"), params={"createdBefore": "soon"})
    )


# --- update ----------------------------------------------------------------------------------------


async def test_patch_changes_only_the_fields_given_and_moves_modified_on(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    created = await create_customer(st, tenant)
    clock.advance(timedelta(minutes=5))
    patched = await ok(
        await st.patch(
            crm(tenant, f"customers/{created['id']}"), json={"doNotMail": True, "name": " Sarah W. "}
        ),
        "Customers_Update",
    )
    assert patched["doNotMail"] is True and patched["name"] == "Sarah W."
    assert patched["modifiedOn"] == iso(clock.now()) and patched["createdOn"] == created["createdOn"]
    unchanged = {"locations", "contacts", "doNotMail", "name", "modifiedOn"}
    assert {k: v for k, v in patched.items() if k not in unchanged} == {
        k: v for k, v in created.items() if k not in unchanged
    }
    read = (await st.get(crm(tenant, f"customers/{created['id']}"))).json()
    assert read == patched


async def test_patch_address_and_type(st: httpx.AsyncClient, tenant: int) -> None:
    created = await create_customer(st, tenant)
    moved = {
        **address(street="1 New Rd", city="Chatham", zip="62629"),
        "unit": "",
        "latitude": 39.67,
        "longitude": -89.7,
    }
    patched = await ok(
        await st.patch(
            crm(tenant, f"customers/{created['id']}"), json={"address": moved, "type": "Commercial"}
        ),
        "Customers_Update",
    )
    assert patched["address"]["city"] == "Chatham" and patched["address"]["latitude"] == 39.67
    assert patched["type"] == "Commercial"
    assert await customer_ids(st, tenant, city="chatham") == [created["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "Name"),
        ({"type": "Industrial"}, "Type"),
        ({"address": {**address(city=" "), "unit": "", "latitude": 0, "longitude": 0}}, "Address.City"),
        ({"address": ADDRESS}, "Address.Latitude"),  # the published update address requires coordinates
        ({"email": "x@example.com"}, "Email"),
        ({"active": "no"}, "Active"),
    ],
)
async def test_bad_patches_are_400_and_change_nothing(
    st: httpx.AsyncClient, tenant: int, body: dict[str, Any], field: str
) -> None:
    created = await create_customer(st, tenant)
    assert field in field_errors(await st.patch(crm(tenant, f"customers/{created['id']}"), json=body))
    read = (await st.get(crm(tenant, f"customers/{created['id']}"))).json()
    assert read == {k: v for k, v in created.items() if k not in ("locations", "contacts")}


async def test_patch_of_an_unknown_customer_is_404(st: httpx.AsyncClient, tenant: int) -> None:
    created = await create_customer(st, tenant)
    assert_problem(
        await st.patch(crm(tenant, f"customers/{created['id'] + 7}"), json={"doNotMail": True}), 404
    )
