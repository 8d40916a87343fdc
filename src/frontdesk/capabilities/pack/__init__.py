"""The ServiceTitan capability pack: built-in tools that read and write ServiceTitan for customers.

The tools keep the guide's ids and meaning but speak the real API; ``files/`` holds the four capability
files (Customer Lookup & Service History, Appointment Scheduling & Job Creation, Job Status & Updates,
Billing & Invoices) that group them with their instructions.
"""

from __future__ import annotations

from pathlib import Path

from frontdesk.capabilities.pack.billing import GetCustomerInvoices, GetInvoice
from frontdesk.capabilities.pack.booking import CreateAppointment, CreateCustomer
from frontdesk.capabilities.pack.changes import AddJobNote, CancelAppointment, RescheduleAppointment
from frontdesk.capabilities.pack.history import GetCustomerJobs, GetCustomerMemberships
from frontdesk.capabilities.pack.lookup import SearchCustomers
from frontdesk.capabilities.pack.scheduling import GetAvailableTimeSlots
from frontdesk.capabilities.pack.status import GetJobStatus, GetTechnicianLocation
from frontdesk.capabilities.tool import Tool

TOOL_CLASSES: tuple[type[Tool], ...] = (
    SearchCustomers,
    GetCustomerJobs,
    GetCustomerMemberships,
    GetAvailableTimeSlots,
    CreateCustomer,
    CreateAppointment,
    GetJobStatus,
    GetTechnicianLocation,
    RescheduleAppointment,
    CancelAppointment,
    AddJobNote,
    GetCustomerInvoices,
    GetInvoice,
)


def builtin_tools() -> dict[str, Tool]:
    """A fresh instance of every pack tool, by id (what capability files name with ``builtin:``)."""
    tools = [cls() for cls in TOOL_CLASSES]
    return {tool.id: tool for tool in tools}


def pack_files() -> list[Path]:
    """The pack's capability files, in the order they are presented to a model."""
    folder = Path(__file__).with_name("files")
    order = ["customer-lookup.yaml", "scheduling.yaml", "job-status.yaml", "billing.yaml"]
    return [folder / name for name in order]
