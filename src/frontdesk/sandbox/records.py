"""Builders of ServiceTitan records, shaped exactly as the published response schemas require.

Routes (on create) and the demo data generator both build records here, so every stored document has
every required field of its schema. Keys starting with ``_`` are the sandbox's own (indexes and links
that ServiceTitan keeps elsewhere); routes strip them before answering (``public``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from frontdesk.clock import iso

Doc = dict[str, Any]

SYSTEM_USER = 1  # createdById of records the sandbox (or its generator) makes
API_USER = 2  # createdById of records made through the API

# An instant as a datetime, or already formatted by ``iso()``: the bulk generator formats its
# timestamps once and reuses the strings, which keeps 100k customers within seconds.
Instant = datetime | str


def _iso(value: Instant) -> str:
    return value if isinstance(value, str) else iso(value)


def public(doc: Doc) -> Doc:
    """The document as the API returns it: without the sandbox's private keys."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def money(value: Decimal | float | int | str) -> str:
    """Accounting money: a string with two decimals, as ServiceTitan sends it."""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def address(
    street: str, city: str, state: str, zip_code: str, country: str = "USA", unit: str | None = None
) -> Doc:
    return {
        "street": street,
        "unit": unit,
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": country,
        "latitude": None,
        "longitude": None,
    }


# --- crm -------------------------------------------------------------------------------------------


def customer(
    ident: int, name: str, addr: Doc, now: Instant, *, kind: str = "Residential", **extra: Any
) -> Doc:
    stamp = _iso(now)
    doc: Doc = {
        "id": ident,
        "active": True,
        "name": name,
        "type": kind,
        "address": addr,
        "customFields": [],
        "balance": 0.0,
        "taxExempt": False,
        "tagTypeIds": [],
        "doNotMail": False,
        "doNotService": False,
        "nationalAccount": False,
        "createdOn": stamp,
        "createdById": API_USER,
        "modifiedOn": stamp,
        "mergedToId": None,
        "paymentTermId": None,
        "creditLimit": None,
        "creditLimitBalance": None,
        "externalData": [],
    }
    doc.update(extra)
    return doc


def location(ident: int, customer_id: int, name: str, addr: Doc, now: Instant, **extra: Any) -> Doc:
    stamp = _iso(now)
    doc: Doc = {
        "id": ident,
        "customerId": customer_id,
        "active": True,
        "name": name,
        "address": addr,
        "customFields": [],
        "createdOn": stamp,
        "createdById": API_USER,
        "modifiedOn": stamp,
        "mergedToId": None,
        "zoneId": None,
        "taxExempt": False,
        "tagTypeIds": [],
        "externalData": [],
        "taxZoneId": None,
    }
    doc.update(extra)
    return doc


def contact(
    ident: int,
    kind: str,
    value: str,
    now: Instant,
    *,
    customer_id: int,
    location_id: int | None = None,
    memo: str | None = None,
) -> Doc:
    """A customer contact (``location_id`` None) or a location contact.

    Stored with both owner ids; the list routes present the fields their schema has
    (``customerId`` on customer contacts, ``locationId`` on location contacts).
    """
    stamp = _iso(now)
    phone = value if kind in ("Phone", "MobilePhone") else ""
    return {
        "id": ident,
        "type": kind,
        "value": value,
        "memo": memo,
        "phoneSettings": {"phoneNumber": phone, "doNotText": False},
        "createdOn": stamp,
        "modifiedOn": stamp,
        "preferences": None,
        "customerId": customer_id,
        "locationId": location_id,
        "_owner": "location" if location_id is not None else "customer",
    }


# --- jpm -------------------------------------------------------------------------------------------


def job(
    ident: int,
    number: str,
    *,
    customer_id: int,
    location_id: int,
    business_unit_id: int,
    job_type_id: int,
    priority: str,
    campaign_id: int,
    summary: str | None,
    now: Instant,
    status: str = "Scheduled",
    **extra: Any,
) -> Doc:
    stamp = _iso(now)
    doc: Doc = {
        "id": ident,
        "jobNumber": number,
        "projectId": None,
        "customerId": customer_id,
        "locationId": location_id,
        "jobStatus": status,
        "completedOn": None,
        "businessUnitId": business_unit_id,
        "jobTypeId": job_type_id,
        "priority": priority,
        "campaignId": campaign_id,
        "appointmentCount": 0,
        "firstAppointmentId": 0,
        "lastAppointmentId": 0,
        "recallForId": None,
        "warrantyId": None,
        "jobGeneratedLeadSource": None,
        "noCharge": False,
        "notificationsEnabled": True,
        "createdOn": stamp,
        "createdById": API_USER,
        "modifiedOn": stamp,
        "tagTypeIds": [],
        "leadCallId": None,
        "partnerLeadCallId": None,
        "bookingId": None,
        "soldById": None,
        "customerPo": "",
        "invoiceId": 0,
        "membershipId": None,
        "total": None,
        "createdFromEstimateId": None,
        "estimateIds": [],
        "summary": summary,
        "customFields": [],
        "externalData": [],
        "_firstStart": None,
    }
    doc.update(extra)
    return doc


def appointment(
    ident: int,
    number: str,
    *,
    job_id: int,
    customer_id: int,
    start: Instant,
    end: Instant,
    arrival_start: Instant | None,
    arrival_end: Instant | None,
    now: Instant,
    status: str = "Scheduled",
    special_instructions: str | None = None,
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "jobId": job_id,
        "appointmentNumber": number,
        "start": _iso(start),
        "end": _iso(end),
        "arrivalWindowStart": _iso(arrival_start) if arrival_start else None,
        "arrivalWindowEnd": _iso(arrival_end) if arrival_end else None,
        "status": status,
        "specialInstructions": special_instructions,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "customerId": customer_id,
        "unused": False,
        "createdById": API_USER,
        "isConfirmed": False,
        "active": True,
    }


def note(ident: int, job_id: int, text: str, now: Instant, pinned: bool = False) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "text": text,
        "isPinned": pinned,
        "createdById": API_USER,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "_jobId": job_id,
    }


def job_type(
    ident: int,
    name: str,
    *,
    business_unit_ids: list[int],
    skills: list[str],
    priority: str,
    duration_seconds: int,
    summary: str,
    now: Instant,
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "name": name,
        "businessUnitIds": business_unit_ids,
        "skills": skills,
        "tagTypeIds": [],
        "priority": priority,
        "duration": duration_seconds,
        "soldThreshold": None,
        "class": "Service",
        "summary": summary,
        "noCharge": False,
        "enforceRecurringServiceEventSelection": False,
        "invoiceSignaturesRequired": False,
        "modifiedOn": stamp,
        "createdOn": stamp,
        "externalData": [],
        "active": True,
        "isSmartDispatched": False,
    }


def reason(ident: int, name: str, now: Instant) -> Doc:
    """A job cancel reason or job hold reason."""
    stamp = _iso(now)
    return {"id": ident, "name": name, "active": True, "createdOn": stamp, "modifiedOn": stamp}


# --- dispatch --------------------------------------------------------------------------------------


def shift(
    ident: int, technician_id: int, kind: str, start: Instant, end: Instant, now: Instant, title: str = ""
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "shiftType": kind,
        "title": title or {"Normal": "Regular shift", "OnCall": "On call", "TimeOff": "Time off"}[kind],
        "note": None,
        "active": True,
        "technicianId": technician_id,
        "start": _iso(start),
        "end": _iso(end),
        "timesheetCodeId": None,
        "createdOn": stamp,
        "modifiedOn": stamp,
    }


def assignment(
    ident: int,
    *,
    technician_id: int,
    technician_name: str,
    job_id: int,
    appointment_id: int,
    now: Instant,
    status: str = "Scheduled",
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "technicianId": technician_id,
        "technicianName": technician_name,
        "assignedById": API_USER,
        "assignedOn": stamp,
        "status": status,
        "isPaused": False,
        "jobId": job_id,
        "appointmentId": appointment_id,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "active": True,
    }


def business_hours(
    ident: int,
    weekdays: list[tuple[int, int]],
    saturday: list[tuple[int, int]],
    sunday: list[tuple[int, int]],
) -> Doc:
    """A tenant's business hours (one document per tenant): ``(fromHour, toHour)`` ranges, local time."""

    def ranges(hours: list[tuple[int, int]]) -> list[Doc]:
        return [{"fromHour": start, "toHour": end} for start, end in hours]

    return {
        "id": ident,
        "weekdays": ranges(weekdays),
        "saturday": ranges(saturday),
        "sunday": ranges(sunday),
    }


# --- settings --------------------------------------------------------------------------------------


def business_unit(
    ident: int, name: str, official: str, phone: str, email: str, addr: Doc, now: Instant
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "active": True,
        "name": name,
        "officialName": official,
        "email": email,
        "currency": "USD",
        "phoneNumber": phone,
        "invoiceHeader": None,
        "invoiceMessage": None,
        "defaultTaxRate": 0.0625,
        "authorizationParagraph": None,
        "acknowledgementParagraph": None,
        "address": {
            **{k: addr.get(k) for k in ("street", "unit", "city", "state", "zip", "country")},
            "latitude": None,
            "longitude": None,
            "isManualCoordinates": False,
            "isMilitary": False,
        },
        "materialSku": None,
        "quickbooksClass": None,
        "accountCode": None,
        "franchiseId": None,
        "conceptCode": None,
        "corporateContractNumber": None,
        "trade": {"id": ident, "name": name.split()[0]},
        "division": None,
        "tagTypeIds": [],
        "tenant": None,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "externalData": [],
    }


def technician(
    ident: int,
    name: str,
    *,
    business_unit_id: int,
    skills: list[str],
    phone: str,
    email: str,
    now: Instant,
    bio: str | None = None,
) -> Doc:
    stamp = _iso(now)
    first, _, last = name.partition(" ")
    return {
        "id": ident,
        "userId": ident + 500_000,
        "name": name,
        "roleIds": [],
        "businessUnitId": business_unit_id,
        "mainZoneId": None,
        "zoneIds": [],
        "createdOn": stamp,
        "modifiedOn": stamp,
        "email": email,
        "phoneNumber": phone,
        "loginName": name.lower().replace(" ", "."),
        "home": None,
        "dailyGoal": 0.0,
        "isManagedTech": True,
        "licenseType": "ManagedTech",
        "customFields": [],
        "active": True,
        "aadUserId": None,
        "burdenRate": 0.0,
        "team": None,
        "jobFilter": None,
        "permissions": [],
        "accountLocked": False,
        "commissionRate": 0.0,
        "currentValue": None,
        "firstName": first,
        "lastName": last,
        "hourlyRate": 0.0,
        "jobId": None,
        "mobilePhone": phone,
        "outboundCallerId": None,
        "payrollId": None,
        "payrollProfileId": None,
        "appoitmentId": None,
        "shiftStart": None,
        "shiftEnd": None,
        "soldByRate": 0.0,
        "startDate": None,
        "status": "Idle",
        "skills": [{"id": index + 1, "name": skill} for index, skill in enumerate(skills)],
        "positions": ["Service"],
        "location": None,
        "bio": bio,
        "memo": None,
    }


# --- accounting ------------------------------------------------------------------------------------


def invoice_item(
    ident: int, description: str, quantity: int, price: Decimal, kind: str, now: Instant, order: int
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "description": description,
        "quantity": f"{quantity}",
        "cost": money(0),
        "totalCost": money(0),
        "budgetCodeId": None,
        "inventoryLocationId": None,
        "inventoryLocation": None,
        "price": money(price),
        "type": kind,
        "skuName": description[:40],
        "skuId": 1000 + order,
        "total": money(price * quantity),
        "inventory": False,
        "taxable": kind != "Service",
        "isChargeable": True,
        "generalLedgerAccount": None,
        "costOfSaleAccount": None,
        "assetAccount": None,
        "membershipTypeId": 0,
        "itemGroup": None,
        "displayName": description,
        "soldHours": None,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "serviceDate": stamp,
        "order": order,
        "businessUnit": None,
        "createdById": SYSTEM_USER,
        "displayInAmount": True,
        "importId": None,
        "exportId": None,
        "inventoryStatus": None,
        "addOn": False,
        "memberPrice": None,
        "technicianId": None,
        "installedEquipmentId": None,
        "estimateItemId": None,
    }


def invoice(
    ident: int,
    *,
    reference: str,
    invoice_date: Instant,
    due_date: Instant,
    items: list[Doc],
    sales_tax: Decimal,
    paid: Decimal,
    customer_ref: Doc,
    customer_address: Doc,
    location_ref: Doc,
    location_address: Doc,
    business_unit_ref: Doc,
    job_ref: Doc | None,
    summary: str | None,
    now: Instant,
    paid_on: Instant | None = None,
) -> Doc:
    sub_total = sum((Decimal(i["total"]) for i in items), Decimal(0))
    total = sub_total + sales_tax
    stamp = _iso(now)
    return {
        "id": ident,
        "syncStatus": "Pending",
        "budgetCodeId": None,
        "referenceNumber": reference,
        "invoiceDate": _iso(invoice_date),
        "dueDate": _iso(due_date),
        "subTotal": money(sub_total),
        "salesTax": money(sales_tax),
        "salesTaxCode": None,
        "taxZoneId": None,
        "total": money(total),
        "balance": money(total - paid),
        "invoiceType": None,
        "customer": customer_ref,
        "customerAddress": {
            k: customer_address.get(k) for k in ("street", "unit", "city", "state", "zip", "country")
        },
        "location": location_ref,
        "locationAddress": {
            k: location_address.get(k) for k in ("street", "unit", "city", "state", "zip", "country")
        },
        "businessUnit": business_unit_ref,
        "termName": "Due Upon Receipt",
        "createdBy": "Frontdesk sandbox",
        "batch": None,
        "depositedOn": None,
        "createdOn": stamp,
        "modifiedOn": stamp,
        "adjustmentToId": None,
        "job": job_ref,
        "projectId": None,
        "royalty": None,
        "employeeInfo": None,
        "commissionEligibilityDate": None,
        "sentStatus": "Sent",
        "reviewStatus": "Invoiced",
        "assignedTo": None,
        "summary": summary,
        "items": items,
        "customFields": [],
        "active": True,
        "discountTotal": money(0),
        "importId": None,
        "exportId": None,
        "materialSkuId": None,
        "membershipId": None,
        "paidOn": _iso(paid_on) if paid_on else None,
        "invoiceConfiguration": "JobInvoice",
    }


# --- memberships and marketing ---------------------------------------------------------------------


def membership(
    ident: int,
    *,
    customer_id: int,
    location_id: int | None,
    business_unit_id: int,
    membership_type_id: int,
    status: str,
    start: Instant,
    end: Instant | None,
    billing_frequency: str,
    now: Instant,
    memo: str | None = None,
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "createdOn": stamp,
        "createdById": SYSTEM_USER,
        "modifiedOn": stamp,
        "followUpOn": _iso(end or start),
        "cancellationDate": None,
        "from": _iso(start),
        "nextScheduledBillDate": None,
        "to": _iso(end) if end else None,
        "billingFrequency": billing_frequency,
        "renewalBillingFrequency": None,
        "status": status,
        "followUpStatus": "NotAttempted",
        "active": status != "Deleted",  # active means "not deleted"; an expired membership is still a record
        "initialDeferredRevenue": 0.0,
        "duration": 12,
        "renewalDuration": None,
        "businessUnitId": business_unit_id,
        "customerId": customer_id,
        "membershipTypeId": membership_type_id,
        "activatedById": None,
        "activatedFromId": None,
        "billingTemplateId": None,
        "cancellationBalanceInvoiceId": None,
        "cancellationInvoiceId": None,
        "followUpCustomStatusId": None,
        "locationId": location_id,
        "paymentMethodId": None,
        "paymentTypeId": None,
        "recurringLocationId": None,
        "renewalMembershipTaskId": None,
        "renewedById": None,
        "soldById": None,
        "customerPo": None,
        "importId": None,
        "memo": memo,
        "customFields": [],
    }


def campaign(
    ident: int,
    name: str,
    category: Doc | None,
    now: Instant,
    *,
    default: bool = False,
    source: str | None = None,
) -> Doc:
    stamp = _iso(now)
    return {
        "id": ident,
        "name": name,
        "modifiedOn": stamp,
        "createdOn": stamp,
        "active": True,
        "isDefaultCampaign": default,
        "category": category,
        "source": source,
        "otherSource": None,
        "businessUnit": None,
        "medium": None,
        "otherMedium": None,
        "campaignPhoneNumbers": [],
    }
