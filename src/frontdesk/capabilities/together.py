"""Run a tool's independent ServiceTitan calls at once.

Against ServiceTitan each call is a network round trip; two reads that do not depend on each other (a
window's capacity and the customer's open jobs, a job's appointments and their technicians) need not
wait for each other. The first failure cancels the others and is raised as itself, so a tool's callers
see the same errors as when the calls ran one after the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")


async def together(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Both results, in order; the exchanges of both land in the tool run in progress."""
    tasks = (asyncio.ensure_future(first), asyncio.ensure_future(second))
    try:
        a, b = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return a, b


async def collect(rows: AsyncIterable[T]) -> list[T]:
    """Every row of a paged listing, as one awaitable (to run beside another with ``together``)."""
    return [row async for row in rows]
