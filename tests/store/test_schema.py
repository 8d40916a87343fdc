"""The schema the migrations build, where the database is, and what never reaches it (secrets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from frontdesk.servicetitan.recorder import Redactor
from frontdesk.store import ConversationStore, ToolRunRecord, TurnRecord
from frontdesk.store.__main__ import main as cli
from frontdesk.store.migrate import current, head
from frontdesk.store.models import Base
from frontdesk.store.urls import ENV_VAR, database_url
from tests.store.conftest import Database


async def test_open_migrates_to_the_newest_revision(store: ConversationStore) -> None:
    async with store.engine.connect() as connection:
        assert await connection.run_sync(current) == head() == "0001"


async def test_the_migrations_build_exactly_the_models_tables(store: ConversationStore) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with store.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_opening_a_migrated_database_again_changes_nothing(database: Database) -> None:
    first = await database.open()
    conversation = await first.create_conversation(business="acme", channel="chat")
    second = await database.open()  # a second worker starting against the same database
    try:
        assert await second.get_conversation(conversation.id) == conversation
    finally:
        await first.close()
        await second.close()


async def test_a_secret_in_an_exchange_never_reaches_the_database(database: Database) -> None:
    secrets = {
        "bearer": "eyJhbGciOiJSUzI1NiJ9.bearer-secret-1234",
        "app_key": "ak1.app-key-secret-5678",
        "client_secret": "cs2.client-secret-9012",
        "echoed": "known-secret-echoed-back-3456",
    }
    store = await database.open(redactor=Redactor([secrets["client_secret"], secrets["echoed"]]))
    try:
        conversation = await store.create_conversation(business="acme", channel="chat")
        exchange = {
            "method": "POST",
            "url": f"https://auth.example/connect/token?client_secret={secrets['client_secret']}&x=1",
            "request_headers": {
                "Authorization": f"Bearer {secrets['bearer']}",
                "ST-App-Key": secrets["app_key"],
                "content-type": "application/json",
            },
            "request_body": f'{{"client_secret": "{secrets["client_secret"]}", "name": "Ann"}}',
            "status": 200,
            "response_headers": {"content-type": "application/json", "x-echo": secrets["echoed"]},
            "response_body": f'{{"access_token": "{secrets["bearer"]}", "expires_in": 900}}',
            "started_at": "2026-03-09T15:00:00+00:00",
            "elapsed": 0.1,
            "attempt": 1,
            "kind": "token",
            "error": f"server said {secrets['echoed']}",
        }
        run = ToolRunRecord(
            "lookup_customer", {"phone": "5555550100"}, {"status": "ok"}, 0.0, 0.1, [exchange]
        )
        await store.save_turn(
            conversation.id, TurnRecord(1, "test", tool_runs=[run]), reply="Found you, Ann."
        )

        dump: list[str] = []
        async with store.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                dump.extend(str(row) for row in await connection.execute(select(table)))
        raw = "\n".join(dump)
        assert "Ann" in raw and "auth.example" in raw  # the exchange is there…
        for name, value in secrets.items():  # …without any secret
            assert value not in raw, name

        [turn] = await store.turns(conversation.id)
        [stored] = turn.tool_runs[0].exchanges
        assert stored["request_headers"]["Authorization"] == "[redacted]"
        assert stored["request_headers"]["ST-App-Key"] == "[redacted]"
        assert stored["method"] == "POST" and stored["status"] == 200
    finally:
        await store.close()


@pytest.mark.postgres
async def test_postgres_tables_live_in_the_given_schema(postgres_database: Database) -> None:
    database = postgres_database
    store = await database.open()
    try:
        async with store.engine.connect() as connection:
            found = await connection.scalars(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                {"s": database.schema},
            )
            assert {"conversations", "messages", "turns", "tool_runs", "exchanges", "alembic_version"} <= set(
                found
            )
    finally:
        await store.close()


async def test_the_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    target = tmp_path / "from-env" / "db.sqlite3"
    monkeypatch.setenv(ENV_VAR, f"sqlite+aiosqlite:///{target}")
    store = await ConversationStore.open(clock=clock)
    try:
        await store.create_conversation(business="acme", channel="chat")
    finally:
        await store.close()
    assert target.exists()


async def test_without_a_url_a_sqlite_file_is_made_under_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    store = await ConversationStore.open()
    try:
        conversation = await store.create_conversation(business="acme", channel="web")
        assert len(conversation.id) == 32  # uuid4 hex by default
    finally:
        await store.close()
    assert (tmp_path / "var" / "frontdesk.sqlite3").exists()


async def test_an_in_memory_database_works_for_one_store() -> None:
    store = await ConversationStore.open("sqlite+aiosqlite:///:memory:")
    try:
        conversation = await store.create_conversation(business="acme", channel="chat")
        await store.add_message(conversation.id, "customer", "hi")
        assert [m.text for m in await store.messages(conversation.id)] == ["hi"]
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgres://app:pw@db.example:5432/frontdesk",
            "postgresql+asyncpg://app:***@db.example:5432/frontdesk",
        ),
        ("postgresql://app@db.example/frontdesk", "postgresql+asyncpg://app@db.example/frontdesk"),
        ("sqlite:///data/fd.sqlite3", "sqlite+aiosqlite:///data/fd.sqlite3"),
        ("sqlite+aiosqlite:///data/fd.sqlite3", "sqlite+aiosqlite:///data/fd.sqlite3"),
    ],
)
def test_a_url_without_an_async_driver_gets_one(given: str, used: str) -> None:
    assert str(database_url(given)) == used


def test_the_command_line_migrates_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli' / 'fd.sqlite3'}"
    cli(["current", "--url", url])
    assert "at revision None (newest 0001)" in capsys.readouterr().out
    cli(["upgrade", "--url", url])
    assert "at revision 0001 (newest 0001)" in capsys.readouterr().out


async def test_a_schema_is_only_for_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        await ConversationStore.open(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", schema="tenant_a")


@pytest.mark.postgres
async def test_a_schema_name_cannot_smuggle_sql(postgres_database: Database) -> None:
    with pytest.raises(ValueError, match="schema name"):
        await ConversationStore.open(postgres_database.url, schema='x"; DROP TABLE y; --')


async def test_a_store_closes_at_the_end_of_its_block(tmp_path: Path) -> None:
    async with await ConversationStore.open(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}") as store:
        conversation = await store.create_conversation(business="acme", channel="chat")
    async with await ConversationStore.open(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}") as store:
        assert await store.get_conversation(conversation.id) == conversation
