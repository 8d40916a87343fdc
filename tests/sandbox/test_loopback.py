"""The sandbox served by uvicorn over real loopback HTTP, as a client in production would meet it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from tests.conftest import url
from tests.sandbox.conftest import LiveServer, assert_problem, small_config


async def test_token_then_customer_list_over_loopback(loopback: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=loopback.base_url, timeout=10) as client:
        token = await client.post(
            "/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        )
        assert token.status_code == 200
        assert token.json()["token_type"] == "Bearer"
        headers = {"Authorization": f"Bearer {token.json()['access_token']}", "ST-App-Key": DEMO_APP_KEY}
        listed = await client.get(
            url("crm", DEMO_TENANT, "customers"), params={"pageSize": 3}, headers=headers
        )
        assert listed.status_code == 200
        assert listed.headers["content-type"].startswith("application/json")
        body = listed.json()
        assert body["page"] == 1 and body["pageSize"] == 3
        assert len(body["data"]) <= 3
        # the same connection carries the errors as problem bodies
        assert_problem(await client.get(url("crm", DEMO_TENANT, "customers")), 401)
        assert_problem(
            await client.get(url("crm", DEMO_TENANT, "customers"), params={"page": 0}, headers=headers), 400
        )


def test_loopback_server_stops(serve: Callable[[Starlette], LiveServer], clock: FrozenClock) -> None:
    server = serve(create_app(small_config(), clock=clock))
    assert httpx.get(f"{server.base_url}/_sandbox/health", timeout=5).status_code == 200
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/_sandbox/health", timeout=2)
