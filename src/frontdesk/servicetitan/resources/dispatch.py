"""Dispatch: capacity, shifts, assignments and tracking (``dispatch/v2``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontdesk.servicetitan.models import (
    Appointment,
    AppointmentAssignment,
    CapacityResponse,
    TechnicianShift,
    TechnicianTracking,
)
from frontdesk.servicetitan.resources._base import ListResource, Resource

if TYPE_CHECKING:
    from frontdesk.servicetitan.client import ServiceTitanClient


class AppointmentAssignments(ListResource[AppointmentAssignment]):
    """Which technicians are on which appointment; filter with ``appointment_ids=[…]`` or ``job_id``."""

    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "dispatch", "appointment-assignments", AppointmentAssignment)

    async def assign(self, appointment_id: int, technician_ids: Iterable[int]) -> Appointment | None:
        return await self._change("assign-technicians", appointment_id, technician_ids)

    async def unassign(self, appointment_id: int, technician_ids: Iterable[int]) -> Appointment | None:
        return await self._change("unassign-technicians", appointment_id, technician_ids)

    async def _change(
        self, action: str, appointment_id: int, technician_ids: Iterable[int]
    ) -> Appointment | None:
        body = {"jobAppointmentId": appointment_id, "technicianIds": list(technician_ids)}
        answer = await self._send("POST", f"{self.path}/{action}", body)
        return Appointment.model_validate(answer) if answer else None


class Dispatch:
    def __init__(self, client: ServiceTitanClient) -> None:
        self._client = client
        self.technician_shifts = Resource(client, "dispatch", "technician-shifts", TechnicianShift)
        self.appointment_assignments = AppointmentAssignments(client)

    async def capacity(
        self,
        starts_on_or_after: datetime,
        ends_on_or_before: datetime,
        *,
        skill_based_availability: bool = False,
        business_unit_ids: Iterable[int] | None = None,
        job_type_id: int | None = None,
    ) -> CapacityResponse:
        """Arrival windows with open technician hours (a POST: it needs the scope tn.dis.capacity:w)."""
        body: dict[str, Any] = {
            "startsOnOrAfter": starts_on_or_after,
            "endsOnOrBefore": ends_on_or_before,
            "skillBasedAvailability": skill_based_availability,
        }
        if business_unit_ids is not None:
            body["businessUnitIds"] = list(business_unit_ids)
        if job_type_id is not None:
            body["jobTypeId"] = job_type_id
        # a query sent as a POST: asking twice changes nothing, so a 5xx or a timeout is retried
        answer = await self._client.request("POST", "dispatch", "capacity", json=body, idempotent=True)
        return CapacityResponse.model_validate(answer)

    async def technician_tracking(
        self, technician_id: int, appointment_id: int | None = None
    ) -> TechnicianTracking:
        """A link where the customer can follow the technician."""
        params = {"technicianId": technician_id, "appointmentId": appointment_id}
        answer = await self._client.request("GET", "dispatch", "technician-tracking", params=params)
        return TechnicianTracking.model_validate(answer)
