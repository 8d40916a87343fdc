"""Every HTTP exchange, handed to a recorder after one redaction step: the only place secrets are removed."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "st-app-key", "cookie", "set-cookie"})
SECRET_PARAMS = frozenset({"servicetitanapplicationkey", "client_secret", "access_token", "app_key"})
SECRET_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "client_secret"})


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its answer (or the error that stood for it)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None
    response_headers: dict[str, str]
    response_body: str | None
    started_at: datetime
    elapsed: float  # seconds
    attempt: int  # 1 for the first try of a call, 2 for its first retry, …
    kind: str = "api"  # "api" or "token"
    error: str | None = None  # the transport error when there was no answer


@runtime_checkable
class ExchangeRecorder(Protocol):
    def record(self, exchange: Exchange) -> None: ...


Recorder = ExchangeRecorder | Callable[[Exchange], None]


@dataclass
class MemoryRecorder:
    """Keeps exchanges in a list, for tests and for storing a conversation's turn."""

    exchanges: list[Exchange] = field(default_factory=list)

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


class Redactor:
    """Removes secrets from exchanges, URLs and messages.

    Secret headers, query parameters and JSON/form fields are replaced by name; on top of that every
    known secret value (client secret, app key, the tokens issued lately) is replaced wherever it shows
    up, so a server that echoes one back does not leak it either.
    """

    def __init__(
        self, secrets: Iterable[str] = (), max_body: int = 256 * 1024, keep_tokens: int = 16
    ) -> None:
        self._fixed = [s for s in secrets if s]
        self._tokens: deque[str] = deque(maxlen=keep_tokens)
        self.max_body = max_body

    def add_secret(self, value: str) -> None:
        """Remember a token issued at run time."""
        if value and value not in self._tokens:
            self._tokens.append(value)

    def _values(self) -> list[str]:
        # longest first, so a secret that contains another is replaced whole
        return sorted({*self._fixed, *self._tokens}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._values():
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value

    def url(self, value: str) -> str:
        parts = urlsplit(value)
        if parts.query:
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            query = urlencode(
                [(k, REDACTED if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="[],:"
            )
            value = urlunsplit(parts._replace(query=query))
        return self.text(value)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {k: REDACTED if k.lower() in SECRET_HEADERS else self.text(v) for k, v in headers.items()}

    def body(self, raw: bytes | str | None, content_type: str = "") -> str | None:
        if raw is None:
            return None
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if not text:
            return text
        if "x-www-form-urlencoded" in content_type:
            pairs = parse_qsl(text, keep_blank_values=True)
            text = urlencode(
                [(k, REDACTED if k.lower() in SECRET_FIELDS else v) for k, v in pairs], safe="[]"
            )
        elif any(name in text for name in SECRET_FIELDS):
            text = _redact_json_fields(text)
        text = self.text(text)
        if len(text) > self.max_body:
            text = text[: self.max_body] + f"… [{len(text) - self.max_body} more characters]"
        return text

    def exchange(self, raw: Exchange) -> Exchange:
        return replace(
            raw,
            url=self.url(raw.url),
            request_headers=self.headers(raw.request_headers),
            request_body=self.body(raw.request_body, raw.request_headers.get("content-type", "")),
            response_headers=self.headers(raw.response_headers),
            response_body=self.body(raw.response_body, raw.response_headers.get("content-type", "")),
            error=self.text(raw.error) if raw.error else None,
        )


def _redact_json_fields(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: REDACTED if k.lower() in SECRET_FIELDS else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return json.dumps(walk(data), ensure_ascii=False)


def as_recorder(recorder: Recorder | None) -> Callable[[Exchange], None] | None:
    """A plain callable for either form of recorder."""
    if recorder is None:
        return None
    if isinstance(recorder, ExchangeRecorder):
        return recorder.record
    return recorder
