"""The typed helpers of each module, against the sandbox: what a receptionist does in a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_TENANT as TENANT
from frontdesk.servicetitan import NotFound, ServiceTitanClient
from frontdesk.servicetitan.models import Appointment, Job

TOMORROW = datetime(2026, 3, 10, 14, tzinfo=UTC)


async def _book(client: ServiceTitanClient, start: datetime = TOMORROW) -> Job:
    seeded = (await client.jpm.jobs.list(page_size=1)).data[0]
    job_type = await client.jpm.job_types.get(seeded.job_type_id or 0)
    return await client.jpm.jobs.create(
        {
            "customerId": seeded.customer_id,
            "locationId": seeded.location_id,
            "businessUnitId": seeded.business_unit_id,
            "jobTypeId": job_type.id,
            "priority": "Normal",
            "campaignId": (await client.marketing.campaigns.list(page_size=1)).data[0].id,
            "summary": "No heat upstairs",
            "appointments": [{"start": start, "end": start + timedelta(seconds=job_type.duration or 3600)}],
        }
    )


async def test_customers_search_and_read(client: ServiceTitanClient) -> None:
    found = await client.crm.customers.list(name="Robert Johnson")
    assert [c.name for c in found.data] == ["Robert Johnson"]
    robert = await client.crm.customers.get(found.data[0].id)
    assert robert.id == found.data[0].id and robert.address and robert.address.city
    assert robert.created_on and robert.created_on.utcoffset() == timedelta(0)  # aware, in UTC
    by_ids = await client.crm.customers.list(ids=[robert.id, robert.id + 1], active="Any")
    assert {c.id for c in by_ids.data} == {robert.id, robert.id + 1}


async def test_a_job_is_booked_noted_held_canceled_and_restored(client: ServiceTitanClient) -> None:
    job = await _book(client)
    assert job.job_status == "Scheduled" and job.job_number and job.appointment_count == 1
    assert (await client.jpm.jobs.get(job.id)).summary == "No heat upstairs"

    patched = await client.jpm.jobs.patch(job.id, {"priority": "High"})
    assert patched.priority == "High"

    note = await client.jpm.jobs.add_note(job.id, "Gate code 4411", pin_to_top=True)
    assert note.text == "Gate code 4411"
    assert [n.text for n in await client.jpm.jobs.notes(job.id)] == ["Gate code 4411"]

    hold_reason = (await client.jpm.job_hold_reasons.list()).data[0]
    await client.jpm.jobs.hold(job.id, hold_reason.id, "Waiting for the part")
    assert (await client.jpm.jobs.get(job.id)).job_status == "Hold"

    cancel_reason = (await client.jpm.job_cancel_reasons.list()).data[0]
    await client.jpm.jobs.cancel(job.id, cancel_reason.id, "Fixed it themselves")
    assert (await client.jpm.jobs.get(job.id)).job_status == "Canceled"
    await client.jpm.jobs.remove_cancellation(job.id)
    assert (await client.jpm.jobs.get(job.id)).job_status != "Canceled"


async def test_a_job_is_completed(client: ServiceTitanClient) -> None:
    job = await _book(client)
    await client.jpm.jobs.complete(job.id, completed_on=datetime(2026, 3, 10, 16, tzinfo=UTC))
    done = await client.jpm.jobs.get(job.id)
    assert done.job_status == "Completed" and done.completed_on == datetime(2026, 3, 10, 16, tzinfo=UTC)


async def test_appointments_are_added_rescheduled_held_and_deleted(client: ServiceTitanClient) -> None:
    job = await _book(client)
    first = (await client.jpm.appointments.list(job_id=job.id)).data
    assert [a.id for a in first] == [job.first_appointment_id]

    later = TOMORROW + timedelta(days=1)
    added = await client.jpm.appointments.add(
        {"jobId": job.id, "start": later, "end": later + timedelta(hours=2)}
    )
    assert isinstance(added, Appointment) and added.job_id == job.id and added.start == later

    moved = await client.jpm.appointments.reschedule(
        added.id,
        later + timedelta(hours=3),
        later + timedelta(hours=5),
        arrival_window_start=later + timedelta(hours=3),
        arrival_window_end=later + timedelta(hours=4),
    )
    assert moved.start == later + timedelta(hours=3) and moved.arrival_window_end == later + timedelta(
        hours=4
    )

    reason = (await client.jpm.job_hold_reasons.list()).data[0]
    await client.jpm.appointments.hold(added.id, reason.id, "Customer travelling")
    assert (await client.jpm.appointments.get(added.id)).status == "Hold"
    await client.jpm.appointments.remove_hold(added.id)
    assert (await client.jpm.appointments.get(added.id)).status == "Scheduled"

    await client.jpm.appointments.delete(added.id)
    with pytest.raises(NotFound):
        await client.jpm.appointments.get(added.id)


async def test_capacity_assignment_and_tracking(client: ServiceTitanClient) -> None:
    capacity = await client.dispatch.capacity(
        datetime(2026, 3, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 11, 0, tzinfo=UTC),
        skill_based_availability=True,
    )
    open_windows = [a for a in capacity.availabilities if a.is_available]
    assert open_windows and all(a.start_utc and a.start_utc.utcoffset() == timedelta(0) for a in open_windows)
    window = open_windows[0]
    assert window.start and window.start.tzinfo is None  # the business's wall time, as sent

    job = await _book(client, window.start_utc or TOMORROW)
    technician = next(t for t in window.technicians if t.status == "Available")
    await client.dispatch.appointment_assignments.assign(job.first_appointment_id or 0, [technician.id])
    assigned = await client.dispatch.appointment_assignments.list(appointment_ids=[job.first_appointment_id])
    assert [a.technician_id for a in assigned.data if a.active] == [technician.id]
    await client.dispatch.appointment_assignments.unassign(job.first_appointment_id or 0, [technician.id])
    again = await client.dispatch.appointment_assignments.list(appointment_ids=[job.first_appointment_id])
    assert not [a for a in again.data if a.active]


async def test_tracking_link_for_a_technician_on_the_way(
    client: ServiceTitanClient, sandbox: Sandbox
) -> None:
    start = datetime(2026, 3, 9, 19, tzinfo=UTC)  # this afternoon
    job = await _book(client, start)
    appointment_id = job.first_appointment_id or 0
    technician = (await client.settings.technicians.list(page_size=1)).data[0]
    await client.dispatch.appointment_assignments.assign(appointment_id, [technician.id])
    with pytest.raises(NotFound) as caught:  # booked and assigned, but nobody is on the way yet
        await client.dispatch.technician_tracking(technician.id, appointment_id)
    assert "not Dispatched" in str(caught.value.field_errors)

    # the dispatcher's board (not part of the API) sends the technician off
    table = sandbox.store["appointments"]
    table.put(TENANT, {**(table.get(TENANT, appointment_id) or {}), "status": "Dispatched"})
    tracking = await client.dispatch.technician_tracking(technician.id, appointment_id)
    assert tracking.technician_tracking_url and tracking.technician_tracking_url.startswith("http")


async def test_reference_data(client: ServiceTitanClient) -> None:
    units = (await client.settings.business_units.list()).data
    assert units and (await client.settings.business_units.get(units[0].id)).name == units[0].name
    technicians = (await client.settings.technicians.list(active="True")).data
    assert technicians and (await client.settings.technicians.get(technicians[0].id)).id == technicians[0].id
    shifts = (await client.dispatch.technician_shifts.list(technician_id=technicians[0].id)).data
    assert (
        shifts
        and (await client.dispatch.technician_shifts.get(shifts[0].id)).technician_id == technicians[0].id
    )
    job_types = (await client.jpm.job_types.list()).data
    assert job_types and all(jt.duration for jt in job_types)
    campaigns = (await client.marketing.campaigns.list()).data
    assert campaigns and (await client.marketing.campaigns.get(campaigns[0].id)).name == campaigns[0].name


async def test_billing_in_decimal(client: ServiceTitanClient) -> None:
    invoice = (await client.accounting.invoices.list(page_size=1)).data[0]
    assert isinstance(invoice.total, Decimal) and invoice.items
    assert invoice.sub_total is not None and invoice.sales_tax is not None
    assert invoice.total == invoice.sub_total + invoice.sales_tax
    assert sum((item.total or Decimal(0) for item in invoice.items), Decimal(0)) == invoice.sub_total
    assert (await client.accounting.invoices.get(invoice.id)).total == invoice.total
    with pytest.raises(NotFound):
        await client.accounting.invoices.get(1)
    exported = [i.id async for i in client.accounting.invoices.export()]
    assert invoice.id in exported


async def test_memberships(client: ServiceTitanClient) -> None:
    membership = (await client.memberships.memberships.list(status="Active", page_size=1)).data[0]
    again = await client.memberships.memberships.get(membership.id)
    assert (
        again.customer_id == membership.customer_id
        and again.from_
        and again.from_.utcoffset() == timedelta(0)
    )


async def test_anything_else_through_request(client: ServiceTitanClient) -> None:
    hours = await client.request("GET", "dispatch", "business-hours")
    assert isinstance(hours, dict) and "weekdays" in hours
    page = await client.request("GET", "crm", "/customers", params={"page_size": 2, "include_total": True})
    assert len(page["data"]) == 2 and page["totalCount"] >= 2
