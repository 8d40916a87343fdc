from __future__ import annotations

import httpx

from tests.conftest import url


async def test_customer_list_envelope(st: httpx.AsyncClient, tenant: int) -> None:
    answer = await st.get(url("crm", tenant, "customers"), params={"pageSize": 5})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"page", "pageSize", "hasMore", "totalCount", "data"}


async def test_no_token_is_401(raw_client: httpx.AsyncClient, tenant: int) -> None:
    answer = await raw_client.get(url("crm", tenant, "customers"))
    assert answer.status_code == 401
    assert answer.json()["status"] == 401
