"""Dispatch routes besides capacity: technician shifts, appointment assignments, tracking, business hours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from frontdesk.clock import FrozenClock, iso
from tests.conftest import url
from tests.sandbox.dispatch_fixtures import (  # noqa: F401  (fixtures)
    Doc,
    World,
    assert_conforms,
    assert_problem,
    empty_sandbox_app,
    ids,
    lifted_config,
    local,
    world_fixture,
    z,
)

TODAY = (2026, 3, 9)  # Monday; the clock says 10:00 in Chicago
TOMORROW = (2026, 3, 10)
APPOINTMENT_FIELDS = {
    "id",
    "jobId",
    "appointmentNumber",
    "start",
    "end",
    "arrivalWindowStart",
    "arrivalWindowEnd",
    "status",
    "specialInstructions",
    "createdOn",
    "modifiedOn",
}


def dispatch(tenant: int, resource: str) -> str:
    return url("dispatch", tenant, resource)


@dataclass
class Board:
    unit: Doc
    ada: Doc
    ben: Doc
    job: Doc
    today: Doc  # an appointment today 11–13
    tomorrow: Doc  # the same job's visit tomorrow 8–10


@pytest.fixture
def board(world: World) -> Board:
    unit = world.business_unit("HVAC Service")
    ada, ben = world.technician("Ada Wrench", unit, ["HVAC"]), world.technician("Ben Gauge", unit, ["HVAC"])
    job = world.job(unit)
    today = world.appointment(job, local(*TODAY, 11), local(*TODAY, 13))
    tomorrow = world.appointment(job, local(*TOMORROW, 8), local(*TOMORROW, 10))
    return Board(unit, ada, ben, job, today, tomorrow)


# --- technician shifts -----------------------------------------------------------------------------


@dataclass
class Shifts:
    regular: Doc
    time_off: Doc
    on_call: Doc
    disabled: Doc


@pytest.fixture
def shifts(world: World, board: Board) -> Shifts:
    return Shifts(
        regular=world.day_shift(board.ada, TOMORROW, 8, 18),
        time_off=world.shift(
            board.ada, local(*TOMORROW, 12), local(*TOMORROW, 13), "TimeOff", note="Dentist appointment"
        ),
        on_call=world.shift(
            board.ben, local(2026, 3, 11, 16), local(2026, 3, 11, 18), "OnCall", title="Evening on call"
        ),
        disabled=world.shift(board.ben, local(*TOMORROW, 8), local(*TOMORROW, 18), active=False),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["regular", "time_off", "on_call"]),
        ({"active": "Any"}, ["regular", "time_off", "on_call", "disabled"]),
        ({"active": "False"}, ["disabled"]),
        ({"shiftType": "timeoff"}, ["time_off"]),
        ({"titleContains": "ON CALL"}, ["on_call"]),
        ({"noteContains": "dentist"}, ["time_off"]),
        ({"startsOnOrAfter": "2026-03-11T00:00:00Z"}, ["on_call"]),
        ({"endsOnOrBefore": "2026-03-10T18:00:00Z"}, ["time_off"]),
        ({"sort": "-Id"}, ["on_call", "time_off", "regular"]),
    ],
)
async def test_shift_filters(
    st: httpx.AsyncClient, tenant: int, shifts: Shifts, params: dict[str, str], expected: list[str]
) -> None:
    answer = await st.get(dispatch(tenant, "technician-shifts"), params=params)
    assert ids(answer) == [getattr(shifts, name)["id"] for name in expected]
    assert_conforms("TechnicianShifts_GetList", answer.json())


async def test_shifts_of_one_technician_and_paging(
    st: httpx.AsyncClient, tenant: int, shifts: Shifts, board: Board
) -> None:
    answer = await st.get(dispatch(tenant, "technician-shifts"), params={"technicianId": board.ada["id"]})
    assert ids(answer) == [shifts.regular["id"], shifts.time_off["id"]]
    first = await st.get(
        dispatch(tenant, "technician-shifts"), params={"pageSize": 2, "includeTotal": "true"}
    )
    assert first.json()["hasMore"] is True
    assert first.json()["totalCount"] == 3
    second = await st.get(dispatch(tenant, "technician-shifts"), params={"pageSize": 2, "page": 2})
    assert ids(second) == [shifts.on_call["id"]]
    assert second.json()["hasMore"] is False


async def test_get_shift(st: httpx.AsyncClient, tenant: int, shifts: Shifts) -> None:
    answer = await st.get(dispatch(tenant, f"technician-shifts/{shifts.time_off['id']}"))
    assert answer.status_code == 200
    assert answer.json() == shifts.time_off
    assert answer.json()["shiftType"] == "TimeOff"
    assert_conforms("TechnicianShifts_Get", answer.json())
    assert_problem(await st.get(dispatch(tenant, "technician-shifts/123")), 404)


# --- appointment assignments -----------------------------------------------------------------------


async def assign(st: httpx.AsyncClient, tenant: int, appointment: int, *technicians: int) -> httpx.Response:
    body = {"jobAppointmentId": appointment, "technicianIds": list(technicians)}
    return await st.post(dispatch(tenant, "appointment-assignments/assign-technicians"), json=body)


async def unassign(st: httpx.AsyncClient, tenant: int, appointment: int, *technicians: int) -> httpx.Response:
    body = {"jobAppointmentId": appointment, "technicianIds": list(technicians)}
    return await st.post(dispatch(tenant, "appointment-assignments/unassign-technicians"), json=body)


async def assignments(st: httpx.AsyncClient, tenant: int, **params: Any) -> list[Doc]:
    answer = await st.get(dispatch(tenant, "appointment-assignments"), params=params)
    assert answer.status_code == 200, answer.text
    assert_conforms("AppointmentAssignments_GetList", answer.json())
    data: list[Doc] = answer.json()["data"]
    return data


async def test_assigning_technicians(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World, clock: FrozenClock
) -> None:
    clock.advance(60)
    answer = await assign(st, tenant, board.today["id"], board.ada["id"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == APPOINTMENT_FIELDS
    assert_conforms("AppointmentAssignments_AssignTechnicians", body)
    assert (body["id"], body["modifiedOn"]) == (board.today["id"], iso(clock.now()))
    assert world.get("appointments", board.today["id"])["modifiedOn"] == iso(clock.now())
    rows = await assignments(st, tenant, appointmentIds=str(board.today["id"]))
    assert [(r["technicianId"], r["technicianName"], r["jobId"], r["active"]) for r in rows] == [
        (board.ada["id"], "Ada Wrench", board.job["id"], True)
    ]
    assert rows[0]["status"] == "Scheduled"


async def test_assigning_an_assigned_technician_changes_nothing(
    st: httpx.AsyncClient, tenant: int, board: Board, clock: FrozenClock
) -> None:
    first = await assign(st, tenant, board.today["id"], board.ada["id"])
    clock.advance(60)
    again = await assign(st, tenant, board.today["id"], board.ada["id"], board.ada["id"])
    assert again.status_code == 200
    assert again.json()["modifiedOn"] == first.json()["modifiedOn"]
    both = await assign(st, tenant, board.today["id"], board.ada["id"], board.ben["id"])
    assert both.json()["modifiedOn"] == iso(clock.now())
    rows = await assignments(st, tenant, appointmentIds=str(board.today["id"]))
    assert sorted(r["technicianId"] for r in rows) == [board.ada["id"], board.ben["id"]]


async def test_unassigning_deactivates_the_assignment(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World, clock: FrozenClock
) -> None:
    await assign(st, tenant, board.today["id"], board.ada["id"], board.ben["id"])
    clock.advance(120)
    answer = await unassign(st, tenant, board.today["id"], board.ada["id"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["modifiedOn"] == iso(clock.now())
    assert_conforms("AppointmentAssignments_UnassignTechnicians", answer.json())
    active = await assignments(st, tenant, appointmentIds=str(board.today["id"]))
    assert [r["technicianId"] for r in active] == [board.ben["id"]]
    gone = await assignments(st, tenant, appointmentIds=str(board.today["id"]), active="False")
    assert [(r["technicianId"], r["active"], r["modifiedOn"]) for r in gone] == [
        (board.ada["id"], False, iso(clock.now()))
    ]
    # unassigning someone not assigned is harmless and changes nothing
    unassigned_at = iso(clock.now())
    clock.advance(60)
    again = await unassign(st, tenant, board.today["id"], board.ada["id"])
    assert again.status_code == 200
    assert world.get("appointments", board.today["id"])["modifiedOn"] == unassigned_at


@pytest.mark.parametrize("path", ["assign-technicians", "unassign-technicians"])
async def test_unknown_appointment_is_404_and_unknown_technician_is_400(
    st: httpx.AsyncClient, tenant: int, board: Board, path: str
) -> None:
    route = dispatch(tenant, f"appointment-assignments/{path}")
    missing = await st.post(route, json={"jobAppointmentId": 50_999_999, "technicianIds": [board.ada["id"]]})
    assert_problem(missing, 404)
    stranger = await st.post(route, json={"jobAppointmentId": board.today["id"], "technicianIds": [2999]})
    body = assert_problem(stranger, 400, "TechnicianIds")
    assert "2999" in body["errors"]["TechnicianIds"][0]
    empty = await st.post(route, json={"jobAppointmentId": board.today["id"], "technicianIds": []})
    assert_problem(empty, 400, "TechnicianIds")
    assert await assignments(st, tenant, active="Any") == []


async def test_a_mix_of_known_and_unknown_technicians_assigns_no_one(
    st: httpx.AsyncClient, tenant: int, board: Board
) -> None:
    assert_problem(await assign(st, tenant, board.today["id"], board.ada["id"], 2999), 400, "TechnicianIds")
    assert await assignments(st, tenant) == []


async def test_canceled_appointments_take_no_technicians(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World
) -> None:
    world.put("appointments", {**board.today, "status": "Canceled"})
    assert_problem(await assign(st, tenant, board.today["id"], board.ada["id"]), 409)


async def test_assignment_list_filters_and_paging(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World
) -> None:
    other_job = world.job(board.unit)
    other = world.appointment(other_job, local(*TOMORROW, 12), local(*TOMORROW, 14))
    a = world.assign(board.today, board.ada)
    b = world.assign(board.tomorrow, board.ben)
    c = world.assign(other, board.ada)
    assert [r["id"] for r in await assignments(st, tenant)] == [a["id"], b["id"], c["id"]]
    assert [r["id"] for r in await assignments(st, tenant, jobId=other_job["id"])] == [c["id"]]
    both = f"{board.today['id']},{other['id']}"
    assert [r["id"] for r in await assignments(st, tenant, appointmentIds=both)] == [a["id"], c["id"]]
    assert [r["id"] for r in await assignments(st, tenant, ids=f"{b['id']}")] == [b["id"]]
    assert [r["id"] for r in await assignments(st, tenant, sort="-Id", pageSize=1, page=2)] == [b["id"]]
    bad = await st.get(dispatch(tenant, "appointment-assignments"), params={"appointmentIds": "1,x"})
    assert_problem(bad, 400, "appointmentIds")


# --- technician tracking ---------------------------------------------------------------------------


async def track(st: httpx.AsyncClient, tenant: int, technician: Doc, appointment: Doc) -> httpx.Response:
    params = {"technicianId": technician["id"], "appointmentId": appointment["id"]}
    return await st.get(dispatch(tenant, "technician-tracking"), params=params)


async def test_tracking_url_while_the_technician_is_on_the_way_or_working(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World
) -> None:
    world.assign(board.today, board.ada)
    world.put("appointments", {**board.today, "status": "Dispatched"})
    answer = await track(st, tenant, board.ada, board.today)
    assert answer.status_code == 200, answer.text
    link = answer.json()["technicianTrackingUrl"]
    assert link.startswith("https://track.sandbox.local/t/")
    assert str(board.ada["id"]) not in link and str(board.today["id"]) not in link  # opaque
    assert (await track(st, tenant, board.ada, board.today)).json()["technicianTrackingUrl"] == link
    assert_conforms("TechnicianTracking_Get", answer.json())
    world.put("appointments", {**board.today, "status": "Working"})
    assert (await track(st, tenant, board.ada, board.today)).json()["technicianTrackingUrl"] == link


@pytest.mark.parametrize("case", ["scheduled", "not assigned", "tomorrow", "done", "unassigned", "unknown"])
async def test_no_tracking_otherwise(
    st: httpx.AsyncClient, tenant: int, board: Board, world: World, case: str
) -> None:
    appointment, technician, status = board.today, board.ada, "Dispatched"
    world.assign(board.today, board.ada)
    world.assign(board.tomorrow, board.ada)
    if case == "scheduled":
        status = "Scheduled"
    elif case == "not assigned":
        technician = board.ben
    elif case == "tomorrow":
        appointment = board.tomorrow
    elif case == "done":
        status = "Done"
    elif case == "unassigned":
        assert (await unassign(st, tenant, board.today["id"], board.ada["id"])).status_code == 200
    world.put("appointments", {**world.get("appointments", appointment["id"]), "status": status})
    if case == "unknown":
        appointment = {"id": 50_999_999}
    body = assert_problem(await track(st, tenant, technician, appointment), 404)
    assert "no active tracking" in body["title"].lower()


async def test_tracking_needs_both_ids(st: httpx.AsyncClient, tenant: int, board: Board) -> None:
    answer = await st.get(dispatch(tenant, "technician-tracking"), params={"technicianId": board.ada["id"]})
    # this operation's published 400 body is a plain JSON string, not problem details
    assert answer.status_code == 400
    assert isinstance(answer.json(), str) and "appointmentId" in answer.json()


# --- business hours --------------------------------------------------------------------------------


async def test_default_business_hours(st: httpx.AsyncClient, tenant: int) -> None:
    answer = await st.get(dispatch(tenant, "business-hours"))
    assert answer.status_code == 200
    assert answer.json() == {
        "weekdays": [{"fromHour": 8, "toHour": 18}],
        "saturday": [{"fromHour": 9, "toHour": 13}],
        "sunday": [],
    }
    assert_conforms("BusinessHour_GetList", answer.json())


async def test_stored_business_hours(st: httpx.AsyncClient, tenant: int, world: World) -> None:
    world.business_hours(weekdays=[(7, 12), (13, 19)], saturday=[], sunday=[(10, 14)])
    body = (await st.get(dispatch(tenant, "business-hours"))).json()
    assert body["weekdays"] == [{"fromHour": 7, "toHour": 12}, {"fromHour": 13, "toHour": 19}]
    assert (body["saturday"], body["sunday"]) == ([], [{"fromHour": 10, "toHour": 14}])
