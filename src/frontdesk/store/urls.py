"""Where the database is: the URL from the environment, and what SQLite needs before it can open one."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url

ENV_VAR = "FRONTDESK_DATABASE_URL"
DEFAULT_URL = "sqlite+aiosqlite:///var/frontdesk.sqlite3"


# URLs as hosting providers hand them out name no async driver; the store needs one.
_ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def database_url(url: str | None = None) -> URL:
    """The given URL, else ``$FRONTDESK_DATABASE_URL``, else a SQLite file under ``var/``."""
    parsed = make_url(url or os.environ.get(ENV_VAR) or DEFAULT_URL)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def is_memory(url: URL) -> bool:
    return is_sqlite(url) and url.database in (None, "", ":memory:")


def ensure_directory(url: URL) -> None:
    """Create the directory of a SQLite file, so a fresh checkout can start without setup."""
    if is_sqlite(url) and not is_memory(url) and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
