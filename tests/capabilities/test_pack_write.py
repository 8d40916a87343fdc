"""Scheduling and write tools of the ServiceTitan pack, through the ToolRunner, on the in-process sandbox.

"Now" is Monday 2026-03-09, 10:00 in Springfield (America/Chicago, daylight time: UTC-5).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from frontdesk.capabilities.guards.identity import grant
from frontdesk.capabilities.pack.booking import CreateAppointment, CreateCustomer
from frontdesk.capabilities.pack.changes import AddJobNote, CancelAppointment, RescheduleAppointment
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.pack.scheduling import GetAvailableTimeSlots
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import ToolContext, ToolResult
from frontdesk.clock import FrozenClock
from frontdesk.profile import BusinessProfile
from frontdesk.sandbox.api.jpm.common import NOTES
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_TENANT, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET
from frontdesk.sandbox.store import Where
from frontdesk.servicetitan import ServiceTitanClient
from tests.capabilities.conftest import sandbox_settings

TUESDAY = "2026-03-10"
TUESDAY_8AM = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 8:00 local
TUESDAY_10AM = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
YES = "yes, please book it"

Ctx = Callable[[GuardState], ToolContext]


@pytest.fixture
def runner() -> ToolRunner:
    tools = [
        GetAvailableTimeSlots(),
        CreateCustomer(),
        CreateAppointment(),
        RescheduleAppointment(),
        CancelAppointment(),
        AddJobNote(),
    ]
    return ToolRunner(tools, secret=b"test")


@pytest.fixture
def ctx_of(
    st_client: ServiceTitanClient, profile: BusinessProfile, clock: FrozenClock
) -> Callable[[GuardState], ToolContext]:
    cache = ReferenceCache(st_client)

    def make(state: GuardState) -> ToolContext:
        return ToolContext(client=st_client, profile=profile, clock=clock, state=state, reference=cache)

    return make


@pytest.fixture
async def robert(st_client: ServiceTitanClient) -> tuple[int, int]:
    """Robert Johnson's customer id and his one location."""
    customer = (await st_client.crm.customers.list(name="Robert Johnson")).data[0]
    location = (await st_client.crm.locations.list(customer_id=customer.id)).data[0]
    return customer.id, location.id


@pytest.fixture
def robert_state(new_state: Callable[..., GuardState], robert: tuple[int, int]) -> GuardState:
    state = new_state()
    state.note_customer_message("Hi, this is Robert Johnson, 555-123-4567. I need my annual furnace tune-up.")
    grant(state, robert[0], ["phone", "name"])
    return state


async def confirm(runner: ToolRunner, ctx: ToolContext, tool: str, args: dict[str, Any]) -> ToolResult:
    """Propose, have the customer agree, and run the write."""
    proposal = await runner.run(ctx, tool, args)
    assert proposal.status == "proposal", proposal.for_model()
    assert proposal.proposal is not None
    ctx.state.note_customer_message(YES)
    return await runner.run(ctx, tool, {**args, "confirmation_id": proposal.proposal.confirmation_id})


def jobs_of(sandbox: Sandbox, customer_id: int) -> list[dict[str, Any]]:
    return sandbox.store["jobs"].select(DEMO_TENANT, Where().eq("customer_id", customer_id))


def appointment_of(sandbox: Sandbox, job_id: int) -> dict[str, Any]:
    found = sandbox.store["appointments"].select(DEMO_TENANT, Where().eq("job_id", job_id))
    assert len(found) == 1
    return found[0]


async def fill(st_client: ServiceTitanClient, start: datetime, job_type_id: int = 1001) -> int:
    """Other customers book HVAC visits in the window starting at ``start`` until capacity says it is full."""
    filler = (await st_client.crm.customers.list(name="Robert Johnson")).data[0].id
    others = [c for c in (await st_client.crm.customers.list(page_size=20)).data if c.id != filler]
    for booked, customer in enumerate(others):
        answer = await st_client.dispatch.capacity(
            start, start + timedelta(hours=2), skill_based_availability=True, job_type_id=job_type_id
        )
        if not answer.availabilities[0].is_available:
            return booked
        location = (await st_client.crm.locations.list(customer_id=customer.id)).data[0]
        await st_client.jpm.jobs.create(
            {
                "customerId": customer.id,
                "locationId": location.id,
                "businessUnitId": 101,
                "jobTypeId": 1002,
                "priority": "Normal",
                "campaignId": 502,
                "appointments": [
                    {
                        "start": start,
                        "end": start + timedelta(hours=2),
                        "arrivalWindowStart": start,
                        "arrivalWindowEnd": start + timedelta(hours=2),
                    }
                ],
            }
        )
    raise AssertionError("could not fill the window")


def starts(result: ToolResult, key: str = "windows") -> list[datetime]:
    return [datetime.fromisoformat(x["windowStart"]) for x in result.data[key]]


# --- getAvailableTimeSlots --------------------------------------------------------------------------


async def test_slots_for_maintenance_on_the_preferred_day(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any
) -> None:
    ctx = ctx_of(new_state())
    result = await runner.run(
        ctx, "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": [TUESDAY]}
    )
    assert result.status == "ok", result.for_model()
    offered = starts(result)
    assert 1 <= len(offered) <= 4
    for start in offered:
        assert start.utcoffset() == timedelta(hours=-5)  # local time, daylight saving
        assert start.date().isoformat() == TUESDAY and 8 <= start.hour < 18
    words = [x["window"] for x in result.data["windows"]]
    assert words[0] == "Tuesday, March 10, 8:00 AM – 10:00 AM"
    assert {f.value for f in result.facts if f.kind == "window"} == set(words)


async def test_a_weekday_name_and_the_morning(runner: ToolRunner, ctx_of: Ctx, new_state: Any) -> None:
    ctx = ctx_of(new_state())
    result = await runner.run(
        ctx,
        "getAvailableTimeSlots",
        {"jobType": "hvac maintenance", "preferredDays": ["Wednesday"], "timeOfDay": "afternoon"},
    )
    offered = starts(result)
    assert offered and all(s.date().isoformat() == "2026-03-11" and s.hour >= 12 for s in offered)


async def test_an_hour_asked_for_offers_each_days_window_nearest_it(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any
) -> None:
    # "4pm works": not each day's first window, the one the technician can arrive at 4 in
    result = await runner.run(
        ctx_of(new_state()), "getAvailableTimeSlots", {"jobType": "hvac maintenance", "time": "16:00"}
    )
    offered = starts(result)
    assert len({s.date() for s in offered}) == len(offered) >= 2  # still a choice of days
    assert all(s.hour == 16 for s in offered), [x["window"] for x in result.data["windows"]]
    refused = await runner.run(
        ctx_of(new_state()), "getAvailableTimeSlots", {"jobType": "hvac maintenance", "time": "4pm"}
    )
    assert refused.status != "ok" and refused.data.get("windows") is None


async def test_a_full_window_is_not_offered(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, st_client: ServiceTitanClient
) -> None:
    assert await fill(st_client, TUESDAY_8AM) > 0
    result = await runner.run(
        ctx_of(new_state()),
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": [TUESDAY]},
    )
    offered = starts(result)
    assert offered and TUESDAY_8AM not in offered
    assert offered[0] == TUESDAY_10AM


async def test_a_full_day_says_so_and_offers_the_open_days_nearest_it(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, st_client: ServiceTitanClient
) -> None:
    saturday = [datetime(2026, 3, 14, 14, 0, tzinfo=UTC), datetime(2026, 3, 14, 16, 0, tzinfo=UTC)]
    before = await runner.run(
        ctx_of(new_state()),
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": ["Saturday"]},
    )
    assert starts(before) == saturday  # 9–11 and 11–1: Saturday hours are 9 to 1
    for start in saturday:
        await fill(st_client, start)
    result = await runner.run(
        ctx_of(new_state()),
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": ["Saturday"]},
    )
    assert result.status == "ok" and result.data["windows"] == []
    assert "No open arrival windows" in (result.message or "")
    nearest = {s.date().isoformat() for s in starts(result, "alternatives")}
    # Friday is one day away, Thursday and Monday two, Tuesday three (Sunday is closed; a tie goes later)
    assert nearest == {"2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17"}


async def test_a_day_past_the_booking_horizon_gets_the_last_bookable_days(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any
) -> None:
    """Asked for a day a month out, with visits bookable two weeks ahead: the windows offered are the
    ones nearest that day (the last bookable days), not the first open days, and the reply can name the
    last bookable day because a fact backs it."""
    result = await runner.run(
        ctx_of(new_state()),
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": ["2026-04-08"]},
    )
    assert result.status == "ok" and result.data["windows"] == []
    assert result.data["bookableUntil"] == "Monday, March 23"
    offered = starts(result, "alternatives")
    assert offered and all("2026-03-19" <= s.date().isoformat() <= "2026-03-23" for s in offered)
    assert any(f.kind == "date" and f.value == "Monday, March 23" for f in result.facts)
    assert "past the last day that can be booked" in (result.message or "")


async def test_an_unknown_job_type_points_to_the_guidance(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any
) -> None:
    result = await runner.run(
        ctx_of(new_state()), "getAvailableTimeSlots", {"jobType": "leak under the sink"}
    )
    assert result.status == "error"
    assert "'Leak Repair' looks closest" in (result.message or "")


async def test_a_missing_scope_is_named(
    runner: ToolRunner,
    st_app: Starlette,
    clock: FrozenClock,
    profile: BusinessProfile,
    robert_state: GuardState,
    sandbox: Sandbox,
    robert: tuple[int, int],
) -> None:
    # the limited client may read customers and jobs, and nothing else
    settings = sandbox_settings(client_id=LIMITED_CLIENT_ID, client_secret=LIMITED_CLIENT_SECRET)
    async with ServiceTitanClient(
        settings, transport=httpx.ASGITransport(app=st_app), clock=clock
    ) as limited:
        ctx = ToolContext(
            client=limited,
            profile=profile,
            clock=clock,
            state=robert_state,
            reference=ReferenceCache(limited),
        )
        slots = await runner.run(ctx, "getAvailableTimeSlots", {"jobType": "HVAC Maintenance"})
        number = jobs_of(sandbox, robert[0])[0]["jobNumber"]
        note = await confirm(runner, ctx, "addJobNote", {"jobNumber": number, "text": "Side door, please"})
    assert slots.status == "error" and "tn.jpm.jobtypes:r" in (slots.message or "")
    assert note.status == "error" and "tn.jpm.jobs:w" in (note.message or "")


# --- createAppointment ------------------------------------------------------------------------------


def booking(customer_id: int, start: datetime = TUESDAY_8AM, **extra: Any) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "jobType": "HVAC Maintenance",
        "summary": "Annual furnace tune-up",
        "windowStart": start.isoformat(),
        **extra,
    }


async def test_an_existing_customer_books_a_visit(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    ctx = ctx_of(robert_state)
    before = len(jobs_of(sandbox, robert[0]))
    proposal = await runner.run(ctx, "createAppointment", booking(robert[0]))
    assert proposal.status == "proposal" and proposal.proposal is not None
    summary = proposal.proposal.summary
    assert "HVAC Maintenance" in summary and "1234 Main Street" in summary
    assert "Tuesday, March 10, 8:00 AM – 10:00 AM" in summary
    assert len(jobs_of(sandbox, robert[0])) == before  # nothing booked before the yes

    robert_state.note_customer_message(YES)
    done = await runner.run(
        ctx, "createAppointment", {**booking(robert[0]), "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert done.status == "ok", done.for_model()
    jobs = jobs_of(sandbox, robert[0])
    assert len(jobs) == before + 1
    job = next(j for j in jobs if j["id"] == done.data["jobId"])
    assert (job["jobTypeId"], job["businessUnitId"], job["campaignId"], job["priority"]) == (
        1001,
        101,
        501,
        "Normal",
    )
    visit = appointment_of(sandbox, job["id"])
    assert datetime.fromisoformat(visit["arrivalWindowStart"]) == TUESDAY_8AM
    assert datetime.fromisoformat(visit["arrivalWindowEnd"]) == TUESDAY_8AM + timedelta(hours=2)
    facts = {f.kind: f.value for f in done.facts}
    assert facts["job_number"] == job["jobNumber"] == done.data["jobNumber"]
    assert facts["window"] == "Tuesday, March 10, 8:00 AM – 10:00 AM"


async def test_an_emergency_is_urgent_and_another_customer_is_refused(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    ctx = ctx_of(robert_state)
    other = await runner.run(ctx, "createAppointment", booking(robert[0] + 1))
    assert other.status == "refused"
    args = booking(
        robert[0], jobType="No Heat / No Cooling Emergency", summary="No heat at all", emergency=True
    )
    done = await confirm(runner, ctx, "createAppointment", args)
    assert done.status == "ok", done.for_model()
    job = next(j for j in jobs_of(sandbox, robert[0]) if j["id"] == done.data["jobId"])
    assert (job["priority"], job["jobTypeId"]) == ("Urgent", 1003)


async def test_a_double_submit_books_one_job(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    ctx = ctx_of(robert_state)
    before = len(jobs_of(sandbox, robert[0]))
    args = booking(robert[0])
    proposal = await runner.run(ctx, "createAppointment", args)
    assert proposal.proposal is not None
    robert_state.note_customer_message(YES)
    confirmed = {**args, "confirmation_id": proposal.proposal.confirmation_id}
    first = await runner.run(ctx, "createAppointment", confirmed)
    again = await runner.run(ctx, "createAppointment", confirmed)
    assert first.status == "ok" and again.status == "repeat"
    assert again.data["jobNumber"] == first.data["jobNumber"]
    # the same visit in another window is a second job for one visit: refused, with the job number
    other = await runner.run(ctx, "createAppointment", booking(robert[0], TUESDAY_10AM))
    assert other.status == "refused" and first.data["jobNumber"] in (other.message or "")
    assert len(jobs_of(sandbox, robert[0])) == before + 1


async def test_a_window_taken_meanwhile_is_refused_with_alternatives(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    sandbox: Sandbox,
    st_client: ServiceTitanClient,
) -> None:
    ctx = ctx_of(robert_state)
    before = len(jobs_of(sandbox, robert[0]))
    args = booking(robert[0])
    proposal = await runner.run(ctx, "createAppointment", args)
    assert proposal.proposal is not None
    await fill(st_client, TUESDAY_8AM)  # others take the last places before Robert says yes
    robert_state.note_customer_message(YES)
    result = await runner.run(
        ctx, "createAppointment", {**args, "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert result.status == "refused" and "no longer available" in (result.message or "")
    offered = starts(result, "alternatives")
    assert offered and TUESDAY_8AM not in offered
    assert len(jobs_of(sandbox, robert[0])) == before


async def requests_of(runner: ToolRunner, ctx: ToolContext, tool: str, args: dict[str, Any]) -> list[str]:
    """Run a tool and list the ServiceTitan requests it made (method and the path after the tenant)."""
    runs: list[Any] = []
    ctx.extra["runs"] = runs
    await runner.run(ctx, tool, args)
    return [f"{e.method} {e.url.split(f'/{DEMO_TENANT}/', 1)[-1].split('?')[0]}" for e in runs[-1].exchanges]


async def test_a_proposal_from_windows_just_offered_asks_nothing_but_the_yes_checks_afresh(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    sandbox: Sandbox,
    st_client: ServiceTitanClient,
) -> None:
    ctx = ctx_of(robert_state)
    offered = await runner.run(
        ctx, "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": [TUESDAY]}
    )
    assert TUESDAY_8AM in starts(offered)
    # the state goes through JSON between turns: what was read is kept with it
    state = GuardState.model_validate_json(robert_state.model_dump_json())
    ctx = ctx_of(state)
    ctx.state.note_customer_message("The 8 o'clock one")
    args = booking(robert[0])
    asked = await requests_of(runner, ctx, "createAppointment", args)
    assert ctx.state.proposals and "POST capacity" not in asked and "GET jobs" not in asked
    # the locations read for the proposal are kept too: the next one asks nothing
    assert await requests_of(runner, ctx, "createAppointment", {**args, "summary": "Tune-up"}) == []

    # a window that was not offered is asked for
    other = booking(robert[0], TUESDAY_8AM + timedelta(days=1))  # Wednesday: not offered
    assert "POST capacity" in await requests_of(runner, ctx, "createAppointment", other)

    # the yes asks ServiceTitan again: the window filled meanwhile, so nothing is booked
    before = len(jobs_of(sandbox, robert[0]))
    await fill(st_client, TUESDAY_8AM)
    proposed = await runner.run(ctx, "createAppointment", args)
    assert proposed.proposal is not None
    ctx.state.note_customer_message(YES)
    result = await runner.run(
        ctx, "createAppointment", {**args, "confirmation_id": proposed.proposal.confirmation_id}
    )
    assert result.status == "refused" and "no longer available" in (result.message or "")
    assert len(jobs_of(sandbox, robert[0])) == before


async def test_an_offer_grows_stale(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], clock: FrozenClock
) -> None:
    ctx = ctx_of(robert_state)
    await runner.run(
        ctx, "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "preferredDays": [TUESDAY]}
    )
    clock.advance(timedelta(minutes=11))
    assert "POST capacity" in await requests_of(runner, ctx, "createAppointment", booking(robert[0]))


async def test_an_open_job_booked_by_the_office_is_found_when_the_booking_runs(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    sandbox: Sandbox,
    st_client: ServiceTitanClient,
) -> None:
    ctx = ctx_of(robert_state)
    args = booking(robert[0])
    proposal = await runner.run(ctx, "createAppointment", args)
    assert proposal.proposal is not None
    # meanwhile the office books the same visit on the phone
    thursday = datetime(2026, 3, 12, 13, 0, tzinfo=UTC)
    office = await st_client.jpm.jobs.create(
        {
            "customerId": robert[0],
            "locationId": robert[1],
            "businessUnitId": 101,
            "jobTypeId": 1001,
            "priority": "Normal",
            "campaignId": 501,
            "appointments": [
                {
                    "start": thursday,
                    "end": thursday + timedelta(hours=2),
                    "arrivalWindowStart": thursday,
                    "arrivalWindowEnd": thursday + timedelta(hours=2),
                }
            ],
        }
    )
    before = len(jobs_of(sandbox, robert[0]))
    robert_state.note_customer_message(YES)
    result = await runner.run(
        ctx, "createAppointment", {**args, "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert result.status == "refused" and f"#{office.job_number}" in (result.message or "")
    assert len(jobs_of(sandbox, robert[0])) == before


async def test_a_visit_canceled_here_may_be_booked_again(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int]
) -> None:
    ctx = ctx_of(robert_state)
    booked = await confirm(runner, ctx, "createAppointment", booking(robert[0]))
    assert booked.status == "ok", booked.for_model()
    refused = await runner.run(ctx, "createAppointment", booking(robert[0], TUESDAY_10AM))
    assert refused.status == "refused" and booked.data["jobNumber"] in (refused.message or "")
    canceled = await confirm(runner, ctx, "cancelAppointment", {"jobNumber": booked.data["jobNumber"]})
    assert canceled.status == "ok", canceled.for_model()
    again = await confirm(runner, ctx, "createAppointment", booking(robert[0], TUESDAY_10AM))
    assert again.status == "ok", again.for_model()


# --- createCustomer ---------------------------------------------------------------------------------

SARAH = {
    "name": "Sarah Williams",
    "phone": "555-987-6543",
    "email": "sarah.williams@email.com",
    "street": "742 Evergreen Terrace",
    "city": "Springfield",
    "state": "IL",
    "zip": "62704",
}


async def test_a_new_customer_is_created_and_books_a_leak_repair(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, sandbox: Sandbox, st_client: ServiceTitanClient
) -> None:
    state = new_state()
    state.note_customer_message("I'm Sarah Williams, 555-987-6543, and my kitchen sink is leaking underneath")
    ctx = ctx_of(state)
    proposal = await runner.run(ctx, "createCustomer", SARAH)
    assert proposal.proposal is not None
    assert (
        "Sarah Williams" in proposal.proposal.summary and "742 Evergreen Terrace" in proposal.proposal.summary
    )
    state.note_customer_message("Yes, that's right")
    created = await runner.run(
        ctx, "createCustomer", {**SARAH, "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert created.status == "ok", created.for_model()
    customer_id = created.data["customerId"]
    assert state.verified_customer_id == customer_id and customer_id in state.created_customer_ids

    customer = await st_client.crm.customers.get(customer_id)
    assert (
        customer.address is not None and customer.address.country == "USA" and customer.address.zip == "62704"
    )
    locations = (await st_client.crm.locations.list(customer_id=customer_id)).data
    assert [loc.id for loc in locations] == [created.data["locationId"]]
    contacts = {(c.type, c.value) for c in await st_client.crm.customers.contacts(customer_id)}
    assert ("Phone", "5559876543") in contacts and ("Email", "sarah.williams@email.com") in contacts

    slots = await runner.run(
        ctx, "getAvailableTimeSlots", {"jobType": "Leak Repair", "preferredDays": [TUESDAY]}
    )
    window = slots.data["windows"][0]["windowStart"]
    args = {"customerId": customer_id, "jobType": "Leak Repair", "summary": "Leak under the kitchen sink"}
    done = await confirm(runner, ctx, "createAppointment", {**args, "windowStart": window})
    assert done.status == "ok", done.for_model()
    [job] = jobs_of(sandbox, customer_id)
    assert (job["jobTypeId"], job["businessUnitId"], job["locationId"]) == (1005, 102, locations[0].id)
    unit = await st_client.settings.business_units.get(job["businessUnitId"])
    assert unit.name is not None and "Plumbing" in unit.name


async def test_a_new_account_goes_by_the_lookup_made_minutes_before(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, st_client: ServiceTitanClient, clock: FrozenClock
) -> None:
    lookup = ToolRunner([SearchCustomers()], secret=b"test")
    said = "I'm Sarah Williams, 555-987-6543, and my kitchen sink is leaking underneath"
    chat, text = ctx_of(new_state()), ctx_of(new_state())  # she writes on two channels
    for ctx in (chat, text):
        ctx.state.note_customer_message(said)
        assert (await lookup.run(ctx, "searchCustomers", {"phone": SARAH["phone"]})).status == "not_found"
    # the proposal and the yes both go by that answer: the yes only creates the account
    proposal = await runner.run(chat, "createCustomer", SARAH)
    assert proposal.proposal is not None
    chat.state.note_customer_message("Yes, that's right")
    yes = {**SARAH, "confirmation_id": proposal.proposal.confirmation_id}
    assert await requests_of(runner, chat, "createCustomer", yes) == ["POST customers"]

    # the other channel's lookup has grown stale by the time she asks there: the number is searched again
    clock.advance(timedelta(minutes=11))
    again = await runner.run(text, "createCustomer", SARAH)
    assert again.status == "refused" and "exists already" in (again.message or "")
    assert len((await st_client.crm.customers.list(name="Sarah Williams")).data) == 1


async def test_a_job_read_back_without_its_visit_promises_no_time(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    st_client: ServiceTitanClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read = st_client.jpm.jobs.get

    async def without_visit(job_id: int) -> Any:
        return (await read(job_id)).model_copy(update={"first_appointment_id": None})

    monkeypatch.setattr(st_client.jpm.jobs, "get", without_visit)
    done = await confirm(runner, ctx_of(robert_state), "createAppointment", booking(robert[0]))
    assert done.status == "ok" and done.data["jobNumber"] and "window" not in done.data
    assert not [f for f in done.facts if f.kind == "window"] and "office will call" in (done.message or "")


async def test_a_zip_outside_the_area_is_refused(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, st_client: ServiceTitanClient
) -> None:
    state = new_state()
    ctx = ctx_of(state)
    result = await runner.run(ctx, "createCustomer", {**SARAH, "zip": "60601", "city": "Chicago"})
    assert result.status == "refused"
    assert "60601" in (result.message or "") and "callback" in (result.message or "")
    assert (await st_client.crm.customers.list(name="Sarah Williams")).data == []
    assert state.verified_customer_id is None


async def test_a_known_phone_gets_no_second_account(
    runner: ToolRunner, ctx_of: Ctx, new_state: Any, st_client: ServiceTitanClient
) -> None:
    state = new_state()
    again = {
        **SARAH,
        "name": "Bob Johnson",
        "phone": "(555) 123-4567",
        "street": "1234 Main Street",
        "zip": "62701",
    }
    result = await runner.run(ctx_of(state), "createCustomer", again)
    assert result.status == "refused" and "exists already" in (result.message or "")
    assert (await st_client.crm.customers.list(name="Bob Johnson")).data == []
    assert state.verified_customer_id is None


# --- changes to an own job --------------------------------------------------------------------------


async def book(runner: ToolRunner, ctx: ToolContext, customer_id: int) -> ToolResult:
    done = await confirm(runner, ctx, "createAppointment", booking(customer_id))
    assert done.status == "ok", done.for_model()
    return done


async def test_reschedule_note_and_cancel_an_own_job(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    ctx = ctx_of(robert_state)
    booked = await book(runner, ctx, robert[0])
    number, job_id = booked.data["jobNumber"], booked.data["jobId"]
    thursday = datetime(2026, 3, 12, 19, 0, tzinfo=UTC)  # 2 PM local

    moved = await confirm(
        runner, ctx, "rescheduleAppointment", {"jobNumber": number, "windowStart": "2026-03-12T14:00"}
    )
    assert moved.status == "ok", moved.for_model()
    visit = appointment_of(sandbox, job_id)
    assert datetime.fromisoformat(visit["arrivalWindowStart"]) == thursday
    assert datetime.fromisoformat(visit["end"]) - datetime.fromisoformat(visit["start"]) == timedelta(hours=2)
    assert "Thursday, March 12, 2:00 PM – 4:00 PM" in {f.value for f in moved.facts}

    noted = await confirm(
        runner, ctx, "addJobNote", {"jobNumber": number, "text": "Gate code 4321; friendly dog"}
    )
    assert noted.status == "ok"
    notes = sandbox.store[NOTES].select(DEMO_TENANT, Where().eq("job_id", job_id))
    assert [n["text"] for n in notes] == ["Gate code 4321; friendly dog"]

    canceled = await confirm(
        runner, ctx, "cancelAppointment", {"jobNumber": number, "reason": "Issue resolved itself"}
    )
    assert canceled.status == "ok", canceled.for_model()
    job = sandbox.store["jobs"].get(DEMO_TENANT, job_id)
    assert job is not None and job["jobStatus"] == "Canceled" and job["_cancelReasonId"] == 304
    assert any(f.kind == "cancellation" for f in canceled.facts)
    again = await runner.run(ctx, "cancelAppointment", {"jobNumber": number})
    assert again.status == "refused" and "canceled" in (again.message or "")


async def test_a_done_visit_cannot_move(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    st_client: ServiceTitanClient,
    clock: FrozenClock,
) -> None:
    ctx = ctx_of(robert_state)
    booked = await book(runner, ctx, robert[0])
    args = {"jobId": booked.data["jobId"], "windowStart": "2026-03-12T08:00:00-05:00"}
    proposal = await runner.run(ctx, "rescheduleAppointment", args)
    assert proposal.proposal is not None
    # the office completes the job while the customer is deciding: ServiceTitan answers 409
    await st_client.jpm.jobs.complete(booked.data["jobId"], clock.now())
    robert_state.note_customer_message("yes please")
    result = await runner.run(
        ctx, "rescheduleAppointment", {**args, "confirmation_id": proposal.proposal.confirmation_id}
    )
    assert result.status == "error"
    assert "can no longer be changed" in (result.message or "") and "done" in (result.message or "")
    # proposed afresh, it is refused before anything is sent
    later = await runner.run(ctx, "rescheduleAppointment", args)
    assert later.status == "refused" and "done" in (later.message or "")


async def test_another_customers_job_is_not_touched(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    others = sandbox.store["jobs"].select(DEMO_TENANT, Where().add("customer_id != ?", robert[0]), limit=1)
    number = others[0]["jobNumber"]
    ctx = ctx_of(robert_state)
    for tool, args in (
        ("cancelAppointment", {"jobNumber": number}),
        ("addJobNote", {"jobNumber": number, "text": "hello"}),
        ("rescheduleAppointment", {"jobNumber": number, "windowStart": "2026-03-12T08:00"}),
    ):
        result = await runner.run(ctx, tool, args)
        assert result.status == "refused" and "another customer" in (result.message or ""), tool


async def test_the_customer_asks_for_a_technician(
    runner: ToolRunner, ctx_of: Ctx, robert_state: GuardState, robert: tuple[int, int], sandbox: Sandbox
) -> None:
    ctx = ctx_of(robert_state)
    slots = await runner.run(
        ctx,
        "getAvailableTimeSlots",
        {"jobType": "HVAC Maintenance", "preferredDays": [TUESDAY], "technician": "mike"},
    )
    assert slots.data["technician"] == "Mike Rodriguez" and slots.data["windows"]
    start = slots.data["windows"][0]["windowStart"]
    done = await confirm(
        runner, ctx, "createAppointment", {**booking(robert[0]), "windowStart": start, "technician": "Mike"}
    )
    assert done.status == "ok", done.for_model()
    assert done.data["technicians"] == ["Mike Rodriguez"]
    assert {"kind": "technician", "value": "Mike Rodriguez"}.items() <= next(
        f.model_dump() for f in done.facts if f.kind == "technician"
    ).items()
    visit = appointment_of(sandbox, done.data["jobId"])
    assigned = sandbox.store["appointment_assignments"].select(
        DEMO_TENANT, Where().eq("appointment_id", visit["id"])
    )
    assert [a["technicianName"] for a in assigned] == ["Mike Rodriguez"]
    nobody = await runner.run(
        ctx, "getAvailableTimeSlots", {"jobType": "HVAC Maintenance", "technician": "Zed"}
    )
    assert nobody.status == "error" and "No technician called 'Zed'" in (nobody.message or "")


async def test_a_move_to_a_full_window_changes_nothing(
    runner: ToolRunner,
    ctx_of: Ctx,
    robert_state: GuardState,
    robert: tuple[int, int],
    sandbox: Sandbox,
    st_client: ServiceTitanClient,
) -> None:
    ctx = ctx_of(robert_state)
    booked = await book(runner, ctx, robert[0])
    await fill(st_client, TUESDAY_10AM)
    result = await runner.run(
        ctx, "rescheduleAppointment", {"jobId": booked.data["jobId"], "windowStart": "2026-03-10T10:00"}
    )
    assert result.status == "refused" and "nothing was changed" in (result.message or "")
    assert TUESDAY_10AM not in starts(result, "alternatives")
    visit = appointment_of(sandbox, booked.data["jobId"])
    assert datetime.fromisoformat(visit["arrivalWindowStart"]) == TUESDAY_8AM
