"""How a job's status follows its appointments and the actions taken on it.

A job is Scheduled when booked. Canceled and Completed are set only by the job actions and stick until
an action undoes them (remove-cancellation); otherwise the job shows its most advanced open appointment:
Working → InProgress, Dispatched → Dispatched, Scheduled → Scheduled, and Hold when every open
appointment is on hold. Other code that moves appointments (dispatch, the demo generator) calls
``sync_job`` so the job and its appointment summary (count, first, last) stay right.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox.problems import conflict
from frontdesk.sandbox.records import Instant
from frontdesk.sandbox.store import Doc, Store, Where, to_us

JOB_FINAL = frozenset({"Completed", "Canceled"})
APPOINTMENT_OPEN = ("Scheduled", "Dispatched", "Working", "Hold")  # still to be done
APPOINTMENT_CLOSED = frozenset({"Done", "Canceled"})
_FROM_APPOINTMENTS = (("Working", "InProgress"), ("Dispatched", "Dispatched"), ("Scheduled", "Scheduled"))


def job_status(current: str, appointment_statuses: Iterable[str]) -> str:
    """The status a job shows, given its current status and its appointments' statuses."""
    if current in JOB_FINAL:
        return current
    statuses = set(appointment_statuses)
    for appointment, job in _FROM_APPOINTMENTS:
        if appointment in statuses:
            return job
    if "Hold" in statuses:
        return "Hold"
    return current  # nothing open (all done or canceled): an action decides what comes next


def _stamp(now: Instant) -> str:
    return now if isinstance(now, str) else iso(now)


def job_appointments(store: Store, tenant: int, job_id: int) -> list[Doc]:
    """A job's (not deleted) appointments, earliest start first."""
    where = Where().eq("job_id", job_id).eq("active", 1)
    return store["appointments"].select(tenant, where, order="start, id")


def sync_job(store: Store, tenant: int, job: Doc, now: Instant, *, touch: bool = False) -> Doc:
    """Recompute the job's status and appointment summary from its appointments, and store it.

    The job is written (and its ``modifiedOn`` moved) only when something changed, or when ``touch``
    says the caller changed it already.
    """
    appointments = job_appointments(store, tenant, job["id"])
    before = dict(job)
    job["appointmentCount"] = len(appointments)
    job["firstAppointmentId"] = appointments[0]["id"] if appointments else 0
    job["lastAppointmentId"] = appointments[-1]["id"] if appointments else 0
    job["_firstStart"] = to_us(appointments[0]["start"]) if appointments else None
    job["jobStatus"] = job_status(job["jobStatus"], (a["status"] for a in appointments))
    if touch or job != before:
        job["modifiedOn"] = _stamp(now)
        store["jobs"].put(tenant, job)
    return job


def move_appointments(
    store: Store,
    tenant: int,
    job_id: int,
    from_statuses: Iterable[str],
    to_status: str,
    now: Instant,
    **extra: Any,
) -> list[Doc]:
    """Set every appointment of the job that is in one of ``from_statuses`` to ``to_status``.

    ``extra`` keys (the sandbox's private notes, such as a hold reason) are set on each moved one.
    """
    wanted = set(from_statuses)
    moved = []
    for doc in job_appointments(store, tenant, job_id):
        if doc["status"] in wanted:
            doc.update(extra, status=to_status, modifiedOn=_stamp(now))
            store["appointments"].put(tenant, doc)
            moved.append(doc)
    return moved


# --- the rules of each action (409 when the state does not allow it) -------------------------------


def require_job_can_hold(job: Doc) -> None:
    if job["jobStatus"] in JOB_FINAL:
        raise conflict(f"A {job['jobStatus'].lower()} job cannot be put on hold.")
    if job["jobStatus"] == "Hold":
        raise conflict("The job is already on hold.")


def require_job_can_cancel(job: Doc) -> None:
    if job["jobStatus"] == "Completed":
        raise conflict("A completed job cannot be canceled.")
    if job["jobStatus"] == "Canceled":
        raise conflict("The job is already canceled.")


def require_job_canceled(job: Doc) -> None:
    if job["jobStatus"] != "Canceled":
        raise conflict("The job is not canceled.")


def require_job_can_complete(job: Doc) -> None:
    if job["jobStatus"] == "Canceled":
        raise conflict("A canceled job cannot be completed.")
    if job["jobStatus"] == "Completed":
        raise conflict("The job is already completed.")


def require_job_open(job: Doc) -> None:
    """Appointments can be added only to a job that is neither canceled nor completed."""
    if job["jobStatus"] in JOB_FINAL:
        raise conflict(f"Appointments cannot be added to a {job['jobStatus'].lower()} job.")


def require_appointment_open(appointment: Doc, action: str) -> None:
    if appointment["status"] in APPOINTMENT_CLOSED:
        raise conflict(f"A {appointment['status'].lower()} appointment cannot be {action}.")


def require_appointment_can_hold(appointment: Doc) -> None:
    require_appointment_open(appointment, "put on hold")
    if appointment["status"] == "Hold":
        raise conflict("The appointment is already on hold.")


def require_appointment_on_hold(appointment: Doc) -> None:
    if appointment["status"] != "Hold":
        raise conflict("The appointment is not on hold.")


def require_appointment_deletable(appointment: Doc, remaining: int) -> None:
    if appointment["status"] == "Done":
        raise conflict("A done appointment cannot be deleted.")
    if remaining < 1:
        raise conflict("A job needs at least one appointment: this is its only one.")
