"""Capacity_GetList: arrival windows from business hours, technician hours from shifts, bookings.

The clock stands at 2026-03-09T15:00Z, Monday 10:00 in Chicago (daylight time since 2026-03-08).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox.config import DEMO_APP_KEY, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET
from tests.conftest import get_token, url
from tests.sandbox.dispatch_fixtures import (  # noqa: F401  (fixtures)
    Doc,
    World,
    assert_conforms,
    assert_problem,
    empty_sandbox_app,
    lifted_config,
    local,
    world_fixture,
    z,
)

TUESDAY = (2026, 3, 10)


@dataclass
class Crew:
    """Two HVAC technicians on shift 8–18 on Tuesday, a plumber on call 16–18."""

    hvac: Doc
    plumbing: Doc
    ada: Doc  # HVAC
    ben: Doc  # HVAC, Refrigeration
    cy: Doc  # Plumbing
    repair: Doc  # HVAC job type, 2 h, needs HVAC
    cooler: Doc  # HVAC job type, 1 h, needs Refrigeration
    drain: Doc  # plumbing job type, 1 h


@pytest.fixture
def crew(world: World) -> Crew:
    hvac, plumbing = world.business_unit("HVAC Service"), world.business_unit("Plumbing Service")
    ada = world.technician("Ada Wrench", hvac, ["HVAC"])
    ben = world.technician("Ben Gauge", hvac, ["hvac", "Refrigeration"])
    cy = world.technician("Cy Pipe", plumbing, ["Plumbing"])
    for tech in (ada, ben):
        world.day_shift(tech, TUESDAY, 8, 18)
    world.day_shift(cy, TUESDAY, 16, 18, "OnCall")
    return Crew(
        hvac,
        plumbing,
        ada,
        ben,
        cy,
        repair=world.job_type("AC repair", [hvac], ["HVAC"], 2),
        cooler=world.job_type("Walk-in cooler", [hvac], ["Refrigeration"], 1),
        drain=world.job_type("Drain clearing", [plumbing], ["Plumbing"], 1),
    )


async def ask(
    st: httpx.AsyncClient, tenant: int, start: datetime, end: datetime, **extra: Any
) -> httpx.Response:
    body = {"startsOnOrAfter": z(start), "endsOnOrBefore": z(end), "skillBasedAvailability": False, **extra}
    return await st.post(url("dispatch", tenant, "capacity"), json=body)


async def windows(
    st: httpx.AsyncClient, tenant: int, start: datetime, end: datetime, **extra: Any
) -> dict[str, Doc]:
    """The answered availabilities by local start, checked against the published schema."""
    answer = await ask(st, tenant, start, end, **extra)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert_conforms("Capacity_GetList", body)
    starts = [a["start"] for a in body["availabilities"]]
    assert starts == sorted(starts)
    return {a["start"]: a for a in body["availabilities"]}


async def tuesday(st: httpx.AsyncClient, tenant: int, **extra: Any) -> dict[str, Doc]:
    return await windows(st, tenant, local(*TUESDAY), local(2026, 3, 11), **extra)


def statuses(window: Doc) -> dict[str, str]:
    return {t["name"]: t["status"] for t in window["technicians"]}


# --- windows ---------------------------------------------------------------------------------------


async def test_windows_follow_default_business_hours_in_the_tenant_time_zone(
    st: httpx.AsyncClient, tenant: int
) -> None:
    answer = await ask(st, tenant, local(2026, 3, 9), local(2026, 3, 16))
    body = answer.json()
    assert body["timeStamp"] == "2026-03-09T15:00:00Z"
    starts = [a["start"] for a in body["availabilities"]]
    monday = ["2026-03-09T10:00:00", "2026-03-09T12:00:00", "2026-03-09T14:00:00", "2026-03-09T16:00:00"]
    weekdays = [f"2026-03-{d:02d}T{h:02d}:00:00" for d in range(10, 14) for h in (8, 10, 12, 14, 16)]
    saturday = ["2026-03-14T09:00:00", "2026-03-14T11:00:00"]
    # Monday 8–10 has begun (it is 10:00); the window starting right now is still offered; no Sunday hours
    assert starts == monday + weekdays + saturday
    first = body["availabilities"][4]
    assert (first["start"], first["end"]) == ("2026-03-10T08:00:00", "2026-03-10T10:00:00")
    assert (first["startUtc"], first["endUtc"]) == ("2026-03-10T13:00:00Z", "2026-03-10T15:00:00Z")


async def test_windows_keep_wall_time_across_the_daylight_saving_change(
    st: httpx.AsyncClient, tenant: int, world: World, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 3, 5, 12, tzinfo=UTC))
    world.business_hours(weekdays=[(8, 12)], saturday=[(9, 11)], sunday=[(9, 11)])
    found = await windows(st, tenant, local(2026, 3, 6), local(2026, 3, 9, 12))
    utc = {start: w["startUtc"] for start, w in found.items()}
    assert utc == {
        "2026-03-06T08:00:00": "2026-03-06T14:00:00Z",  # Friday, CST (UTC−6)
        "2026-03-06T10:00:00": "2026-03-06T16:00:00Z",
        "2026-03-07T09:00:00": "2026-03-07T15:00:00Z",
        "2026-03-08T09:00:00": "2026-03-08T14:00:00Z",  # Sunday: clocks went forward at 2:00
        "2026-03-09T08:00:00": "2026-03-09T13:00:00Z",  # Monday, CDT (UTC−5)
        "2026-03-09T10:00:00": "2026-03-09T15:00:00Z",
    }
    hours = await st.get(url("dispatch", tenant, "business-hours"))
    assert hours.json() == {
        "weekdays": [{"fromHour": 8, "toHour": 12}],
        "saturday": [{"fromHour": 9, "toHour": 11}],
        "sunday": [{"fromHour": 9, "toHour": 11}],
    }


async def test_only_windows_wholly_inside_the_range_are_answered(st: httpx.AsyncClient, tenant: int) -> None:
    found = await windows(st, tenant, local(*TUESDAY, 9), local(*TUESDAY, 13))
    assert list(found) == ["2026-03-10T10:00:00"]


async def test_arrival_window_length_comes_from_the_configuration(
    st: httpx.AsyncClient, tenant: int, sandbox_app: Any
) -> None:
    sandbox_app.state.sandbox.config.arrival_window_hours = 4
    found = await windows(st, tenant, local(*TUESDAY), local(2026, 3, 11))
    # 8–18 in four-hour windows; the last one is cut at closing time
    assert [(w["start"][11:16], w["end"][11:16]) for w in found.values()] == [
        ("08:00", "12:00"),
        ("12:00", "16:00"),
        ("16:00", "18:00"),
    ]


# --- technician hours ------------------------------------------------------------------------------


async def test_hours_come_from_normal_and_on_call_shifts(
    st: httpx.AsyncClient, tenant: int, crew: Crew
) -> None:
    found = await tuesday(st, tenant)
    morning, evening = found["2026-03-10T08:00:00"], found["2026-03-10T16:00:00"]
    assert morning["businessUnitIds"] == sorted([crew.hvac["id"], crew.plumbing["id"]])
    assert morning["totalAvailability"] == 4.0
    assert morning["openAvailability"] == 4.0
    assert statuses(morning) == {
        "Ada Wrench": "Available",
        "Ben Gauge": "Available",
        "Cy Pipe": "Unavailable",
    }
    assert evening["totalAvailability"] == 6.0  # the plumber's on-call shift counts
    assert statuses(evening)["Cy Pipe"] == "Available"
    assert all(t["hasRequiredSkills"] is None for t in morning["technicians"])


async def test_time_off_removes_a_technician(
    st: httpx.AsyncClient, tenant: int, world: World, crew: Crew
) -> None:
    world.day_shift(crew.ada, TUESDAY, 10, 12, "TimeOff")
    world.day_shift(crew.ada, TUESDAY, 14.5, 15, "TimeOff")
    found = await tuesday(st, tenant, businessUnitIds=[crew.hvac["id"]], jobTypeId=crew.repair["id"])
    assert found["2026-03-10T08:00:00"]["totalAvailability"] == 4.0
    late_morning = found["2026-03-10T10:00:00"]
    assert late_morning["totalAvailability"] == 2.0
    assert statuses(late_morning) == {"Ada Wrench": "Unavailable", "Ben Gauge": "Available"}
    # half an hour off leaves Ada 1.5 h, short of the 2 h an AC repair needs
    afternoon = found["2026-03-10T14:00:00"]
    assert afternoon["totalAvailability"] == 3.5
    assert statuses(afternoon) == {"Ada Wrench": "Unavailable", "Ben Gauge": "Available"}


async def test_skill_based_availability_lists_unskilled_technicians_as_unavailable(
    st: httpx.AsyncClient, tenant: int, crew: Crew
) -> None:
    found = await tuesday(st, tenant, jobTypeId=crew.cooler["id"], skillBasedAvailability=True)
    window = found["2026-03-10T08:00:00"]
    assert window["businessUnitIds"] == [crew.hvac["id"]]  # the job type's business units
    assert window["totalAvailability"] == 2.0
    assert {t["name"]: (t["status"], t["hasRequiredSkills"]) for t in window["technicians"]} == {
        "Ada Wrench": ("Unavailable", False),
        "Ben Gauge": ("Available", True),
    }
    plain = await tuesday(st, tenant, jobTypeId=crew.cooler["id"], skillBasedAvailability=False)
    assert plain["2026-03-10T08:00:00"]["totalAvailability"] == 4.0
    assert statuses(plain["2026-03-10T08:00:00"]) == {"Ada Wrench": "Available", "Ben Gauge": "Available"}


async def test_business_units_choose_the_technicians(st: httpx.AsyncClient, tenant: int, crew: Crew) -> None:
    found = await tuesday(st, tenant, businessUnitIds=[crew.plumbing["id"]])
    morning, evening = found["2026-03-10T08:00:00"], found["2026-03-10T16:00:00"]
    assert morning["businessUnitIds"] == [crew.plumbing["id"]]
    assert [t["name"] for t in morning["technicians"]] == ["Cy Pipe"]
    assert (morning["totalAvailability"], morning["isAvailable"]) == (0.0, False)
    assert (evening["totalAvailability"], evening["isAvailable"]) == (2.0, True)
    by_job_type = await tuesday(st, tenant, jobTypeId=crew.drain["id"])
    assert [t["name"] for t in by_job_type["2026-03-10T16:00:00"]["technicians"]] == ["Cy Pipe"]


async def test_inactive_technicians_are_not_considered(
    st: httpx.AsyncClient, tenant: int, world: World, crew: Crew
) -> None:
    world.put("technicians", {**crew.ben, "active": False})
    found = await tuesday(st, tenant, businessUnitIds=[crew.hvac["id"]])
    assert found["2026-03-10T08:00:00"]["totalAvailability"] == 2.0
    assert [t["name"] for t in found["2026-03-10T08:00:00"]["technicians"]] == ["Ada Wrench"]


# --- bookings --------------------------------------------------------------------------------------


async def test_bookings_lower_open_availability_until_the_window_is_full(
    st: httpx.AsyncClient, tenant: int, world: World, crew: Crew
) -> None:
    start, end = local(*TUESDAY, 10), local(*TUESDAY, 12)
    ask_hvac = {"businessUnitIds": [crew.hvac["id"]], "jobTypeId": crew.repair["id"]}

    async def late_morning() -> Doc:
        return (await tuesday(st, tenant, **ask_hvac))["2026-03-10T10:00:00"]

    window = await late_morning()
    assert (window["totalAvailability"], window["openAvailability"], window["isAvailable"]) == (
        4.0,
        4.0,
        True,
    )

    # neither a canceled or done visit nor another business unit's job takes HVAC time
    world.appointment(world.job(crew.hvac, crew.repair), start, end, status="Canceled")
    world.appointment(world.job(crew.hvac, crew.repair), start, end, status="Done")
    world.appointment(world.job(crew.plumbing, crew.drain), start, end)
    assert (await late_morning())["openAvailability"] == 4.0

    world.appointment(world.job(crew.hvac, crew.repair), start, end)
    window = await late_morning()
    assert (window["openAvailability"], window["isAvailable"]) == (2.0, True)
    assert window["isExceedingIdealBookingPercentage"] is False

    world.appointment(world.job(crew.hvac, crew.repair), start, end)
    window = await late_morning()
    assert (window["totalAvailability"], window["openAvailability"]) == (4.0, 0.0)
    assert window["isAvailable"] is False
    assert window["isExceedingIdealBookingPercentage"] is True
    # the neighbouring windows are untouched
    assert (await tuesday(st, tenant, **ask_hvac))["2026-03-10T12:00:00"]["openAvailability"] == 4.0


async def test_assigned_appointments_take_their_technicians_time(
    st: httpx.AsyncClient, tenant: int, world: World, crew: Crew
) -> None:
    # an hour of work at 12:30 whose arrival window is 10–12: it occupies the 10–12 window
    visit = world.appointment(
        world.job(crew.hvac, crew.repair),
        local(*TUESDAY, 12.5),
        local(*TUESDAY, 13.5),
        arrival=(local(*TUESDAY, 10), local(*TUESDAY, 12)),
    )
    answer = await st.post(
        url("dispatch", tenant, "appointment-assignments/assign-technicians"),
        json={"jobAppointmentId": visit["id"], "technicianIds": [crew.ada["id"]]},
    )
    assert answer.status_code == 200, answer.text
    found = await tuesday(st, tenant, businessUnitIds=[crew.hvac["id"]], jobTypeId=crew.repair["id"])
    window = found["2026-03-10T10:00:00"]
    assert window["openAvailability"] == 3.0
    assert statuses(window) == {"Ada Wrench": "Unavailable", "Ben Gauge": "Available"}  # 1 h left < 2 h
    assert found["2026-03-10T12:00:00"]["openAvailability"] == 4.0

    # a second booking for Ada: her time cannot go below zero, Ben's is untouched
    other = world.appointment(world.job(crew.hvac), local(*TUESDAY, 10), local(*TUESDAY, 12.5))
    world.assign(other, crew.ada)
    window = (await tuesday(st, tenant, businessUnitIds=[crew.hvac["id"]]))["2026-03-10T10:00:00"]
    assert window["openAvailability"] == 2.0
    assert statuses(window) == {"Ada Wrench": "Unavailable", "Ben Gauge": "Available"}


async def test_a_technician_busy_on_another_units_job_is_busy(
    st: httpx.AsyncClient, tenant: int, world: World, crew: Crew
) -> None:
    visit = world.appointment(world.job(crew.plumbing, crew.drain), local(*TUESDAY, 8), local(*TUESDAY, 10))
    world.assign(visit, crew.ben)
    window = (await tuesday(st, tenant, businessUnitIds=[crew.hvac["id"]]))["2026-03-10T08:00:00"]
    assert window["openAvailability"] == 2.0
    assert statuses(window) == {"Ada Wrench": "Available", "Ben Gauge": "Unavailable"}


# --- validation and access -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "extra", "field"),
    [
        (local(*TUESDAY, 12), local(*TUESDAY, 8), {}, "EndsOnOrBefore"),
        (local(*TUESDAY, 8), local(*TUESDAY, 8), {}, "EndsOnOrBefore"),
        (local(*TUESDAY), local(2026, 4, 11), {}, "EndsOnOrBefore"),
        (local(*TUESDAY), local(2026, 3, 11), {"jobTypeId": 999_999}, "JobTypeId"),
        (local(*TUESDAY), local(2026, 3, 11), {"businessUnitIds": [999_999]}, "BusinessUnitIds"),
    ],
)
async def test_invalid_requests_are_400(
    st: httpx.AsyncClient, tenant: int, crew: Crew, start: datetime, end: datetime, extra: Doc, field: str
) -> None:
    assert_problem(await ask(st, tenant, start, end, **extra), 400, field)


async def test_skill_based_availability_is_required(st: httpx.AsyncClient, tenant: int) -> None:
    body = {"startsOnOrAfter": z(local(*TUESDAY)), "endsOnOrBefore": z(local(2026, 3, 11))}
    answer = await st.post(url("dispatch", tenant, "capacity"), json=body)
    assert_problem(answer, 400, "SkillBasedAvailability")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 9, 14, tzinfo=UTC)),
        (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    ],
)
async def test_ranges_in_the_past_or_at_the_end_of_the_calendar_have_no_windows(
    st: httpx.AsyncClient, tenant: int, crew: Crew, start: datetime, end: datetime
) -> None:
    assert await windows(st, tenant, start, end) == {}


async def test_a_full_month_is_allowed(st: httpx.AsyncClient, tenant: int) -> None:
    found = await windows(st, tenant, local(*TUESDAY), local(2026, 4, 10))
    assert len(found) > 100


async def test_capacity_needs_the_capacity_write_scope(raw_client: httpx.AsyncClient, tenant: int) -> None:
    token = await get_token(raw_client, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    raw_client.headers.update({"Authorization": f"Bearer {token}", "ST-App-Key": DEMO_APP_KEY})
    answer = await ask(raw_client, tenant, local(*TUESDAY), local(2026, 3, 11))
    body = assert_problem(answer, 403)
    assert "tn.dis.capacity:w" in body["title"]
