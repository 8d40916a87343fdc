"""Export feeds of customers and locations: continuation, recent changes, dates and inactive rows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock, iso
from frontdesk.sandbox import listing
from tests.sandbox.crm_fixtures import (  # noqa: F401  (fixture)
    ADDRESS,
    create_customer,
    crm,
    crm_sandbox_config,
    customer_body,
    field_errors,
    ok,
)

OPERATIONS = {"customers": "ExportCustomers_GetCustomers", "locations": "ExportLocations_Locations"}
SETTLE = timedelta(minutes=16)  # changes reach the feed after 15 minutes


async def drain(
    st: httpx.AsyncClient, tenant: int, resource: str, **params: Any
) -> tuple[list[dict[str, Any]], str, int]:
    """Every row the feed gives from ``params`` on, the token to continue from, and the calls made."""
    rows: list[dict[str, Any]] = []
    calls = 0
    while True:
        answer = await st.get(crm(tenant, f"export/{resource}"), params=params)
        body = await ok(answer, OPERATIONS[resource])
        calls += 1
        assert set(body) == {"hasMore", "continueFrom", "data"} and body["continueFrom"]
        rows += body["data"]
        params = {**params, "from": body["continueFrom"]}
        if not body["hasMore"]:
            return rows, body["continueFrom"], calls
        assert calls < 100, "the feed never ends"


async def make_customers(st: httpx.AsyncClient, tenant: int, count: int) -> list[dict[str, Any]]:
    return [await create_customer(st, tenant, customer_body(f"Export {n}")) for n in range(count)]


async def test_paging_through_the_feed_gives_every_row_once(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "EXPORT_BATCH", 2)  # small pages, so five customers need several
    made = await make_customers(st, tenant, 5)
    clock.advance(SETTLE)
    rows, token, calls = await drain(st, tenant, "customers")
    ids = [row["id"] for row in rows]
    assert [i for i in ids if i in {c["id"] for c in made}] == [c["id"] for c in made]
    assert max(Counter(ids).values()) == 1
    assert calls >= 3
    assert all(not key.startswith("_") for row in rows for key in row)
    mine = {row["id"]: row for row in rows}
    first = made[0]
    assert mine[first["id"]] == {k: v for k, v in first.items() if k not in ("locations", "contacts")}

    again, after, _ = await drain(st, tenant, "customers", **{"from": token})
    assert again == [] and after == token

    locations, _, _ = await drain(st, tenant, "locations")
    assert [row["id"] for row in locations] == [c["locations"][0]["id"] for c in made]


async def test_a_new_customer_waits_unless_recent_changes_are_asked_for(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    created = await create_customer(st, tenant)
    held_back, _, _ = await drain(st, tenant, "customers")
    assert created["id"] not in [row["id"] for row in held_back]
    recent, _, _ = await drain(st, tenant, "customers", includeRecentChanges="true")
    assert [row["id"] for row in recent] == [created["id"]]
    clock.advance(timedelta(minutes=14))
    still, _, _ = await drain(st, tenant, "customers")
    assert still == []
    clock.advance(timedelta(minutes=2))
    settled, _, _ = await drain(st, tenant, "customers")
    assert [row["id"] for row in settled] == [created["id"]]


async def test_a_later_change_comes_after_the_token(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    kept, changed = await make_customers(st, tenant, 2)
    clock.advance(SETTLE)
    _, token, _ = await drain(st, tenant, "customers")

    clock.advance(60)
    patched = await st.patch(
        crm(tenant, f"customers/{changed['id']}"), json={"name": "Export Renamed", "active": False}
    )
    assert patched.status_code == 200
    waiting, same, _ = await drain(st, tenant, "customers", **{"from": token})
    assert waiting == [] and same == token  # held back, and the token does not move past it

    recent, _, _ = await drain(st, tenant, "customers", **{"from": token, "includeRecentChanges": "true"})
    assert [(row["id"], row["name"], row["active"]) for row in recent] == [
        (changed["id"], "Export Renamed", False)
    ]

    clock.advance(SETTLE)
    settled, _, _ = await drain(st, tenant, "customers", **{"from": token})
    assert [(row["id"], row["active"]) for row in settled] == [
        (changed["id"], False)
    ]  # inactive rows included
    assert kept["id"] not in [row["id"] for row in settled]


async def test_location_changes_and_new_locations_follow_in_order(
    st: httpx.AsyncClient, tenant: int, clock: FrozenClock
) -> None:
    owner = await create_customer(st, tenant)
    home = owner["locations"][0]["id"]
    clock.advance(SETTLE)
    _, token, _ = await drain(st, tenant, "locations")

    rental = await st.post(
        crm(tenant, "locations"), json={"customerId": owner["id"], "name": "Rental", "address": ADDRESS}
    )
    assert rental.status_code == 200
    closed = await st.patch(crm(tenant, f"locations/{home}"), json={"active": False})
    assert closed.status_code == 200
    clock.advance(SETTLE)
    rows, _, _ = await drain(st, tenant, "locations", **{"from": token})
    assert [(row["id"], row["active"]) for row in rows] == [(rental.json()["id"], True), (home, False)]


async def test_export_from_a_date(st: httpx.AsyncClient, tenant: int, clock: FrozenClock) -> None:
    (old,) = await make_customers(st, tenant, 1)
    clock.advance(timedelta(hours=1))
    since = iso(clock.now())
    (new,) = await make_customers(st, tenant, 1)
    clock.advance(SETTLE)
    rows, _, _ = await drain(st, tenant, "customers", **{"from": since})
    assert [row["id"] for row in rows] == [new["id"]]
    day, _, _ = await drain(st, tenant, "customers", **{"from": since[:10]})  # a bare date counts too
    assert [row["id"] for row in day] == [old["id"], new["id"]]


@pytest.mark.parametrize("resource", ["customers", "locations"])
async def test_a_token_from_nowhere_is_400(st: httpx.AsyncClient, tenant: int, resource: str) -> None:
    assert "from" in field_errors(
        await st.get(crm(tenant, f"export/{resource}"), params={"from": "last tuesday"})
    )
