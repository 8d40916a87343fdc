"""Accounting routes: the invoice list with its filters, and the invoice export feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from frontdesk.clock import iso
from tests.conftest import url
from tests.sandbox.dispatch_fixtures import (  # noqa: F401  (fixtures)
    Doc,
    World,
    assert_conforms,
    assert_problem,
    empty_sandbox_app,
    ids,
    lifted_config,
    world_fixture,
)

AN_HOUR_AGO = "2026-03-09T14:00:00Z"


@pytest.fixture
def books(world: World) -> dict[str, Doc]:
    """Four invoices; each was last changed an hour ago, so the export feed shows them at once."""
    hvac, plumbing = world.business_unit("HVAC Service"), world.business_unit("Plumbing Service")
    alice, bob = world.customer("Alice Able"), world.customer("Bob Baker")
    repair, drain = world.job(hvac, customer=alice), world.job(plumbing, customer=bob)

    def day(month: int, date: int) -> datetime:
        return datetime(2026, month, date, 18, tzinfo=UTC)

    made = {
        "repair": world.invoice(repair, alice, invoiced=day(2, 10), amount="245.00", unit=hvac),
        "drain": world.invoice(
            drain, bob, invoiced=day(3, 1), amount="89.50", paid="89.50", unit=plumbing, sync_status="Posted"
        ),
        "counter": world.invoice(
            None,
            alice,
            invoiced=day(3, 5),
            amount="1200.00",
            paid="200.00",
            unit=hvac,
            sync_status="Exported",
        ),
        "voided": world.invoice(repair, alice, invoiced=day(2, 11), amount="10.00", unit=hvac, active=False),
    }
    return {name: world.put("invoices", {**doc, "modifiedOn": AN_HOUR_AGO}) for name, doc in made.items()}


def invoices_url(tenant: int) -> str:
    return url("accounting", tenant, "invoices")


def names(books: dict[str, Doc], answer: httpx.Response) -> list[str]:
    by_id = {doc["id"]: name for name, doc in books.items()}
    return [by_id[i] for i in ids(answer)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["repair", "drain", "counter"]),
        ({"activeState": "All"}, ["repair", "drain", "counter", "voided"]),
        ({"activeState": "InactiveOnly"}, ["voided"]),
        ({"invoicedOnOrAfter": "2026-03-01T00:00:00Z"}, ["drain", "counter"]),
        ({"invoicedOnBefore": "2026-03-01T00:00:00Z"}, ["repair"]),
        ({"statuses": "Posted,Exported"}, ["drain", "counter"]),
        ({"totalGreater": "245"}, ["repair", "counter"]),
        ({"totalLess": "100"}, ["drain"]),
        ({"balanceFilter.Balance": "0", "balanceFilter.Comparer": "Greater"}, ["repair", "counter"]),
        ({"balanceFilter.Balance": "0"}, ["drain"]),
        ({"dueDateBefore": "2026-03-20T00:00:00Z"}, ["repair"]),
        ({"dueDateOnOrAfter": "2026-04-01T00:00:00Z"}, ["counter"]),
        ({"sort": "-Total"}, ["counter", "repair", "drain"]),
        ({"sort": "+InvoiceDate"}, ["repair", "drain", "counter"]),
        ({"orderBy": "total", "orderByDirection": "desc"}, ["counter", "repair", "drain"]),
        ({"orderBy": "invoiceDate"}, ["repair", "drain", "counter"]),
    ],
)
async def test_invoice_filters(
    st: httpx.AsyncClient, tenant: int, books: dict[str, Doc], params: dict[str, str], expected: list[str]
) -> None:
    answer = await st.get(invoices_url(tenant), params=params)
    assert names(books, answer) == expected
    assert_conforms("Invoices_GetList", answer.json())


async def test_invoices_of_a_customer_job_or_business_unit(
    st: httpx.AsyncClient, tenant: int, books: dict[str, Doc]
) -> None:
    repair = books["repair"]

    async def find(**params: Any) -> list[str]:
        return names(books, await st.get(invoices_url(tenant), params=params))

    assert await find(customerId=repair["customer"]["id"]) == ["repair", "counter"]
    assert await find(jobId=repair["job"]["id"]) == ["repair"]
    assert await find(jobNumber=books["drain"]["job"]["number"]) == ["drain"]
    assert await find(businessUnitId=books["drain"]["businessUnit"]["id"]) == ["drain"]
    assert await find(ids=f"{books['counter']['id']},{books['voided']['id']}") == ["counter"]
    assert await find(number=books["drain"]["referenceNumber"]) == ["drain"]
    # several `statuses` parameters add up, as ServiceTitan documents
    several = await st.get(invoices_url(tenant) + "?statuses=Pending&statuses=Posted")
    assert names(books, several) == ["repair", "drain"]


async def test_money_stays_strings(st: httpx.AsyncClient, tenant: int, books: dict[str, Doc]) -> None:
    answer = await st.get(invoices_url(tenant), params={"ids": str(books["counter"]["id"])})
    invoice = answer.json()["data"][0]
    assert (invoice["subTotal"], invoice["total"], invoice["balance"]) == ("1200.00", "1200.00", "1000.00")
    assert invoice["items"][0]["price"] == "1200.00"
    assert invoice["job"] is None


async def test_invoice_paging_and_bad_requests(
    st: httpx.AsyncClient, tenant: int, books: dict[str, Doc]
) -> None:
    page = await st.get(invoices_url(tenant), params={"pageSize": 2, "page": 2, "includeTotal": "true"})
    assert names(books, page) == ["counter"]
    assert (page.json()["hasMore"], page.json()["totalCount"]) == (False, 3)
    assert_problem(await st.get(invoices_url(tenant), params={"sort": "+Colour"}), 400, "sort")
    assert_problem(await st.get(invoices_url(tenant), params={"orderBy": "colour"}), 400, "orderBy")
    assert_problem(await st.get(invoices_url(tenant), params={"statuses": "Paid"}), 400, "statuses")
    bad_comparer = {"balanceFilter.Balance": "0", "balanceFilter.Comparer": "Around"}
    assert_problem(await st.get(invoices_url(tenant), params=bad_comparer), 400, "balanceFilter.Comparer")


async def test_export_feed(st: httpx.AsyncClient, tenant: int, books: dict[str, Doc], world: World) -> None:
    feed = url("accounting", tenant, "export/invoices")
    first = await st.get(feed)
    assert first.status_code == 200, first.text
    body = first.json()
    assert_conforms("Export_Invoices", body)
    # the feed includes inactive invoices, oldest change first
    assert [d["id"] for d in body["data"]] == [
        books[n]["id"] for n in ("repair", "drain", "counter", "voided")
    ]
    assert body["hasMore"] is False
    assert (await st.get(feed, params={"from": body["continueFrom"]})).json()["data"] == []

    world.put("invoices", {**books["drain"], "balance": "0.00", "modifiedOn": iso(world.now)})
    held = await st.get(feed, params={"from": body["continueFrom"]})
    assert held.json()["data"] == []  # changes show up after 15 minutes…
    recent = await st.get(feed, params={"from": body["continueFrom"], "includeRecentChanges": "true"})
    assert [d["id"] for d in recent.json()["data"]] == [books["drain"]["id"]]  # …unless asked for
    assert_problem(await st.get(feed, params={"from": "not a token"}), 400, "from")
