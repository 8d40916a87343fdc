"""Store fixtures: every store test runs on SQLite and on PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

import glob
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.servicetitan.recorder import Redactor
from frontdesk.store import ConversationStore

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for(port: int, what: str) -> None:
    deadline = time.monotonic() + 20
    while not _listening(port):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not start")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server at 127.0.0.1:5432, started here when it is not running."""
    if not _listening(5432):
        versions = sorted(Path(p).name for p in glob.glob("/etc/postgresql/*"))
        if not versions or shutil.which("pg_ctlcluster") is None:
            pytest.fail("PostgreSQL is not installed: apt-get install postgresql")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True
        )
        _wait_for(5432, "PostgreSQL")
    return PG_URL


@pytest.fixture(scope="session")
def redis_url(redis_server: str) -> str:
    """The Redis server (tests/conftest.py starts it when it is not running)."""
    return redis_server


@dataclass(frozen=True)
class Database:
    """Where one test's store lives; ``open`` may be called again to simulate a restart."""

    url: str
    schema: str | None
    clock: FrozenClock
    ids: Callable[[], str]

    async def open(self, redactor: Redactor | None = None) -> ConversationStore:
        return await ConversationStore.open(
            self.url, clock=self.clock, ids=self.ids, schema=self.schema, redactor=redactor
        )


def counter_ids() -> Callable[[], str]:
    numbers = iter(range(1, 1_000_000))
    return lambda: f"id-{next(numbers):04d}"


@asynccontextmanager
async def postgres_schema(clock: FrozenClock) -> AsyncIterator[Database]:
    """A fresh schema in the test database, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        yield Database(PG_URL, schema, clock, counter_ids())
    finally:
        connection = await asyncpg.connect(PG_DSN)
        try:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        yield Database(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}", None, clock, counter_ids())
        return
    request.getfixturevalue("postgres_server")
    async with postgres_schema(clock) as database:
        yield database


@pytest.fixture
async def postgres_database(postgres_server: str, clock: FrozenClock) -> AsyncIterator[Database]:
    async with postgres_schema(clock) as database:
        yield database


@pytest.fixture
async def store(database: Database) -> AsyncIterator[ConversationStore]:
    opened = await database.open()
    yield opened
    await opened.close()
