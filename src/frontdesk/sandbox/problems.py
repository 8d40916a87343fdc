"""RFC 7807 problem details shaped as ServiceTitan sends them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from frontdesk.sandbox.jsonio import dumps

PROBLEM_TYPES = {
    400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    401: "https://tools.ietf.org/html/rfc7235#section-3.1",
    403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
    404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
    405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
    409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
    413: "https://tools.ietf.org/html/rfc7231#section-6.5.11",
    415: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
    500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
    502: "https://tools.ietf.org/html/rfc7231#section-6.6.3",
    503: "https://tools.ietf.org/html/rfc7231#section-6.6.4",
    504: "https://tools.ietf.org/html/rfc7231#section-6.6.5",
}

TITLES = {
    400: "One or more validation errors occurred.",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "An error occurred while processing your request.",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """Raised anywhere in the sandbox to answer with a problem body."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        errors: dict[str, list[str]] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.title = title or TITLES.get(status, "Error")
        self.errors = errors or {}
        self.data = data or {}
        self.headers = headers or {}
        super().__init__(f"{status} {self.title}")


def validation(field: str, message: str) -> Problem:
    """A 400 naming one field, the common case."""
    return Problem(400, errors={field: [message]})


def not_found(what: str, ident: object) -> Problem:
    return Problem(
        404, title=f"{what} with id={ident} not found", errors={"": [f"{what} {ident} not found."]}
    )


def conflict(message: str) -> Problem:
    return Problem(409, title=message, errors={"": [message]})


def problem_response(problem: Problem, trace_id: str, *, as_text: bool = False) -> Response:
    if as_text:  # the operation documents this error as a JSON string
        details = "; ".join(
            f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in (problem.errors or {}).items()
        )
        text = f"{problem.title} {details}".strip()
        return Response(
            dumps(text), status_code=problem.status, media_type="application/json", headers=problem.headers
        )
    body = {
        "type": PROBLEM_TYPES.get(problem.status, "about:blank"),
        "title": problem.title,
        "status": problem.status,
        "traceId": trace_id,
        "errors": problem.errors,
        "data": problem.data,
    }
    return Response(
        dumps(body),
        status_code=problem.status,
        media_type="application/json",  # as the published documents declare error bodies
        headers=problem.headers,
    )
