"""The sandbox's data: ServiceTitan records kept as JSON documents in SQLite.

Each record is stored exactly as the API returns it (the document), beside a few indexed columns
extracted from it for filtering and sorting. Every write takes the next value of a store-wide change
sequence, which orders the export feeds (``continueFrom``). The store is synchronous on purpose: the
sandbox calls it from route code that never awaits in the middle of a read-modify-write, so each
request's writes are atomic without locks.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from frontdesk.clock import parse_instant
from frontdesk.sandbox.jsonio import dumps, loads

Doc = dict[str, Any]


def to_us(value: str | datetime | None) -> int | None:
    """An instant as integer microseconds since the epoch (sortable), or None."""
    if value is None or value == "":
        return None
    instant = parse_instant(value) if isinstance(value, str) else value
    return int(instant.timestamp() * 1_000_000)


@dataclass(frozen=True)
class Column:
    """An indexed column extracted from each document."""

    name: str
    get: Callable[[Doc], Any]
    sql_type: str = "INTEGER"
    index: bool = True


@dataclass
class Where:
    """A conjunction of SQL conditions with their parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> Where:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def eq(self, column: str, value: Any) -> Where:
        return self.add(f"{column} = ?", value)

    def any_of(self, column: str, values: Sequence[Any]) -> Where:
        if not values:
            return self.add("0")
        return self.add(f"{column} IN ({','.join('?' * len(values))})", *values)

    def gte(self, column: str, value: Any) -> Where:
        return self.add(f"{column} >= ?", value)

    def lt(self, column: str, value: Any) -> Where:
        return self.add(f"{column} < ?", value)

    def lte(self, column: str, value: Any) -> Where:
        return self.add(f"{column} <= ?", value)

    def contains(self, column: str, text: str) -> Where:
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.add(f"{column} LIKE ? ESCAPE '\\'", f"%{escaped}%")

    def doc_contains(self, path: str, text: str) -> Where:
        """Case-insensitive substring match on a document field (a scan; for rarely used filters)."""
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.add(f"lower(json_extract(doc, '$.{path}')) LIKE ? ESCAPE '\\'", f"%{escaped}%")

    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _active(doc: Doc) -> int:
    return 1 if doc.get("active", True) else 0


class Table:
    """One resource: documents plus indexed columns, scoped by tenant."""

    def __init__(self, store: Store, name: str, columns: Sequence[Column] = ()) -> None:
        self.store = store
        self.name = name
        self.columns = tuple(columns)
        self._names = (
            "tenant",
            "seq",
            "active",
            "created",
            "modified",
            *(c.name for c in self.columns),
            "doc",
        )
        self._insert_sql = f"INSERT INTO {name} (id, {', '.join(self._names)}) VALUES ({', '.join('?' * (len(self._names) + 1))})"
        self._update_sql = f"UPDATE {name} SET {', '.join(n + ' = ?' for n in self._names)} WHERE id = ?"

    def create_schema(self, conn: sqlite3.Connection) -> None:
        extra = "".join(f", {c.name} {c.sql_type}" for c in self.columns)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.name} (id INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, "
            f"seq INTEGER NOT NULL, active INTEGER NOT NULL, created INTEGER, modified INTEGER{extra}, "
            "doc BLOB NOT NULL)"
        )
        # (tenant) alone is ordered by rowid (= id) within a tenant: pages sorted by id need no sort step
        conn.execute(f"CREATE INDEX IF NOT EXISTS ix_{self.name}_tenant ON {self.name} (tenant)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS ix_{self.name}_seq ON {self.name} (tenant, seq)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS ix_{self.name}_modified ON {self.name} (tenant, modified)")
        for column in self.columns:
            if column.index:
                conn.execute(
                    f"CREATE INDEX IF NOT EXISTS ix_{self.name}_{column.name} ON {self.name} (tenant, {column.name})"
                )

    def _row(self, tenant: int, doc: Doc, seq: int) -> list[Any]:
        return [
            doc["id"],
            tenant,
            seq,
            _active(doc),
            to_us(doc.get("createdOn")),
            to_us(doc.get("modifiedOn")),
            *(c.get(doc) for c in self.columns),
            dumps(doc),
        ]

    # --- writes ---------------------------------------------------------------------------------

    def insert(self, tenant: int, doc: Doc) -> Doc:
        """Store a new document; it must carry its ``id`` (see ``Store.next_id``)."""
        with self.store.lock:
            self.store.conn.execute(self._insert_sql, self._row(tenant, doc, self.store.next_seq()))
        return doc

    def insert_many(self, tenant: int, docs: Iterable[Doc]) -> None:
        with self.store.lock:
            self.store.conn.executemany(
                self._insert_sql, (self._row(tenant, d, self.store.next_seq()) for d in docs)
            )

    def put(self, tenant: int, doc: Doc) -> Doc:
        """Replace a stored document (same id), taking a new change sequence."""
        row = self._row(tenant, doc, self.store.next_seq())
        with self.store.lock:
            self.store.conn.execute(self._update_sql, [*row[1:], row[0]])
        return doc

    # --- reads ----------------------------------------------------------------------------------

    def get(self, tenant: int, ident: int) -> Doc | None:
        row = self.store.conn.execute(
            f"SELECT doc FROM {self.name} WHERE id = ? AND tenant = ?", (ident, tenant)
        ).fetchone()
        return loads(row[0]) if row else None

    def select(
        self,
        tenant: int,
        where: Where | None = None,
        order: str = "id",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Doc]:
        where = where or Where()
        clause = " AND ".join(["tenant = ?", *where.clauses])
        sql = f"SELECT doc FROM {self.name} WHERE {clause} ORDER BY {order}"
        params: list[Any] = [tenant, *where.params]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [loads(r[0]) for r in self.store.conn.execute(sql, params)]

    def ids(self, tenant: int, where: Where | None = None, column: str = "id") -> list[Any]:
        where = where or Where()
        clause = " AND ".join(["tenant = ?", *where.clauses])
        sql = f"SELECT {column} FROM {self.name} WHERE {clause}"
        return [r[0] for r in self.store.conn.execute(sql, [tenant, *where.params])]

    def count(self, tenant: int, where: Where | None = None) -> int:
        where = where or Where()
        clause = " AND ".join(["tenant = ?", *where.clauses])
        row = self.store.conn.execute(
            f"SELECT count(*) FROM {self.name} WHERE {clause}", [tenant, *where.params]
        )
        return int(row.fetchone()[0])

    def changes(
        self, tenant: int, after_seq: int, limit: int, where: Where | None = None
    ) -> list[tuple[int, Doc]]:
        """Documents changed after a sequence number, oldest change first (the export feeds)."""
        where = where or Where()
        clause = " AND ".join(["tenant = ?", "seq > ?", *where.clauses])
        sql = f"SELECT seq, doc FROM {self.name} WHERE {clause} ORDER BY seq LIMIT ?"
        rows = self.store.conn.execute(sql, [tenant, after_seq, *where.params, limit])
        return [(int(seq), loads(doc)) for seq, doc in rows]


class Store:
    """A SQLite database (a file that persists, or in memory) holding the sandbox's tables."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path) if path else ":memory:"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute(
            "PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY"
        )
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=OFF")
        self.conn.execute("PRAGMA cache_size=-65536")
        self.lock = threading.RLock()
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
        )
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        self.tables: dict[str, Table] = {}
        self._seq = 0

    def define(self, name: str, columns: Sequence[Column] = ()) -> Table:
        table = Table(self, name, columns)
        with self.lock:
            table.create_schema(self.conn)
            # the change sequence is derived from the data, so it survives restarts without bookkeeping
            top = self.conn.execute(f"SELECT max(seq) FROM {name}").fetchone()[0]
        self._seq = max(self._seq, top or 0)
        self.tables[name] = table
        return table

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    # --- counters -------------------------------------------------------------------------------

    def _counter(self, name: str) -> int:
        row = self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def next_ids(self, name: str, count: int = 1, start: int = 1) -> range:
        """Reserve ``count`` consecutive ids from a named counter; the first ever id is ``start``."""
        with self.lock:
            current = self._counter(name) or (start - 1)
            self.conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = ?",
                (name, current + count, current + count),
            )
        return range(current + 1, current + count + 1)

    def next_id(self, name: str, start: int = 1) -> int:
        return self.next_ids(name, 1, start)[0]

    # --- metadata and transactions --------------------------------------------------------------

    def get_meta(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, dumps(value)),
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all or nothing, and far faster for bulk loads."""
        with self.lock:
            self.conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
