"""Shrink an API answer to what a model needs: no empty values, few records, a bounded size, cuts named.

A model pays for every token it reads and gets worse at finding the one field that matters in a large
answer, so a tool hands back the compact form and says what it left out (so the model can ask again
more narrowly instead of assuming it saw everything).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 6 * 1024
MAX_ITEMS = 10
MAX_TEXT = 300
ENVELOPE = ("page", "hasMore", "totalCount")  # what of a list answer's envelope a model can use


@dataclass
class Compacted:
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def cut(self) -> bool:
        return bool(self.notes)


def prune(value: Any) -> Any:
    """Drop nulls, empty strings, empty lists and empty objects, at every depth."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if not _empty(v)}
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if not _empty(v)]
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def pick(record: Any, fields: list[str]) -> Any:
    """Only ``fields`` of a record or of each record of a list (``address.zip``, ``visits.date`` reach in)."""
    if isinstance(record, list):
        return [pick(item, fields) for item in record]
    if not isinstance(record, dict):
        return record
    wanted: dict[str, list[str]] = {}
    for name in fields:
        head, _, rest = name.partition(".")
        wanted.setdefault(head, []).append(rest)
    out: dict[str, Any] = {}
    for head, rests in wanted.items():
        if head not in record:
            continue
        if "" in rests:  # the whole field was asked for
            out[head] = record[head]
        else:
            inner = pick(record[head], rests)
            if not _empty(inner):
                out[head] = inner
    return out


def size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode())


def _shorten(value: Any, limit: int) -> tuple[Any, bool]:
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "…", True
    if isinstance(value, dict):
        changed = False
        out = {}
        for k, v in value.items():
            out[k], cut = _shorten(v, limit)
            changed |= cut
        return out, changed
    if isinstance(value, list):
        pairs = [_shorten(v, limit) for v in value]
        return [v for v, _ in pairs], any(c for _, c in pairs)
    return value, False


def compact(
    answer: Any,
    *,
    fields: list[str] | None = None,
    max_items: int = MAX_ITEMS,
    max_bytes: int = MAX_BYTES,
) -> Compacted:
    """The compact form of a decoded JSON answer, as a dict (lists land under ``items``)."""
    notes: list[str] = []
    envelope: dict[str, Any] = {}
    if (
        isinstance(answer, dict)
        and isinstance(answer.get("data"), list)
        and any(k in answer for k in ENVELOPE)
    ):
        # a list answer: an empty page is still an answer ("none"), so the list survives pruning
        envelope = {k: answer[k] for k in ENVELOPE if answer.get(k) is not None}
        answer = answer["data"]
    value = prune(answer)
    if isinstance(value, list):
        items = pick(value, fields) if fields else value
        total = len(items)
        if total > max_items:
            items = items[:max_items]
        # the counts first: when the size cap must drop a whole field, the records go, not the counts
        data: dict[str, Any] = {"count": total, **envelope, "items": items}
    elif isinstance(value, dict):
        data = pick(value, fields) if fields else value
    elif value is None or _empty(value):
        data = {}
    else:
        data = {"value": value}

    if size(data) > max_bytes:
        data, shortened = _shorten(data, MAX_TEXT)
        if shortened:
            notes.append(f"texts longer than {MAX_TEXT} characters were shortened")
    listed = data.get("items")
    if isinstance(value, list) and isinstance(listed, list):  # our list, not a field named "items"
        while len(listed) > 1 and size(data) > max_bytes:
            listed = listed[: max(1, len(listed) // 2)]
            data["items"] = listed
        shown, total = len(listed), data["count"]
        if shown < total:
            more = " (and more pages)" if data.get("hasMore") else ""
            notes.insert(
                0, f"showing the first {shown} of {total} records{more}; ask more narrowly to see others"
            )
        elif data.get("hasMore"):
            notes.insert(0, "more records exist on later pages")
    if size(data) > max_bytes:
        keys = list(data)
        kept: dict[str, Any] = {}
        for key in keys:  # keep whole top-level fields while they fit, in the answer's order
            candidate = {**kept, key: data[key]}
            if size(candidate) <= max_bytes:
                kept = candidate
        dropped = [k for k in keys if k not in kept]
        data = kept
        notes.append(f"left out to stay under {max_bytes} bytes: {', '.join(dropped)}")
    return Compacted(data, notes)
