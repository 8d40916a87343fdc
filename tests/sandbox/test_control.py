"""The sandbox's own control endpoints (/_sandbox/...): health, clock, stats."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import create_app
from frontdesk.sandbox.config import DEMO_TENANT
from tests.conftest import NOW, get_token, url
from tests.sandbox.conftest import assert_problem, auth_headers, client_for, small_config

CUSTOMERS = url("crm", DEMO_TENANT, "customers")


async def test_health_reports_ok_and_the_sandbox_time(raw_client: httpx.AsyncClient) -> None:
    answer = await raw_client.get("/_sandbox/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "now": "2026-03-09T15:00:00Z"}


async def test_clock_reads_the_frozen_time(raw_client: httpx.AsyncClient) -> None:
    assert (await raw_client.get("/_sandbox/clock")).json() == {"now": "2026-03-09T15:00:00Z", "frozen": True}


async def test_clock_can_be_set_and_advanced(raw_client: httpx.AsyncClient, clock: FrozenClock) -> None:
    answer = await raw_client.put("/_sandbox/clock", json={"now": "2026-04-01T08:30:00Z"})
    assert answer.status_code == 200
    assert answer.json() == {"now": "2026-04-01T08:30:00Z", "frozen": True}
    assert clock.now() == datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
    answer = await raw_client.put("/_sandbox/clock", json={"advance": 90})
    assert answer.json()["now"] == "2026-04-01T08:31:30Z"
    # both at once: set, then advance
    answer = await raw_client.put(
        "/_sandbox/clock", json={"now": "2026-04-02T00:00:00-05:00", "advance": 1.5}
    )
    assert answer.json()["now"] == "2026-04-02T05:00:01.5Z"
    # the sandbox's answers follow the clock
    assert (await raw_client.get("/_sandbox/health")).json()["now"] == "2026-04-02T05:00:01.5Z"


async def test_advancing_the_clock_expires_tokens(st: httpx.AsyncClient) -> None:
    assert (await st.get(CUSTOMERS)).status_code == 200
    await st.put("/_sandbox/clock", json={"advance": 900})
    assert_problem(await st.get(CUSTOMERS), 401)


@pytest.mark.parametrize(
    "body",
    [b'{"now": "next tuesday"}', b'{"advance": "soon"}', b'{"advance": 1e300}', b"not json", b"[1]", b"5"],
)
async def test_bad_clock_requests_are_400_and_leave_the_clock(
    raw_client: httpx.AsyncClient, clock: FrozenClock, body: bytes
) -> None:
    answer = await raw_client.put("/_sandbox/clock", content=body)
    assert answer.status_code == 400
    assert "error" in answer.json()
    assert clock.now() == NOW


async def test_clock_cannot_be_moved_when_not_frozen() -> None:
    async with client_for(create_app(small_config())) as client:
        read = await client.get("/_sandbox/clock")
        assert read.status_code == 200
        assert read.json()["frozen"] is False
        before = datetime.fromisoformat(read.json()["now"].replace("Z", "+00:00"))
        assert abs((datetime.now(UTC) - before).total_seconds()) < 60
        answer = await client.put("/_sandbox/clock", json={"advance": 3600})
        assert answer.status_code == 409
        assert "not frozen" in answer.json()["error"]
        after = datetime.fromisoformat(
            (await client.get("/_sandbox/clock")).json()["now"].replace("Z", "+00:00")
        )
        assert (after - before).total_seconds() < 60


async def test_config_now_freezes_the_clock() -> None:
    config = small_config(now=datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    async with client_for(create_app(config)) as client:
        assert (await client.get("/_sandbox/clock")).json() == {"now": "2026-05-01T12:00:00Z", "frozen": True}
        moved = await client.put("/_sandbox/clock", json={"advance": 60})
        assert moved.json()["now"] == "2026-05-01T12:01:00Z"


async def test_stats_count_requests_and_token_requests(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    await get_token(raw_client)
    headers = auth_headers(token)
    for _ in range(3):
        assert (await raw_client.get(CUSTOMERS, headers=headers)).status_code == 200
    await raw_client.get(f"{CUSTOMERS}/10000001", headers=headers)
    await raw_client.get(CUSTOMERS)  # refused (no token) but still a request
    stats = (await raw_client.get("/_sandbox/stats")).json()
    assert stats["token_requests"] == 2
    assert stats["token_endpoint"] == 2
    assert stats["requests"] == 5
    assert stats["Customers_GetList"] == 4
    assert stats["Customers_Get"] == 1


async def test_stats_count_refused_token_requests(raw_client: httpx.AsyncClient) -> None:
    await raw_client.post("/connect/token", data={"grant_type": "client_credentials", "client_id": "x"})
    await raw_client.post("/connect/token", json={})
    assert (await raw_client.get("/_sandbox/stats")).json()["token_requests"] == 2


async def test_deleting_stats_resets_every_count(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    await raw_client.get(CUSTOMERS, headers=auth_headers(token))
    cleared = await raw_client.delete("/_sandbox/stats")
    assert cleared.status_code == 200
    assert cleared.json() == {"token_requests": 0}
    assert (await raw_client.get("/_sandbox/stats")).json() == {"token_requests": 0}
    # counting starts again from zero
    await raw_client.get(CUSTOMERS, headers=auth_headers(token))
    stats = (await raw_client.get("/_sandbox/stats")).json()
    assert stats["requests"] == 1
    assert stats["token_requests"] == 0
    # and the token issued before the reset still works: resetting stats is not revoking
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(token))).status_code == 200


async def test_control_endpoints_can_be_turned_off(clock: FrozenClock) -> None:
    async with client_for(create_app(small_config(control=False), clock=clock)) as client:
        for path in ("/_sandbox/health", "/_sandbox/clock", "/_sandbox/stats", "/_sandbox/faults"):
            assert_problem(await client.get(path), 404)
        assert_problem(await client.post("/_sandbox/tokens/revoke"), 404)
        # the API itself is still served
        client.headers.update(auth_headers(await get_token(client)))
        assert (await client.get(CUSTOMERS)).status_code == 200
