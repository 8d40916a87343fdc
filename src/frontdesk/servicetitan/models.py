"""Typed views of ServiceTitan's answers. Fields ServiceTitan adds later are kept (``model_extra``), money
is Decimal (accounting sends strings), instants are timezone-aware UTC."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from frontdesk.clock import as_utc

# ServiceTitan sends instants with a Z; a few fields come without an offset, and those are UTC too.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
Money = Decimal


class STModel(BaseModel):
    """Fields in snake_case, read from and written as ServiceTitan's camelCase."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel)

    def to_api(self) -> dict[str, Any]:
        """As ServiceTitan spells it, for request bodies."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


T = TypeVar("T")


class Page(STModel, Generic[T]):
    """One page of a list: ``{page, pageSize, hasMore, totalCount, data}``."""

    page: int = 1
    page_size: int = 50
    has_more: bool = False
    total_count: int | None = None
    data: list[T] = Field(default_factory=list)


class ExportPage(STModel, Generic[T]):
    """One batch of an export feed: ``{hasMore, continueFrom, data}``."""

    has_more: bool = False
    continue_from: str | None = None
    data: list[T] = Field(default_factory=list)


# pydantic keeps a parametrized generic model only while something refers to it, so ``Page[Customer]`` written
# in a call is rebuilt (schema and validator) each time once collected; these keep one per item model


@functools.cache
def page_of(model: type[T]) -> type[Page[T]]:
    """``Page[model]``, built once."""
    return Page[model]  # type: ignore[valid-type]


@functools.cache
def export_page_of(model: type[T]) -> type[ExportPage[T]]:
    """``ExportPage[model]``, built once."""
    return ExportPage[model]  # type: ignore[valid-type]


class Address(STModel):
    street: str | None = None
    unit: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class NamedRef(STModel):
    id: int | None = None
    name: str | None = None


class Contact(STModel):
    """A phone number, e-mail or fax of a customer or a location."""

    id: int | None = None
    type: str | None = None  # Phone | MobilePhone | Email | Fax
    value: str | None = None
    memo: str | None = None
    customer_id: int | None = None
    location_id: int | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class Location(STModel):
    id: int
    customer_id: int | None = None
    active: bool = True
    name: str | None = None
    address: Address | None = None
    zone_id: int | None = None
    tax_zone_id: int | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None
    contacts: list[Contact] = Field(default_factory=list)  # only in create answers


class Customer(STModel):
    id: int
    active: bool = True
    name: str | None = None
    type: str | None = None  # Residential | Commercial
    address: Address | None = None
    balance: Money | None = None
    do_not_mail: bool | None = None
    do_not_service: bool | None = None
    merged_to_id: int | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None
    locations: list[Location] = Field(default_factory=list)  # only in create answers
    contacts: list[Contact] = Field(default_factory=list)  # only in create answers


class Job(STModel):
    id: int
    job_number: str | None = None
    customer_id: int | None = None
    location_id: int | None = None
    job_status: str | None = None  # Scheduled | Dispatched | InProgress | Hold | Completed | Canceled
    business_unit_id: int | None = None
    job_type_id: int | None = None
    priority: str | None = None  # Low | Normal | High | Urgent
    campaign_id: int | None = None
    summary: str | None = None
    appointment_count: int | None = None
    first_appointment_id: int | None = None
    last_appointment_id: int | None = None
    completed_on: UtcDateTime | None = None
    invoice_id: int | None = None
    membership_id: int | None = None
    total: Money | None = None
    active: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class Note(STModel):
    text: str | None = None
    is_pinned: bool | None = None
    created_by_id: int | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class Appointment(STModel):
    id: int
    job_id: int | None = None
    appointment_number: str | None = None
    start: UtcDateTime | None = None
    end: UtcDateTime | None = None
    arrival_window_start: UtcDateTime | None = None
    arrival_window_end: UtcDateTime | None = None
    status: str | None = None  # Scheduled | Dispatched | Working | Hold | Done | Canceled
    special_instructions: str | None = None
    customer_id: int | None = None
    is_confirmed: bool | None = None
    active: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class AppointmentAssignment(STModel):
    id: int
    technician_id: int | None = None
    technician_name: str | None = None
    assigned_by_id: int | None = None
    assigned_on: UtcDateTime | None = None
    status: str | None = None
    is_paused: bool | None = None
    job_id: int | None = None
    appointment_id: int | None = None
    active: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class JobType(STModel):
    id: int
    name: str | None = None
    business_unit_ids: list[int] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    priority: str | None = None
    duration: int | None = None  # seconds
    summary: str | None = None
    class_: str | None = Field(None, alias="class")
    active: bool = True
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class Reason(STModel):
    """A job cancel or hold reason."""

    id: int
    name: str | None = None
    active: bool = True
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class BusinessUnit(STModel):
    id: int
    active: bool = True
    name: str | None = None
    official_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    currency: str | None = None
    address: Address | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class TechnicianLocation(STModel):
    latitude: float | None = None
    longitude: float | None = None
    coordinates_updated_on: UtcDateTime | None = None


class Technician(STModel):
    id: int
    name: str | None = None
    business_unit_id: int | None = None
    email: str | None = None
    phone_number: str | None = None
    mobile_phone: str | None = None
    skills: list[NamedRef | str] = Field(default_factory=list)
    status: str | None = None  # Idle | Dispatched | Working | Meal
    location: TechnicianLocation | None = None
    shift_start: str | None = None  # a duration after midnight, as ServiceTitan sends it
    shift_end: str | None = None
    active: bool = True
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class TechnicianShift(STModel):
    id: int
    shift_type: str | None = None  # Normal | OnCall | TimeOff
    title: str | None = None
    note: str | None = None
    active: bool = True
    technician_id: int | None = None
    start: UtcDateTime | None = None
    end: UtcDateTime | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class TechnicianTracking(STModel):
    technician_tracking_url: str | None = None


class CampaignCategory(STModel):
    id: int | None = None
    name: str | None = None
    active: bool | None = None


class Campaign(STModel):
    id: int
    name: str | None = None
    active: bool = True
    category: CampaignCategory | None = None
    source: str | None = None
    medium: str | None = None
    is_default_campaign: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class InvoiceJob(STModel):
    id: int | None = None
    number: str | None = None
    type: str | None = None


class InvoiceItem(STModel):
    id: int | None = None
    description: str | None = None
    quantity: Decimal | None = None
    price: Money | None = None
    total: Money | None = None
    cost: Money | None = None
    type: str | None = None
    sku_id: int | None = None
    sku_name: str | None = None
    display_name: str | None = None
    service_date: UtcDateTime | None = None


class Invoice(STModel):
    id: int
    reference_number: str | None = None
    invoice_date: UtcDateTime | None = None
    due_date: UtcDateTime | None = None
    sub_total: Money | None = None
    sales_tax: Money | None = None
    total: Money | None = None
    balance: Money | None = None
    customer: NamedRef | None = None
    location: NamedRef | None = None
    business_unit: NamedRef | None = None
    job: InvoiceJob | None = None
    items: list[InvoiceItem] = Field(default_factory=list)
    summary: str | None = None
    paid_on: UtcDateTime | None = None
    membership_id: int | None = None
    active: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class Membership(STModel):
    id: int
    customer_id: int | None = None
    location_id: int | None = None
    business_unit_id: int | None = None
    membership_type_id: int | None = None
    status: str | None = None  # Active | Suspended | Expired | Canceled | Deleted
    from_: UtcDateTime | None = Field(None, alias="from")
    to: UtcDateTime | None = None
    next_scheduled_bill_date: UtcDateTime | None = None
    billing_frequency: str | None = None
    duration: int | None = None
    active: bool | None = None
    created_on: UtcDateTime | None = None
    modified_on: UtcDateTime | None = None


class CapacityTechnician(STModel):
    id: int
    name: str | None = None
    status: str | None = None  # Available | Unavailable
    has_required_skills: bool | None = None


class Availability(STModel):
    """One arrival window. ``start``/``end`` are the business's local wall time as ServiceTitan sends
    them (no offset); ``start_utc``/``end_utc`` are the same instants in UTC."""

    start: datetime | None = None
    end: datetime | None = None
    start_utc: UtcDateTime | None = None
    end_utc: UtcDateTime | None = None
    business_unit_ids: list[int] = Field(default_factory=list)
    total_availability: float | None = None  # hours of technician time
    open_availability: float | None = None
    technicians: list[CapacityTechnician] = Field(default_factory=list)
    is_available: bool = False
    is_exceeding_ideal_booking_percentage: bool | None = None


class CapacityResponse(STModel):
    time_stamp: UtcDateTime | None = None
    availabilities: list[Availability] = Field(default_factory=list)
