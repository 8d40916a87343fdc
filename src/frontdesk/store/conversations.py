"""ConversationStore: conversations, their messages and the record of every turn, in SQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Self, TypeVar, cast

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.expression import Executable

from frontdesk.clock import Clock, SystemClock
from frontdesk.servicetitan.recorder import Redactor
from frontdesk.store.migrate import migrate, plain_schema_name
from frontdesk.store.models import (
    BusinessRow,
    ConversationRow,
    ConversationTagRow,
    ExchangeRow,
    MessageRow,
    ToolRunRow,
    TurnRow,
)
from frontdesk.store.records import ROLES, Conversation, Message, Stats, ToolRunRecord, Turn, TurnRecord
from frontdesk.store.redaction import redact_exchange
from frontdesk.store.urls import database_url, ensure_directory, is_memory, is_sqlite


def _new_id() -> str:
    return uuid.uuid4().hex


def _state(
    guard_state: dict[str, Any] | None, model_history: list[Any] | None, outcome_tags: list[str] | None
) -> dict[str, Any]:
    """The conversation columns to set; None leaves a field as it is."""
    values: dict[str, Any] = {}
    if guard_state is not None:
        values["guard_state"] = guard_state
    if model_history is not None:
        values["model_history"] = model_history
    if outcome_tags is not None:
        values["outcome_tags"] = sorted(set(outcome_tags))
    return values


# The writes of every turn are Core statements built once: building an ORM statement (or flushing a unit of
# work) costs more CPU than SQLite takes to run it, and a turn makes several
_CONVERSATIONS = cast(Table, ConversationRow.__table__)
_MESSAGES = cast(Table, MessageRow.__table__)
_TURNS = cast(Table, TurnRow.__table__)
_TOOL_RUNS = cast(Table, ToolRunRow.__table__)
_EXCHANGES = cast(Table, ExchangeRow.__table__)
_NEXT_SEQ = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conversation"))
    .values(last_seq=_CONVERSATIONS.c.last_seq + 1, updated_at=bindparam("now"))
    .returning(_CONVERSATIONS.c.last_seq)
)
_ADD_CONVERSATION = insert(_CONVERSATIONS)
_ADD_MESSAGE = insert(_MESSAGES)
_ADD_TURN = insert(_TURNS)
_ADD_TOOL_RUNS = insert(_TOOL_RUNS).returning(_TOOL_RUNS.c.id, sort_by_parameter_order=True)
_ADD_EXCHANGE = insert(_EXCHANGES)
_GET_CONVERSATION = select(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("id"))
T = TypeVar("T")
CHECKPOINT_EVERY = 100  # writes to a SQLite file between two copies of its WAL into the database


class ConversationStore:
    """Open with ``await ConversationStore.open(url)``; the schema is migrated to the newest revision."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        clock: Clock,
        ids: Callable[[], str],
        redactor: Redactor,
        sqlite_file: Engine | None = None,
    ) -> None:
        self.engine = engine
        self._clock = clock
        self._ids = ids
        self._redactor = redactor
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # An in-memory database is one shared connection, used through aiosqlite: a read or write beside a
        # write would share its transaction, so they queue here.
        self._write_lock = asyncio.Lock() if isinstance(engine.pool, StaticPool) else None
        # A SQLite file is also opened with the plain sqlite3 driver, and a turn's statements run on it right
        # here, between two awaits: SQLite takes well under a millisecond for them, less than the trips to a
        # worker thread would cost (aiosqlite makes one per statement, and under load each waits for the
        # event loop and the GIL). Commits do not wait for the disk (WAL, synchronous=NORMAL); the WAL is
        # copied back into the database (which does) by a worker thread every CHECKPOINT_EVERY writes.
        self._sqlite_file = sqlite_file
        self._writes = 0
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        url: str | None = None,
        *,
        clock: Clock | None = None,
        ids: Callable[[], str] | None = None,
        schema: str | None = None,
        redactor: Redactor | None = None,
    ) -> Self:
        """Connect and migrate. ``schema`` (PostgreSQL) keeps the tables in their own schema."""
        target = database_url(url)
        ensure_directory(target)
        options: dict[str, Any] = {}
        if is_memory(target):
            # one shared connection: every new connection to :memory: would see an empty database
            options["poolclass"] = StaticPool
        elif is_sqlite(target):
            options["connect_args"] = {"timeout": 30}
        if schema is not None:
            if target.get_backend_name() != "postgresql":
                raise ValueError("a schema can only be given for PostgreSQL")
            plain_schema_name(schema)
            options["connect_args"] = {"server_settings": {"search_path": schema}}
        json_codec = {"json_serializer": _json_text, "json_deserializer": orjson.loads}
        engine = create_async_engine(target, **options, **json_codec)
        sqlite_file: Engine | None = None
        if is_sqlite(target):
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas(in_memory=is_memory(target)))
            if not is_memory(target):
                sqlite_file = create_engine(
                    target.set(drivername="sqlite+pysqlite"),
                    connect_args={"timeout": 30, "check_same_thread": False},
                    **json_codec,
                )
                # its commits run on the event loop: checkpoints (which wait for the disk) are
                # _copy_back_wal's
                event.listen(sqlite_file, "connect", _sqlite_pragmas(in_memory=False, checkpoints=False))
        try:
            await migrate(engine, schema=schema)
        except BaseException:
            await engine.dispose()
            if sqlite_file is not None:
                sqlite_file.dispose()
            raise
        return cls(
            engine,
            clock=clock or SystemClock(),
            ids=ids or _new_id,
            redactor=redactor or Redactor(),
            sqlite_file=sqlite_file,
        )

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        await self.engine.dispose()
        if self._sqlite_file is not None:
            self._sqlite_file.dispose()  # the last connection to close checkpoints the rest

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (Core statements on a sync connection) in one write transaction that commits on
        success."""
        result = await self._run(work, write=True)
        if self._sqlite_file is not None:
            self._writes += 1
            if self._writes % CHECKPOINT_EVERY == 0 and (self._checkpoint is None or self._checkpoint.done()):
                self._checkpoint = asyncio.create_task(asyncio.to_thread(self._copy_back_wal))
        return result

    async def _read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (Core reads on a sync connection)."""
        return await self._run(work, write=False)

    async def _run(self, work: Callable[[Connection], T], *, write: bool) -> T:
        if self._sqlite_file is not None:  # at once, on this thread: nothing else can interleave
            with self._sqlite_file.begin() if write else self._sqlite_file.connect() as connection:
                return work(connection)
        async with contextlib.AsyncExitStack() as stack:
            if self._write_lock is not None:  # in-memory SQLite: one shared connection
                await stack.enter_async_context(self._write_lock)
            driver = await stack.enter_async_context(self.engine.begin() if write else self.engine.connect())
            return await driver.run_sync(work)
        raise AssertionError("unreachable")  # pragma: no cover - the stack does not swallow errors

    def _copy_back_wal(self) -> None:
        """Copy the WAL's pages into the database file, without waiting for readers or blocking writers."""
        assert self._sqlite_file is not None
        with self._sqlite_file.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    # --- conversations ----------------------------------------------------------------------------

    async def create_conversation(
        self, *, business: str, channel: str, external_ref: str | None = None, caller_id: str | None = None
    ) -> Conversation:
        now = self._clock.now()
        row: dict[str, Any] = {
            "id": self._ids(),
            "business": business,
            "channel": channel,
            "external_ref": external_ref,
            "caller_id": caller_id,
            "created_at": now,
            "updated_at": now,
            "last_seq": 0,
            "guard_state": None,
            "model_history": [],
            "outcome_tags": [],
        }
        ensure_business = self._ensure_business(business, now)

        def write(connection: Connection) -> None:
            connection.execute(ensure_business)
            connection.execute(_ADD_CONVERSATION, row)

        await self._transaction(write)
        return _conversation(SimpleNamespace(**row))

    def _ensure_business(self, business: str, now: datetime) -> Executable:
        values = {"id": business, "created_at": now}
        if self.engine.dialect.name == "postgresql":
            return pg_insert(BusinessRow).values(values).on_conflict_do_nothing(index_elements=["id"])
        if self.engine.dialect.name == "sqlite":
            return sqlite_insert(BusinessRow).values(values).on_conflict_do_nothing(index_elements=["id"])
        raise NotImplementedError(f"unsupported database: {self.engine.dialect.name}")

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        # read on every turn: a Core select (columns as attributes) spares the ORM's identity map
        row = await self._read(lambda c: c.execute(_GET_CONVERSATION, {"id": conversation_id}).first())
        return None if row is None else _conversation(row)

    async def find_conversation(self, business: str, channel: str, external_ref: str) -> Conversation | None:
        """The newest conversation of a thread, e.g. the SMS conversation with one phone number."""
        query = (
            select(ConversationRow)
            .where(
                ConversationRow.business == business,
                ConversationRow.channel == channel,
                ConversationRow.external_ref == external_ref,
            )
            .order_by(ConversationRow.created_at.desc(), ConversationRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return None if row is None else _conversation(row)

    async def list_conversations(
        self, business: str | None = None, limit: int = 50, offset: int = 0, tag: str | None = None
    ) -> list[Conversation]:
        """Newest first; ``tag`` keeps the conversations with that outcome tag."""
        query = select(ConversationRow)
        if business is not None:
            query = query.where(ConversationRow.business == business)
        if tag is not None:
            query = query.where(
                exists().where(
                    ConversationTagRow.conversation_id == ConversationRow.id, ConversationTagRow.tag == tag
                )
            )
        query = (
            query.order_by(ConversationRow.created_at.desc(), ConversationRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [_conversation(row) for row in rows]

    async def update_state(
        self,
        conversation_id: str,
        *,
        guard_state: dict[str, Any] | None = None,
        model_history: list[Any] | None = None,
        outcome_tags: list[str] | None = None,
    ) -> None:
        """Replace what is given; ``None`` leaves a field as it is."""
        state = _state(guard_state, model_history, outcome_tags)
        now = self._clock.now()
        await self._transaction(lambda c: _update_state(c, conversation_id, state, now))

    # --- messages ---------------------------------------------------------------------------------

    async def add_message(self, conversation_id: str, role: str, text: str) -> Message:
        """Append a message; its seq is 1, 2, 3… within the conversation, also under concurrent adds."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {sorted(ROLES)}, not {role!r}")
        now = self._clock.now()
        return await self._transaction(lambda c: _append(c, conversation_id, role, text, now))

    async def messages(self, conversation_id: str) -> list[Message]:
        query = (
            select(MessageRow).where(MessageRow.conversation_id == conversation_id).order_by(MessageRow.seq)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [Message(r.conversation_id, r.seq, r.role, r.text, r.created_at) for r in rows]

    # --- turns ------------------------------------------------------------------------------------

    async def save_turn(
        self,
        conversation_id: str,
        record: TurnRecord,
        reply: str | None = None,
        *,
        guard_state: dict[str, Any] | None = None,
        model_history: list[Any] | None = None,
        outcome_tags: list[str] | None = None,
    ) -> str:
        """Store a turn with its tool runs and exchanges; ``reply`` is added as the receptionist's message
        and the conversation's state as ``update_state`` takes it, all in one transaction (so a turn is
        never stored without the state it left, nor the other way round). The reply's seq becomes the turn's
        ``reply_seq``. Returns the turn id."""
        turn_id = self._ids()
        now = self._clock.now()
        state = _state(guard_state, model_history, outcome_tags)
        turn = {
            "id": turn_id,
            "conversation_id": conversation_id,
            "customer_message_seq": record.customer_message_seq,
            "reply_seq": record.reply_seq,
            "model": record.model,
            "failover": record.failover,
            "usage": record.usage,
            "timings": dict(record.timings),
            "violations": list(record.violations),
            "violation_count": len(record.violations),
            "tags": sorted(set(record.tags)),
            "error": self._redactor.text(record.error) if record.error else None,
            "created_at": now,
        }
        runs = [
            {
                "turn_id": turn_id,
                "index": position,
                "tool_id": run.tool_id,
                "arguments": run.arguments,
                "result": run.result,
                "started": run.started,
                "elapsed": run.elapsed,
            }
            for position, run in enumerate(record.tool_runs)
        ]
        exchanges = [
            [redact_exchange(data, self._redactor) for data in run.exchanges] for run in record.tool_runs
        ]

        def write(connection: Connection) -> None:
            if reply is not None:
                turn["reply_seq"] = _append(
                    connection, conversation_id, "receptionist", reply, now, state
                ).seq
                _write_tags(connection, conversation_id, state)
            elif state:
                _update_state(connection, conversation_id, state, now)
            connection.execute(_ADD_TURN, turn)
            if not runs:
                return
            # all tool runs in one statement, their ids back in order; then all their exchanges in one
            run_ids = connection.scalars(_ADD_TOOL_RUNS, runs).all()
            rows = [
                {"tool_run_id": run_id, "index": j, "data": data}
                for run_id, datas in zip(run_ids, exchanges, strict=True)
                for j, data in enumerate(datas)
            ]
            if rows:
                connection.execute(_ADD_EXCHANGE, rows)

        await self._transaction(write)
        return turn_id

    async def turns(self, conversation_id: str) -> list[Turn]:
        """The turns of a conversation in order, each with its tool runs and their exchanges."""
        query = (
            select(TurnRow)
            .where(TurnRow.conversation_id == conversation_id)
            .order_by(TurnRow.created_at, TurnRow.customer_message_seq, TurnRow.id)
            .options(selectinload(TurnRow.tool_runs).selectinload(ToolRunRow.exchanges))
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [_turn(row) for row in rows]

    # --- figures ----------------------------------------------------------------------------------

    async def stats(self, business: str | None = None) -> Stats:
        """Counts over all conversations, or one business's."""
        mine: list[ColumnElement[bool]] = [] if business is None else [ConversationRow.business == business]
        conversations = select(func.count()).select_from(ConversationRow).where(*mine)
        turns = (
            select(
                func.count(TurnRow.id),
                func.count(TurnRow.id).filter(TurnRow.failover.is_(True)),
                func.count(TurnRow.id).filter(TurnRow.violation_count > 0),
            )
            .join(ConversationRow, ConversationRow.id == TurnRow.conversation_id)
            .where(*mine)
        )
        tags = (
            select(ConversationTagRow.tag, func.count())
            .join(ConversationRow, ConversationRow.id == ConversationTagRow.conversation_id)
            .where(*mine)
            .group_by(ConversationTagRow.tag)
        )
        async with self._sessions() as session:
            n_conversations = await session.scalar(conversations) or 0
            n_turns, failovers, violations = (await session.execute(turns)).one()
            by_tag = {tag: count for tag, count in (await session.execute(tags)).all()}
        return Stats(
            n_conversations, n_turns or 0, failovers or 0, violations or 0, dict(sorted(by_tag.items()))
        )

    async def bytes_for(self, conversation_id: str) -> int:
        """Stored bytes of one conversation: the UTF-8 length of its rows' text and JSON (0 if unknown)."""
        async with self._sessions() as session:
            conversation = await session.get(ConversationRow, conversation_id)
            if conversation is None:
                return 0
            total = sum(
                _size(v)
                for v in (conversation.guard_state, conversation.model_history, conversation.outcome_tags)
            )
            texts = await session.scalars(
                select(MessageRow.text).where(MessageRow.conversation_id == conversation_id)
            )
            total += sum(_size(t) for t in texts)
        for turn in await self.turns(conversation_id):
            total += sum(_size(v) for v in (turn.usage, turn.timings, turn.violations, turn.tags, turn.error))
            for run in turn.tool_runs:
                total += sum(_size(v) for v in (run.arguments, run.result, run.exchanges))
        return total


def _append(
    connection: Connection,
    conversation_id: str,
    role: str,
    text: str,
    now: datetime,
    state: dict[str, Any] | None = None,
) -> Message:
    """Add a message; ``state`` (conversation columns) is written by the same statement."""
    # One UPDATE … RETURNING both takes the row lock and hands out the next number.
    statement = _NEXT_SEQ.values(**state) if state else _NEXT_SEQ
    seq = connection.scalar(statement, {"conversation": conversation_id, "now": now})
    if seq is None:
        raise KeyError(f"no conversation {conversation_id}")
    connection.execute(
        _ADD_MESSAGE,
        {"conversation_id": conversation_id, "seq": seq, "role": role, "text": text, "created_at": now},
    )
    return Message(conversation_id, seq, role, text, now)


def _update_state(connection: Connection, conversation_id: str, state: dict[str, Any], now: datetime) -> None:
    """Set the conversation columns in ``state`` (see ``_state``), and its tags when they are given."""
    result = connection.execute(
        update(_CONVERSATIONS)
        .where(_CONVERSATIONS.c.id == conversation_id)
        .values(updated_at=now, **state)
        .returning(_CONVERSATIONS.c.id)
    )
    if result.first() is None:
        raise KeyError(f"no conversation {conversation_id}")
    _write_tags(connection, conversation_id, state)


def _write_tags(connection: Connection, conversation_id: str, state: dict[str, Any]) -> None:
    """The tag rows (for filtering conversations) follow ``state["outcome_tags"]`` when it is set."""
    if "outcome_tags" not in state:
        return
    connection.execute(
        delete(ConversationTagRow).where(ConversationTagRow.conversation_id == conversation_id)
    )
    if state["outcome_tags"]:
        connection.execute(
            insert(ConversationTagRow),
            [{"conversation_id": conversation_id, "tag": t} for t in state["outcome_tags"]],
        )


def _sqlite_pragmas(*, in_memory: bool, checkpoints: bool = True) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not checkpoints:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
            # With WAL this cannot corrupt the file; a power cut may lose the last commits, an app crash none.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _json_text(value: Any) -> str:
    """JSON columns are written with orjson: a turn's model history and exchanges are most of what a turn
    stores, and the standard library took several times longer to encode them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _size(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value.encode())
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _conversation(row: Any) -> Conversation:
    """From a ConversationRow, or a Core row of its table (same names)."""
    return Conversation(
        id=row.id,
        business=row.business,
        channel=row.channel,
        external_ref=row.external_ref,
        caller_id=row.caller_id,
        guard_state=row.guard_state,
        model_history=list(row.model_history or []),
        outcome_tags=list(row.outcome_tags or []),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _turn(row: TurnRow) -> Turn:
    return Turn(
        id=row.id,
        conversation_id=row.conversation_id,
        created_at=row.created_at,
        customer_message_seq=row.customer_message_seq,
        reply_seq=row.reply_seq,
        model=row.model,
        failover=row.failover,
        usage=row.usage,
        timings=dict(row.timings),
        violations=list(row.violations),
        tags=list(row.tags),
        error=row.error,
        tool_runs=[
            ToolRunRecord(
                tool_id=run.tool_id,
                arguments=run.arguments,
                result=run.result,
                started=run.started,
                elapsed=run.elapsed,
                exchanges=[exchange.data for exchange in run.exchanges],
            )
            for run in row.tool_runs
        ],
    )
