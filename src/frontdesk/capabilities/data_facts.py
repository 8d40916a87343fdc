"""Facts read off a declarative tool's answer, so a reply may state what that answer said.

Built-in tools name their facts; a tool written as data cannot, so its fields are read by name and by
shape: a ``jobNumber`` is a job number, a ``total`` an amount, an ISO date a date. Only what the model
was shown (the compact answer) becomes a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from frontdesk.capabilities.tool import Fact, FactKind

MAX_FACTS = 80
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONEY_KEYS = ("total", "amount", "balance", "price", "cost", "due", "subtotal")


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, str(key)))
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, path)
    else:
        yield path, value


def _kind(path: tuple[str, ...], value: Any, subject: str) -> FactKind | None:
    key = path[-1].lower() if path else ""
    context = " ".join(path[:-1]).lower() + " " + subject
    if isinstance(value, bool):
        return None
    if key == "jobnumber" or (key == "number" and "job" in context):
        return "job_number"
    if key == "jobid" or (key == "id" and "job" in context):
        return "job_id"
    if isinstance(value, int | float) and any(word in key for word in _MONEY_KEYS):
        return "amount"
    if not isinstance(value, str):
        return None
    if "technician" in key or (key == "name" and "technician" in context):
        return "technician"
    if key == "name" and "customer" in context:
        return "customer"
    if "email" in key:
        return "email"
    if "phone" in key:
        return "phone"
    if "status" in key:
        return "status"
    if _ISO_DATE.match(value.strip()):
        return "date"
    return None


def facts_from(data: Any, subject: str = "") -> list[Fact]:
    """Facts in ``data``; ``subject`` (the tool id) tells whose ``id`` and ``name`` these are."""
    out: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for path, value in _leaves(data):
        kind = _kind(path, value, subject.lower())
        if kind is None:
            continue
        if kind == "amount":
            text, forms = f"{float(value):.2f}", [f"${float(value):,.2f}"]
        else:
            text, forms = str(value), []
        if (kind, text) in seen:
            continue
        seen.add((kind, text))
        out.append(Fact(kind=kind, value=text, forms=forms))
        if len(out) >= MAX_FACTS:
            break
    return out
