"""Route modules, one per ServiceTitan API module; importing this package registers them all."""

from frontdesk.sandbox.api import (  # noqa: F401
    accounting,
    crm,
    dispatch,
    jpm,
    marketing,
    memberships,
    settings,
)
