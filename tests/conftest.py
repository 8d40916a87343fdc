"""Shared fixtures: a sandbox on a frozen clock, driven in-process through httpx's ASGI transport."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import settings
from starlette.applications import Starlette

from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT

# Property-based tests run the same examples every time, so a CI run fails only for a real regression.
# HYPOTHESIS_PROFILE=explore draws fresh random examples instead (run it locally to hunt for new bugs).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday, the week before the guide's examples
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(customers=40, seed=7)


@pytest.fixture
def sandbox_app(sandbox_config: SandboxConfig, clock: FrozenClock) -> Starlette:
    return create_app(sandbox_config, clock=clock)


@pytest.fixture
async def raw_client(sandbox_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the sandbox with no credentials."""
    transport = httpx.ASGITransport(app=sandbox_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        yield client


async def get_token(
    client: httpx.AsyncClient, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET
) -> str:
    answer = await client.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture
async def st(raw_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same client, authenticated as the demo client with the demo app key."""
    token = await get_token(raw_client)
    raw_client.headers.update({"Authorization": f"Bearer {token}", "ST-App-Key": DEMO_APP_KEY})
    return raw_client


@pytest.fixture
def tenant() -> int:
    return DEMO_TENANT


def url(module: str, tenant: int, resource: str) -> str:
    return f"/{module}/v2/tenant/{tenant}/{resource}"


# --- Redis ------------------------------------------------------------------------------------------


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis server at 127.0.0.1:6379, started here when it is not running."""
    if not _redis_up():
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: apt-get install redis-server")
        subprocess.run(
            [
                binary,
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_up():
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    return REDIS_URL


@pytest.fixture
def redis_prefix() -> str:
    """Keys of one test only, so tests never see each other's tokens or windows."""
    return f"frontdesk-test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def redis_client(redis_server: str, redis_prefix: str) -> AsyncIterator[Any]:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_server)
    yield redis
    keys = [key async for key in redis.scan_iter(match=redis_prefix + "*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
