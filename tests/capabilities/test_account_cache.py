"""A number looked up minutes before is answered without asking ServiceTitan again, and verifies nobody.

The cache is shared by conversations (a customer who texted, then calls) and spares the second lookup of
a verification done in two steps (the number first, the name after).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.capabilities.accounts import AccountCache, KeptAccount
from frontdesk.capabilities.pack.booking import CreateCustomer
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.tool import ToolContext, ToolResult
from frontdesk.clock import FrozenClock
from frontdesk.servicetitan import ServiceTitanClient
from frontdesk.servicetitan.models import Customer

ROBERT_PHONE = "5551234567"


@pytest.fixture
def runs() -> list[ToolRun]:
    return []


@pytest.fixture
def runner(runs: list[ToolRun]) -> ToolRunner:
    return ToolRunner([SearchCustomers(), CreateCustomer()], secret=b"test", on_run=runs.append)


@pytest.fixture
def accounts(clock: FrozenClock) -> AccountCache:
    """One cache for every conversation of a test, as the receptionist shares it."""
    return AccountCache(clock)


def requests(run: ToolRun) -> list[str]:
    return [f"{e.method} {e.url.split('?')[0].rsplit('/', 1)[-1]}" for e in run.exchanges if e.kind == "api"]


def seen(result: ToolResult) -> str:
    return json.dumps(result.for_model()).lower()


async def verify_robert(runner: ToolRunner, ctx: ToolContext) -> ToolResult:
    return await runner.run(ctx, "searchCustomers", {"phone": ROBERT_PHONE, "name": "Robert Johnson"})


async def test_a_customer_who_calls_back_minutes_later_is_found_without_a_request(
    runner: ToolRunner, conversation: Callable[..., ToolContext], runs: list[ToolRun], clock: FrozenClock
) -> None:
    texted = conversation("Robert Johnson here, 555-123-4567")
    first = await verify_robert(runner, texted)
    assert first.data["match"] == "verified"
    assert requests(runs[-1]) == ["GET customers", "GET locations"]

    clock.advance(timedelta(minutes=4))
    calls = conversation("Hi, it's Robert Johnson again, 555-123-4567")
    again = await verify_robert(runner, calls)

    assert again.data["match"] == "verified" and calls.state.verified_customer_id == 10000001
    assert requests(runs[-1]) == []
    same = again.data["customer"]
    assert same["serviceLocations"] == first.data["customer"]["serviceLocations"]
    assert same["name"] == "Robert Johnson"
    # a balance read minutes ago may predate a payment: it is left to the billing tools
    assert "balance" in first.data["customer"] and "balance" not in same
    assert [f.value for f in again.facts if f.kind == "address"] == [
        f.value for f in first.facts if f.kind == "address"
    ]


async def test_a_kept_account_still_needs_the_caller_to_prove_who_they_are(
    runner: ToolRunner, conversation: Callable[..., ToolContext], runs: list[ToolRun]
) -> None:
    await verify_robert(runner, conversation("Robert Johnson, 555-123-4567"))

    stranger = conversation("I'm Sarah Williams, 555 123 4567")
    result = await runner.run(stranger, "searchCustomers", {"phone": ROBERT_PHONE, "name": "Sarah Williams"})
    assert requests(runs[-1]) == []
    assert result.data == {"match": "found", "verified": False}
    assert stranger.state.verified_customer_id is None
    for secret in ("robert", "johnson", "main street", "62701", "10000001"):
        assert secret not in seen(result)

    # the model passes the right name, but this caller never wrote it
    guessing = conversation("my number is 555-123-4567")
    result = await verify_robert(runner, guessing)
    assert result.data == {"match": "found", "verified": False}
    assert guessing.state.verified_customer_id is None


async def test_verifying_in_two_steps_reads_the_account_once(
    runner: ToolRunner, conversation: Callable[..., ToolContext], runs: list[ToolRun]
) -> None:
    ctx = conversation("my number is 555-123-4567")
    first = await runner.run(ctx, "searchCustomers", {"phone": ROBERT_PHONE})
    assert first.data == {"match": "found", "verified": False}
    assert requests(runs[-1]) == ["GET customers", "GET locations"]

    ctx.state.note_customer_message("Robert Johnson")
    second = await verify_robert(runner, ctx)
    assert second.data["match"] == "verified"
    assert requests(runs[-1]) == []


async def test_after_five_minutes_the_account_is_read_again(
    runner: ToolRunner,
    conversation: Callable[..., ToolContext],
    runs: list[ToolRun],
    clock: FrozenClock,
    st_client: ServiceTitanClient,
) -> None:
    await verify_robert(runner, conversation("Robert Johnson, 555-123-4567"))
    # the office adds a second service address for Robert
    address = {"street": "9 Lake Rd", "city": "Springfield", "state": "IL", "zip": "62704", "country": "USA"}
    await st_client.crm.locations.create({"customerId": 10000001, "name": "Lake house", "address": address})

    clock.advance(timedelta(minutes=5))
    result = await verify_robert(runner, conversation("Robert Johnson, 555-123-4567"))
    assert requests(runs[-1]) == ["GET customers", "GET locations"]
    places = [p["address"] for p in result.data["customer"]["serviceLocations"]]
    assert "9 Lake Rd, Springfield, IL 62704" in places
    assert "balance" in result.data["customer"]


async def test_no_account_is_never_kept(
    runner: ToolRunner, conversation: Callable[..., ToolContext], runs: list[ToolRun], accounts: AccountCache
) -> None:
    for _ in range(2):
        result = await runner.run(
            conversation("I'm new, 555-987-6543"), "searchCustomers", {"phone": "555-987-6543"}
        )
        assert result.data == {"match": "none"}
        assert requests(runs[-1]) == ["GET customers"]
    assert len(accounts) == 0


async def test_a_new_account_for_a_kept_number_is_refused_without_asking_again(
    runner: ToolRunner, conversation: Callable[..., ToolContext], runs: list[ToolRun]
) -> None:
    await runner.run(conversation("555-123-4567"), "searchCustomers", {"phone": ROBERT_PHONE})

    ctx = conversation("I'm Bob Smith, 555-123-4567, 9 Lake Rd, Springfield IL 62704. Set me up please")
    args: dict[str, Any] = {
        "name": "Bob Smith",
        "phone": "555-123-4567",
        "street": "9 Lake Rd",
        "city": "Springfield",
        "state": "IL",
        "zip": "62704",
    }
    result = await runner.run(ctx, "createCustomer", args)
    assert result.status == "refused" and "exists already" in (result.message or "")
    assert requests(runs[-1]) == []


# --- the cache itself --------------------------------------------------------------------------------


def kept(customer_id: int) -> list[KeptAccount]:
    return [KeptAccount(Customer(id=customer_id, name=f"Customer {customer_id}"), ())]


async def test_the_least_recently_used_number_goes_first_when_full() -> None:
    clock = FrozenClock(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    cache = AccountCache(clock, max_numbers=2)
    await cache.keep("5550000001", kept(1))
    await cache.keep("5550000002", kept(2))
    assert await cache.get("5550000001") is not None  # used: now the most recent
    await cache.keep("5550000003", kept(3))
    assert await cache.get("5550000002") is None
    assert await cache.get("5550000001") is not None and await cache.get("5550000003") is not None
    assert len(cache) == 2


async def test_forgetting_a_number_and_a_clock_set_back_both_read_again() -> None:
    clock = FrozenClock(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    cache = AccountCache(clock)
    await cache.keep("5550000001", kept(1))
    await cache.forget("5550000001")
    assert await cache.get("5550000001") is None
    await cache.keep("5550000001", kept(1))
    clock.advance(timedelta(minutes=-1))
    assert await cache.get("5550000001") is None
    with pytest.raises(ValueError):
        AccountCache(clock, max_numbers=0)
