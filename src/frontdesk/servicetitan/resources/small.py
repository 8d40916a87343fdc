"""The read-only modules: settings, accounting, memberships and marketing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.servicetitan.errors import NotFound
from frontdesk.servicetitan.models import BusinessUnit, Campaign, Invoice, Membership, Technician
from frontdesk.servicetitan.resources._base import Exportable, Resource

if TYPE_CHECKING:
    from frontdesk.servicetitan.client import ServiceTitanClient


class Settings:
    """``settings/v2``: technicians and business units."""

    def __init__(self, client: ServiceTitanClient) -> None:
        self.technicians = Resource(client, "settings", "technicians", Technician)
        self.business_units = Resource(client, "settings", "business-units", BusinessUnit)


class Invoices(Exportable[Invoice]):
    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "accounting", "invoices", Invoice, "export/invoices")

    async def get(self, id: int) -> Invoice:
        """ServiceTitan has no single-invoice read: this lists with ``ids`` and takes the one."""
        page = await self.list(ids=[id])
        for invoice in page.data:
            if invoice.id == id:
                return invoice
        raise NotFound(
            f"Invoice with id={id} not found",
            status=404,
            method="GET",
            url=self._client.url(self.module, self.path),
            advice="No invoice with that id in this tenant: the id may be wrong, or belong to another tenant.",
        )


class Accounting:
    """``accounting/v2``: invoices (money as Decimal)."""

    def __init__(self, client: ServiceTitanClient) -> None:
        self.invoices = Invoices(client)


class Memberships:
    """``memberships/v2``: customer memberships (filter ``customer_ids``, ``status``)."""

    def __init__(self, client: ServiceTitanClient) -> None:
        self.memberships = Resource(client, "memberships", "memberships", Membership)


class Marketing:
    """``marketing/v2``: campaigns (a job needs a campaignId)."""

    def __init__(self, client: ServiceTitanClient) -> None:
        self.campaigns = Resource(client, "marketing", "campaigns", Campaign)
