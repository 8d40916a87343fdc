"""ServiceTitan memberships v2 routes: customer memberships."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.listing import common_filters, order_by, page_of, parse_ids
from frontdesk.sandbox.problems import not_found
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route

_MAX_CUSTOMER_IDS = 1000  # undocumented; generous, unlike the documented 50 of ``ids``
_SORT_FIELDS = {
    "From": "julianday(json_extract(doc, '$.from'))",
    "To": "julianday(json_extract(doc, '$.to'))",
    "Status": "json_extract(doc, '$.status')",
}


@route("CustomerMemberships_GetList", scope="tn.mem.memberships:r")
def list_memberships(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "customerIds" in q:
        where.any_of("customer_id", parse_ids(q["customerIds"], "customerIds", _MAX_CUSTOMER_IDS))
    for name in ("status", "billingFrequency", "duration"):
        if name in q:
            where.add(f"json_extract(doc, '$.{name}') = ?", q[name])
    return page_of(ctx, ctx.table("memberships"), where, order_by(ctx, _SORT_FIELDS), shape=public)


@route("CustomerMemberships_Get", scope="tn.mem.memberships:r")
def get_membership(ctx: Ctx) -> Any:
    doc = ctx.table("memberships").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Customer membership", ctx.id)
    return public(doc)
