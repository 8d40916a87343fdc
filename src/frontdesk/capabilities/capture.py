"""Which ServiceTitan exchanges belong to which tool run.

The ServiceTitan client is shared by every conversation; it is given ``capture_exchange`` as its
recorder, and each tool run opens a capture, so the exchanges made while the tool runs (in that task and
the tasks it starts) land in that run's record. The client has already redacted them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from frontdesk.servicetitan.recorder import Exchange

_current: ContextVar[list[Exchange] | None] = ContextVar("frontdesk_exchanges", default=None)


def capture_exchange(exchange: Exchange) -> None:
    """The client's recorder: file the exchange under the tool run in progress, if any."""
    target = _current.get()
    if target is not None:
        target.append(exchange)


def chain(*recorders: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def record(exchange: Exchange) -> None:
        for recorder in recorders:
            recorder(exchange)

    return record


@contextmanager
def capturing() -> Iterator[list[Exchange]]:
    exchanges: list[Exchange] = []
    token = _current.set(exchanges)
    try:
        yield exchanges
    finally:
        _current.reset(token)
