"""Store settings for a bulk load, restored afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from frontdesk.sandbox.store import Store

# Indexed columns whose values arrive in ascending order (ids, change sequence, job numbers): their
# indexes grow at the end, as cheaply as the table itself, so they stay during the load.
IN_ORDER = frozenset(
    {"seq", "customer_id", "location_id", "job_id", "appointment_id", "number", "technician_id"}
)


@contextmanager
def bulk_load(store: Store, tables: tuple[str, ...], large: bool) -> Iterator[None]:
    """Load faster: no cyclic garbage collection, and for a large load no fsync and no indexes that
    would be updated out of order.

    Generated documents hold no reference cycles, so the collector only rescans millions of live
    objects for nothing. Indexes are rebuilt once from sorted data at the end (``Table.create_schema``),
    which is several times cheaper than updating them row by row; without fsync a power loss during
    the load can damage the database, which then holds nothing but demo data being generated.
    """
    collecting = gc.isenabled()
    gc.disable()
    conn = store.conn
    synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
    dropped: list[str] = []
    try:
        if large:
            with store.lock:
                conn.execute("PRAGMA synchronous=OFF")
                for table in tables:
                    rows = conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix_%'",
                        (table,),
                    ).fetchall()
                    for (name,) in rows:
                        if name.removeprefix(f"ix_{table}_") not in IN_ORDER:
                            conn.execute(f'DROP INDEX "{name}"')
                    dropped.append(table)
        yield
    finally:
        with store.lock:
            for table in dropped:
                store[table].create_schema(conn)
            conn.execute(f"PRAGMA synchronous={int(synchronous)}")
        if collecting:
            gc.enable()
