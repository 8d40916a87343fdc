"""createCustomer and createAppointment: a new account, and a job with its first visit.

A booking is checked when it is proposed and again when the customer has agreed, because the window may
fill in between: the proposal may use the windows this conversation just offered and the locations its
lookup read (see ``recall``), but the second check asks ServiceTitan afresh right before the job is
created, for the window's capacity and for an open job of the same kind (both at once). The customer is
told "booked" only once the job is read back from ServiceTitan: its number and status as ServiceTitan
holds them, the technician as assigned, and the arrival window ServiceTitan accepted with the job.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from frontdesk.capabilities.guards.confirmation import digest
from frontdesk.capabilities.guards.identity import grant, phone_digits
from frontdesk.capabilities.pack import recall, scheduling, words
from frontdesk.capabilities.pack import windows as w
from frontdesk.capabilities.pack.visits import ensure_own, reference, technician_name
from frontdesk.capabilities.pack.windows import Window
from frontdesk.capabilities.together import together
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import NotFound
from frontdesk.servicetitan.models import (
    Address,
    Appointment,
    AppointmentAssignment,
    Job,
    JobType,
    Location,
)

CREATED_FACTOR = "created_here"  # how a customer created in this conversation counts as verified


def address_text(address: Address | None) -> str:
    if address is None:
        return "the address on file"
    return words.address_line(address.street, address.unit, address.city, address.state, address.zip)


def outside_area(ctx: ToolContext, zip_code: str) -> ToolResult:
    return ToolResult.refused(
        f"ZIP code {zip_code} is outside the area {ctx.profile.name} serves, so nothing can be booked there. "
        f"Say so kindly, and offer a callback from the office ({ctx.profile.phone}) in case they can help."
    )


# --- createCustomer ------------------------------------------------------------------------------------


class CreateCustomer(Tool):
    id = "createCustomer"
    description = (
        "Create an account for a new customer (only after searching found none): full name, phone, "
        "optional e-mail and the full service address. The new customer counts as verified afterwards."
    )
    effect = "write"
    access = "public"
    scopes = ("tn.crm.customers:w", "tn.crm.customers:r")

    def parameters(self) -> dict[str, Any]:
        text = {"type": "string", "minLength": 1, "maxLength": 200}
        return {
            "type": "object",
            "properties": {
                "name": {**text, "description": "the customer's full name"},
                "phone": {"type": "string", "description": "phone number, as the customer gave it"},
                "email": {"type": "string", "maxLength": 200},
                "street": text,
                "unit": {"type": "string", "maxLength": 50, "description": "apartment or suite, if any"},
                "city": text,
                "state": {"type": "string", "minLength": 2, "maxLength": 30},
                "zip": {"type": "string", "pattern": r"^\d{5}(-\d{4})?$"},
                "country": {"type": "string", "maxLength": 60, "description": "default USA"},
                "customerType": {"type": "string", "enum": ["Residential", "Commercial"]},
            },
            "required": ["name", "phone", "street", "city", "state", "zip"],
            "additionalProperties": False,
        }

    def _problem(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        if not ctx.profile.serves(args["zip"]):
            return outside_area(ctx, args["zip"][:5])
        if len(phone_digits(args["phone"])) != 10:
            return ToolResult.error("The phone number needs ten digits (area code first); ask for it again.")
        email = args.get("email")
        if email is not None and ("@" not in email or "." not in email.rpartition("@")[2]):
            return ToolResult.error("That e-mail address does not look complete; ask for it again.")
        return None

    async def _duplicate(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        """A refusal when an account already has this phone number: that caller should be verified.

        Not asked again when this conversation's lookup found no account with the number minutes ago
        (``recall.no_account``): the proposal and the write both go by that answer.
        """
        digits = phone_digits(args["phone"])
        if recall.no_account(ctx, digits):
            return None
        if ctx.accounts is None or not await ctx.accounts.get(digits):
            page = await ctx.client.crm.customers.list(phone=digits, page_size=1)
            if not page.data:
                return None
        return ToolResult.refused(
            "An account with this phone number exists already, so no new one was made. Verify the caller as "
            "that customer (look them up with the phone number and their full name or ZIP code)."
        )

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        return self._problem(ctx, args) or await self._duplicate(ctx, args)

    def _address(self, args: dict[str, Any]) -> dict[str, Any]:
        address = {
            "street": args["street"].strip(),
            "unit": (args.get("unit") or "").strip() or None,
            "city": args["city"].strip(),
            "state": args["state"].strip(),
            "zip": args["zip"].strip(),
            "country": (args.get("country") or "USA").strip(),
        }
        return {k: v for k, v in address.items() if v is not None}

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        a = self._address(args)
        where = words.address_line(a["street"], a.get("unit"), a["city"], a["state"], a["zip"])
        digits = phone_digits(args["phone"])
        phone = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        email = f", e-mail {args['email']}" if args.get("email") else ""
        return f"Create a customer account for {args['name'].strip()}: phone {phone}{email}, service address {where}."

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        problem = self._problem(ctx, args) or await self._duplicate(ctx, args)
        if problem is not None:
            return problem
        address = self._address(args)
        contacts = [{"type": "Phone", "value": phone_digits(args["phone"])}]
        if args.get("email"):
            contacts.append({"type": "Email", "value": args["email"].strip()})
        name = args["name"].strip()
        body = {
            "name": name,
            "type": args.get("customerType", "Residential"),
            "address": address,
            "locations": [{"name": name, "address": address}],
            "contacts": contacts,
        }
        if ctx.accounts is not None:  # the number is about to have one more account than was kept for it
            await ctx.accounts.forget(phone_digits(args["phone"]))
        customer = await ctx.client.crm.customers.create(body)
        locations = customer.locations or (await ctx.client.crm.locations.list(customer_id=customer.id)).data
        recall.remember_locations(ctx, customer.id, locations)
        state = ctx.state
        if customer.id not in state.created_customer_ids:
            state.created_customer_ids.append(customer.id)
        grant(state, customer.id, [CREATED_FACTOR])
        where = address_text(customer.address)
        return ToolResult(
            data={
                "customerId": customer.id,
                "locationId": locations[0].id if locations else None,
                "name": customer.name,
                "address": where,
            },
            facts=[
                Fact(kind="customer_created", value=customer.name or name),
                Fact(kind="customer", value=customer.name or name),
                Fact(kind="address", value=where),
            ],
            message="The account exists now and the customer counts as verified; go on to book the visit.",
        )


# --- createAppointment ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything a booking needs, resolved and checked."""

    job_type: JobType
    business_unit_id: int
    campaign_id: int
    priority: str
    location: Location
    window: Window
    technician_id: int | None
    technician_name: str | None


async def _location(ctx: ToolContext, customer_id: int, location_id: int | None) -> Location | str:
    locations = ctx.client.crm.locations
    known = {loc.id: loc for loc in recall.locations(ctx, customer_id) or []}
    if location_id is not None and location_id in known:
        return known[location_id]
    if location_id is not None:
        try:
            location = await locations.get(location_id)
        except NotFound:
            return f"There is no service location {location_id}."
        ensure_own(ctx, location.customer_id)
        return location
    found = recall.locations(ctx, customer_id)
    if found is None:
        found = [
            loc for loc in (await locations.list(customer_id=customer_id, page_size=50)).data if loc.active
        ]
        recall.remember_locations(ctx, customer_id, found)
    if len(found) == 1:
        return found[0]
    if not found:
        return "The customer has no active service location; the office must add one. Offer a callback."
    listed = "; ".join(f"{loc.id}: {address_text(loc.address)}" for loc in found)
    return f"The customer has several service locations; ask which one and pass its locationId ({listed})."


async def _campaign_id(ctx: ToolContext) -> int | None:
    cache = reference(ctx)
    campaign = await cache.campaign_named(ctx.profile.default_campaign)
    if campaign is None:
        campaign = next((c for c in await cache.campaigns() if c.is_default_campaign and c.active), None)
    return campaign.id if campaign else None


def _priority(ctx: ToolContext, job_type: JobType, emergency: bool) -> str:
    urgent_types = {e.job_type.lower() for e in ctx.profile.emergencies if e.job_type}
    if emergency or (job_type.name or "").lower() in urgent_types:
        return "Urgent"
    return job_type.priority if job_type.priority in ("Low", "Normal", "High", "Urgent") else "Normal"


@dataclass
class _Asked:
    """What a booking asks for, resolved from the arguments before any window is checked."""

    job_type: JobType
    campaign_id: int
    location: Location
    start: datetime


async def _resolve(ctx: ToolContext, args: dict[str, Any]) -> _Asked | ToolResult:
    customer_id = int(args["customerId"])
    ensure_own(ctx, customer_id)
    job_type = await scheduling.job_type_for(ctx, args["jobType"])
    if isinstance(job_type, str):
        return ToolResult.error(job_type)
    if not job_type.business_unit_ids:
        return ToolResult.error(
            f"The job type {job_type.name} has no business unit in ServiceTitan. "
            + scheduling.callback_advice(ctx)
        )
    campaign_id = await _campaign_id(ctx)
    if campaign_id is None:
        return ToolResult.error(
            f"ServiceTitan has no active campaign named {ctx.profile.default_campaign!r} (the business's "
            "default_campaign). " + scheduling.callback_advice(ctx)
        )
    location = await _location(ctx, customer_id, args.get("locationId"))
    if isinstance(location, str):
        return ToolResult.error(location)
    zip_code = (location.address.zip if location.address else None) or ""
    if zip_code and not ctx.profile.serves(zip_code):
        return outside_area(ctx, zip_code[:5])
    try:
        start = w.parse_instant_local(args["windowStart"], ctx.profile.zone)
    except ValueError as exc:
        return ToolResult.error(f"{exc}. Pass the windowStart of a window from getAvailableTimeSlots.")
    return _Asked(job_type, campaign_id, location, start)


async def plan_booking(ctx: ToolContext, args: dict[str, Any], *, recheck: bool = True) -> Plan | ToolResult:
    """Resolve and check a booking; a ToolResult says why it cannot go ahead.

    Without ``recheck`` (a proposal) a window offered minutes ago counts as open; with it, ServiceTitan's
    capacity is asked again.
    """
    asked = await _resolve(ctx, args)
    if isinstance(asked, ToolResult):
        return asked
    return await _planned(ctx, args, asked, recheck=recheck)


async def _planned(
    ctx: ToolContext, args: dict[str, Any], asked: _Asked, *, recheck: bool
) -> Plan | ToolResult:
    job_type = asked.job_type
    window = None if recheck else recall.offered(ctx, job_type.id, asked.start)
    if window is None:
        window = await scheduling.window_at(ctx, job_type, asked.start)
    if window is None:
        return await taken(ctx, job_type, asked.start)
    technician_id = technician_name = None
    if args.get("technician"):
        technician = await scheduling.technician_named(ctx, args["technician"])
        if isinstance(technician, str):
            return ToolResult.error(technician)
        if not scheduling.free(window, technician):
            return ToolResult.error(
                f"{technician.name} is not free in this window: find windows with technician set, or book "
                "without a technician (dispatch assigns one)."
            )
        technician_id, technician_name = technician.id, technician.name
    return Plan(
        job_type=job_type,
        business_unit_id=job_type.business_unit_ids[0],
        campaign_id=asked.campaign_id,
        priority=_priority(ctx, job_type, bool(args.get("emergency"))),
        location=asked.location,
        window=window,
        technician_id=technician_id,
        technician_name=technician_name,
    )


async def taken(ctx: ToolContext, job_type: JobType, start: datetime, done: str = "booked") -> ToolResult:
    """The window is not (or no longer) open: say so, with fresh windows to offer instead."""
    others = await scheduling.alternatives(ctx, job_type, toward=start.astimezone(ctx.profile.zone).date())
    recall.remember_offers(ctx, job_type.id, others)
    if others:
        advice = "Apologise, and offer these open windows instead."
    else:
        advice = "No other window is open soon. " + scheduling.callback_advice(ctx)
    return ToolResult(
        status="refused",
        message=f"That arrival window is no longer available (taken meanwhile, or not one of the offered "
        f"windows); nothing was {done}. {advice}",
        data={"alternatives": scheduling.offers(others, ctx)},
        facts=[w.fact(x, ctx.profile.zone) for x in others],
    )


def booked_here(
    ctx: ToolContext, customer_id: int, job_type: JobType, location: Location
) -> ToolResult | None:
    """A refusal when this conversation booked this customer a job of this type at this location."""
    for mine in recall.booked_here(ctx, customer_id):
        if mine.get("jobTypeId") == job_type.id and mine.get("locationId") == location.id:
            number = str(mine.get("jobNumber") or mine.get("jobId"))
            return ToolResult(
                status="refused",
                message=f"Job #{number} for {job_type.name} at this address was booked earlier in "
                "this conversation; a second job for the same visit was not booked. Offer to reschedule "
                "that one instead.",
                data={"jobNumber": mine.get("jobNumber"), "jobId": mine.get("jobId"), "alreadyBooked": True},
                facts=[Fact(kind="job_number", value=number, forms=[f"#{number}"])],
            )
    return None


async def open_job(ctx: ToolContext, customer_id: int, job_type: JobType, location: Location) -> Job | None:
    """The customer's open job of this type at this location in ServiceTitan, if any.

    Not asked for a customer created in this conversation: nobody else knows their id yet.
    """
    if customer_id in ctx.state.created_customer_ids:
        return None
    page = await ctx.client.jpm.jobs.list(customer_id=customer_id, location_id=location.id, page_size=200)
    for job in page.data:
        if job.job_type_id == job_type.id and job.job_status in words.OPEN_JOB_STATUSES:
            return job
    return None


async def existing_visit(ctx: ToolContext, job: Job, job_type: JobType) -> ToolResult:
    """The refusal for an open job of the same kind, with its arrival window when it has one."""
    when = window = ""
    facts = [Fact(kind="job_number", value=job.job_number or str(job.id), forms=[f"#{job.job_number}"])]
    if job.first_appointment_id:
        try:
            visit = await ctx.client.jpm.appointments.get(job.first_appointment_id)
        except NotFound:
            visit = None
        start = (visit.arrival_window_start or visit.start) if visit else None
        if visit is not None and start is not None:
            window = _visit_window(visit, ctx)
            when = f" ({window})"
            facts.append(words.window_fact(start, visit.arrival_window_end or visit.end, ctx.profile.zone))
    return ToolResult(
        status="refused",
        message=f"The customer already has job #{job.job_number} for {job_type.name} at this "
        f"address{when}; a second job for the same visit was not booked. Tell them, and offer to "
        "reschedule that one instead.",
        data={"jobNumber": job.job_number, "jobId": job.id, "alreadyBooked": True, "window": window or None},
        facts=facts,
    )


def _visit_window(visit: Appointment, ctx: ToolContext) -> str:
    start = visit.arrival_window_start or visit.start
    end = visit.arrival_window_end or visit.end
    assert start is not None
    return words.window(start, end, ctx.profile.zone)


class CreateAppointment(Tool):
    id = "createAppointment"
    description = (
        "Book a visit: creates the job and its appointment in an arrival window from getAvailableTimeSlots. "
        "Choose jobType from the business's job-type guidance by the customer's problem; put the problem "
        "in the customer's words in summary; set emergency for urgent cases."
    )
    effect = "write"
    access = "account"
    scopes = (
        "tn.jpm.jobs:w",
        "tn.jpm.jobs:r",
        "tn.jpm.appointments:r",
        "tn.crm.locations:r",
        "tn.mrk.campaigns:r",
        "tn.dis.appointmentassignments:r",
        "tn.stt.technicians:r",
        *scheduling.CAPACITY_SCOPES,
    )

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "customerId": {"type": "integer", "description": "the verified (or just created) customer"},
                "locationId": {"type": "integer", "description": "service location, when they have several"},
                "jobType": {"type": "string", "description": "job type name from the business's guidance"},
                "summary": {"type": "string", "minLength": 3, "maxLength": 1000},
                "windowStart": {"type": "string", "description": "windowStart of an offered window"},
                "emergency": {"type": "boolean", "description": "true for an urgent emergency"},
                "technician": {"type": "string", "description": "name, only when the customer asked for one"},
            },
            "required": ["customerId", "jobType", "summary", "windowStart"],
            "additionalProperties": False,
        }

    def _key(self, args: dict[str, Any]) -> str:
        return f"{self.id}:plan:{digest(self.id, args)}"

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        # an open job of the same kind in ServiceTitan is looked for when the booking runs (it must be
        # then anyway); one this conversation booked is known without asking
        ctx.extra.pop(self._key(args), None)
        plan = await plan_booking(ctx, args, recheck=False)
        if not isinstance(plan, Plan):
            return plan
        blocked = booked_here(ctx, int(args["customerId"]), plan.job_type, plan.location)
        if blocked is None:  # the runner asks for the summary next: it reuses this plan
            ctx.extra[self._key(args)] = plan
        return blocked

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        plan = ctx.extra.pop(self._key(args), None)
        if not isinstance(plan, Plan):
            plan = await plan_booking(ctx, args, recheck=False)
        if not isinstance(plan, Plan):  # only when called without prepare
            return f"Book {args['jobType']} for: {words.quoted(args['summary'], 200)}"
        text = (
            f"Book a visit for {plan.job_type.name} at {address_text(plan.location.address)}, arrival window "
            f"{w.describe(plan.window, ctx.profile.zone)}, for: {words.quoted(args['summary'], 200)}"
        )
        if plan.technician_name:
            text += f", with {plan.technician_name}"
        if plan.priority == "Urgent":
            text += " (urgent)"
        return text + "."

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        customer_id = int(args["customerId"])
        asked = await _resolve(ctx, args)
        if isinstance(asked, ToolResult):
            return asked
        blocked = booked_here(ctx, customer_id, asked.job_type, asked.location)
        if blocked is not None:
            return blocked
        # asked afresh, at once: the window may have filled since the proposal, and another channel or
        # the office may have booked the same visit meanwhile
        plan, other = await together(
            _planned(ctx, args, asked, recheck=True),
            open_job(ctx, customer_id, asked.job_type, asked.location),
        )
        if not isinstance(plan, Plan):
            return plan
        if other is not None:
            return await existing_visit(ctx, other, plan.job_type)
        window = plan.window
        need = timedelta(seconds=plan.job_type.duration or 0) or (window.end - window.start)
        appointment: dict[str, Any] = {
            "start": window.start,
            "end": window.start + need,
            "arrivalWindowStart": window.start,
            "arrivalWindowEnd": window.end,
        }
        if plan.technician_id is not None:
            appointment["technicianIds"] = [plan.technician_id]
        body = {
            "customerId": customer_id,
            "locationId": plan.location.id,
            "businessUnitId": plan.business_unit_id,
            "jobTypeId": plan.job_type.id,
            "priority": plan.priority,
            "campaignId": plan.campaign_id,
            "summary": html.escape(args["summary"].strip(), quote=False),  # apostrophes stay readable
            "appointments": [appointment],
        }
        created = await ctx.client.jpm.jobs.create(body)
        # "booked" only once the job is read back from ServiceTitan; the technician the customer asked for
        # is read back at once, from the visit the create answer names
        stored, assignments = await together(
            ctx.client.jpm.jobs.get(created.id),
            assigned_to(ctx, created.first_appointment_id if plan.technician_id is not None else None),
        )
        recall.remember_booking(
            ctx,
            customer_id,
            {
                "jobId": stored.id,
                "jobNumber": stored.job_number,
                "jobTypeId": plan.job_type.id,
                "locationId": plan.location.id,
            },
        )
        return await booked(ctx, stored, plan.job_type, plan.window, assignments)


async def assigned_to(ctx: ToolContext, appointment_id: int | None) -> list[AppointmentAssignment]:
    """The technicians on a visit (none asked for when the booking named nobody: dispatch assigns later)."""
    if appointment_id is None:
        return []
    return (await ctx.client.dispatch.appointment_assignments.list(appointment_ids=[appointment_id])).data


async def booked(
    ctx: ToolContext,
    job: Job,
    job_type: JobType,
    window: Window,
    assignments: list[AppointmentAssignment],
) -> ToolResult:
    """What ServiceTitan now holds for a new job, as data and facts.

    The job is as read back; the arrival window is the one ServiceTitan accepted in the same request
    that created the job (it answers 200 only when it stored the job and its appointment).
    """
    zone = ctx.profile.zone
    number = job.job_number or str(job.id)
    facts = [
        Fact(kind="booking", value=f"job #{number} booked", forms=[f"job {number}", number]),
        Fact(kind="job_number", value=number, forms=[f"#{number}"]),
    ]
    data: dict[str, Any] = {
        "jobId": job.id,
        "jobNumber": job.job_number,
        "status": words.job_status(job.job_status),
        "jobType": job_type.name,
        "priority": job.priority,
    }
    if not job.first_appointment_id:  # the job without its visit: promise no time
        return ToolResult(
            data=data,
            facts=facts,
            message="ServiceTitan holds the job but no visit on it. Tell the customer the job number and "
            f"that the office will call to set the time ({ctx.profile.phone}).",
        )
    facts.append(words.window_fact(window.start, window.end, zone))
    data["window"] = words.window(window.start, window.end, zone)
    names = []
    for item in assignments:
        if item.active is False:
            continue
        name = await technician_name(ctx, item)
        if name:
            names.append(name)
            facts.append(Fact(kind="technician", value=name))
    if names:
        data["technicians"] = names
    return ToolResult(
        data=data,
        facts=facts,
        message="Booked in ServiceTitan. Tell the customer the job number and the arrival window.",
    )
