"""A sandbox on a SQLite file keeps its data, id counters and tokens across restarts."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app, records
from frontdesk.sandbox.config import DEMO_TENANT, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET
from frontdesk.sandbox.registry import REGISTRY
from frontdesk.sandbox.tables import new_id
from tests.conftest import get_token, url
from tests.sandbox.conftest import assert_problem, auth_headers, client_for, small_config

CUSTOMERS = url("crm", DEMO_TENANT, "customers")


async def _create_customer(client: httpx.AsyncClient, app: Starlette, name: str, clock: FrozenClock) -> int:
    """Create a customer through the API when the sandbox serves Customers_Create, else in the store."""
    street = records.address("12 Elm St", "Springfield", "IL", "62701")
    if "Customers_Create" in REGISTRY.routes:
        answer = await client.post(
            CUSTOMERS,
            json={
                "name": name,
                "address": {k: street[k] for k in ("street", "city", "state", "zip", "country")},
                "locations": [
                    {
                        "name": "Home",
                        "address": {k: street[k] for k in ("street", "city", "state", "zip", "country")},
                    }
                ],
            },
        )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["id"])
    store = app.state.sandbox.store
    ident = new_id(store, "customers")
    store["customers"].insert(DEMO_TENANT, records.customer(ident, name, street, clock.now()))
    return ident


def _config(tmp_path: Path) -> SandboxConfig:
    return small_config(database=str(tmp_path / "s.sqlite3"))


async def _total(client: httpx.AsyncClient) -> int:
    answer = await client.get(CUSTOMERS, params={"includeTotal": "true", "pageSize": 1, "active": "Any"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["totalCount"])


async def test_data_ids_and_tokens_survive_a_restart(tmp_path: Path, clock: FrozenClock) -> None:
    config = _config(tmp_path)
    first = create_app(config, clock=clock)
    async with client_for(first) as client:
        token = await get_token(client)
        client.headers.update(auth_headers(token))
        before = await _total(client)
        grace = await _create_customer(client, first, "Grace Hopper", clock)
        assert (await client.get(f"{CUSTOMERS}/{grace}")).status_code == 200
        assert await _total(client) == before + 1
    first.state.sandbox.store.close()
    assert (tmp_path / "s.sqlite3").stat().st_size > 0

    second = create_app(config, clock=clock)
    async with client_for(second) as client:
        # the token issued before the restart still works: no new token request needed
        client.headers.update(auth_headers(token))
        answer = await client.get(f"{CUSTOMERS}/{grace}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["name"] == "Grace Hopper"
        # the demo data was not generated a second time on top of what is there
        assert await _total(client) == before + 1
        # new records take new ids: none collides with one made before the restart
        ada = await _create_customer(client, second, "Ada Lovelace", clock)
        assert ada > grace
        listed = await client.get(CUSTOMERS, params={"ids": f"{grace},{ada}", "active": "Any"})
        assert sorted(c["name"] for c in listed.json()["data"]) == ["Ada Lovelace", "Grace Hopper"]
        assert await _total(client) == before + 2
    second.state.sandbox.store.close()


async def test_revocation_and_expiry_survive_a_restart(tmp_path: Path, clock: FrozenClock) -> None:
    config = _config(tmp_path)
    first = create_app(config, clock=clock)
    async with client_for(first) as client:
        demo = await get_token(client)
        limited = await get_token(client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
        revoked = await client.post("/_sandbox/tokens/revoke", json={"client_id": LIMITED_CLIENT_ID})
        assert revoked.json() == {"revoked": 1}
    first.state.sandbox.store.close()

    second = create_app(config, clock=clock)
    async with client_for(second) as client:
        assert (await client.get(CUSTOMERS, headers=auth_headers(demo))).status_code == 200
        assert (
            "revoked"
            in assert_problem(await client.get(CUSTOMERS, headers=auth_headers(limited)), 401)["title"]
        )
        clock.advance(900)
        assert (
            "expired" in assert_problem(await client.get(CUSTOMERS, headers=auth_headers(demo)), 401)["title"]
        )
    second.state.sandbox.store.close()


async def test_database_file_holds_no_usable_token(tmp_path: Path, clock: FrozenClock) -> None:
    config = _config(tmp_path)
    app = create_app(config, clock=clock)
    async with client_for(app) as client:
        token = await get_token(client)
    app.state.sandbox.store.close()
    raw = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("s.sqlite3*")))  # noqa: ASYNC240
    assert token.encode() not in raw


async def test_without_a_database_file_a_restart_starts_afresh(clock: FrozenClock) -> None:
    first = create_app(small_config(), clock=clock)
    async with client_for(first) as client:
        token = await get_token(client)
        client.headers.update(auth_headers(token))
        grace = await _create_customer(client, first, "Grace Hopper", clock)
    async with client_for(create_app(small_config(), clock=clock)) as client:
        assert_problem(await client.get(CUSTOMERS, headers=auth_headers(token)), 401)
        client.headers.update(auth_headers(await get_token(client)))
        assert (await client.get(f"{CUSTOMERS}/{grace}")).status_code == 404
