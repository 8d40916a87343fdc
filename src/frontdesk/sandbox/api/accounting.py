"""ServiceTitan accounting v2 routes: invoices and their export feed.

Money stays as ServiceTitan sends it: strings with two decimals. The ``customField.*`` filters are
accepted and ignored: the sandbox's invoices carry no custom fields.
"""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox.listing import common_filters, export_feed, order_by, page_of
from frontdesk.sandbox.problems import validation
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Where, to_us


def _field(path: str) -> str:
    return f"json_extract(doc, '$.{path}')"


def _amount(path: str) -> str:
    return f"CAST({_field(path)} AS REAL)"


def _instant(path: str) -> str:
    return f"julianday({_field(path)})"


# the document's fields each sort/orderBy name reads, as SQL over the stored document
_SORT_FIELDS = {
    "InvoiceDate": "invoice_date",
    "DueDate": _instant("dueDate"),
    "Total": _amount("total"),
    "Balance": _amount("balance"),
    "Number": _field("referenceNumber"),
    "ReferenceNumber": _field("referenceNumber"),
}
_COMPARERS = {"equals": "=", "notequals": "<>", "greater": ">", "less": "<"}
_ACTIVE_STATES = {"ActiveOnly": 1, "InactiveOnly": 0}


def _filters(ctx: Ctx) -> Where:
    q = ctx.query
    where = common_filters(ctx)
    state = q.get("activeState", "ActiveOnly")
    if state in _ACTIVE_STATES:
        where.eq("active", _ACTIVE_STATES[state])
    if "customerId" in q:
        where.eq("customer_id", q["customerId"])
    if "jobId" in q:
        where.eq("job_id", q["jobId"])
    if "invoicedOnOrAfter" in q:
        where.gte("invoice_date", to_us(q["invoicedOnOrAfter"]))
    if "invoicedOnBefore" in q:
        where.lt("invoice_date", to_us(q["invoicedOnBefore"]))
    for name, path in (
        ("jobNumber", "job.number"),
        ("number", "referenceNumber"),
        ("businessUnitId", "businessUnit.id"),
        ("batchId", "batch.id"),
        ("batchNumber", "batch.number"),
        ("adjustmentToId", "adjustmentToId"),
    ):
        if name in q:
            where.add(f"{_field(path)} = ?", q[name])
    for name, path in (
        ("statuses", "syncStatus"),
        ("reviewStatuses", "reviewStatus"),
        ("invoiceConfigurations", "invoiceConfiguration"),
        ("assignedToIds", "assignedTo.id"),
    ):
        if name in q:
            where.any_of(_field(path), q[name])
    if "totalGreater" in q:
        where.add(f"{_amount('total')} >= ?", q["totalGreater"])
    if "totalLess" in q:
        where.add(f"{_amount('total')} <= ?", q["totalLess"])
    if "balanceFilter.Balance" in q:
        raw = str(q.get("balanceFilter.Comparer") or "Equals")
        comparer = _COMPARERS.get(raw.strip().lower())
        if comparer is None:
            raise validation("balanceFilter.Comparer", "Use one of: Equals, NotEquals, Greater, Less.")
        where.add(f"{_amount('balance')} {comparer} ?", q["balanceFilter.Balance"])
    if "dueDateBefore" in q:
        where.add(f"{_instant('dueDate')} < julianday(?)", iso(q["dueDateBefore"]))
    if "dueDateOnOrAfter" in q:
        where.add(f"{_instant('dueDate')} >= julianday(?)", iso(q["dueDateOnOrAfter"]))
    return where


def _order(ctx: Ctx) -> str:
    """``sort=±Field`` as everywhere, or the older ``orderBy`` + ``orderByDirection`` pair."""
    if ctx.query.get("sort") or not ctx.query.get("orderBy"):
        return order_by(ctx, _SORT_FIELDS)
    name = str(ctx.query["orderBy"]).strip().lower()
    columns = {"id": "id", "createdon": "created", "modifiedon": "modified"}
    columns.update({k.lower(): v for k, v in _SORT_FIELDS.items()})
    column = columns.get(name)
    if column is None:
        fields = ", ".join(sorted({"Id", "CreatedOn", "ModifiedOn", *_SORT_FIELDS}))
        raise validation(
            "orderBy", f"Ordering by '{name[:60]}' is not supported. Available fields: {fields}."
        )
    descending = str(ctx.query.get("orderByDirection") or "").strip().lower() in ("desc", "descending")
    direction = "DESC" if descending else "ASC"
    return f"{column} {direction}, id {direction}"


@route("Invoices_GetList", scope="tn.acc.invoices:r")
def list_invoices(ctx: Ctx) -> Any:
    return page_of(ctx, ctx.table("invoices"), _filters(ctx), _order(ctx), shape=public)


@route("Export_Invoices", scope="tn.acc.invoices:r")
def export_invoices(ctx: Ctx) -> Any:
    return export_feed(ctx, ctx.table("invoices"), shape=public)
