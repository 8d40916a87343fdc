"""Shared setup of the CRM tests: request bodies, calls by operation, and checks of answers.

The tests make the customers they need through the API itself, so they depend on neither the demo data
nor its generator (the sandbox below starts with no customers). Import the fixture into a test module:
``from tests.sandbox.crm_fixtures import crm_sandbox_config`` (it registers as ``sandbox_config``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator

from frontdesk.clock import iso
from frontdesk.sandbox import SandboxConfig
from frontdesk.sandbox.spec import operations
from tests.conftest import NOW
from tests.sandbox.conftest import assert_problem

NOW_ISO = iso(NOW)
ADDRESS: dict[str, Any] = {
    "street": "456 Oak Street",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "country": "USA",
}


@pytest.fixture(name="sandbox_config")
def crm_sandbox_config() -> SandboxConfig:
    # many calls within one frozen second, and tokens that outlive the hours the tests move the clock
    # by: the rate limit and token expiry have tests of their own
    return SandboxConfig(customers=0, seed=7, rate_limit_per_second=10**6, token_ttl=7 * 86_400)


def crm(tenant: int, resource: str) -> str:
    return f"/crm/v2/tenant/{tenant}/{resource}"


def address(**changes: Any) -> dict[str, Any]:
    return {**ADDRESS, **changes}


def customer_body(
    name: str = "Sarah Williams",
    phone: str | None = "(555) 987-6543",
    location_phone: str | None = "217-555-0142",
    **extra: Any,
) -> dict[str, Any]:
    """A create body as an integration sends it: phone and e-mail as contacts, one location."""
    contacts = [{"type": "Email", "value": "sarah.williams@example.com", "memo": "home"}]
    if phone:
        contacts.insert(0, {"type": "MobilePhone", "value": phone})
    location: dict[str, Any] = {"name": "Home", "address": ADDRESS}
    if location_phone:
        location["contacts"] = [{"type": "Phone", "value": location_phone, "memo": "landline"}]
    return {"name": name, "address": ADDRESS, "locations": [location], "contacts": contacts, **extra}


def conforms(operation_id: str, data: Any) -> None:
    """The answer has exactly the shape ServiceTitan publishes for the operation (no extra fields)."""
    schema = operations()[operation_id].response_schema
    assert schema is not None, operation_id
    problems = [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
        for e in Draft7Validator(schema).iter_errors(data)
    ]
    assert not problems, f"{operation_id}: {problems}"


async def ok(answer: httpx.Response, operation_id: str) -> Any:
    """A 200 whose body conforms to the operation's published schema; its JSON."""
    assert answer.status_code == 200, f"{operation_id}: {answer.status_code} {answer.text[:500]}"
    data = answer.json()
    conforms(operation_id, data)
    return data


def field_errors(answer: httpx.Response) -> dict[str, list[str]]:
    """The field errors of a 400 problem."""
    errors: dict[str, list[str]] = assert_problem(answer, 400)["errors"]
    return errors


async def create_customer(st: httpx.AsyncClient, tenant: int, body: dict[str, Any] | None = None) -> Any:
    return await ok(await st.post(crm(tenant, "customers"), json=body or customer_body()), "Customers_Create")


async def list_customers(st: httpx.AsyncClient, tenant: int, **params: Any) -> Any:
    return await ok(await st.get(crm(tenant, "customers"), params=params), "Customers_GetList")


async def customer_ids(st: httpx.AsyncClient, tenant: int, **params: Any) -> list[int]:
    return [row["id"] for row in (await list_customers(st, tenant, **params))["data"]]


async def location_ids(st: httpx.AsyncClient, tenant: int, **params: Any) -> list[int]:
    answer = await ok(await st.get(crm(tenant, "locations"), params=params), "Locations_GetList")
    return [row["id"] for row in answer["data"]]


async def total(st: httpx.AsyncClient, tenant: int, resource: str, operation_id: str) -> int:
    """How many records a list holds, active or not."""
    params: dict[str, Any] = {"includeTotal": "true", "active": "Any", "pageSize": 1}
    count: int = (await ok(await st.get(crm(tenant, resource), params=params), operation_id))["totalCount"]
    return count
