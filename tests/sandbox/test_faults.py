"""Fault injection: seeded errors, 429s, latency, hangs and limits per route glob."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_TENANT
from frontdesk.sandbox.faults import FaultPlan, FaultRule
from tests.conftest import get_token, url
from tests.sandbox.conftest import LiveServer, assert_problem, auth_headers, client_for, small_config

CUSTOMERS = url("crm", DEMO_TENANT, "customers")
ONE_CUSTOMER = url("crm", DEMO_TENANT, "customers/10000001")


def _rule(**fields: Any) -> dict[str, Any]:
    return {"route": "/crm/v2/*/customers", **fields}


async def _put_plan(client: httpx.AsyncClient, seed: int, *rules: dict[str, Any]) -> dict[str, Any]:
    answer = await client.put("/_sandbox/faults", json={"seed": seed, "rules": list(rules)})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _statuses(client: httpx.AsyncClient, count: int, path: str = CUSTOMERS) -> list[int]:
    return [(await client.get(path)).status_code for _ in range(count)]


async def test_error_rate_one_fails_every_matching_call_with_a_problem(st: httpx.AsyncClient) -> None:
    plan = await _put_plan(st, 1, _rule(error_rate=1.0, status=503))
    assert plan["rules"][0]["status"] == 503
    for _ in range(3):
        body = assert_problem(await st.get(CUSTOMERS), 503)
        assert "503" in body["title"]
    # the glob matches the list only: one customer is still served
    assert (await st.get(ONE_CUSTOMER)).status_code in (200, 404)
    assert (await st.get("/_sandbox/faults")).json()["injected"] == 3


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_injected_status_is_the_configured_one(st: httpx.AsyncClient, status: int) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0, status=status))
    assert_problem(await st.get(CUSTOMERS), status)
    assert "Retry-After" not in (await st.get(CUSTOMERS)).headers


async def test_injected_429_carries_retry_after(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0, status=429, retry_after=7))
    answer = await st.get(CUSTOMERS)
    assert_problem(answer, 429)
    assert answer.headers["Retry-After"] == "7"
    await _put_plan(st, 1, _rule(error_rate=1.0, status=429))  # the default wait
    assert (await st.get(CUSTOMERS)).headers["Retry-After"] == "1"


async def test_faults_hit_before_auth_and_on_the_token_endpoint(raw_client: httpx.AsyncClient) -> None:
    await _put_plan(raw_client, 1, {"route": "/connect/token", "error_rate": 1.0, "status": 503})
    answer = await raw_client.post(
        "/connect/token", data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    )
    assert_problem(answer, 503)
    assert (await raw_client.delete("/_sandbox/faults")).status_code == 200
    assert await get_token(raw_client)


async def test_methods_restrict_a_rule(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0, methods=["POST"]))
    assert await _statuses(st, 3) == [200] * 3
    await _put_plan(st, 1, _rule(error_rate=1.0, methods=["get"]))
    assert await _statuses(st, 3) == [503] * 3


async def _outcomes(plan: dict[str, Any], count: int, clock: FrozenClock) -> list[int]:
    async with client_for(create_app(small_config(), clock=clock)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        await _put_plan(client, plan["seed"], *plan["rules"])
        return await _statuses(client, count)


async def test_same_seed_gives_the_same_outcomes_in_a_fresh_sandbox(clock: FrozenClock) -> None:
    plan = {"seed": 42, "rules": [_rule(error_rate=0.3, status=503), _rule(error_rate=0.3, status=429)]}
    first = await _outcomes(plan, 40, clock)
    second = await _outcomes(plan, 40, clock)
    assert first == second
    # the plan really mixes outcomes, so the equality above says something
    assert {200, 503, 429} <= set(first)
    other_seed = await _outcomes({**plan, "seed": 43}, 40, clock)
    assert other_seed != first


async def test_putting_a_plan_again_restarts_its_sequence(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 9, _rule(error_rate=0.5))
    first = await _statuses(st, 20)
    await _put_plan(st, 9, _rule(error_rate=0.5))
    assert await _statuses(st, 20) == first
    assert 200 in first and 503 in first


async def test_limit_stops_injecting_after_n_faults(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0, limit=2))
    assert await _statuses(st, 5) == [503, 503, 200, 200, 200]
    assert (await st.get("/_sandbox/faults")).json()["injected"] == 2


async def test_later_rules_apply_once_an_earlier_rule_is_spent(st: httpx.AsyncClient) -> None:
    await _put_plan(
        st, 1, _rule(error_rate=1.0, status=503, limit=1), _rule(error_rate=1.0, status=502, limit=1)
    )
    assert await _statuses(st, 3) == [503, 502, 200]


async def test_latency_delays_matching_calls(st: httpx.AsyncClient) -> None:
    started = time.perf_counter()
    await st.get(CUSTOMERS)
    baseline = time.perf_counter() - started
    await _put_plan(st, 1, _rule(latency_ms=300))
    started = time.perf_counter()
    answer = await st.get(CUSTOMERS)
    delayed = time.perf_counter() - started
    assert answer.status_code == 200
    assert delayed >= 0.29
    assert delayed > baseline + 0.2
    # calls the glob does not match are not delayed
    started = time.perf_counter()
    await st.get(ONE_CUSTOMER)
    assert time.perf_counter() - started < 0.25


async def test_hang_ends_in_504_after_hang_seconds(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 1, _rule(hang_rate=1.0, hang_seconds=0.3))
    started = time.perf_counter()
    answer = await st.get(CUSTOMERS)
    assert time.perf_counter() - started >= 0.29
    assert_problem(answer, 504)


async def test_hang_longer_than_the_client_timeout_times_the_client_out(
    serve: Callable[[Starlette], LiveServer], clock: FrozenClock
) -> None:
    server = serve(create_app(small_config(), clock=clock))
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
        client.headers.update(auth_headers(await get_token(client)))
        await _put_plan(client, 1, _rule(hang_rate=1.0, hang_seconds=1.0))
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            await client.get(CUSTOMERS, timeout=0.2)
        assert time.perf_counter() - started < 0.9
        # a patient client gets the 504 once the hang is over
        assert_problem(await client.get(CUSTOMERS, timeout=5), 504)


async def test_delete_clears_the_plan(st: httpx.AsyncClient) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0))
    assert (await st.get(CUSTOMERS)).status_code == 503
    cleared = await st.delete("/_sandbox/faults")
    assert cleared.status_code == 200
    assert cleared.json()["rules"] == []
    assert cleared.json()["injected"] == 0
    assert await _statuses(st, 3) == [200] * 3
    assert (await st.get("/_sandbox/faults")).json()["rules"] == []


@pytest.mark.parametrize(
    "plan",
    [
        {"rules": [{"route": "*", "error_rate": 2}]},
        {"rules": [{"route": "*", "hang_rate": -0.5}]},
        {"rules": [{"route": "*", "status": 200, "error_rate": 1}]},
        {"rules": [{"route": "*", "status": 99, "error_rate": 1}]},
        {"rules": [{"route": "*", "limit": -1}]},
        {"rules": "everything"},
        [1, 2],
    ],
)
async def test_invalid_plans_are_refused_and_change_nothing(st: httpx.AsyncClient, plan: Any) -> None:
    await _put_plan(st, 1, _rule(error_rate=1.0, status=502))
    answer = await st.put("/_sandbox/faults", json=plan)
    assert answer.status_code == 400
    assert "error" in answer.json()
    assert (await st.get(CUSTOMERS)).status_code == 502


async def test_malformed_plan_json_is_400(st: httpx.AsyncClient) -> None:
    for content in (b"{not json", b""):
        answer = await st.put("/_sandbox/faults", content=content)
        assert answer.status_code == 400


async def test_faults_from_sandbox_config(clock: FrozenClock) -> None:
    plan = FaultPlan(
        seed=3, rules=[FaultRule(route="/crm/v2/*/customers", error_rate=1.0, status=502, limit=1)]
    )
    async with client_for(create_app(small_config(faults=plan), clock=clock)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        assert await _statuses(client, 2) == [502, 200]
        current = (await client.get("/_sandbox/faults")).json()
    assert current["seed"] == 3
    assert current["injected"] == 1


async def test_faults_from_a_yaml_config_file(tmp_path: Path, clock: FrozenClock) -> None:
    config_file = tmp_path / "sandbox.yaml"
    config_file.write_text(
        f"""
customers: 3
app_keys: [{DEMO_APP_KEY}]
faults:
  seed: 5
  rules:
    - route: "/crm/v2/*/customers*"
      methods: [GET]
      error_rate: 1.0
      status: 429
      retry_after: 3
"""
    )
    config = SandboxConfig.from_file(config_file)
    assert config.faults.rules[0].status == 429
    async with client_for(create_app(config, clock=clock)) as client:
        client.headers.update(auth_headers(await get_token(client)))
        for path in (CUSTOMERS, ONE_CUSTOMER):
            answer = await client.get(path)
            assert_problem(answer, 429)
            assert answer.headers["Retry-After"] == "3"
