"""Confirm before write: a write runs only with the id of a proposal the customer then agreed to.

A proposal's id is bound to the tool and to the exact arguments (a digest): altered arguments, another
tool, an expired or used id, or an id proposed in another conversation are refused. Agreement must come
in a customer message *after* the proposal, so nothing said before the summary can approve it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from frontdesk.capabilities.guards.agreement import classify
from frontdesk.capabilities.state import GuardState, ProposalRecord
from frontdesk.clock import iso, parse_instant

CONFIRMATION_ARG = "confirmation_id"


def digest(tool_id: str, args: dict[str, Any]) -> str:
    """A stable fingerprint of a call: the tool and its arguments, key order ignored."""
    canonical = json.dumps(
        {"tool": tool_id, "args": args}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_id(secret: bytes, state: GuardState, args_digest: str) -> str:
    counter = len(state.proposals)
    mac = hmac.new(secret, f"{state.conversation_id}|{args_digest}|{counter}".encode(), hashlib.sha256)
    return "cf_" + mac.hexdigest()[:20]


def propose(
    secret: bytes,
    state: GuardState,
    tool_id: str,
    args: dict[str, Any],
    summary: str,
    now: datetime,
    ttl: timedelta,
) -> ProposalRecord:
    args_digest = digest(tool_id, args)
    confirmation = new_id(secret, state, args_digest)
    record = ProposalRecord(
        tool_id=tool_id,
        args_digest=args_digest,
        created_at=iso(now),
        expires_at=iso(now + ttl),
        after_message=len(state.customer_messages),
        summary=summary,
    )
    state.proposals[confirmation] = record
    return record


def find_id(state: GuardState, record: ProposalRecord) -> str:
    return next(key for key, value in state.proposals.items() if value is record)


def refusal(
    state: GuardState, confirmation: str, tool_id: str, args: dict[str, Any], now: datetime
) -> str | None:
    """Why this confirmed call may not run, or None when it may."""
    record = state.proposals.get(confirmation)
    if record is None:
        return "That confirmation id is unknown. Propose the change first (call without confirmation_id)."
    if record.tool_id != tool_id:
        return "That confirmation id belongs to a different action. Propose this action first."
    if record.args_digest != digest(tool_id, args):
        return (
            "The details differ from what the customer agreed to. Propose the new details (call without "
            "confirmation_id) and ask the customer again."
        )
    if record.used:
        return "That confirmation was already used. Propose again if the customer wants another change."
    if parse_instant(record.expires_at) <= now:
        return "That confirmation has expired. Propose again and ask the customer to confirm."
    later = state.customer_messages[record.after_message :]
    if not later:
        return "The customer has not answered the summary yet. Read it to them and wait for their yes."
    if classify(later[-1]) != "yes":
        return (
            "The customer's last message is not a clear yes to the summary. Ask them to confirm plainly, or "
            "propose changed details."
        )
    return None
