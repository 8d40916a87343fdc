"""The last line of defence for stored exchanges: secrets are removed again before a row is written."""

from __future__ import annotations

from typing import Any

from frontdesk.servicetitan.recorder import Redactor


def redact_exchange(data: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """A copy of an exchange dict (``Exchange`` fields) with secret headers, params, fields and values removed."""
    out = dict(data)
    if isinstance(out.get("url"), str):
        out["url"] = redactor.url(out["url"])
    for side in ("request", "response"):
        headers = out.get(f"{side}_headers")
        content_type = ""
        if isinstance(headers, dict):
            out[f"{side}_headers"] = redactor.headers({str(k): str(v) for k, v in headers.items()})
            content_type = next((str(v) for k, v in headers.items() if str(k).lower() == "content-type"), "")
        body = out.get(f"{side}_body")
        if isinstance(body, str):
            out[f"{side}_body"] = redactor.body(body, content_type)
    for key, value in out.items():  # anything else that is text, e.g. the error
        if isinstance(value, str) and key not in ("url", "request_body", "response_body"):
            out[key] = redactor.text(value)
    return out
