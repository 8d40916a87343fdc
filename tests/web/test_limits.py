"""The per-client rate limiter on its own, with a hand-moved clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.web.limits import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_resets_as_the_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 60.0, monotonic=clock)
    assert limiter.retry_after("a") is None
    clock.now += 10
    assert limiter.retry_after("a") is None
    clock.now += 10
    assert limiter.retry_after("a") == 40.0  # the first message leaves the window 60 s after it was sent
    assert limiter.retry_after("b") is None  # another client has its own window
    clock.now += 40
    assert limiter.retry_after("a") is None
    assert limiter.retry_after("a") == 10.0


@given(
    limit=st.integers(1, 5),
    gaps=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=40),
)
def test_no_window_ever_holds_more_than_the_limit(limit: int, gaps: list[float]) -> None:
    clock = Clock()
    limiter = RateLimiter(limit, 60.0, monotonic=clock)
    allowed: list[float] = []
    for gap in gaps:
        clock.now += gap
        wait = limiter.retry_after("client")
        recent = [t for t in allowed if clock.now - t < 60.0]
        if wait is None:
            allowed.append(clock.now)
            assert len(recent) < limit  # allowed only with room in the window
        else:
            assert len(recent) == limit and 0 < wait <= 60.0  # refused only when the window is full
            assert wait == pytest.approx(min(recent) + 60.0 - clock.now)


def test_idle_clients_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60.0, monotonic=clock)
    for i in range(10_001):
        limiter.retry_after(f"client-{i}")
    clock.now += 61
    limiter.retry_after("one more")
    assert len(limiter._events) == 1
