"""Bad input gets the 4xx problem ServiceTitan would send, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import create_app
from frontdesk.sandbox.config import DEMO_TENANT
from frontdesk.sandbox.registry import REGISTRY
from frontdesk.sandbox.registry import Route as ApiRoute
from tests.conftest import get_token, url
from tests.sandbox.conftest import assert_problem, auth_headers, client_for, sample_path, small_config

CUSTOMERS = url("crm", DEMO_TENANT, "customers")
MAX_BODY = 4096
BODY_ROUTES = sorted(op_id for op_id, r in REGISTRY.routes.items() if r.operation.body_schema is not None)


@pytest.fixture
async def api(clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client of a sandbox with a small body limit and no practical rate limit."""
    app = create_app(small_config(max_body_bytes=MAX_BODY, rate_limit_per_second=10**9), clock=clock)
    async with client_for(app) as client:
        client.headers.update(auth_headers(await get_token(client)))
        yield client


# --- query strings of a list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pageSize", "0"),
        ("pageSize", "-1"),
        ("pageSize", "5001"),
        ("pageSize", str(10**12)),
        ("pageSize", "abc"),
        ("pageSize", "1.5"),
        ("pageSize", "1_0"),
        ("pageSize", "²"),
        ("page", "0"),
        ("page", "-3"),
        ("page", "abc"),
        ("page", str(2**31)),
        ("page", "9" * 5000),
        ("includeTotal", "maybe"),
        ("active", "maybe"),
        ("active", "yes"),
        ("createdBefore", "yesterday"),
        ("createdBefore", "2026-02-30T00:00:00Z"),
        ("createdBefore", "2026-03-09T25:00:00Z"),
        ("createdOnOrAfter", "9999-12-31T23:59:59-05:00"),
        ("modifiedOnOrAfter", "03/09/2026"),
        ("latitude", "north"),
        ("latitude", "nan"),
        ("longitude", "1e999"),
        ("ids", "1,two,3"),
        ("ids", ",".join(str(10_000_001 + i) for i in range(51))),
        ("ids", "99999999999999999999"),
        ("ids", "9" * 5000),
        ("sort", "+Bogus"),
        ("sort", "-Name;DROP TABLE customers"),
    ],
)
async def test_bad_query_value_is_400_naming_the_parameter(
    api: httpx.AsyncClient, name: str, value: str
) -> None:
    answer = await api.get(CUSTOMERS, params={name: value})
    body = assert_problem(answer, 400)
    assert body["title"] == "One or more validation errors occurred."
    assert name in body["errors"], body["errors"]
    assert all(isinstance(m, str) and m for m in body["errors"][name])


async def test_bad_enum_lists_the_allowed_values(api: httpx.AsyncClient) -> None:
    body = assert_problem(await api.get(CUSTOMERS, params={"active": "Sometimes"}), 400)
    (message,) = body["errors"]["active"]
    assert "True" in message and "Any" in message and "False" in message


async def test_every_bad_parameter_is_reported_at_once(api: httpx.AsyncClient) -> None:
    answer = await api.get(CUSTOMERS, params={"page": "x", "active": "y", "createdBefore": "z"})
    assert set(assert_problem(answer, 400)["errors"]) == {"page", "active", "createdBefore"}


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "5000"},
        {"pageSize": "1", "page": str(2**31 - 1)},
        {"ids": ",".join(str(10_000_001 + i) for i in range(50))},
        {"ids": "-1,0"},
        {"active": "any"},
        {"PAGESIZE": "2"},
        {"pageSize": ""},
        {"unknownParameter": "whatever"},
        {"name": "'; DROP TABLE customers; --"},
        {"name": "%_\\"},
        {"name": "\x00" + "ç" * 2000},
        {"createdBefore": "2026-03-09"},
        {"createdOnOrAfter": "0001-01-01T00:00:00Z"},
    ],
)
async def test_odd_but_valid_queries_are_answered(api: httpx.AsyncClient, params: dict[str, str]) -> None:
    answer = await api.get(CUSTOMERS, params=params)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"page", "pageSize", "hasMore", "totalCount", "data"}


async def test_far_page_is_empty_not_an_error(api: httpx.AsyncClient) -> None:
    answer = await api.get(CUSTOMERS, params={"page": 2**31 - 1, "pageSize": 5000})
    assert answer.status_code == 200
    assert answer.json()["data"] == []
    assert answer.json()["hasMore"] is False


async def test_names_bind_case_insensitively(api: httpx.AsyncClient) -> None:
    answer = await api.get(CUSTOMERS, params={"PAGESIZE": "2"})
    assert answer.json()["pageSize"] == 2


# --- tenants, ids and routes -------------------------------------------------------------------------


@pytest.mark.parametrize("tenant", ["abc", "1.5", "-1000001", "%C2%B2", "%D9%A1", "9" * 19, "9" * 5000])
async def test_non_numeric_or_huge_tenant_is_404(api: httpx.AsyncClient, tenant: str) -> None:
    body = assert_problem(await api.get(f"/crm/v2/tenant/{tenant}/customers"), 404)
    assert "tenant" in body["errors"]


async def test_unknown_numeric_tenant_is_403(api: httpx.AsyncClient) -> None:
    assert_problem(await api.get(url("crm", 999999999999999999, "customers")), 403)
    assert_problem(await api.get(url("crm", 0, "customers")), 403)


@pytest.mark.parametrize("ident", ["abc", "-5", "1.0", "%C2%B2", "9" * 19, "9" * 5000, "10000001x"])
async def test_malformed_id_is_404(api: httpx.AsyncClient, ident: str) -> None:
    assert_problem(await api.get(f"{CUSTOMERS}/{ident}"), 404)


async def test_missing_record_is_404(api: httpx.AsyncClient) -> None:
    body = assert_problem(await api.get(f"{CUSTOMERS}/999999999"), 404)
    assert "999999999" in body["title"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/crm/v2/tenant/1000001/nothing-here",
        "/crm/v3/tenant/1000001/customers",
        "/nope/v2/tenant/1000001/customers",
        "/crm/v2/tenant/1000001/customers/1/2/3",
        "/_sandbox/nothing",
    ],
)
async def test_unknown_route_is_404_problem(api: httpx.AsyncClient, path: str) -> None:
    body = assert_problem(await api.get(path), 404)
    assert path.rstrip("/") in body["title"] or path == "/"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", CUSTOMERS + "/10000001"),
        ("PUT", CUSTOMERS),
        ("PATCH", CUSTOMERS),
        ("GET", "/connect/token"),
        ("POST", "/_sandbox/health"),
    ],
)
async def test_wrong_method_is_405_problem_with_allow(api: httpx.AsyncClient, method: str, path: str) -> None:
    answer = await api.request(method, path)
    body = assert_problem(answer, 405)
    assert method in body["title"]
    assert answer.headers["Allow"]
    assert method not in answer.headers["Allow"].split(", ")


# --- request bodies (every implemented operation that takes one) --------------------------------------


@pytest.mark.parametrize("operation_id", BODY_ROUTES)
@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"a": 1,}', b"\xff\xfe\x00", b"[" * 2000, b'{"n": NaN}', b"1e999"],
    ids=["broken", "trailing-comma", "not-utf8", "too-deep", "nan", "infinity"],
)
async def test_malformed_json_body_is_400(api: httpx.AsyncClient, operation_id: str, content: bytes) -> None:
    route = REGISTRY.routes[operation_id]
    answer = await api.request(
        route.operation.method,
        sample_path(route.operation.url_path),
        content=content,
        headers={"Content-Type": "application/json"},
    )
    body = assert_problem(answer, 400)
    if not any(p.required for p in route.operation.query.values()):
        assert body["errors"] == {"$": ["The request body is not valid JSON."]}


def _wrong(schema: dict[str, Any]) -> Any:
    """A JSON value of another type than the schema asks for."""
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {
        "string": 12345,
        "integer": "twelve",
        "number": "twelve",
        "boolean": "yes",
        "array": {"a": 1},
    }.get(str(kind), ["not", "an", "object"])


def _wrong_bodies(route: ApiRoute) -> list[Any]:
    schema = route.operation.body_schema or {}
    while "$ref" in schema:
        schema = schema["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    bodies: list[Any] = [_wrong(schema)]
    if schema.get("type") == "object":
        bodies += ["a string", 7, True, [{}]]
        for name, prop in (schema.get("properties") or {}).items():
            while isinstance(prop, dict) and "$ref" in prop:
                prop = (route.operation.body_schema or {})["definitions"][prop["$ref"].rsplit("/", 1)[1]]
            if isinstance(prop, dict) and "type" in prop:
                bodies.append({name: _wrong(prop)})
    return bodies


@pytest.mark.parametrize("operation_id", BODY_ROUTES)
async def test_wrong_json_types_are_400(api: httpx.AsyncClient, operation_id: str) -> None:
    route = REGISTRY.routes[operation_id]
    for value in _wrong_bodies(route):
        answer = await api.request(route.operation.method, sample_path(route.operation.url_path), json=value)
        body = assert_problem(answer, 400)
        assert body["errors"], (value, body)


@pytest.mark.parametrize(
    "operation_id", [op for op in BODY_ROUTES if REGISTRY.routes[op].operation.body_required]
)
async def test_missing_required_body_is_400(api: httpx.AsyncClient, operation_id: str) -> None:
    route = REGISTRY.routes[operation_id]
    for content in (b"", b"   ", b"null"):
        answer = await api.request(
            route.operation.method,
            sample_path(route.operation.url_path),
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert_problem(answer, 400)


@pytest.mark.parametrize("operation_id", BODY_ROUTES)
async def test_oversized_body_is_413(api: httpx.AsyncClient, operation_id: str) -> None:
    route = REGISTRY.routes[operation_id]
    big = b'{"name": "' + b"x" * (MAX_BODY + 1) + b'"}'
    declared = await api.request(
        route.operation.method,
        sample_path(route.operation.url_path),
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert_problem(declared, 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the sandbox must count as it reads
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    streamed = await api.request(
        route.operation.method,
        sample_path(route.operation.url_path),
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413)


# --- never a 500, whatever the query ------------------------------------------------------------------

HOSTILE = [
    "abc",
    "-1",
    "0",
    "99999999999999999999999",
    "1,2,x",
    "'; --",
    "%00",
    "\x00",
    "ç" * 300,
    "2026-99-99",
]


@pytest.mark.parametrize("operation_id", sorted(REGISTRY.routes))
async def test_no_query_value_makes_any_route_fail(api: httpx.AsyncClient, operation_id: str) -> None:
    route = REGISTRY.routes[operation_id]
    for name in route.operation.query:
        for value in HOSTILE:
            answer = await api.request(
                route.operation.method, sample_path(route.operation.url_path), params={name: value}
            )
            assert answer.status_code < 500, (name, value, answer.text)
            if answer.status_code in route.operation.text_errors:  # documented as a plain string
                assert isinstance(answer.json(), str) and answer.json()
            elif answer.status_code >= 400:
                assert_problem(answer, answer.status_code)
