"""When to try a call again, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

from frontdesk.clock import as_utc

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter, under one deadline per call.

    A 429 is always retried after its Retry-After (capped): ServiceTitan refuses it before doing anything.
    502/503/504 and timeouts are retried only for reads: a write that got them may have been done, so it
    surfaces and the layer above checks before trying again. A write is retried after a transport error
    only when the request cannot have left (connect error, connect or pool timeout).
    """

    max_attempts: int = 6
    deadline: float = 60.0  # seconds for a whole call, retries and waits included
    backoff_base: float = 0.5
    backoff_max: float = 10.0
    retry_after_max: float = 30.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({502, 503, 504}))

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max, base·2^(attempt-1))]."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1))
        return rng.uniform(0.0, ceiling)

    def wait_after_429(self, retry_after: float | None, attempt: int, rng: random.Random) -> float:
        if retry_after is None:
            return self.backoff(attempt, rng)
        return min(max(retry_after, 0.0), self.retry_after_max)

    def retries_status(self, method: str, status: int, *, idempotent: bool | None = None) -> bool:
        if status == 429:
            return True
        safe = method.upper() in SAFE_METHODS if idempotent is None else idempotent
        return safe and status in self.retry_statuses

    def retries_transport_error(self, method: str, *, sent: bool, idempotent: bool | None = None) -> bool:
        safe = method.upper() in SAFE_METHODS if idempotent is None else idempotent
        return safe or not sent


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is no answer
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max((as_utc(when) - as_utc(now)).total_seconds(), 0.0)
