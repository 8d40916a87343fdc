"""What the store hands out and takes in: plain dataclasses, independent of the tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Role = Literal["customer", "receptionist", "staff"]
ROLES: frozenset[str] = frozenset({"customer", "receptionist", "staff"})


@dataclass(frozen=True)
class Conversation:
    id: str
    business: str
    channel: str
    external_ref: str | None
    caller_id: str | None
    guard_state: dict[str, Any] | None
    model_history: list[Any]
    outcome_tags: list[str]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Message:
    conversation_id: str
    seq: int
    role: str
    text: str
    created_at: datetime


@dataclass
class ToolRunRecord:
    """One tool call of a turn; ``exchanges`` are HTTP exchanges as JSON-ready dicts."""

    tool_id: str
    arguments: dict[str, Any]
    result: dict[str, Any]
    started: float
    elapsed: float
    exchanges: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TurnRecord:
    """A turn to store (``save_turn``); the same fields come back in ``Turn``."""

    customer_message_seq: int
    model: str
    failover: bool = False
    reply_seq: int | None = None
    usage: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)  # total / model / tools / engine seconds
    violations: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    error: str | None = None
    tool_runs: list[ToolRunRecord] = field(default_factory=list)


@dataclass(kw_only=True)
class Turn(TurnRecord):
    """A stored turn with its tool runs and their exchanges: the explanation of one reply."""

    id: str
    conversation_id: str
    created_at: datetime


@dataclass(frozen=True)
class Stats:
    conversations: int
    turns: int
    failovers: int
    grounding_violations: int  # turns whose reply failed the grounding check at least once
    by_tag: dict[str, int]  # conversations per outcome tag
