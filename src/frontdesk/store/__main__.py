"""``python -m frontdesk.store upgrade``: migrate a database without starting the app."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.store.migrate import current, head, migrate
from frontdesk.store.urls import DEFAULT_URL, ENV_VAR, database_url, ensure_directory


async def _command(name: str, url: str | None) -> str:
    target = database_url(url)
    ensure_directory(target)
    engine = create_async_engine(target)
    try:
        if name == "upgrade":
            await migrate(engine)
        async with engine.connect() as connection:
            return f"{render_url(target)}: at revision {await connection.run_sync(current)} (newest {head()})"
    finally:
        await engine.dispose()


def render_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> None:
    """``python -m frontdesk.store [upgrade|current] [--url URL]``: migrate without starting the app."""
    parser = argparse.ArgumentParser(prog="python -m frontdesk.store", description=main.__doc__)
    parser.add_argument("command", choices=["upgrade", "current"])
    parser.add_argument("--url", help=f"database URL (default: ${ENV_VAR}, else {DEFAULT_URL})")
    args = parser.parse_args(argv)
    print(asyncio.run(_command(args.command, args.url)))


if __name__ == "__main__":
    main()
