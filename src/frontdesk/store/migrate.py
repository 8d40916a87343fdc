"""Schema migrations, run from code: an installed package migrates its database without alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

SCRIPT_LOCATION = "frontdesk.store:migrations"
# Several workers may start at once against one PostgreSQL database; one migrates, the others wait.
_ADVISORY_LOCK = 0x66726F6E74  # "front"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision this package knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision a database is at (None before the first migration)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


async def migrate(engine: AsyncEngine, revision: str = "head", *, schema: str | None = None) -> None:
    """Bring the database to ``revision`` in one transaction; ``schema`` (PostgreSQL) is created first.

    The engine's connections must already use that schema (``search_path``), as the store's do.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
            if schema is not None:
                await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{plain_schema_name(schema)}"'))
        await connection.run_sync(upgrade, revision)


def plain_schema_name(name: str) -> str:
    """The name, if it is letters, digits and underscores only (it is spliced into SQL)."""
    if not name or not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a plain schema name: {name!r}")
    return name
