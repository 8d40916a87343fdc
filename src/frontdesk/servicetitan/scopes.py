"""ServiceTitan's scope names, and the made-up names of the seed guide translated to them."""

from __future__ import annotations

import re
from types import MappingProxyType

# Where a tenant grants an application's scopes, in ServiceTitan's own menus.
GRANT_LOCATION = "ServiceTitan → Settings → Integrations → API Application Access"

# The seed product guide lists permissions such as `jpm:jobs:read`; ServiceTitan has no such names.
# Appointments live in JPM, not CRM, and accounting and settings have short module codes.
SEED_SCOPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "jpm:jobs:read": "tn.jpm.jobs:r",
        "jpm:jobs:write": "tn.jpm.jobs:w",
        "crm:customers:read": "tn.crm.customers:r",
        "crm:appointments:read": "tn.jpm.appointments:r",
        "crm:appointments:write": "tn.jpm.appointments:w",
        "accounting:invoices:read": "tn.acc.invoices:r",
        "settings:technicians:read": "tn.stt.technicians:r",
    }
)

# The scopes the receptionist uses (API.md); ServiceTitan has more, all of the same form.
KNOWN_SCOPES: frozenset[str] = frozenset(
    {
        "tn.crm.customers:r",
        "tn.crm.customers:w",
        "tn.crm.locations:r",
        "tn.crm.locations:w",
        "tn.crm.bookings:r",
        "tn.crm.bookings:w",
        "tn.jpm.jobs:r",
        "tn.jpm.jobs:w",
        "tn.jpm.appointments:r",
        "tn.jpm.appointments:w",
        "tn.jpm.jobtypes:r",
        "tn.jpm.jobcancelreasons:r",
        "tn.jpm.jobholdreasons:r",
        "tn.dis.capacity:w",
        "tn.dis.appointmentassignments:r",
        "tn.dis.appointmentassignments:w",
        "tn.dis.technicianshifts:r",
        "tn.dis.techniciantracking:r",
        "tn.dis.businesshours:r",
        "tn.stt.technicians:r",
        "tn.stt.businessunits:r",
        "tn.acc.invoices:r",
        "tn.mem.memberships:r",
        "tn.mrk.campaigns:r",
    }
)

SCOPE_PATTERN = re.compile(r"\btn\.[a-z0-9]+\.[a-z0-9]+:[rw]\b")


def real_scope(name: str) -> str:
    """ServiceTitan's name for a scope given either its real name or the seed guide's; ValueError otherwise."""
    cleaned = name.strip()
    if cleaned.lower() in SEED_SCOPES:
        return SEED_SCOPES[cleaned.lower()]
    if SCOPE_PATTERN.fullmatch(cleaned):
        return cleaned
    raise ValueError(f"{name!r} is not a ServiceTitan scope (they look like tn.jpm.jobs:r)")


def scope_in(text: str) -> str | None:
    """The first ServiceTitan scope named in a message, if any."""
    found = SCOPE_PATTERN.search(text)
    return found.group(0) if found else None


def grant_advice(scope: str | None) -> str:
    """How to give the application a missing scope, in our words."""
    what = f"the scope {scope}" if scope else "the scope this call needs"
    return (
        f"Add {what} to the application in the ServiceTitan developer portal (that makes a new app "
        f"version), then have a tenant admin accept the new version in {GRANT_LOCATION}; scopes are "
        "granted per app version, so until the admin accepts it the old grant stays in force."
    )
