"""Bringing in a person: emergency escalation to the on-call contact, and handoff to the office.

Both are tools, so any model can use them and every use is recorded with the turn; the engine also
escalates by itself when triage finds an emergency the model did not escalate. A notice is sent at most
once per conversation and reason.
"""

from __future__ import annotations

from typing import Any

from frontdesk.agent.notify import MemoryNotifier, Notice, Notifier
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult

HANDOFF_REASONS = [
    "asked_for_person",
    "frustration",
    "repeated_failure",
    "billing_dispute",
    "account_change",
    "emergency",
    "callback_requested",
    "other",
]


def _sent(ctx: ToolContext, key: str) -> dict[str, Any] | None:
    done = ctx.state.done.get(key)
    return done if isinstance(done, dict) else None


class EscalateEmergency(Tool):
    id = "escalateEmergency"
    description = (
        "Alert the on-call person about an emergency (gas smell, CO alarm, sparks or burning smell, no heat "
        "in freezing weather, flooding or an active leak). Give the emergency and a one-line summary."
    )
    effect = "read"  # it changes nothing in ServiceTitan; alerting a person must not wait for a yes
    access = "public"

    def __init__(self, notifier: Notifier | None = None) -> None:
        self.notifier: Notifier = notifier or MemoryNotifier()

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "emergency": {"type": "string", "description": "which emergency, e.g. gas smell"},
                "level": {"type": "string", "enum": ["life_safety", "urgent"]},
                "summary": {"type": "string", "maxLength": 500, "description": "what the customer said"},
            },
            "required": ["emergency", "level", "summary"],
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        key = f"escalation:{args['emergency'].strip().lower()}"
        earlier = _sent(ctx, key)
        if earlier is not None:
            return ToolResult.model_validate(earlier).model_copy(update={"status": "repeat"})
        on_call = ctx.profile.on_call
        notice = Notice(
            kind="emergency",
            conversation_id=ctx.state.conversation_id,
            summary=f"{args['emergency']}: {args['summary']}"[:600],
            level=args["level"],
            phone=ctx.state.caller_id,
        )
        reached = await self.notifier.notify(notice, on_call)
        data: dict[str, Any] = {"notified": reached}
        if reached and on_call is not None:
            data["onCall"] = on_call.name
            message = f"{on_call.name} has been alerted."
        else:
            data["call"] = ctx.profile.phone
            message = (
                f"Nobody could be alerted automatically: ask the customer to call {ctx.profile.phone} now."
            )
        result = ToolResult(
            data=data,
            message=message,
            facts=[Fact(kind="escalation", value=args["emergency"], forms=[on_call.name] if on_call else [])],
        )
        ctx.state.done[key] = result.model_dump(mode="json")
        return result


class HandOff(Tool):
    id = "handOff"
    description = (
        "Hand the conversation to a person in the office: when the customer asks for one, is frustrated, "
        "disputes a bill, or you could not help after two tries. Give the reason and a summary for them."
    )
    effect = "read"
    access = "public"

    def __init__(self, notifier: Notifier | None = None) -> None:
        self.notifier: Notifier = notifier or MemoryNotifier()

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "reason": {"type": "string", "enum": HANDOFF_REASONS},
                "summary": {"type": "string", "maxLength": 1000, "description": "what the person must know"},
            },
            "required": ["reason", "summary"],
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        key = "handoff"
        earlier = _sent(ctx, key)
        if earlier is not None:
            return ToolResult.model_validate(earlier).model_copy(update={"status": "repeat"})
        notice = Notice(
            kind="handoff",
            conversation_id=ctx.state.conversation_id,
            summary=f"{args['reason']}: {args['summary']}"[:1100],
            phone=ctx.state.caller_id,
        )
        reached = await self.notifier.notify(notice, ctx.profile.on_call)
        message = (
            "Someone from the office has the conversation and will reply or call back."
            if reached
            else f"The office could not be reached automatically: give the customer {ctx.profile.phone}."
        )
        result = ToolResult(
            data={"notified": reached, "phone": ctx.profile.phone},
            message=message,
            facts=[Fact(kind="handoff", value=args["reason"])],
        )
        ctx.state.done[key] = result.model_dump(mode="json")
        return result
