"""The ToolRunner: the only way anyone runs a tool, and where the guards live.

Every call, from an LLM, the guided model or a test, passes the same checks in code:
- the tool exists and is enabled (a tool whose ServiceTitan scope is missing is disabled, with the fix);
- the arguments match the tool's schema;
- identity: account tools run only for the conversation's verified customer, and never for another id;
- confirm before write: a write first returns a proposal (a plain summary and a confirmation id) and
  changes nothing; it runs only when called again with that id, unchanged arguments, before expiry,
  after a later customer message that clearly agrees;
- idempotency: a confirmed write happens once; a repeat returns the first result, and writes for one
  customer (or one phone number) run one at a time, so a duplicate check sees the other write;
- every run is recorded: tool, arguments, result, the ServiceTitan exchanges, timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from jsonschema import Draft7Validator

from frontdesk.capabilities.capture import capturing
from frontdesk.capabilities.guards import confirmation, identity
from frontdesk.capabilities.tool import Proposal, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import ServiceTitanError
from frontdesk.servicetitan.recorder import Exchange
from frontdesk.store.locks import ConversationLocks


class NotYours(Exception):
    """Raised by a tool when a record it was asked about belongs to another customer."""


@dataclass
class ToolRun:
    """The record of one tool call, kept with the conversation's turn (the "Explanation")."""

    tool_id: str
    arguments: dict[str, Any]
    result: ToolResult
    started: float
    elapsed: float
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass(frozen=True)
class ToolSpec:
    """What a model is told about a tool."""

    name: str
    description: str
    parameters: dict[str, Any]
    effect: str


class ToolRunner:
    def __init__(
        self,
        tools: Iterable[Tool],
        *,
        secret: bytes,
        disabled: Mapping[str, str] | None = None,
        confirmation_ttl: timedelta = timedelta(minutes=30),
        on_run: Callable[[ToolRun], None] | None = None,
    ) -> None:
        self.tools = {tool.id: tool for tool in tools}
        self.disabled = dict(disabled or {})
        self._specs: list[ToolSpec] | None = None
        self._secret = secret
        self._ttl = confirmation_ttl
        self._on_run = on_run
        self._locks = ConversationLocks()  # keyed locks, forgotten when idle
        self._validators = {tid: Draft7Validator(t.parameters()) for tid, t in self.tools.items()}

    # --- what models see -------------------------------------------------------------------------

    def specs(self) -> list[ToolSpec]:
        """Enabled tools, with a ``confirmation_id`` argument added to every write (built once: the
        tools and what is disabled are fixed when the runner is made)."""
        if self._specs is None:
            self._specs = self._build_specs()
        return list(self._specs)

    def _build_specs(self) -> list[ToolSpec]:
        out = []
        for tool in self.tools.values():
            if tool.id in self.disabled:
                continue
            params = tool.parameters()
            if tool.effect == "write":
                params = {
                    **params,
                    "properties": {
                        **params.get("properties", {}),
                        confirmation.CONFIRMATION_ARG: {
                            "type": "string",
                            "description": "Leave out to get a summary to read to the customer; after they "
                            "clearly agree, call again with the same arguments and this id.",
                        },
                    },
                }
            out.append(ToolSpec(tool.id, tool.description, params, tool.effect))
        return out

    # --- running ---------------------------------------------------------------------------------

    async def run(self, ctx: ToolContext, tool_id: str, arguments: dict[str, Any]) -> ToolResult:
        started = time.perf_counter()
        wall = time.time()
        args = dict(arguments)
        with capturing() as exchanges:
            result = await self._run(ctx, tool_id, args)
        run = ToolRun(tool_id, arguments, result, wall, time.perf_counter() - started, exchanges)
        # a tool's facts are what ServiceTitan said, whatever the outcome (a refusal may name the job that
        # blocked it), so a reply may repeat them
        ctx.state.facts.extend(result.facts)
        sink = ctx.extra.get("runs")
        if isinstance(sink, list):  # the engine collects the runs of one turn here
            sink.append(run)
        if self._on_run is not None:
            self._on_run(run)
        return result

    async def _run(self, ctx: ToolContext, tool_id: str, args: dict[str, Any]) -> ToolResult:
        tool = self.tools.get(tool_id)
        if tool is None:
            return ToolResult.error(f"There is no tool called {tool_id!r}.", available=sorted(self.tools))
        if tool_id in self.disabled:
            return ToolResult.refused(f"{tool_id} is turned off: {self.disabled[tool_id]}")
        confirmation_id = args.pop(confirmation.CONFIRMATION_ARG, None)
        problems = [
            f"{'/'.join(map(str, e.absolute_path)) or 'arguments'}: {e.message}"
            for e in self._validators[tool_id].iter_errors(args)
        ]
        if problems:
            return ToolResult.error("The arguments are not valid: " + "; ".join(problems[:5]))
        refusal = self._identity_refusal(ctx, tool, args)
        if refusal:
            return ToolResult.refused(refusal)
        try:
            if tool.effect == "write":
                return await self._write(ctx, tool, args, confirmation_id)
            return await tool.run(ctx, args)
        except NotYours:
            return ToolResult.refused(
                "That record belongs to another customer's account; it cannot be shared or changed here."
            )
        except ServiceTitanError as exc:
            return ToolResult.error(f"ServiceTitan answered: {exc.message}. {exc.advice}".strip())

    def _identity_refusal(self, ctx: ToolContext, tool: Tool, args: dict[str, Any]) -> str | None:
        if tool.access != "account":
            return None
        state = ctx.state
        if state.verified_customer_id is None:
            return (
                "The customer is not verified yet. Ask for the phone number on the account and their full name "
                "or service ZIP code, and look them up first."
            )
        named = tool.customer_id(args)
        if named is not None and named != state.verified_customer_id:
            return "That customer id is not the verified customer's; only their own account can be used."
        return None

    async def _write(
        self, ctx: ToolContext, tool: Tool, args: dict[str, Any], confirmation_id: str | None
    ) -> ToolResult:
        state = ctx.state
        key = confirmation.digest(tool.id, args)
        # two parallel calls of one conversation cannot both pass the checks; nor can two conversations
        # writing for the same customer (the same visit confirmed in two tabs, one caller created twice),
        # so a write's own duplicate checks see what the other one did
        async with AsyncExitStack() as held:
            for name in [f"conversation:{state.conversation_id}", *self._subjects(ctx, tool, args, key)]:
                await held.enter_async_context(self._locks.hold(name))
            return await self._write_locked(ctx, tool, args, confirmation_id, key)

    @staticmethod
    def _subjects(ctx: ToolContext, tool: Tool, args: dict[str, Any], key: str) -> list[str]:
        """Who a write is about, as lock names, sorted so that two writes always take them in one order."""
        subjects = {f"call:{key}"}
        customer = tool.customer_id(args)
        if customer is None and tool.access == "account":
            customer = ctx.state.verified_customer_id
        if customer is not None:
            subjects.add(f"customer:{customer}")
        phone = args.get("phone")
        if isinstance(phone, str) and (digits := identity.phone_digits(phone)):
            subjects.add(f"phone:{digits}")
        return sorted(subjects)

    async def _write_locked(
        self, ctx: ToolContext, tool: Tool, args: dict[str, Any], confirmation_id: str | None, key: str
    ) -> ToolResult:
        state = ctx.state
        if key in state.done and confirmation_id is not None:
            repeat = ToolResult.model_validate(state.done[key])
            return repeat.model_copy(
                update={"status": "repeat", "message": "Already done; this is the earlier result."}
            )
        now = ctx.clock.now()
        if confirmation_id is None:
            blocked = await tool.prepare(ctx, args)
            if blocked is not None:
                return blocked
            summary = await tool.summarize(ctx, args)
            record = confirmation.propose(self._secret, state, tool.id, args, summary, now, self._ttl)
            proposal = Proposal(
                confirmation_id=confirmation.find_id(state, record),
                summary=summary,
                expires_at=record.expires_at,
            )
            return ToolResult(
                status="proposal",
                proposal=proposal,
                message="Nothing has been changed yet. Tell the customer this summary and ask them to "
                "confirm; when they clearly agree, call again with the same arguments and confirmation_id.",
            )
        refusal = confirmation.refusal(state, confirmation_id, tool.id, args, now)
        if refusal:
            return ToolResult.refused(refusal)
        state.proposals[confirmation_id].used = True
        result = await tool.run(ctx, args)
        if result.ok:
            state.done[key] = result.model_dump(mode="json")
        return result
