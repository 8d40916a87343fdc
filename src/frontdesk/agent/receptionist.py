"""The receptionist: one entry point, ``reply``, that every channel uses.

A turn, for one customer message: hold the conversation (one message at a time), load its state, let the
model use the capabilities through the ToolRunner, check the reply against what the tools established
(grounding; one corrective retry, then a safe reply), fall back to the guided model if the provider
fails, store everything (messages, tool runs with their ServiceTitan exchanges, usage, timings, outcome
tags, guard state and model history), and stream the reply back. Emergency triage runs on every message:
the model is told what to do, and the engine alerts the on-call person itself if the model did not. Unverified text never leaves: the reply
is released only after it passed grounding.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ModelRequest
from pydantic_ai.models import Model

from frontdesk.agent.escalation import EscalateEmergency
from frontdesk.agent.events import Event, Reply, TextDelta, ToolActivity
from frontdesk.agent.grounding import Known, Violation, check
from frontdesk.agent.instructions import CapabilityText, build_instructions, emergency_instructions
from frontdesk.agent.loop import CallTool, LoopTool, run_turn
from frontdesk.agent.models import TimedModel
from frontdesk.agent.notify import Notice
from frontdesk.agent.triage import Triage, detect
from frontdesk.agent.turns import TurnLog, outcome_tags, safe_reply, unavailable_reply
from frontdesk.capabilities.accounts import Accounts
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import Fact, ToolContext
from frontdesk.clock import Clock
from frontdesk.profile import BusinessProfile, OnCall
from frontdesk.servicetitan.client import ServiceTitanClient

log = logging.getLogger("frontdesk.agent")

# Failures of the model provider that the guided model (or a safe message) answers instead.
PROVIDER_ERRORS: tuple[type[BaseException], ...] = (AgentRunError, httpx.HTTPError, OSError, TimeoutError)


@dataclass
class Parts:
    """Everything a receptionist uses, injected (tests swap any of it)."""

    profile: BusinessProfile
    client: ServiceTitanClient
    runner: ToolRunner
    reference: Any
    capabilities: Sequence[CapabilityText]
    store: Any  # frontdesk.store.ConversationStore
    locks: Any  # frontdesk.store.locks.ConversationLocks
    clock: Clock
    model: Model
    model_label: str
    fallback: Model | None = None
    knowledge: Callable[[str], str] | None = None  # message → relevant knowledge text
    people: Sequence[str] = ()  # technician names, for grounding
    business: str = "default"
    turn_timeout: float = 90.0
    extra_instructions: Callable[[GuardState], str] | None = None
    # runs escalateEmergency when the main runner has no such tool; without it, notices are only logged
    escalation: ToolRunner | None = None
    accounts: Accounts | None = None  # accounts found by phone minutes ago, for every conversation


@dataclass
class _Outcome:
    text: str
    messages: list[ModelMessage]
    usage: Any = None
    violations: list[Violation] = field(default_factory=list)
    failover: bool = False
    error: str | None = None


ESCALATE = "escalateEmergency"


class Receptionist:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        if parts.model_label == "guided" and parts.model.system != "function":
            # a model given directly (not chosen by configuration) is labelled by its provider
            parts.model_label = f"{parts.model.system}:{parts.model.model_name}"
        if parts.escalation is None:
            parts.escalation = ToolRunner([EscalateEmergency(_NoNotifier())], secret=b"escalation-only")

    def greeting(self) -> str:
        """The first thing a customer sees: the business's greeting, saying it is an AI when policy asks."""
        profile = self.parts.profile
        text = profile.brand.greeting
        if profile.policies.ai_disclosure and not re.search(r"\b(AI|virtual|automated|assistant)\b", text):
            text += " I'm an AI assistant; you can ask for a person on our team at any time."
        return text

    async def start(
        self, channel: str = "chat", external_ref: str | None = None, caller_id: str | None = None
    ) -> str:
        """Open a conversation and return its id."""
        conversation = await self.parts.store.create_conversation(
            business=self.parts.business, channel=channel, external_ref=external_ref, caller_id=caller_id
        )
        return str(conversation.id)

    async def reply(self, conversation_id: str, text: str) -> AsyncIterator[Event]:
        """Answer one customer message; yields tool activity, then the reply's text, then ``Reply``."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        task = asyncio.create_task(self._turn(conversation_id, text, queue))
        try:
            while True:
                event = await queue.get()
                if event is None:
                    break
                yield event
            await task
        finally:
            if not task.done():
                task.cancel()

    async def answer(self, conversation_id: str, text: str) -> Reply:
        """The whole turn at once (for channels that don't stream)."""
        final: Reply | None = None
        async for event in self.reply(conversation_id, text):
            if isinstance(event, Reply):
                final = event
        assert final is not None
        return final

    # --- one turn ---------------------------------------------------------------------------------

    async def _turn(self, conversation_id: str, text: str, queue: asyncio.Queue[Event | None]) -> None:
        p = self.parts
        try:
            async with p.locks.hold(conversation_id):
                await self._locked_turn(conversation_id, text, queue)
        finally:
            await queue.put(None)

    async def _locked_turn(self, conversation_id: str, text: str, queue: asyncio.Queue[Event | None]) -> None:
        p = self.parts
        started = time.perf_counter()
        # the customer's message is written while the conversation is read and the model works, and is
        # stored before the turn that answers it
        stored = asyncio.create_task(p.store.add_message(conversation_id, "customer", text))
        try:
            conversation = await p.store.get_conversation(conversation_id)
            if conversation is None:
                raise KeyError(f"no conversation {conversation_id}")
            state = (
                GuardState.model_validate(conversation.guard_state)
                if conversation.guard_state
                else GuardState(
                    conversation_id=conversation_id,
                    channel=conversation.channel,
                    caller_id=conversation.caller_id,
                )
            )
            history = ModelMessagesTypeAdapter.validate_python(conversation.model_history or [])
            state.note_customer_message(text)
            facts_before = len(state.facts)
            runs: list[ToolRun] = []
            ctx = ToolContext(
                p.client, p.profile, p.clock, state, p.reference, extra={"runs": runs}, accounts=p.accounts
            )
            emergency = detect(text, p.profile)
            timed = TimedModel(p.model)
            outcome = await self._answer(timed, ctx, history, text, queue, emergency)
            if outcome.error is not None and p.fallback is not None:
                log.warning("model provider failed (%s); the guided model answers this turn", outcome.error)
                fallback = TimedModel(p.fallback)
                failure = outcome.error
                outcome = await self._answer(fallback, ctx, history, text, queue, emergency)
                outcome.failover = True
                outcome.error = outcome.error or failure  # the turn keeps why the main model was not used
                timed.seconds += fallback.seconds
            elif outcome.error is not None:
                outcome = _Outcome(unavailable_reply(p.profile), history, failover=True, error=outcome.error)
            if emergency is not None and not _escalated(emergency, ctx, runs, p.profile):
                outcome.text = await self._escalate(emergency, ctx, text, outcome.text, queue)
            new_facts: list[Fact] = state.facts[facts_before:]
            tags = outcome_tags(new_facts, outcome.failover, outcome.violations)
            for chunk in _chunks(outcome.text):
                await queue.put(TextDelta(chunk))
        except BaseException:
            await asyncio.gather(stored, return_exceptions=True)
            raise
        customer_message = await stored
        total = time.perf_counter() - started
        log_entry = TurnLog(
            conversation_id=conversation_id,
            customer_message_seq=customer_message.seq,
            model=p.model_label if not outcome.failover else f"{p.model_label}→guided",
            failover=outcome.failover,
            runs=runs,
            usage=outcome.usage,
            total_seconds=total,
            model_seconds=timed.seconds,
            violations=outcome.violations,
            tags=tags,
            error=outcome.error,
        )
        all_tags = sorted({*(conversation.outcome_tags or []), *tags})  # rewritten only when one is new
        turn_id = await log_entry.save(
            p.store,
            outcome.text,
            guard_state=state.model_dump(mode="json"),
            model_history=ModelMessagesTypeAdapter.dump_python(
                _without_instructions(outcome.messages), mode="json"
            ),
            outcome_tags=all_tags if all_tags != sorted(conversation.outcome_tags or []) else None,
        )
        await queue.put(
            Reply(outcome.text, turn_id, log_entry.model, outcome.failover, len(outcome.violations), tags)
        )

    async def _answer(
        self,
        model: Model,
        ctx: ToolContext,
        history: list[ModelMessage],
        text: str,
        queue: asyncio.Queue[Event | None],
        emergency: Triage | None = None,
    ) -> _Outcome:
        p = self.parts
        known_people = list(p.people)
        instructions = build_instructions(
            p.profile,
            p.capabilities,
            ctx.state,
            p.clock.now(),
            knowledge=p.knowledge(text) if p.knowledge else "",
        )
        if emergency is not None:
            instructions = f"{instructions}\n\n{emergency_instructions(emergency, p.profile)}"
        if p.extra_instructions is not None:
            extra = p.extra_instructions(ctx.state)
            instructions = f"{instructions}\n\n{extra}" if extra else instructions
        tools, call = self._tools(ctx, queue)
        try:
            async with asyncio.timeout(p.turn_timeout):
                result = await run_turn(
                    model,
                    instructions=instructions,
                    prompt=text,
                    history=history,
                    tools=tools,
                    call_tool=call,
                )
                reply, messages, usage = result.text, result.messages, result.usage
                violations = check(reply, Known.from_facts(ctx.state.facts), known_people)
                if violations:
                    correction = (
                        "[grounding check] Your reply stated "
                        + ", ".join(map(str, violations))
                        + ", which no tool result in this conversation supports. Rewrite the reply to the "
                        "customer using only what the tools returned; do not claim anything was done unless a "
                        "tool result says so. Reply with the corrected message only."
                    )
                    again = await run_turn(
                        model,
                        instructions=instructions,
                        prompt=correction,
                        history=messages,
                        tools=tools,
                        call_tool=call,
                    )
                    reply, messages = again.text, again.messages
                    usage.incr(again.usage)
                    still = check(reply, Known.from_facts(ctx.state.facts), known_people)
                    if still:
                        reply = safe_reply(p.profile, ctx.state.facts)
                    return _Outcome(reply, messages, usage, violations + still)
                return _Outcome(reply, messages, usage)
        except PROVIDER_ERRORS as exc:
            return _Outcome("", history, error=f"{type(exc).__name__}: {exc}"[:500])

    async def _escalate(
        self, emergency: Triage, ctx: ToolContext, text: str, reply: str, queue: asyncio.Queue[Event | None]
    ) -> str:
        """Alert the on-call person about an emergency the model left unescalated; returns the reply to send.

        Code, not the model, guarantees the alert; the run is recorded with the turn like any other. The
        reply gets the business's safety instructions in front when it lacks them, and the alert's outcome.
        """
        p = self.parts
        runner = p.runner if ESCALATE in p.runner.tools else p.escalation
        assert runner is not None
        trigger = emergency.trigger
        arguments = {"emergency": trigger.name, "level": trigger.level, "summary": text[:500]}
        await queue.put(ToolActivity(ESCALATE, "started"))
        result = await runner.run(ctx, ESCALATE, arguments)
        await queue.put(ToolActivity(ESCALATE, "finished", result.status))
        log.warning("emergency %r not escalated by the model; escalated by the engine", trigger.name)
        safety = trigger.instructions.strip()
        if _plain(safety[:60]) not in _plain(reply):
            reply = f"This could be dangerous, so safety first: {safety}\n\n{reply}".strip()
        if result.ok and result.data.get("notified"):
            alerted = f"{result.data.get('onCall') or 'Our on-call team'} has been alerted."
            said = "alerted" in reply.lower()
        else:
            alerted = f"Please call us right away at {p.profile.phone}."
            said = p.profile.phone in reply
        return reply if said else f"{reply}\n\n{alerted}"

    def _tools(self, ctx: ToolContext, queue: asyncio.Queue[Event | None]) -> tuple[list[LoopTool], CallTool]:
        """The enabled tools as the model sees them, and how a call of one runs (through the ToolRunner)."""
        runner = self.parts.runner
        tools = [
            LoopTool(spec.name, spec.description, spec.parameters, sequential=spec.effect == "write")
            for spec in runner.specs()
        ]

        async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            await queue.put(ToolActivity(name, "started"))
            result = await runner.run(ctx, name, arguments)
            await queue.put(ToolActivity(name, "finished", result.status))
            return result.for_model()

        return tools, call


class _NoNotifier:
    """Where notices go when no notifier was configured: the log, and the customer is told to call."""

    async def notify(self, notice: Notice, on_call: OnCall | None) -> bool:
        log.error("no on-call notifier is configured; emergency not delivered: %s", notice.summary)
        return False


def _without_instructions(messages: Sequence[ModelMessage]) -> list[ModelMessage]:
    """The history as stored: every turn builds its instructions afresh and a model reads only the newest
    request's, so the copies on earlier requests (about four fifths of a booking's history, written again
    with every turn) are left out."""
    return [
        dataclasses.replace(m, instructions=None) if isinstance(m, ModelRequest) and m.instructions else m
        for m in messages
    ]


def _escalated(
    emergency: Triage, ctx: ToolContext, runs: Sequence[ToolRun], profile: BusinessProfile
) -> bool:
    """Whether this emergency was escalated: by any escalation in this turn, or an earlier one naming it."""
    if any(run.tool_id == ESCALATE and run.result.ok for run in runs):
        return True
    for fact in ctx.state.facts:
        if fact.kind != "escalation":
            continue
        named = detect(fact.value, profile)
        if fact.value.strip().lower() == emergency.trigger.name.lower() or (
            named is not None and named.trigger.name == emergency.trigger.name
        ):
            return True
    return False


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _chunks(text: str, size: int = 24) -> list[str]:
    """The checked reply in word-aligned pieces, so channels can render it progressively."""
    words = text.split(" ")
    pieces, current = [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) > size and current:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces
