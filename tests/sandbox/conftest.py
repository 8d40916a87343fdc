"""Fixtures for the sandbox's cross-cutting tests: apps with their own configuration, a fake monotonic
clock for the rate limits, and a real sandbox served by uvicorn over loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from frontdesk.sandbox import SandboxConfig
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT

PROBLEM_KEYS = {"type", "title", "status", "traceId", "errors", "data"}


def assert_problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    """The answer is an RFC 7807 problem with this status, shaped as ServiceTitan sends them."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body, dict), body
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["traceId"].startswith("00-")
    return body


def sample_path(url_path: str, tenant: int = DEMO_TENANT) -> str:
    """A concrete URL for a route: the tenant filled in, every other path parameter set to 1."""
    path = url_path.replace("{tenant}", str(tenant))
    while "{" in path:
        start = path.index("{")
        path = path[:start] + "1" + path[path.index("}", start) + 1 :]
    return path


def small_config(**changes: Any) -> SandboxConfig:
    """A quick sandbox: few generated customers."""
    return SandboxConfig(customers=5, seed=7, **changes)


class Ticker:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@asynccontextmanager
async def client_for(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process HTTP client for one app, without credentials."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        yield client


async def token_answer(
    client: httpx.AsyncClient, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET
) -> httpx.Response:
    return await client.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def auth_headers(token: str, app_key: str = DEMO_APP_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "ST-App-Key": app_key}


class LiveServer:
    """A sandbox app served by uvicorn on a free 127.0.0.1 port, in a background thread."""

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
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"sandbox-{self.port}", daemon=True)

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
        assert not self.thread.is_alive(), "the sandbox server did not shut down"


@pytest.fixture
def serve() -> Iterator[Callable[[Starlette], LiveServer]]:
    """Serve apps over real loopback HTTP; every server started is shut down after the test."""
    servers: list[LiveServer] = []

    def start(app: Starlette) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        if server.thread.is_alive():
            server.stop()


@pytest.fixture
def loopback(sandbox_app: Starlette, serve: Callable[[Starlette], LiveServer]) -> LiveServer:
    """The shared test sandbox (frozen clock), served over loopback HTTP."""
    return serve(sandbox_app)
