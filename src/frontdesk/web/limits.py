"""Limits of the public chat API: per-client rate limits (a sliding window per key, in memory) and the
largest request body."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RateLimiter:
    """At most ``limit`` events per ``period`` seconds for each key; old keys are forgotten."""

    def __init__(self, limit: int, period: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._now = monotonic
        self._events: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> float | None:
        """Record an event for ``key``; None if allowed, else the seconds until one more is allowed."""
        now = self._now()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.period:
            events.popleft()
        if len(events) >= self.limit:
            return self.period - (now - events[0])
        events.append(now)
        if len(self._events) > 10_000:  # forget idle clients so memory stays bounded
            idle = [k for k, v in self._events.items() if not v or now - v[-1] >= self.period]
            for k in idle:
                del self._events[k]
        return None


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with a JSON 413: at once when the declared Content-Length is
    over, else as soon as the bytes read go over (an HTTPException from ``receive``, which the app's error
    handler turns into JSON, so a chunked body is never read whole)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _error(self) -> HTTPException:
        return HTTPException(413, detail=f"Requests are limited to {self.max_bytes} bytes.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            error = self._error()
            await JSONResponse({"error": error.detail}, status_code=413)(scope, receive, send)
            return
        total = 0

        async def limited() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise self._error()
            return message

        await self.app(scope, limited, send)
