"""Export feeds of customers and locations (inactive records included, continueFrom tokens)."""

from __future__ import annotations

from typing import Any

from frontdesk.sandbox.listing import export_feed
from frontdesk.sandbox.records import public
from frontdesk.sandbox.registry import Ctx, route


@route("ExportCustomers_GetCustomers", scope="tn.crm.customers:r")
def export_customers(ctx: Ctx) -> Any:
    return export_feed(ctx, ctx.table("customers"), shape=public)


@route("ExportLocations_Locations", scope="tn.crm.locations:r")
def export_locations(ctx: Ctx) -> Any:
    return export_feed(ctx, ctx.table("locations"), shape=public)
