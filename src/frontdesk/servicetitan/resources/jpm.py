"""Job planning: jobs, appointments, job types and reasons (``jpm/v2``)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontdesk.servicetitan.models import Appointment, Job, JobType, Note, Reason
from frontdesk.servicetitan.resources._base import Body, Exportable, ListResource, Resource

if TYPE_CHECKING:
    from frontdesk.servicetitan.client import ServiceTitanClient


class Jobs(Exportable[Job]):
    """Jobs are never deleted: cancel, hold and complete them."""

    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "jpm", "jobs", Job, "export/jobs")

    async def create(self, body: Body) -> Job:
        """Book a job: needs customerId, locationId, businessUnitId, jobTypeId, priority, campaignId and
        appointments [{start, end, …}] in UTC."""
        return await self._model("POST", self.path, body)

    async def patch(self, id: int, body: Body) -> Job:
        return await self._model("PATCH", f"{self.path}/{id}", body)

    async def cancel(self, id: int, reason_id: int, memo: str = "") -> None:
        await self._send("PUT", f"{self.path}/{id}/cancel", {"reasonId": reason_id, "memo": memo})

    async def remove_cancellation(self, id: int) -> None:
        await self._send("PUT", f"{self.path}/{id}/remove-cancellation")

    async def hold(self, id: int, reason_id: int, memo: str = "") -> None:
        await self._send("PUT", f"{self.path}/{id}/hold", {"reasonId": reason_id, "memo": memo})

    async def complete(self, id: int, completed_on: datetime) -> None:
        await self._send("PUT", f"{self.path}/{id}/complete", {"completedOn": completed_on})

    async def notes(self, id: int) -> builtins.list[Note]:
        return await self._items(f"{self.path}/{id}/notes", Note)

    async def add_note(self, id: int, text: str, *, pin_to_top: bool = False) -> Note:
        answer = await self._send("POST", f"{self.path}/{id}/notes", {"text": text, "pinToTop": pin_to_top})
        return Note.model_validate(answer)


class Appointments(Exportable[Appointment]):
    """A job's visits. There is no cancel: delete an appointment, or cancel its job."""

    def __init__(self, client: ServiceTitanClient) -> None:
        super().__init__(client, "jpm", "appointments", Appointment, "export/appointments")

    async def add(self, body: Body) -> Appointment:
        """Add an appointment to a job: {jobId, start, end, arrivalWindowStart?, arrivalWindowEnd?, …}."""
        return await self._model("POST", self.path, body)

    async def reschedule(
        self,
        id: int,
        start: datetime,
        end: datetime,
        *,
        arrival_window_start: datetime | None = None,
        arrival_window_end: datetime | None = None,
    ) -> Appointment:
        body: dict[str, Any] = {"start": start, "end": end}
        if arrival_window_start is not None:
            body["arrivalWindowStart"] = arrival_window_start
        if arrival_window_end is not None:
            body["arrivalWindowEnd"] = arrival_window_end
        return await self._model("PATCH", f"{self.path}/{id}/reschedule", body)

    async def hold(self, id: int, reason_id: int, memo: str = "") -> None:
        await self._send("PUT", f"{self.path}/{id}/hold", {"reasonId": reason_id, "memo": memo})

    async def remove_hold(self, id: int) -> None:
        await self._send("DELETE", f"{self.path}/{id}/hold")

    async def delete(self, id: int) -> None:
        await self._send("DELETE", f"{self.path}/{id}")


class Jpm:
    def __init__(self, client: ServiceTitanClient) -> None:
        self.jobs = Jobs(client)
        self.appointments = Appointments(client)
        self.job_types = Resource(client, "jpm", "job-types", JobType)
        self.job_cancel_reasons = ListResource(client, "jpm", "job-cancel-reasons", Reason)
        self.job_hold_reasons = ListResource(client, "jpm", "job-hold-reasons", Reason)
