"""What a turn leaves behind: its record, its outcome tags, and the designed answers for failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from frontdesk.agent.grounding import Violation
from frontdesk.capabilities.runner import ToolRun
from frontdesk.capabilities.tool import Fact
from frontdesk.profile import BusinessProfile

_EVENT_TAGS = {"booking": "booked", "customer_created": "new_customer", "reschedule": "rescheduled",
               "cancellation": "cancelled", "escalation": "emergency", "handoff": "handoff"}  # fmt: skip


def outcome_tags(new_facts: Sequence[Fact], failover: bool, violations: Sequence[Violation]) -> list[str]:
    tags = {_EVENT_TAGS[f.kind] for f in new_facts if f.kind in _EVENT_TAGS}
    if failover:
        tags.add("failover")
    if violations:
        tags.add("grounding_violation")
    return sorted(tags)


def safe_reply(profile: BusinessProfile, facts: Sequence[Fact]) -> str:
    """Said when the model could not give a reply that its tools support: only what is known."""
    confirmed = [f for f in facts if f.kind in ("job_number", "window")]
    text = "I'm sorry, I want to be sure I only tell you what I can confirm."
    if confirmed:
        shown = "; ".join(dict.fromkeys((f.forms[0] if f.forms else f.value) for f in confirmed[-3:]))
        text += f" Here is what I have on record: {shown}."
    return (
        text + f" Would you like someone from our team to follow up? You can also call us at {profile.phone}."
    )


def unavailable_reply(profile: BusinessProfile) -> str:
    """Said when the model provider fails and no fallback model is configured."""
    return (
        "I'm sorry, I'm having trouble right now and can't look that up. If you leave your name and phone "
        f"number, someone from our team will call you back, or you can reach us at {profile.phone}."
    )


@dataclass
class TurnLog:
    conversation_id: str
    customer_message_seq: int
    model: str
    failover: bool
    runs: list[ToolRun]
    usage: Any
    total_seconds: float
    model_seconds: float
    violations: list[Violation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def tools_seconds(self) -> float:
        return sum(run.elapsed for run in self.runs)

    @property
    def engine_seconds(self) -> float:
        return max(self.total_seconds - self.model_seconds - self.tools_seconds, 0.0)

    async def save(self, store: Any, reply: str, **state: Any) -> str:
        """Store the reply and the turn, with the conversation's new ``state``; returns the turn id."""
        from frontdesk.agent.storage import save_turn

        return await save_turn(store, self, reply, **state)
