"""ServiceTitan CRM v2 routes: customers, locations, their contacts, bookings and export feeds."""

from frontdesk.sandbox.api.crm import bookings, contacts, customers, exports, locations  # noqa: F401
