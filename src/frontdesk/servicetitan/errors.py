"""What went wrong talking to ServiceTitan, with ServiceTitan's traceId and advice in our own words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frontdesk.servicetitan.scopes import GRANT_LOCATION, grant_advice, scope_in


@dataclass(frozen=True)
class ErrorContext:
    """What the advice may mention: nothing here is secret."""

    environment: str = "production"
    tenant_id: int | None = None
    client_id: str | None = None
    rate_limit_per_second: int = 60
    token_request: bool = False


class ServiceTitanError(Exception):
    """Base of every error the client raises. ``url`` is already redacted."""

    default_advice = "See the status, title and traceId; quote the traceId to ServiceTitan support."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        trace_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        body: Any = None,
        advice: str | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.trace_id = trace_id
        self.method = method
        self.url = url
        self.body = body
        self.advice = advice or self.default_advice
        # ServiceTitan's `errors`: field name ("" for the request as a whole) → messages
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})

    def __str__(self) -> str:
        parts = [f"{self.status} {self.message}" if self.status else self.message]
        if self.method and self.url:
            parts.append(f"({self.method} {self.url})")
        if self.trace_id:
            parts.append(f"[traceId {self.trace_id}]")
        text = " ".join(parts) + f" — {self.advice}"
        if self.field_errors:
            details = "; ".join(
                f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in self.field_errors.items()
            )
            text += f" Details: {details}"
        return text


class BadRequest(ServiceTitanError):
    """400: the request broke a validation rule; ``field_errors`` maps field names to messages."""

    default_advice = "ServiceTitan rejected the request's content; fix the fields named in field_errors."


class Unauthorized(ServiceTitanError):
    """401, or the auth server refusing the client's credentials."""


class Forbidden(ServiceTitanError):
    """403: the app lacks a scope, or the tenant has not granted access; ``required_scope`` when known."""

    def __init__(self, message: str, *, required_scope: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.required_scope = required_scope


class NotFound(ServiceTitanError):
    """404."""


class Conflict(ServiceTitanError):
    """409: the record's state does not allow this change (complete a canceled job, …)."""

    default_advice = (
        "The record's current state does not allow this change; read it again, then decide what to do."
    )


class RateLimited(ServiceTitanError):
    """429 after the client's own retries; ``retry_after`` in seconds when ServiceTitan said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(ServiceTitanError):
    """5xx from ServiceTitan."""


class Timeout(ServiceTitanError):
    """No answer in time. For a write, ServiceTitan may have done it: check before trying again."""


class ConnectionFailed(ServiceTitanError):
    """The connection failed or broke. For a write, check before trying again unless it never connected."""


def _problem_fields(body: Any) -> tuple[str | None, str | None, dict[str, list[str]], dict[str, Any]]:
    if isinstance(body, str) and body.strip():
        return body.strip()[:500], None, {}, {}  # some operations document their errors as a plain string
    if not isinstance(body, Mapping):
        return None, None, {}, {}
    title = body.get("title") or body.get("error_description") or body.get("error")
    trace = body.get("traceId")
    raw_errors = body.get("errors")
    errors: dict[str, list[str]] = {}
    if isinstance(raw_errors, Mapping):
        for key, value in raw_errors.items():
            errors[str(key)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    data = body.get("data")
    return (
        str(title) if title else None,
        str(trace) if trace else None,
        errors,
        dict(data) if isinstance(data, Mapping) else {},
    )


def _advice_401(ctx: ErrorContext) -> str:
    tenant = f" ({ctx.tenant_id})" if ctx.tenant_id is not None else ""
    return (
        f"ServiceTitan did not accept the credentials, even with a fresh token. Check the client id"
        f"{f' {ctx.client_id}' if ctx.client_id else ''} and its secret, and that they were issued for the "
        f"{ctx.environment} environment: integration and production credentials differ, only the app key "
        f"is shared. Check the app key (ST-App-Key) and the tenant id{tenant} too."
    )


def _advice_token(ctx: ErrorContext) -> str:
    return (
        f"The auth server refused the client id{f' {ctx.client_id}' if ctx.client_id else ''} or its secret. "
        f"Check both, and that they belong to the {ctx.environment} environment (integration and production "
        "issue different client ids and secrets)."
    )


def _advice_403(ctx: ErrorContext, scope: str | None, title: str) -> str:
    if scope:
        return grant_advice(scope)
    if "tenant" in title.lower():
        return (
            f"The tenant{f' {ctx.tenant_id}' if ctx.tenant_id is not None else ''} has not given this app "
            f"access: check the tenant id, and ask a tenant admin to connect the app in {GRANT_LOCATION}."
        )
    return grant_advice(None)


def error_from_response(
    status: int,
    body: Any,
    *,
    method: str,
    url: str,
    retry_after: float | None = None,
    context: ErrorContext | None = None,
) -> ServiceTitanError:
    """The error for a non-2xx answer; ``url`` must already be redacted."""
    ctx = context or ErrorContext()
    title, trace, field_errors, data = _problem_fields(body)
    message = title or f"HTTP {status}"
    kw: dict[str, Any] = {
        "status": status,
        "trace_id": trace,
        "method": method,
        "url": url,
        "body": body,
        "field_errors": field_errors,
    }
    oauth_error = body.get("error") if isinstance(body, Mapping) else None
    if ctx.token_request and (status == 401 or oauth_error in ("invalid_client", "unauthorized_client")):
        return Unauthorized(message, advice=_advice_token(ctx), **kw)
    if status == 400:
        return BadRequest(message, **kw)
    if status == 401:
        return Unauthorized(message, advice=_advice_401(ctx), **kw)
    if status == 403:
        raw_scope = data.get("requiredScope")
        scope = str(raw_scope) if raw_scope else scope_in(message)
        if scope is None:
            scope = next((s for msgs in field_errors.values() for m in msgs if (s := scope_in(m))), None)
        return Forbidden(message, required_scope=scope, advice=_advice_403(ctx, scope, message), **kw)
    if status == 404:
        tenant = f" {ctx.tenant_id}" if ctx.tenant_id is not None else ""
        return NotFound(
            message,
            advice=f"Nothing with that id in tenant{tenant}: the id may be wrong, or belong to another tenant "
            "or environment.",
            **kw,
        )
    if status == 409:
        return Conflict(message, **kw)
    if status == 429:
        return RateLimited(
            message,
            retry_after=retry_after,
            advice=f"ServiceTitan allows {ctx.rate_limit_per_second} calls per second per app and tenant. "
            "The client already paces itself and backed off as told; this many refusals means other "
            "programs use the same app key and tenant, or the limit is lower: slow down or try later.",
            **kw,
        )
    if status >= 500:
        return ServerError(
            message,
            advice="ServiceTitan failed or was unavailable. Reads were retried with backoff; a write that got "
            "this answer may or may not have happened, so check before trying it again.",
            **kw,
        )
    return ServiceTitanError(message, **kw)
