"""ServiceTitan marketing v2 routes: campaigns (every job names one)."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.listing import common_filters, order_by, page_of
from frontdesk.sandbox.problems import not_found
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.tables import phone_key

_SORT_FIELDS = {"Name": "lower(json_extract(doc, '$.name'))"}
# a campaign phone number reduced to its last ten digits, as phone_key() does for the query
_DIGITS = (
    "substr(" + "".join(["replace("] * 6) + "p.value" + "".join(f", '{c}', '')" for c in "()- .+") + ", -10)"
)


@route("Campaigns_GetList", scope="tn.mrk.campaigns:r")
def list_campaigns(ctx: Ctx) -> Any:
    q = ctx.query
    where = common_filters(ctx)
    if "name" in q:
        where.doc_contains("name", q["name"])
    if "campaignPhoneNumber" in q:
        digits = phone_key(q["campaignPhoneNumber"])[-10:]
        where.add(
            f"EXISTS (SELECT 1 FROM json_each(doc, '$.campaignPhoneNumbers') AS p WHERE {_DIGITS} = ?)",
            digits or None,  # no digits match nothing (NULL equals nothing)
        )
    return page_of(ctx, ctx.table("campaigns"), where, order_by(ctx, _SORT_FIELDS), shape=public)


@route("Campaigns_Get", scope="tn.mrk.campaigns:r")
def get_campaign(ctx: Ctx) -> Any:
    doc = ctx.table("campaigns").get(ctx.tenant, ctx.id)
    if doc is None:
        raise not_found("Campaign", ctx.id)
    return public(doc)
