"""What a turn streams back to a channel, in order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ToolActivity:
    """A tool started or finished (for a typing indicator or the terminal's --explain)."""

    tool_id: str
    phase: str  # "started" | "finished"
    status: str | None = None  # ToolResult.status when finished


@dataclass(frozen=True)
class TextDelta:
    """A piece of the reply. Only text that passed grounding is ever sent."""

    text: str


@dataclass(frozen=True)
class Reply:
    """The end of the turn: the whole reply as stored, and what happened."""

    text: str
    turn_id: str
    model: str
    failover: bool = False
    grounding_violations: int = 0
    outcome_tags: list[str] = field(default_factory=list)


Event = ToolActivity | TextDelta | Reply
