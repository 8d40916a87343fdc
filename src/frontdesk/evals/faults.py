"""Named fault profiles for ``--faults``: what ServiceTitan does wrong during a task.

Injected errors are capped so a conversation can still succeed after the client's retries; the task then
checks that nothing was written twice and that the customer was told only what is true.
"""

from __future__ import annotations

from frontdesk.sandbox.faults import FaultPlan, FaultRule

API = "/*/v2/tenant/*"
PROFILES: dict[str, list[FaultRule]] = {
    "none": [],
    # 429s with a short Retry-After: the client waits and tries again
    "rate-limits": [FaultRule(route=API, error_rate=0.3, status=429, retry_after=0.01, limit=6)],
    # 502/503s from ServiceTitan on reads and writes alike
    "server-errors": [FaultRule(route=API, error_rate=0.25, status=503, limit=4)],
    # requests that hang and end as 504 gateway timeouts
    "timeouts": [FaultRule(route=API, hang_rate=0.2, hang_seconds=0.01, limit=3)],
    # the first customer write and the first job write each fail once (capacity, a POST read, is spared)
    "flaky-writes": [
        FaultRule(route="/crm/v2/tenant/*", methods=["POST", "PATCH"], error_rate=1.0, limit=1),
        FaultRule(route="/jpm/v2/tenant/*", methods=["POST", "PATCH", "PUT"], error_rate=1.0, limit=1),
    ],
    # ServiceTitan is down for the whole conversation
    "outage": [FaultRule(route=API, error_rate=1.0, status=503)],
}


class UnknownProfile(ValueError):
    pass


def fault_plan(profile: str | None, seed: int = 0) -> FaultPlan:
    """The plan of a named profile (seeded per trial so trials differ but replay the same)."""
    if not profile:
        return FaultPlan()
    if profile not in PROFILES:
        raise UnknownProfile(
            f"unknown fault profile {profile!r}; choose one of {', '.join(sorted(PROFILES))}"
        )
    return FaultPlan(seed=seed, rules=[r.model_copy() for r in PROFILES[profile]])
