"""ServiceTitan JPM v2 routes: jobs, appointments, job types, cancel and hold reasons, notes, exports."""

from frontdesk.sandbox.api.jpm import (  # noqa: F401  (importing registers the routes)
    actions,
    appointments,
    exports,
    jobs,
    lifecycle,
    notes,
    reference,
)
