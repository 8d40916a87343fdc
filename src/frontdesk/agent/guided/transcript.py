"""The conversation as the guided model sees it: what the customer said, what the tools answered, what it
replied — read back from the model messages every time, so the guided model keeps no state of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)

CORRECTION_MARK = "[grounding check]"


@dataclass
class ToolOutcome:
    """One tool call and what it returned (the ToolResult as the model sees it)."""

    tool: str
    args: dict[str, Any]
    result: dict[str, Any]
    turn: int  # index of the customer message it answered

    @property
    def status(self) -> str:
        return str(self.result.get("status", ""))

    @property
    def data(self) -> dict[str, Any]:
        value = self.result.get("data")
        return value if isinstance(value, dict) else {}

    @property
    def message(self) -> str:
        return str(self.result.get("message") or "")

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "repeat")


@dataclass
class Transcript:
    customer: list[str] = field(default_factory=list)
    outcomes: list[ToolOutcome] = field(default_factory=list)
    replies: list[tuple[int, str]] = field(default_factory=list)  # (turn, text) of the receptionist
    correction: bool = False  # the engine asked for a corrected reply (grounding)

    @property
    def turn(self) -> int:
        """Index of the customer message being answered."""
        return len(self.customer) - 1

    @property
    def latest(self) -> str:
        return self.customer[-1] if self.customer else ""

    @property
    def previous_reply(self) -> str:
        """What the receptionist said last, just before the latest customer message ("" if nothing)."""
        said = [text for turn, text in self.replies if turn == self.turn - 1]
        return said[-1] if said else ""

    def this_turn(self) -> list[ToolOutcome]:
        return [o for o in self.outcomes if o.turn == self.turn]

    def last(self, tool: str, *, this_turn: bool = False) -> ToolOutcome | None:
        for outcome in reversed(self.this_turn() if this_turn else self.outcomes):
            if outcome.tool == tool:
                return outcome
        return None

    def called(self, tool: str, args: dict[str, Any]) -> bool:
        """Whether this exact call already ran in this turn (the guided model never repeats itself)."""
        return any(o.tool == tool and o.args == args for o in self.this_turn())


def _args(part: ToolCallPart) -> dict[str, Any]:
    args = part.args
    if isinstance(args, str):
        try:
            args = json.loads(args) if args else {}
        except ValueError:
            return {}
    return dict(args or {})


def _content(part: ToolReturnPart) -> dict[str, Any]:
    content = part.content
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return {"status": "ok", "message": content}
    return content if isinstance(content, dict) else {"status": "ok", "data": {"value": content}}


def read(messages: list[ModelMessage]) -> Transcript:
    transcript = Transcript()
    pending: dict[str, tuple[str, dict[str, Any]]] = {}
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                    if part.content.startswith(CORRECTION_MARK):
                        transcript.correction = True
                    else:
                        transcript.customer.append(part.content)
                        transcript.correction = False
                elif isinstance(part, ToolReturnPart):
                    name, args = pending.pop(part.tool_call_id, (part.tool_name, {}))
                    transcript.outcomes.append(ToolOutcome(name, args, _content(part), transcript.turn))
        elif isinstance(message, ModelResponse):
            for answer in message.parts:
                if isinstance(answer, ToolCallPart):
                    pending[answer.tool_call_id] = (answer.tool_name, _args(answer))
                elif isinstance(answer, TextPart) and answer.content.strip():
                    transcript.replies.append((transcript.turn, answer.content))
    return transcript
