"""How route code plugs into the sandbox: one handler per published operation, with its scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontdesk.sandbox.spec import Operation, operations
from frontdesk.sandbox.store import Store, Table

if TYPE_CHECKING:
    from frontdesk.sandbox.app import Sandbox


@dataclass
class Ctx:
    """Everything a handler may use for one request."""

    sandbox: Sandbox
    operation: Operation
    tenant: int
    path: dict[str, int]
    query: dict[str, Any]
    body: Any
    principal_client: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.sandbox.store

    @property
    def now(self) -> datetime:
        return self.sandbox.clock.now()

    def table(self, name: str) -> Table:
        return self.sandbox.store[name]

    @property
    def id(self) -> int:
        return self.path["id"]


Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Route:
    operation: Operation
    scope: str
    handler: Handler


class Registry:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}

    def __call__(self, operation_id: str, scope: str) -> Callable[[Handler], Handler]:
        """Register ``handler`` for a published operation, requiring ``scope`` (e.g. ``tn.jpm.jobs:w``)."""
        op = operations().get(operation_id)
        if op is None:
            raise KeyError(f"{operation_id} is not in the vendored OpenAPI documents")

        def register(handler: Handler) -> Handler:
            if operation_id in self.routes:
                raise ValueError(f"{operation_id} registered twice")
            self.routes[operation_id] = Route(op, scope, handler)
            return handler

        return register


REGISTRY = Registry()
route = REGISTRY
