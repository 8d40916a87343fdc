"""Fixtures for capability tests: the sandbox in-process, a ServiceTitan client on it, the demo business."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.capabilities.accounts import Accounts
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import ToolContext
from frontdesk.clock import FrozenClock
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.servicetitan import ServiceTitanClient, ServiceTitanSettings


def sandbox_settings(**changes: object) -> ServiceTitanSettings:
    values: dict[str, object] = {
        "tenant_id": DEMO_TENANT,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "app_key": DEMO_APP_KEY,
        "environment": "sandbox",
        "api_url": "http://sandbox",
    }
    values.update(changes)
    return ServiceTitanSettings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    # tool tests make many calls in a burst; the rate limit has its own tests
    return SandboxConfig(customers=60, seed=7, rate_limit_per_second=10**6)


@pytest.fixture
def st_app(sandbox_config: SandboxConfig, clock: FrozenClock) -> Starlette:
    return create_app(sandbox_config, clock=clock)


@pytest.fixture
def sandbox(st_app: Starlette) -> Sandbox:
    state: Sandbox = st_app.state.sandbox
    return state


@pytest.fixture
async def st_client(st_app: Starlette, clock: FrozenClock) -> AsyncIterator[ServiceTitanClient]:
    client = ServiceTitanClient(
        sandbox_settings(), transport=httpx.ASGITransport(app=st_app), clock=clock, recorder=capture_exchange
    )
    yield client
    await client.aclose()


@pytest.fixture
def profile() -> BusinessProfile:
    return load_profile(demo_profile_path())


@pytest.fixture
def new_state() -> Callable[..., GuardState]:
    counter = iter(range(1, 10_000))

    def make(**changes: object) -> GuardState:
        return GuardState(conversation_id=f"conv-{next(counter)}", **changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_ctx(
    st_client: ServiceTitanClient, profile: BusinessProfile, clock: FrozenClock
) -> Callable[[GuardState], ToolContext]:
    def make(state: GuardState, reference: object = None) -> ToolContext:
        return ToolContext(client=st_client, profile=profile, clock=clock, state=state, reference=reference)

    return make


@pytest.fixture
def reference(st_client: ServiceTitanClient) -> ReferenceCache:
    return ReferenceCache(st_client)


@pytest.fixture
def accounts() -> Accounts | None:
    """The account cache conversations share; none unless a module gives one."""
    return None


@pytest.fixture
def conversation(
    new_state: Callable[..., GuardState],
    make_ctx: Callable[..., ToolContext],
    reference: ReferenceCache,
    accounts: Accounts | None,
) -> Callable[..., ToolContext]:
    """A new conversation (sharing ``reference`` and ``accounts`` with the others) in which the customer
    wrote ``messages``."""

    def make(*messages: str, **changes: object) -> ToolContext:
        state = new_state(**changes)
        for message in messages:
            state.note_customer_message(message)
        ctx = make_ctx(state, reference)
        ctx.accounts = accounts
        return ctx

    return make
