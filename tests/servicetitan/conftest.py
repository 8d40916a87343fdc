"""Fixtures for the ServiceTitan client: the sandbox in-process (or over loopback), a fake monotonic clock
and sleep shared by client and sandbox, a transport spy that sees the unredacted traffic, and Redis."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.servicetitan import MemoryRecorder, ServiceTitanClient, ServiceTitanSettings


class FakeTime:
    """A monotonic clock that moves only when someone sleeps (or a test advances it).

    Tasks that start sleeping in the same round of the event loop sleep side by side: each wakes at its
    own start + duration, not after the others' sleeps added up.
    """

    def __init__(self, start: float = 10_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        target = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, target)
        await asyncio.sleep(0)


class SpyTransport(httpx.AsyncBaseTransport):
    """Passes requests on and keeps the raw traffic, secrets included, for assertions."""

    def __init__(self, inner: httpx.AsyncBaseTransport, fail_connect: int = 0) -> None:
        self.inner = inner
        self.fail_connect = fail_connect  # refuse this many connections first
        self.requests: list[httpx.Request] = []
        self.tokens: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_connect > 0:
            self.fail_connect -= 1
            raise httpx.ConnectError("connection refused", request=request)
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if request.url.path.endswith("/connect/token") and response.status_code == 200:
            self.tokens.append(httpx.Response(200, content=body).json()["access_token"])
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def st_settings(**changes: Any) -> ServiceTitanSettings:
    values: dict[str, Any] = {
        "tenant_id": DEMO_TENANT,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "app_key": DEMO_APP_KEY,
        "environment": "sandbox",
        "api_url": "http://sandbox",
    }
    values.update(changes)
    return ServiceTitanSettings(_env_file=None, **values)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def st_app(sandbox_config: SandboxConfig, clock: FrozenClock, fake_time: FakeTime) -> Starlette:
    """The sandbox, whose rate limits run on the same fake monotonic clock as the client."""
    return create_app(sandbox_config, clock=clock, monotonic=fake_time.monotonic)


@pytest.fixture
def sandbox(st_app: Starlette) -> Sandbox:
    state: Sandbox = st_app.state.sandbox
    return state


@pytest.fixture
def recorder() -> MemoryRecorder:
    return MemoryRecorder()


@pytest.fixture
def spy(st_app: Starlette) -> SpyTransport:
    return SpyTransport(httpx.ASGITransport(app=st_app))


MakeClient = Callable[..., ServiceTitanClient]


@pytest.fixture
async def make_client(
    spy: SpyTransport, fake_time: FakeTime, clock: FrozenClock, recorder: MemoryRecorder
) -> AsyncIterator[MakeClient]:
    """Build clients for the in-process sandbox; keyword arguments override the defaults."""
    clients: list[ServiceTitanClient] = []

    def make(settings: ServiceTitanSettings | None = None, **options: Any) -> ServiceTitanClient:
        defaults: dict[str, Any] = {
            "transport": spy,
            "monotonic": fake_time.monotonic,
            "sleep": fake_time.sleep,
            "clock": clock,
            "rng": random.Random(7),
            "recorder": recorder,
        }
        client = ServiceTitanClient(settings or st_settings(), **{**defaults, **options})
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(make_client: MakeClient) -> ServiceTitanClient:
    return make_client()


# --- a real server over loopback ---------------------------------------------------------------------


class LiveServer:
    """An app served by uvicorn on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, app: Starlette) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live_sandbox(st_app: Starlette) -> Iterator[LiveServer]:
    server = LiveServer(st_app).start()
    yield server
    server.stop()
