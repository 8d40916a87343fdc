"""What the guards remember about one conversation: who is verified, what was proposed and done.

It is plain data (JSON-serializable) so the conversation store can keep it beside the messages and a
conversation resumes after a restart with its guards intact.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from frontdesk.capabilities.tool import Fact


class ProposalRecord(BaseModel):
    tool_id: str
    args_digest: str
    created_at: str
    expires_at: str
    after_message: int = Field(description="number of customer messages when it was proposed")
    summary: str
    used: bool = False


class Remembered(BaseModel):
    """A ServiceTitan answer kept for the rest of the conversation, with when it was read."""

    at: str
    data: Any


class GuardState(BaseModel):
    conversation_id: str
    channel: str = "chat"
    caller_id: str | None = Field(None, description="the phone number the channel vouches for (SMS, voice)")
    customer_messages: list[str] = Field(default_factory=list)
    verified_customer_id: int | None = None
    verified_by: list[str] = Field(default_factory=list)
    matched_customer_ids: list[int] = Field(default_factory=list, description="matched, not verified")
    created_customer_ids: list[int] = Field(default_factory=list)
    proposals: dict[str, ProposalRecord] = Field(default_factory=dict)
    done: dict[str, dict[str, Any]] = Field(default_factory=dict, description="idempotency key → result")
    facts: list[Fact] = Field(default_factory=list, description="what tool results established (grounding)")
    remembered: dict[str, Remembered] = Field(
        default_factory=dict, description="recent reads a later tool may reuse instead of asking again"
    )

    def note_customer_message(self, text: str) -> None:
        """Called by the engine for every customer message, before the model runs."""
        self.customer_messages.append(text)

    @property
    def verified(self) -> bool:
        return self.verified_customer_id is not None

    def may_access(self, customer_id: int) -> bool:
        """A customer's account is open to this conversation only when it is the verified customer."""
        return customer_id == self.verified_customer_id

    def remember(self, key: str, data: Any, now: datetime) -> None:
        """Keep a read (plain JSON data) for later tools of this conversation."""
        self.remembered[key] = Remembered(at=now.isoformat(), data=data)

    def recall(self, key: str, now: datetime, max_age: timedelta) -> Any:
        """What was remembered under ``key`` if it is younger than ``max_age``, else None.

        What guards a booking (open capacity, an existing job) is read afresh when the write runs;
        remembered reads spare the asking again of what has hardly had time to change (``pack.recall``).
        """
        kept = self.remembered.get(key)
        if kept is None:
            return None
        age = now - datetime.fromisoformat(kept.at)
        return kept.data if timedelta(0) <= age <= max_age else None
