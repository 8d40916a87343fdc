"""How values travel: query parameters, JSON bodies and answers, as ServiceTitan reads and writes them."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import httpx
from pydantic import BaseModel

from frontdesk.clock import iso


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query values as ServiceTitan reads them; snake_case names become camelCase, None is left out."""
    out: dict[str, str] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        out[_camel(name)] = _param_value(value)
    return out


def _camel(name: str) -> str:
    name = name.rstrip("_")  # from_ → from
    if "_" not in name:
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _param_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(_param_value(v) for v in value)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def encode_json(body: Any) -> bytes:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    return jsonlib.dumps(body, default=_json_default, ensure_ascii=False).encode()


def decode_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
