"""Alembic environment: migrates the connection the store hands over, or the database at a URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.store.models import Base
from frontdesk.store.urls import database_url

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_at_url() -> None:
    engine = create_async_engine(database_url(config.get_main_option("sqlalchemy.url")))
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=str(database_url(config.get_main_option("sqlalchemy.url"))), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    shared: Connection | None = config.attributes.get("connection")
    if shared is not None:
        run_on(shared)
    else:
        asyncio.run(run_at_url())
