"""A whole receptionist on the in-process sandbox: the guided model (or a given one), a fresh SQLite store,
the demo business and a frozen clock. ``talk`` plays a customer's messages and returns the replies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic_ai.models import Model
from starlette.applications import Starlette

from frontdesk.agent.events import Reply, ToolActivity
from frontdesk.agent.setup import Options, Running, open_receptionist
from frontdesk.clock import FrozenClock
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.sandbox.store import Where
from frontdesk.servicetitan import ServiceTitanSettings


def sandbox_connection() -> ServiceTitanSettings:
    return ServiceTitanSettings(
        _env_file=None,  # type: ignore[call-arg]
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,  # type: ignore[arg-type]
        app_key=DEMO_APP_KEY,  # type: ignore[arg-type]
        environment="sandbox",  # type: ignore[arg-type]
        api_url="http://sandbox",
    )


@dataclass
class Conversation:
    running: Running
    id: str
    replies: list[Reply] = field(default_factory=list)
    tools: list[tuple[str, str | None]] = field(default_factory=list)

    async def say(self, text: str) -> str:
        async for event in self.running.receptionist.reply(self.id, text):
            if isinstance(event, ToolActivity) and event.phase == "finished":
                self.tools.append((event.tool_id, event.status))
            elif isinstance(event, Reply):
                self.replies.append(event)
        return self.replies[-1].text

    @property
    def last(self) -> str:
        return self.replies[-1].text

    @property
    def tags(self) -> set[str]:
        return {tag for reply in self.replies for tag in reply.outcome_tags}


@dataclass
class World:
    """The sandbox behind the receptionist, for asserting ServiceTitan's end state."""

    sandbox: Sandbox

    def rows(self, table: str, **equal: Any) -> list[dict[str, Any]]:
        where = Where()
        docs = self.sandbox.store[table].select(DEMO_TENANT, where)
        return [d for d in docs if all(d.get(k) == v for k, v in equal.items())]

    def new_rows(self, table: str, since: int) -> list[dict[str, Any]]:
        return [d for d in self.rows(table) if int(d["id"]) > since]

    def contacts_of(self, customer_id: int) -> list[dict[str, Any]]:
        """The customer's own contacts and those of their locations."""
        locations = {d["id"] for d in self.rows("locations", customerId=customer_id)}
        return [
            d
            for d in self.rows("contacts")
            if d.get("customerId") == customer_id or d.get("locationId") in locations
        ]

    def max_id(self, table: str) -> int:
        return max((int(d["id"]) for d in self.rows(table)), default=0)


@pytest.fixture
def profile() -> BusinessProfile:
    return load_profile(demo_profile_path())


@pytest.fixture
def st_app(clock: FrozenClock) -> Starlette:
    return create_app(SandboxConfig(customers=40, seed=7, rate_limit_per_second=10**6), clock=clock)


@pytest.fixture
def world(st_app: Starlette) -> World:
    return World(st_app.state.sandbox)


@pytest.fixture
async def open_running(
    st_app: Starlette, clock: FrozenClock, profile: BusinessProfile, tmp_path: Any
) -> AsyncIterator[Callable[..., Any]]:
    opened: list[Running] = []

    async def make(model: Model | None = None, fallback: Model | None = None, **changes: Any) -> Running:
        options = Options(
            profile=profile,
            servicetitan=sandbox_connection(),
            database_url=changes.pop("database_url", f"sqlite+aiosqlite:///{tmp_path}/frontdesk.sqlite3"),
            clock=clock,
            secret=b"test-secret",
            transport=httpx.ASGITransport(app=st_app),
            model_override=model,
            fallback_override=fallback,
            **changes,
        )
        running = await open_receptionist(options)
        opened.append(running)
        return running

    yield make
    for running in opened:
        await running.aclose()


@pytest.fixture
async def chat(open_running: Callable[..., Any]) -> Callable[..., Any]:
    async def start(model: Model | None = None, **changes: Any) -> Conversation:
        running = await open_running(model, **changes)
        conversation_id = await running.receptionist.start()
        return Conversation(running, conversation_id)

    return start
