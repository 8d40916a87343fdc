"""The chat API on a receptionist of the demo business: the guided model, the in-process sandbox, a fresh
SQLite store and a frozen clock. ``web`` builds the app with given settings; ``api`` is an HTTP client on it
through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from frontdesk.agent.setup import Running
from frontdesk.web.app import create_app
from frontdesk.web.settings import WebSettings
from tests.agent.conftest import open_running, profile, st_app, world

__all__ = ["open_running", "profile", "st_app", "world"]

ADMIN_TOKEN = "staff-only-token-for-tests"
ORIGIN = "https://www.example-hvac.com"


def web_settings(**changes: Any) -> WebSettings:
    values: dict[str, Any] = {"admin_token": ADMIN_TOKEN, "allowed_origins": [ORIGIN], **changes}
    return WebSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def running(open_running: Callable[..., Any]) -> Running:
    return await open_running()  # type: ignore[no-any-return]


@pytest.fixture
def make_app(running: Running) -> Callable[..., FastAPI]:
    def make(**changes: Any) -> FastAPI:
        return create_app(running.receptionist, running.store, web_settings(**changes))

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://frontdesk.test") as client:
        yield client


def events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse a server-sent event stream into (event, data) pairs."""
    parsed = []
    for block in body.split("\n\n"):
        name, data = "message", ""
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data += line.removeprefix("data:").strip()
        if data:
            parsed.append((name, json.loads(data)))
    return parsed


class _Server(uvicorn.Server):
    """Leaves signal handling to pytest (uvicorn's would outlive the test)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port, in the test's own event loop; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", access_log=False, timeout_graceful_shutdown=1
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the chat API did not start")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
