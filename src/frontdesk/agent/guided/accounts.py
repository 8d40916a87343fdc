"""What the guided model tells a verified customer about their account — visits, jobs, technicians and
invoices — worded from the tool's data alone: every number, date and name comes from the result."""

from __future__ import annotations

import re
from typing import Any


def _names(value: Any) -> list[str]:
    names = []
    for item in value or []:
        name = item.get("name") if isinstance(item, dict) else item
        if name:
            names.append(str(name))
    return names


def _visit(visit: dict[str, Any]) -> str:
    text = str(visit.get("window") or "no time set yet")
    technicians = _names(visit.get("technicians"))
    return text + (f" with {', '.join(technicians)}" if technicians else "")


def _upcoming(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A job status's visits still to come."""
    return [v for v in data.get("visits") or [] if v.get("status") not in ("done", "canceled", "cancelled")]


def upcoming_window(data: dict[str, Any]) -> str | None:
    """The arrival window of a job status's next visit, when it has one."""
    upcoming = _upcoming(data)
    return str(upcoming[0].get("window") or "") or None if upcoming else None


def job_status(data: dict[str, Any]) -> str:
    kind = data.get("type") or data.get("jobType") or "visit"
    lines = [f"Job #{data.get('jobNumber')} ({kind}) — status: {data.get('status', 'on file')}."]
    upcoming = _upcoming(data)
    if upcoming:
        lines.append(f"Arrival window: {_visit(upcoming[0])}.")
        if not _names(upcoming[0].get("technicians")):
            lines.append("A technician hasn't been assigned yet.")
    elif data.get("nextVisit"):
        lines.append(f"Next visit: {data['nextVisit']}.")
    return " ".join(lines)


def technician(data: dict[str, Any]) -> str:
    people = [t for t in data.get("technicians") or [] if isinstance(t, dict)]
    lines = []
    for person in people:
        name = person.get("name", "Your technician")
        if person.get("trackingUrl"):
            lines.append(f"{name} is on the way; you can follow along live here: {person['trackingUrl']}")
        elif (person.get("lastKnownPosition") or {}).get("updated"):
            lines.append(f"{name}'s location was last updated at {person['lastKnownPosition']['updated']}.")
    window = data.get("window")
    visit = f"Your visit for job #{data.get('jobNumber')} (status: {data.get('status', 'open')})"
    visit += f" has the arrival window {window}" if window else " has no arrival window yet"
    names = _names(people)
    visit += f", with {', '.join(names)}." if names else ". A technician hasn't been assigned yet."
    if not lines:
        lines.append(
            "I don't have a live location yet — tracking starts once the technician is on the way on the day."
        )
    return "\n".join([visit, *lines, "The technician calls about 30 minutes before arriving."])


def history(data: dict[str, Any]) -> str:
    upcoming = data.get("upcoming") or []
    past = data.get("past") or []
    if not upcoming and not past:
        return "I don't see any visits on your account yet."
    lines = []
    if upcoming:
        lines.append("Coming up:")
        for job in upcoming:
            visits = job.get("visits") or [{}]
            lines.append(f"- Job #{job.get('jobNumber')}, {job.get('type')}: {_visit(visits[0])}")
    else:
        lines.append("I don't see an upcoming visit on your account.")
    if past:
        lines.append("Past visits:")
        for job in past[:6]:
            visits = job.get("visits") or [{}]
            techs = _names(visits[-1].get("technicians")) if visits else []
            when = job.get("completedOn") or job.get("status") or ""
            line = f"- Job #{job.get('jobNumber')}, {job.get('type')}, {when}"
            lines.append(line + (f" ({', '.join(techs)})" if techs else ""))
    return "\n".join(lines)


_WHO = re.compile(r"\bwho\b.{0,25}\b(tech|techs|technicians?|came|come out|did (it|the work))\b", re.I)
_WHEN_LAST = re.compile(r"\b(when|last time)\b.{0,40}\b(last|latest|most recent)\b|\blast time\b", re.I)


_FOUND = re.compile(
    r"\b(what (did )?(the |my )?(tech|technician|plumber|electrician|he|she|they|you guys|you) (found|find|say|said|"
    r"do|did|fix|fixed)|diagnos\w*|what was wrong|findings?)\b",
    re.I,
)
_DUE = re.compile(r"\b(due|overdue|time for (another|a new|the next)|need (another|a new) one)\b", re.I)


def history_answer(
    data: dict[str, Any],
    question: str,
    kind: str | None = None,
    shown: bool = False,
    offer: str = "",
    office: str = "our office",
) -> str:
    """The history, led by the answer to what was asked of it: who came last time, or when that was (of
    the kind of work asked about, when one was), or whether another is due (with ``offer`` to book it).
    ``shown``: the whole history was told already in this task, so only the answer is."""
    # a canceled job was no visit: "your last visit" is the last one that happened
    past = [job for job in data.get("past") or [] if job.get("status") != "canceled"]
    same = [job for job in past if kind is not None and job.get("type") == kind]
    last = (same or past or [None])[0]
    due = _DUE.search(question) is not None
    found = _FOUND.search(question) is not None
    if last is None or not (_WHO.search(question) or _WHEN_LAST.search(question) or due or found):
        return history(data)
    visits = last.get("visits") or [{}]
    techs = _names(visits[-1].get("technicians"))
    when = last.get("completedOn") or last.get("status") or ""
    visit = f"job #{last.get('jobNumber')}, {last.get('type')}, {when}"
    if _WHO.search(question):
        if not techs:
            return f"I don't have the technician's name for your last visit ({visit})."
        return f"{' and '.join(techs)} worked on your last visit ({visit})."
    if found:  # "what did the tech find last time?": which visit; the findings are the office's to tell
        with_whom = f", with {' and '.join(techs)}" if techs else ""
        return (
            f"Your last visit was {visit}{with_whom}. I can't see the technician's findings from here; "
            f"{office} can go through them with you."
        )
    what = f"last {last.get('type')}" if same else "last visit"
    if same:  # "your last HVAC Maintenance was on March 10, 2025 (job #100003)"
        visit = f"on {when} (job #{last.get('jobNumber')})"
    if due:
        booked = [job for job in data.get("upcoming") or [] if job.get("type") == last.get("type")]
        if booked:  # the next one is on the schedule already
            visits = booked[0].get("visits") or [{}]
            return f"Your {what} was {visit}, and the next one is booked: job #{booked[0].get('jobNumber')}, {_visit(visits[0])}."
        return f"Your {what} was {visit}.\n\n{offer}".rstrip()
    answer = f"Your {what} was {visit}" + (f", with {' and '.join(techs)}" if techs else "") + "."
    return answer if shown else f"{answer}\n\n{history(data)}"


def invoices(data: dict[str, Any]) -> str:
    owed = data.get("balanceOwed")
    unpaid = int(data.get("unpaidInvoices") or 0)
    if unpaid:
        lead = f"Your balance is {owed}, on {unpaid} unpaid invoice{'s' if unpaid > 1 else ''}."
    else:
        lead = f"Your balance is {owed} — everything is paid up."
    lines = [lead]
    listed = data.get("invoices") or []
    if listed:
        lines.append("Recent invoices:")
    for invoice in listed:
        about = ", ".join(str(v) for v in (invoice.get("jobType"), invoice.get("date")) if v)
        line = (
            f"- Invoice #{invoice.get('invoice')}"
            + (f" ({about})" if about else "")
            + f": {invoice.get('total')}"
        )
        if invoice.get("paid"):
            line += ", paid"
        else:
            line += f", {invoice.get('balance')} still owed"
            if invoice.get("dueDate"):
                line += f", due {invoice['dueDate']}"
        lines.append(line)
    return "\n".join(lines)


def invoice(data: dict[str, Any]) -> str:
    """One invoice in detail: what it was for, its lines, the totals, and what is still owed."""
    about = ", ".join(str(v) for v in (data.get("jobType"), data.get("date")) if v)
    lead = f"Invoice #{data.get('invoice')}" + (f" ({about})" if about else "")
    if data.get("jobNumber"):
        lead += f", for job #{data['jobNumber']}"
    lines = [lead + ":"]
    for item in data.get("items") or []:
        quantity = item.get("quantity")
        times = f" × {quantity}" if quantity not in (None, 1, "1") else ""
        lines.append(f"- {item.get('description') or 'Item'}{times}: {item.get('total')}")
    totals = [f"subtotal {data['subTotal']}"] if data.get("subTotal") else []
    if data.get("salesTax"):
        totals.append(f"tax {data['salesTax']}")
    totals.append(f"total {data.get('total')}")
    lines.append(", ".join(totals)[:1].upper() + ", ".join(totals)[1:] + ".")
    if data.get("paid"):
        lines.append(f"It's paid{' (on ' + str(data['paidOn']) + ')' if data.get('paidOn') else ''}.")
    else:
        due = f", due {data['dueDate']}" if data.get("dueDate") else ""
        lines.append(f"{data.get('balance')} is still owed{due}.")
    return "\n".join(lines)


_BILLED = {"annual": "annually", "annually": "annually", "yearly": "annually", "semiannual": "twice a year",
           "semiannually": "twice a year", "quarterly": "quarterly", "monthly": "monthly"}  # fmt: skip


def memberships(data: dict[str, Any]) -> str:
    plans = [p for p in data.get("memberships") or [] if isinstance(p, dict)]
    if not plans:
        return "I don't see a membership on your account."
    lines = ["Here's the membership on your account:" if len(plans) == 1 else "Your memberships:"]
    for plan in plans:
        lines.append(f"- {str(plan.get('description') or 'Membership').strip()}")
        state = str(plan.get("status") or "on file").capitalize()
        if plan.get("from") or plan.get("to"):
            state += f" from {plan.get('from', '…')} to {plan.get('to', 'ongoing')}"
        if plan.get("billing"):
            billing = str(plan["billing"])
            state += f", billed {_BILLED.get(billing.lower(), billing)}"
        lines.append(f"  {state}.")
    return "\n".join(lines)


_LABELS = {"jobNumber": "Job number", "status": "Status", "jobType": "Service", "type": "Service",
           "window": "Arrival window", "nextVisit": "Next visit", "technicians": "Technician"}  # fmt: skip
_HIDDEN = ("jobId", "customerId", "appointmentId", "locationId", "invoiceId", "id")


def describe(data: dict[str, Any], depth: int = 0) -> str:
    """Any other tool's data as short lines a customer can read (only what the tool returned)."""
    lines: list[str] = []
    pad = "  " * depth
    for key, value in data.items():
        if key in _HIDDEN or value in (None, "", []) or isinstance(value, bool):
            continue
        label = _LABELS.get(key, re.sub(r"(?<!^)([A-Z])", r" \1", key).capitalize())
        if isinstance(value, dict):
            lines += [f"{pad}- {label}:", describe(value, depth + 1)]
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                lines.append(f"{pad}- {label}: {', '.join(str(v) for v in value)}")
            else:
                lines.append(f"{pad}- {label}:")
                lines += [describe(item, depth + 1) for item in value[:8] if isinstance(item, dict)]
        else:
            lines.append(f"{pad}- {label}: {value}")
    return "\n".join(line for line in lines if line.strip())
