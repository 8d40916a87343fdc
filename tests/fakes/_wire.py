"""Pieces both fake servers share: splitting an answer into stream deltas, SSE framing, holding a request."""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
from starlette.requests import Request

CREATED = 1_773_068_400  # 2026-03-09T15:00Z, the tests' frozen now: responses are the same on every run
# A "timeout" failure holds the request at most this long, so a client without a timeout cannot hang a run.
HANG_LIMIT = 30.0


def text_pieces(text: str) -> list[str]:
    """Split text into word-sized deltas that join back to exactly `text`."""
    return [piece for piece in re.split(r"(?<=\s)(?=\S)", text) if piece]


def halves(text: str) -> list[str]:
    """Split text in two non-empty parts (one when too short), so clients must join partial JSON."""
    middle = len(text) // 2
    return [part for part in (text[:middle], text[middle:]) if part]


def sse(data: dict[str, Any] | str, event: str | None = None) -> str:
    """One server-sent event."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


async def hang(request: Request, limit: float = HANG_LIMIT) -> None:
    """Hold the request until the client hangs up (its timeout fired) or `limit` seconds pass."""
    # The body was read already, so the next ASGI message is the client hanging up.
    with anyio.move_on_after(limit):
        while (await request.receive())["type"] != "http.disconnect":
            pass


async def json_body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None when the body is not one."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
