"""The token endpoint and the checks in front of every resource call: token, app key, tenant, scope."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import create_app
from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT,
    LIMITED_CLIENT_ID,
    LIMITED_CLIENT_SECRET,
    LIMITED_SCOPES,
    SandboxClient,
)
from frontdesk.sandbox.registry import REGISTRY
from tests.conftest import get_token, url
from tests.sandbox.conftest import (
    Ticker,
    assert_problem,
    auth_headers,
    client_for,
    sample_path,
    small_config,
    token_answer,
)

CUSTOMERS = url("crm", DEMO_TENANT, "customers")
FORM = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}


# --- the token endpoint -----------------------------------------------------------------------------


async def test_token_answer_is_shaped_as_servicetitans(raw_client: httpx.AsyncClient) -> None:
    answer = await token_answer(raw_client)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert body["expires_in"] == 900
    assert body["token_type"] == "Bearer"
    assert isinstance(body["access_token"], str) and len(body["access_token"]) > 30
    # the demo client holds every scope the sandbox serves, in ServiceTitan's tn.<module>.<resource>:r|w form
    scopes = body["scope"].split(" ")
    assert "tn.crm.customers:r" in scopes
    assert set(scopes) == {route.scope for route in REGISTRY.routes.values()}


async def test_each_token_is_new(raw_client: httpx.AsyncClient) -> None:
    first = await get_token(raw_client)
    second = await get_token(raw_client)
    assert first != second


async def test_limited_client_token_lists_only_its_scopes(raw_client: httpx.AsyncClient) -> None:
    answer = await token_answer(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    assert answer.status_code == 200
    assert answer.json()["scope"].split(" ") == list(LIMITED_SCOPES)


async def test_token_ttl_is_configurable(clock: FrozenClock) -> None:
    async with client_for(create_app(small_config(token_ttl=120), clock=clock)) as client:
        answer = await token_answer(client)
    assert answer.json()["expires_in"] == 120


@pytest.mark.parametrize(
    ("send", "error"),
    [
        ({"json": FORM}, "invalid_request"),
        (
            {"content": "grant_type=client_credentials", "headers": {"Content-Type": "text/plain"}},
            "invalid_request",
        ),
        ({"data": {**FORM, "client_secret": "cs1.wrong"}}, "invalid_client"),
        ({"data": {**FORM, "client_secret": ""}}, "invalid_client"),
        ({"data": {**FORM, "client_id": "cid.nobody"}}, "invalid_client"),
        ({"data": {**FORM, "grant_type": "password"}}, "unsupported_grant_type"),
        ({"data": {**FORM, "grant_type": "refresh_token"}}, "unsupported_grant_type"),
        ({"data": {k: v for k, v in FORM.items() if k != "grant_type"}}, "unsupported_grant_type"),
    ],
    ids=[
        "json-body",
        "text-body",
        "wrong-secret",
        "empty-secret",
        "unknown-client",
        "password-grant",
        "refresh-grant",
        "no-grant",
    ],
)
async def test_token_endpoint_rejects_bad_requests_with_oauth_errors(
    raw_client: httpx.AsyncClient, send: dict[str, object], error: str
) -> None:
    answer = await raw_client.post("/connect/token", **send)  # type: ignore[arg-type]
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == error
    assert body["error_description"]
    assert "access_token" not in body
    # the secret never comes back in an error
    assert DEMO_CLIENT_SECRET not in answer.text


async def test_token_endpoint_accepts_only_post(raw_client: httpx.AsyncClient) -> None:
    answer = await raw_client.get("/connect/token", params=FORM)
    assert_problem(answer, 405)


async def test_token_requests_are_throttled_per_client(clock: FrozenClock, ticker: Ticker) -> None:
    app = create_app(small_config(token_requests_per_minute=3), clock=clock, monotonic=ticker)
    async with client_for(app) as client:
        for _ in range(3):
            assert (await token_answer(client)).status_code == 200
        throttled = await token_answer(client)
        assert throttled.status_code == 429
        assert throttled.json()["error"]
        assert "access_token" not in throttled.json()
        assert int(throttled.headers["Retry-After"]) == 60
        ticker.advance(45)
        again = await token_answer(client)
        assert again.status_code == 429
        assert int(again.headers["Retry-After"]) == 15
        # another client has its own budget
        other = await token_answer(client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
        assert other.status_code == 200
        # once the minute has passed the client gets tokens again
        ticker.advance(15)
        assert (await token_answer(client)).status_code == 200


# --- bearer tokens on resource calls -----------------------------------------------------------------


async def test_valid_token_and_app_key_reach_the_resource(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(CUSTOMERS, headers=auth_headers(token))
    assert answer.status_code == 200
    assert "data" in answer.json()


async def test_no_token_is_401_problem(raw_client: httpx.AsyncClient) -> None:
    answer = await raw_client.get(CUSTOMERS, headers={"ST-App-Key": DEMO_APP_KEY})
    body = assert_problem(answer, 401)
    assert "access token" in body["title"].lower()
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Basic Y2lkOmNz", "eyJsandbox.forged", "Bearer eyJsandbox." + "A" * 43],
)
async def test_bad_token_is_401_problem(raw_client: httpx.AsyncClient, authorization: str) -> None:
    answer = await raw_client.get(
        CUSTOMERS, headers={"Authorization": authorization, "ST-App-Key": DEMO_APP_KEY}
    )
    assert_problem(answer, 401)
    assert 'error="invalid' in answer.headers["WWW-Authenticate"]


async def test_bare_token_without_bearer_prefix_works(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(CUSTOMERS, headers={"Authorization": token, "ST-App-Key": DEMO_APP_KEY})
    assert answer.status_code == 200


async def test_bearer_prefix_is_case_insensitive(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(
        CUSTOMERS, headers={"Authorization": f"bearer {token}", "ST-App-Key": DEMO_APP_KEY}
    )
    assert answer.status_code == 200


async def test_token_expires_after_its_ttl(raw_client: httpx.AsyncClient, clock: FrozenClock) -> None:
    token = await get_token(raw_client)
    clock.advance(899)
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(token))).status_code == 200
    clock.advance(1)
    answer = await raw_client.get(CUSTOMERS, headers=auth_headers(token))
    body = assert_problem(answer, 401)
    assert "expired" in body["title"]
    # a new token works at once: no refresh tokens, just client credentials again
    fresh = await get_token(raw_client)
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(fresh))).status_code == 200


async def test_configured_ttl_governs_expiry(clock: FrozenClock) -> None:
    async with client_for(create_app(small_config(token_ttl=60), clock=clock)) as client:
        token = await get_token(client)
        clock.advance(59)
        assert (await client.get(CUSTOMERS, headers=auth_headers(token))).status_code == 200
        clock.advance(1)
        assert_problem(await client.get(CUSTOMERS, headers=auth_headers(token)), 401)


async def test_revoked_tokens_are_rejected(raw_client: httpx.AsyncClient) -> None:
    demo = await get_token(raw_client)
    limited = await get_token(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    answer = await raw_client.post("/_sandbox/tokens/revoke", json={"client_id": DEMO_CLIENT_ID})
    assert answer.status_code == 200
    assert answer.json() == {"revoked": 1}
    body = assert_problem(await raw_client.get(CUSTOMERS, headers=auth_headers(demo)), 401)
    assert "revoked" in body["title"]
    # only that client's tokens were revoked
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(limited))).status_code == 200
    # a token issued after the revocation works
    fresh = await get_token(raw_client)
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(fresh))).status_code == 200


async def test_revoke_without_client_revokes_every_live_token(raw_client: httpx.AsyncClient) -> None:
    tokens = [
        await get_token(raw_client),
        await get_token(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET),
    ]
    answer = await raw_client.post("/_sandbox/tokens/revoke")
    assert answer.json() == {"revoked": 2}
    for token in tokens:
        assert_problem(await raw_client.get(CUSTOMERS, headers=auth_headers(token)), 401)
    # revoking again finds nothing live
    assert (await raw_client.post("/_sandbox/tokens/revoke", json={})).json() == {"revoked": 0}


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"client_id": 5}'])
async def test_revoke_rejects_malformed_requests(raw_client: httpx.AsyncClient, body: bytes) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.post("/_sandbox/tokens/revoke", content=body)
    assert answer.status_code == 400
    assert "error" in answer.json()
    # nothing was revoked
    assert (await raw_client.get(CUSTOMERS, headers=auth_headers(token))).status_code == 200


# --- the application key ----------------------------------------------------------------------------


async def test_missing_app_key_is_401(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(CUSTOMERS, headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(answer, 401)
    assert "ST-App-Key" in body["title"]


async def test_unknown_app_key_is_401(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(CUSTOMERS, headers=auth_headers(token, app_key="ak1.someone-else"))
    body = assert_problem(answer, 401)
    assert "application key" in body["title"]


async def test_app_key_in_query_string_works(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client)
    answer = await raw_client.get(
        CUSTOMERS,
        params={"servicetitanapplicationkey": DEMO_APP_KEY, "pageSize": 2},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert answer.json()["pageSize"] == 2
    wrong = await raw_client.get(
        CUSTOMERS,
        params={"servicetitanapplicationkey": "ak1.wrong"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_problem(wrong, 401)


async def test_every_configured_app_key_is_accepted(clock: FrozenClock) -> None:
    app = create_app(small_config(app_keys=[DEMO_APP_KEY, "ak1.second"]), clock=clock)
    async with client_for(app) as client:
        token = await get_token(client)
        for key in (DEMO_APP_KEY, "ak1.second"):
            assert (await client.get(CUSTOMERS, headers=auth_headers(token, key))).status_code == 200


# --- tenants and scopes -----------------------------------------------------------------------------


async def test_client_sees_only_its_own_tenants(clock: FrozenClock) -> None:
    config = small_config(
        clients=[
            SandboxClient(client_id="cid.alpha", client_secret="cs1.alpha", tenants=[1000001]),
            SandboxClient(client_id="cid.beta", client_secret="cs1.beta", tenants=[2000002]),
        ]
    )
    async with client_for(create_app(config, clock=clock)) as client:
        alpha = auth_headers(await get_token(client, "cid.alpha", "cs1.alpha"))
        beta = auth_headers(await get_token(client, "cid.beta", "cs1.beta"))
        assert (await client.get(url("crm", 1000001, "customers"), headers=alpha)).status_code == 200
        assert (await client.get(url("crm", 2000002, "customers"), headers=beta)).status_code == 200
        denied = await client.get(url("crm", 2000002, "customers"), headers=alpha)
        body = assert_problem(denied, 403)
        assert "2000002" in body["title"]
        assert_problem(await client.get(url("crm", 1000001, "customers"), headers=beta), 403)
        # reading one record of the other tenant is refused the same way
        assert_problem(await client.get(url("crm", 1000001, "customers/10000001"), headers=beta), 403)


async def test_tenant_unknown_to_every_client_is_403(st: httpx.AsyncClient) -> None:
    body = assert_problem(await st.get(url("crm", 4242, "customers")), 403)
    assert "4242" in body["title"]


async def test_client_without_scopes_is_refused_naming_the_scope(clock: FrozenClock) -> None:
    config = small_config(
        clients=[
            SandboxClient(client_id="cid.none", client_secret="cs1.none", tenants=[DEMO_TENANT], scopes=[])
        ]
    )
    async with client_for(create_app(config, clock=clock)) as client:
        token = await get_token(client, "cid.none", "cs1.none")
        answer = await client.get(CUSTOMERS, headers=auth_headers(token))
    body = assert_problem(answer, 403)
    assert "tn.crm.customers:r" in body["title"]
    assert body["data"] == {"requiredScope": "tn.crm.customers:r"}
    assert any(
        "tn.crm.customers:r" in message for messages in body["errors"].values() for message in messages
    )


@pytest.mark.parametrize("operation_id", sorted(REGISTRY.routes))
async def test_every_route_requires_its_scope(clock: FrozenClock, operation_id: str) -> None:
    """A client granted no scope is refused on every route, and told which scope the route needs."""
    route = REGISTRY.routes[operation_id]
    assert route.scope.startswith("tn.") and route.scope.endswith((":r", ":w"))
    config = small_config(
        clients=[
            SandboxClient(client_id="cid.none", client_secret="cs1.none", tenants=[DEMO_TENANT], scopes=[])
        ]
    )
    async with client_for(create_app(config, clock=clock)) as client:
        token = await get_token(client, "cid.none", "cs1.none")
        answer = await client.request(
            route.operation.method, sample_path(route.operation.url_path), headers=auth_headers(token)
        )
    body = assert_problem(answer, 403)
    assert body["data"]["requiredScope"] == route.scope


async def test_limited_client_reads_but_cannot_write_jobs(raw_client: httpx.AsyncClient) -> None:
    """The limited client holds tn.jpm.jobs:r but not tn.jpm.jobs:w: it lists jobs, and a booking is refused."""
    token = await get_token(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    headers = auth_headers(token)
    jobs = url("jpm", DEMO_TENANT, "jobs")
    assert (await raw_client.get(jobs, headers=headers)).status_code == 200
    answer = await raw_client.post(jobs, headers=headers, json={"customerId": 10000001})
    body = assert_problem(answer, 403)
    assert "tn.jpm.jobs:w" in body["title"]
    assert body["data"] == {"requiredScope": "tn.jpm.jobs:w"}
    # the demo client, granted every scope, gets past the scope check with the same request
    demo = auth_headers(await get_token(raw_client))
    assert (await raw_client.post(jobs, headers=demo, json={"customerId": 10000001})).status_code == 400


async def test_limited_client_is_refused_every_scope_it_lacks(raw_client: httpx.AsyncClient) -> None:
    token = await get_token(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    lacking = [r for r in REGISTRY.routes.values() if r.scope not in LIMITED_SCOPES]
    granted = [r for r in REGISTRY.routes.values() if r.scope in LIMITED_SCOPES]
    assert lacking and granted
    for route in lacking:
        path = sample_path(route.operation.url_path)
        answer = await raw_client.request(route.operation.method, path, headers=auth_headers(token))
        assert assert_problem(answer, 403)["data"]["requiredScope"] == route.scope, (
            route.operation.operation_id
        )
    for route in granted:
        path = sample_path(route.operation.url_path)
        answer = await raw_client.request(route.operation.method, path, headers=auth_headers(token))
        assert answer.status_code != 403, (route.operation.operation_id, answer.text)
