"""From a turn's log to the store's records: what ``TurnLog.save`` calls."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from frontdesk.capabilities.runner import ToolRun
from frontdesk.servicetitan.recorder import Exchange
from frontdesk.store.conversations import ConversationStore
from frontdesk.store.records import ToolRunRecord, TurnRecord

if TYPE_CHECKING:
    from frontdesk.agent.turns import TurnLog


async def save_turn(store: ConversationStore, log: TurnLog, reply: str, **state: Any) -> str:
    """Add ``reply`` as the receptionist's message and store the turn with its tool runs, and the
    conversation's ``state`` (``ConversationStore.update_state``'s fields) with them; returns the turn id."""
    return await store.save_turn(log.conversation_id, turn_record(log), reply=reply, **state)


def turn_record(log: TurnLog) -> TurnRecord:
    return TurnRecord(
        customer_message_seq=log.customer_message_seq,
        model=log.model,
        failover=log.failover,
        usage=usage_dict(log.usage),
        timings={
            "total": log.total_seconds,
            "model": log.model_seconds,
            "tools": log.tools_seconds,
            "engine": log.engine_seconds,
        },
        violations=[dataclasses.asdict(v) for v in log.violations],
        tags=list(log.tags),
        error=log.error,
        tool_runs=[tool_run_record(run) for run in log.runs],
    )


def tool_run_record(run: ToolRun) -> ToolRunRecord:
    return ToolRunRecord(
        tool_id=run.tool_id,
        arguments=dict(run.arguments),
        result=run.result.model_dump(mode="json"),
        started=run.started,
        elapsed=run.elapsed,
        exchanges=[exchange_dict(e) for e in run.exchanges],
    )


def exchange_dict(exchange: Exchange) -> dict[str, Any]:
    # a shallow copy: dataclasses.asdict deep-copies the bodies, which are strings anyway
    data = {field.name: getattr(exchange, field.name) for field in dataclasses.fields(exchange)}
    data["request_headers"] = dict(exchange.request_headers)
    data["response_headers"] = dict(exchange.response_headers)
    data["started_at"] = exchange.started_at.isoformat()
    return data


def usage_dict(usage: Any) -> dict[str, int] | None:
    """Token counts of a pydantic-ai ``RunUsage`` (None when the model was never reached)."""
    if usage is None:
        return None
    return {
        "input_tokens": int(getattr(usage, "input_tokens", 0) or 0),
        "output_tokens": int(getattr(usage, "output_tokens", 0) or 0),
        "requests": int(getattr(usage, "requests", 0) or 0),
    }
