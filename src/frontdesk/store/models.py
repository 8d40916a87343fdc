"""The tables: conversations with their messages, and each turn with its tool runs and HTTP exchanges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

from frontdesk.clock import as_utc

# Stable constraint names, so later migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def json_type() -> TypeEngine[Any]:
    """JSON everywhere, JSONB on PostgreSQL."""
    return JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class BusinessRow(Base):
    __tablename__ = "businesses"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_thread", "business", "channel", "external_ref"),
        Index("ix_conversations_business_created", "business", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    business: Mapped[str] = mapped_column(String(64), ForeignKey("businesses.id"))
    channel: Mapped[str] = mapped_column(String(32))
    external_ref: Mapped[str | None] = mapped_column(String(255))
    caller_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the seq of the latest message; bumped with UPDATE … RETURNING so concurrent adds get distinct seqs
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    guard_state: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    model_history: Mapped[list[Any]] = mapped_column(json_type())
    outcome_tags: Mapped[list[str]] = mapped_column(json_type())


class ConversationTagRow(Base):
    """One row per outcome tag of a conversation: what filters and counts by tag use."""

    __tablename__ = "conversation_tags"
    __table_args__ = (Index("ix_conversation_tags_tag", "tag"),)

    conversation_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)


class MessageRow(Base):
    __tablename__ = "messages"

    conversation_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (Index("ix_turns_conversation", "conversation_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    customer_message_seq: Mapped[int] = mapped_column(Integer)
    reply_seq: Mapped[int | None] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(128))
    failover: Mapped[bool] = mapped_column(Boolean)
    usage: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    timings: Mapped[dict[str, float]] = mapped_column(json_type())
    violations: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    violation_count: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list[str]] = mapped_column(json_type())
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    tool_runs: Mapped[list[ToolRunRow]] = relationship(
        order_by="ToolRunRow.position", cascade="all, delete-orphan", lazy="raise"
    )


class ToolRunRow(Base):
    __tablename__ = "tool_runs"
    __table_args__ = (UniqueConstraint("turn_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[str] = mapped_column(String(64), ForeignKey("turns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column("index", Integer)
    tool_id: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(json_type())
    result: Mapped[dict[str, Any]] = mapped_column(json_type())
    started: Mapped[float] = mapped_column(Float)  # wall-clock epoch seconds
    elapsed: Mapped[float] = mapped_column(Float)

    exchanges: Mapped[list[ExchangeRow]] = relationship(
        order_by="ExchangeRow.position", cascade="all, delete-orphan", lazy="raise"
    )


class ExchangeRow(Base):
    __tablename__ = "exchanges"
    __table_args__ = (UniqueConstraint("tool_run_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_run_id: Mapped[int] = mapped_column(Integer, ForeignKey("tool_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column("index", Integer)
    data: Mapped[dict[str, Any]] = mapped_column(json_type())
