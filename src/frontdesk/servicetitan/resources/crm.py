"""CRM: customers and locations (``crm/v2``)."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from frontdesk.servicetitan.models import Contact, Customer, Location
from frontdesk.servicetitan.resources._base import Body, Exportable

if TYPE_CHECKING:
    from frontdesk.servicetitan.client import ServiceTitanClient


class Customers(Exportable[Customer]):
    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "crm", "customers", Customer, "export/customers")

    async def create(self, body: Body) -> Customer:
        """Create a customer; the answer includes its ``locations`` (with ids) and ``contacts``."""
        return await self._model("POST", self.path, body)

    async def patch(self, id: int, body: Body) -> Customer:
        return await self._model("PATCH", f"{self.path}/{id}", body)

    async def contacts(self, id: int) -> builtins.list[Contact]:
        """Phone numbers and e-mails of a customer (a customer read has none)."""
        return await self._items(f"{self.path}/{id}/contacts", Contact)


class Locations(Exportable[Location]):
    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "crm", "locations", Location, "export/locations")

    async def create(self, body: Body) -> Location:
        return await self._model("POST", self.path, body)

    async def patch(self, id: int, body: Body) -> Location:
        return await self._model("PATCH", f"{self.path}/{id}", body)

    async def contacts(self, id: int) -> builtins.list[Contact]:
        return await self._items(f"{self.path}/{id}/contacts", Contact)


class Crm:
    def __init__(self, client: ServiceTitanClient) -> None:
        self.customers = Customers(client)
        self.locations = Locations(client)
