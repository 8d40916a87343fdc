"""The event loop Frontdesk serves customers on.

uvloop where it is installed (it comes with ``uvicorn[standard]``): the same turns cost the process
noticeably less CPU on it (``bench/engine.py`` runs on both and prints the two side by side), which is what
decides how many conversations one process carries. ``FRONTDESK_EVENT_LOOP`` chooses: ``auto`` (the
default: uvloop if importable, else asyncio's own), ``uvloop`` (an error if it is missing) or ``asyncio``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
CHOICES = ("auto", "uvloop", "asyncio")


class EventLoopError(ValueError):
    """FRONTDESK_EVENT_LOOP names a loop that is unknown or not installed."""


def loop_factory(choice: str | None = None) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory of the chosen loop (None: asyncio's default)."""
    choice = (choice or os.environ.get("FRONTDESK_EVENT_LOOP") or "auto").strip().lower()
    if choice not in CHOICES:
        raise EventLoopError(f"FRONTDESK_EVENT_LOOP={choice!r}: use one of {', '.join(CHOICES)}")
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError as exc:
        if choice == "uvloop":
            raise EventLoopError(
                "FRONTDESK_EVENT_LOOP=uvloop but uvloop is not installed (pip install uvloop), "
                "or set it to auto"
            ) from exc
        return None
    return uvloop.new_event_loop


def loop_name(choice: str | None = None) -> str:
    return "asyncio" if loop_factory(choice) is None else "uvloop"


def run(main: Coroutine[Any, Any, T], choice: str | None = None) -> T:
    """``asyncio.run`` on the chosen loop."""
    try:
        factory = loop_factory(choice)
    except EventLoopError:
        main.close()
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
