"""Sliding-window rate limits, as ServiceTitan applies per application and tenant."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._now = monotonic
        self._events: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> float | None:
        """Record an event; None when allowed, else the seconds to wait before retrying."""
        now = self._now()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return max(events[0] + self.window - now, 0.001)
        events.append(now)
        return None


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds, never 0 (clients read 0 as 'retry at once')."""
    return str(max(1, math.ceil(seconds)))
