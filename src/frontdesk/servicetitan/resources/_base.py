"""What every resource helper shares: list, iterate, get and export, returning typed models."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from frontdesk.servicetitan.models import Page, page_of
from frontdesk.servicetitan.paging import BULK_PAGE_SIZE, ExportIterator, PageIterator

if TYPE_CHECKING:
    from frontdesk.servicetitan.client import ServiceTitanClient

M = TypeVar("M", bound=BaseModel)
N = TypeVar("N", bound=BaseModel)
Body = Mapping[str, Any] | BaseModel


class ListResource(Generic[M]):
    """A list operation: ``list(**filters)`` for one page, ``iterate(**filters)`` for all of them.

    Filters are ServiceTitan's query parameters, in snake_case or as published (``customer_id`` or
    ``customerId``); datetimes are sent as UTC, lists comma-separated, None is left out.
    """

    def __init__(self, client: ServiceTitanClient, module: str, path: str, model: type[M]) -> None:
        self._client = client
        self.module = module
        self.path = path
        self.model = model

    async def list(
        self, *, page: int = 1, page_size: int | None = None, include_total: bool = False, **filters: Any
    ) -> Page[M]:
        params = {**filters, "page": page, "pageSize": page_size, "includeTotal": include_total or None}
        response = await self._client.send("GET", self.module, self.path, params=params)
        return page_of(self.model).model_validate_json(response.content)

    def iterate(self, *, page_size: int = BULK_PAGE_SIZE, **filters: Any) -> PageIterator[M]:
        """Every matching record; 5000 per call by default (ServiceTitan's maximum)."""
        return self._client.paginate(self.model, self.module, self.path, filters, page_size=page_size)

    async def _send(self, method: str, path: str, body: Body | None = None) -> Any:
        return await self._client.request(method, self.module, path, json=body)

    async def _model(self, method: str, path: str, body: Body | None = None) -> M:
        return self.model.model_validate(await self._send(method, path, body))

    async def _items(self, path: str, model: type[N], **params: Any) -> builtins.list[N]:
        """Every item of a small sub-list (contacts, notes)."""
        return [item async for item in self._client.paginate(model, self.module, path, params)]


class Resource(ListResource[M]):
    """A list with ``get(id)``."""

    async def get(self, id: int) -> M:
        return await self._model("GET", f"{self.path}/{id}")


class Exportable(Resource[M]):
    """A resource with an export feed (``GET …/export/{resource}``)."""

    def __init__(
        self, client: ServiceTitanClient, module: str, path: str, model: type[M], export_path: str
    ) -> None:
        super().__init__(client, module, path, model)
        self.export_path = export_path

    def export(
        self, start: str | datetime | None = None, *, include_recent_changes: bool = False
    ) -> ExportIterator[M]:
        """Every change since ``start`` (a continueFrom token or a date; None: everything).

        Read ``.continue_from`` on the iterator afterwards and pass it as ``start`` next time.
        """
        return self._client.export(
            self.model,
            self.module,
            self.export_path,
            start=start,
            include_recent_changes=include_recent_changes,
        )
