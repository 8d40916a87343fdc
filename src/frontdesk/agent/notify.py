"""Telling a person: on-call escalations and handoffs go through a pluggable notifier, and are recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from frontdesk.profile import OnCall

log = logging.getLogger("frontdesk.notify")


@dataclass(frozen=True)
class Notice:
    kind: str  # "emergency" | "handoff"
    conversation_id: str
    summary: str
    level: str | None = None  # life_safety | urgent for emergencies
    customer: str | None = None
    phone: str | None = None


class Notifier(Protocol):
    async def notify(self, notice: Notice, on_call: OnCall | None) -> bool:
        """Deliver the notice; True when someone was reached (or the notice was queued for them)."""
        ...


@dataclass
class MemoryNotifier:
    """Keeps notices (tests, and the demo, where the admin page shows them)."""

    sent: list[Notice] = field(default_factory=list)

    async def notify(self, notice: Notice, on_call: OnCall | None) -> bool:
        self.sent.append(notice)
        return True


@dataclass
class WebhookNotifier:
    """POSTs the notice as JSON to the on-call contact's webhook_url (e.g. a paging or chat service)."""

    client: httpx.AsyncClient
    fallback: Notifier | None = None

    async def notify(self, notice: Notice, on_call: OnCall | None) -> bool:
        if on_call is None or not on_call.webhook_url:
            return await self.fallback.notify(notice, on_call) if self.fallback else False
        try:
            answer = await self.client.post(
                on_call.webhook_url,
                json={
                    "kind": notice.kind,
                    "level": notice.level,
                    "conversation": notice.conversation_id,
                    "summary": notice.summary,
                    "customer": notice.customer,
                    "phone": notice.phone,
                },
                timeout=10,
            )
            answer.raise_for_status()
            return True
        except httpx.HTTPError as exc:
            log.error("on-call webhook failed: %s", exc)
            return await self.fallback.notify(notice, on_call) if self.fallback else False
