"""The ToolRunner's guards, with simple tools whose effects are counted: what the model cannot get past."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from frontdesk.capabilities.guards.agreement import classify
from frontdesk.capabilities.runner import NotYours, ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import Tool, ToolContext, ToolResult
from frontdesk.clock import FrozenClock


class Counter(Tool):
    """A write that counts how often it really ran."""

    id = "bookVisit"
    description = "Book a visit"
    effect = "write"
    access = "account"

    def __init__(self) -> None:
        self.runs = 0

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"customerId": {"type": "integer"}, "day": {"type": "string"}},
            "required": ["customerId", "day"],
            "additionalProperties": False,
        }

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        return f"Book a visit on {args['day']}"

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        await asyncio.sleep(0)  # give a concurrent call the chance to interleave
        self.runs += 1
        return ToolResult(data={"booked": args["day"], "run": self.runs})


class Secret(Tool):
    id = "accountDetails"
    description = "Account details"
    access = "account"

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"customerId": {"type": "integer"}},
            "required": ["customerId"],
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        if args["customerId"] == 99:
            raise NotYours
        return ToolResult(data={"balance": "$10.00"})


class Hours(Tool):
    id = "openingHours"
    description = "Opening hours"
    access = "public"

    def parameters(self) -> dict[str, Any]:
        return {"type": "object", "properties": {}}

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        return ToolResult(data={"hours": "8-6"})


@pytest.fixture
def booker() -> Counter:
    return Counter()


@pytest.fixture
def runs() -> list[ToolRun]:
    return []


@pytest.fixture
def runner(booker: Counter, runs: list[ToolRun]) -> ToolRunner:
    return ToolRunner([booker, Secret(), Hours()], secret=b"k", on_run=runs.append)


@pytest.fixture
def verified(new_state: Callable[..., GuardState]) -> GuardState:
    return new_state(verified_customer_id=7)


def ctx_for(make_ctx: Callable[[GuardState], ToolContext], state: GuardState) -> ToolContext:
    return make_ctx(state)


async def propose(runner: ToolRunner, ctx: ToolContext, **args: Any) -> str:
    result = await runner.run(ctx, "bookVisit", {"customerId": 7, "day": "Tuesday", **args})
    assert result.status == "proposal" and result.proposal is not None
    return result.proposal.confirmation_id


async def test_account_tools_need_a_verified_customer(
    runner: ToolRunner, make_ctx: Callable[[GuardState], ToolContext], new_state: Callable[..., GuardState]
) -> None:
    ctx = make_ctx(new_state())
    result = await runner.run(ctx, "accountDetails", {"customerId": 7})
    assert result.status == "refused" and "$10.00" not in str(result.for_model())
    assert (await runner.run(ctx, "openingHours", {})).status == "ok"


async def test_another_customers_id_is_refused(
    runner: ToolRunner, make_ctx: Callable[[GuardState], ToolContext], verified: GuardState
) -> None:
    ctx = make_ctx(verified)
    assert (await runner.run(ctx, "accountDetails", {"customerId": 8})).status == "refused"
    assert (await runner.run(ctx, "accountDetails", {"customerId": 7})).status == "ok"
    # a record found to belong to someone else (the tool raises NotYours) is refused too
    verified.verified_customer_id = 99
    assert (await runner.run(ctx, "accountDetails", {"customerId": 99})).status == "refused"


async def test_a_write_proposes_first_and_changes_nothing(
    runner: ToolRunner, booker: Counter, make_ctx: Callable[[GuardState], ToolContext], verified: GuardState
) -> None:
    ctx = make_ctx(verified)
    result = await runner.run(ctx, "bookVisit", {"customerId": 7, "day": "Tuesday"})
    assert result.status == "proposal"
    assert result.proposal is not None and result.proposal.summary == "Book a visit on Tuesday"
    assert booker.runs == 0


async def test_confirmation_needs_a_later_clear_yes(
    runner: ToolRunner, booker: Counter, make_ctx: Callable[[GuardState], ToolContext], verified: GuardState
) -> None:
    verified.note_customer_message("Yes, book me for Tuesday")  # said before the summary: does not count
    ctx = make_ctx(verified)
    confirmation = await propose(runner, ctx)
    args = {"customerId": 7, "day": "Tuesday", "confirmation_id": confirmation}
    assert (await runner.run(ctx, "bookVisit", args)).status == "refused"
    verified.note_customer_message("Hmm, maybe, let me think")
    assert (await runner.run(ctx, "bookVisit", args)).status == "refused"
    verified.note_customer_message("Yes please, go ahead")
    done = await runner.run(ctx, "bookVisit", args)
    assert done.status == "ok" and booker.runs == 1


async def test_altered_reused_unknown_and_expired_confirmations_are_refused(
    runner: ToolRunner,
    booker: Counter,
    make_ctx: Callable[[GuardState], ToolContext],
    verified: GuardState,
    clock: FrozenClock,
) -> None:
    ctx = make_ctx(verified)
    confirmation = await propose(runner, ctx)
    verified.note_customer_message("yes")
    altered = await runner.run(
        ctx, "bookVisit", {"customerId": 7, "day": "Friday", "confirmation_id": confirmation}
    )
    assert altered.status == "refused" and "differ" in (altered.message or "")
    unknown = await runner.run(
        ctx, "bookVisit", {"customerId": 7, "day": "Tuesday", "confirmation_id": "cf_x"}
    )
    assert unknown.status == "refused"
    assert booker.runs == 0

    late = await propose(runner, ctx, day="Monday")
    verified.note_customer_message("yes")
    clock.advance(timedelta(hours=1))
    expired = await runner.run(ctx, "bookVisit", {"customerId": 7, "day": "Monday", "confirmation_id": late})
    assert expired.status == "refused" and "expired" in (expired.message or "")
    assert booker.runs == 0


async def test_a_confirmed_write_happens_once(
    runner: ToolRunner, booker: Counter, make_ctx: Callable[[GuardState], ToolContext], verified: GuardState
) -> None:
    ctx = make_ctx(verified)
    confirmation = await propose(runner, ctx)
    verified.note_customer_message("Sounds good")
    args = {"customerId": 7, "day": "Tuesday", "confirmation_id": confirmation}
    first, second = await asyncio.gather(
        runner.run(ctx, "bookVisit", args), runner.run(ctx, "bookVisit", args)
    )
    assert booker.runs == 1
    assert {first.status, second.status} == {"ok", "repeat"}
    again = await runner.run(ctx, "bookVisit", args)
    assert again.status == "repeat" and again.data == first.data == second.data


async def test_confirmations_do_not_cross_conversations(
    runner: ToolRunner,
    booker: Counter,
    make_ctx: Callable[[GuardState], ToolContext],
    new_state: Callable[..., GuardState],
) -> None:
    mine = new_state(verified_customer_id=7)
    confirmation = await propose(runner, make_ctx(mine))
    other = new_state(verified_customer_id=7)
    other.note_customer_message("yes")
    stolen = await runner.run(
        make_ctx(other), "bookVisit", {"customerId": 7, "day": "Tuesday", "confirmation_id": confirmation}
    )
    assert stolen.status == "refused" and booker.runs == 0


async def test_bad_arguments_and_unknown_or_disabled_tools(
    booker: Counter, make_ctx: Callable[[GuardState], ToolContext], verified: GuardState
) -> None:
    runner = ToolRunner([booker, Hours()], secret=b"k", disabled={"openingHours": "grant tn.x.y:r"})
    ctx = make_ctx(verified)
    bad = await runner.run(ctx, "bookVisit", {"customerId": "seven", "day": "Tuesday"})
    assert bad.status == "error" and "customerId" in (bad.message or "")
    assert (await runner.run(ctx, "nope", {})).status == "error"
    off = await runner.run(ctx, "openingHours", {})
    assert off.status == "refused" and "tn.x.y:r" in (off.message or "")
    assert [s.name for s in runner.specs()] == ["bookVisit"]
    assert "confirmation_id" in runner.specs()[0].parameters["properties"]


async def test_every_run_is_recorded_with_its_servicetitan_exchanges(
    runner: ToolRunner,
    runs: list[ToolRun],
    make_ctx: Callable[[GuardState], ToolContext],
    verified: GuardState,
) -> None:
    class Lookup(Hours):
        id = "lookupUnits"

        async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
            page = await ctx.client.settings.business_units.list(page_size=1)
            return ToolResult(data={"units": len(page.data)})

    recording = ToolRunner([Lookup()], secret=b"k", on_run=runs.append)
    await recording.run(make_ctx(verified), "lookupUnits", {})
    assert runs[-1].tool_id == "lookupUnits" and runs[-1].result.status == "ok"
    urls = [e.url for e in runs[-1].exchanges]
    assert any("/business-units" in u for u in urls)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Yes", "yes"),
        ("yes please book it", "yes"),
        ("Sounds good!", "yes"),
        ("Tuesday at 2 PM would be perfect. Can you book that for me?", "yes"),
        ("No", "no"),
        ("yes but make it Wednesday", "no"),
        ("Actually, wait", "no"),
        ("not yet", "no"),
        ("what time would the technician come?", "unclear"),
    ],
)
def test_agreement_reading_is_strict(text: str, answer: str) -> None:
    assert classify(text) == answer
