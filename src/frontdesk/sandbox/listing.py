"""List and export conventions shared by every ServiceTitan list operation."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from frontdesk.clock import parse_instant
from frontdesk.sandbox.problems import validation
from frontdesk.sandbox.registry import Ctx
from frontdesk.sandbox.store import Doc, Table, Where, to_us

MAX_PAGE_SIZE = 5000
DEFAULT_PAGE_SIZE = 50
MAX_IDS = 50
EXPORT_BATCH = 5000
RECENT_CHANGES = timedelta(minutes=15)


@dataclass(frozen=True)
class Paging:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    include_total: bool = False


def paging(ctx: Ctx) -> Paging:
    q = ctx.query
    page = q.get("page", 1)  # not `or`: page=0 and pageSize=0 are errors, not the defaults
    size = q.get("pageSize", DEFAULT_PAGE_SIZE)
    if page < 1:
        raise validation("page", "The page must be 1 or more.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise validation("pageSize", f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    return Paging(page, size, bool(q.get("includeTotal")))


def parse_ids(raw: str, name: str = "ids", limit: int = MAX_IDS) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise validation(name, f"The {name} must be a comma-separated list of numbers.") from None
    if len(ids) > limit:
        raise validation(name, f"No more than {limit} ids can be requested at once.")
    if any(not -(2**63) <= i < 2**63 for i in ids):  # ids are int64; larger ones overflow SQLite
        raise validation(name, f"The {name} must be numbers within the 64-bit range.")
    return ids


def common_filters(ctx: Ctx, where: Where | None = None, default_active: bool = True) -> Where:
    """``ids``, ``active`` and the created/modified date filters, where the operation has them."""
    where = where or Where()
    q, declared = ctx.query, ctx.operation.query
    if "ids" in q:
        where.any_of("id", parse_ids(q["ids"]))
    if "active" in declared:
        active = q.get("active", "True" if default_active else "Any")
        if active == "True":
            where.eq("active", 1)
        elif active == "False":
            where.eq("active", 0)
    for name, column, op in (
        ("createdBefore", "created", "lt"),
        ("createdOnOrAfter", "created", "gte"),
        ("modifiedBefore", "modified", "lt"),
        ("modifiedOnOrAfter", "modified", "gte"),
    ):
        if name in q:
            getattr(where, op)(column, to_us(q[name]))
    return where


def order_by(ctx: Ctx, fields: dict[str, str] | None = None, default: str = "id") -> str:
    """SQL ORDER BY from ``sort=+Field|-Field``; fields are matched case-insensitively."""
    raw = ctx.query.get("sort")
    if not raw:
        return default
    allowed = {"id": "id", "createdon": "created", "modifiedon": "modified"}
    allowed.update({k.lower(): v for k, v in (fields or {}).items()})
    direction = "DESC" if raw.startswith("-") else "ASC"
    name = raw.lstrip("+- ").strip().lower()
    column = allowed.get(name)
    if column is None:
        names = ", ".join(sorted({"Id", "CreatedOn", "ModifiedOn", *(fields or {})}))
        raise validation("sort", f"Sorting by '{raw[:60]}' is not supported. Available fields: {names}.")
    return f"{column} {direction}, id {direction}"


def envelope(data: list[Any], page: Paging, has_more: bool, total: int | None) -> dict[str, Any]:
    return {
        "page": page.page,
        "pageSize": page.page_size,
        "hasMore": has_more,
        "totalCount": total,
        "data": data,
    }


def page_of(
    ctx: Ctx,
    table: Table,
    where: Where | None = None,
    order: str = "id",
    shape: Callable[[Doc], Any] | None = None,
) -> dict[str, Any]:
    """One page of a table in ServiceTitan's list envelope."""
    page = paging(ctx)
    rows = table.select(
        ctx.tenant, where, order, limit=page.page_size + 1, offset=(page.page - 1) * page.page_size
    )
    has_more = len(rows) > page.page_size
    rows = rows[: page.page_size]
    total = table.count(ctx.tenant, where) if page.include_total else None
    return envelope([shape(r) for r in rows] if shape else rows, page, has_more, total)


def page_of_list(ctx: Ctx, items: list[Any]) -> dict[str, Any]:
    """Page an in-memory list (for small computed collections)."""
    page = paging(ctx)
    start = (page.page - 1) * page.page_size
    chunk = items[start : start + page.page_size]
    return envelope(
        chunk, page, start + page.page_size < len(items), len(items) if page.include_total else None
    )


# --- export feeds ----------------------------------------------------------------------------------


def _encode(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def _decode(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if text.startswith("seq:") and text[4:].isdigit():
        return int(text[4:])
    return None


def export_feed(
    ctx: Ctx, table: Table, where: Where | None = None, shape: Callable[[Doc], Any] | None = None
) -> dict[str, Any]:
    """``GET …/export/{resource}``: every change in order, with a ``continueFrom`` token.

    ``from`` is a token from an earlier answer or a date. Inactive records are included. Changes newer
    than 15 minutes are held back unless ``includeRecentChanges=true``; the feed stops before the first
    held-back change, so a later poll never misses it.
    """
    raw = str(ctx.query.get("from") or "")
    where = where or Where()
    after = 0
    if raw:
        seq = _decode(raw)
        if seq is not None:
            after = seq
        else:
            try:
                since: datetime = parse_instant(raw)
            except ValueError:
                raise validation(
                    "from", "Use a continueFrom token from an earlier answer, or a date."
                ) from None
            where.gte("modified", to_us(since))
    recent = bool(ctx.query.get("includeRecentChanges"))
    horizon = to_us(ctx.now - RECENT_CHANGES) or 0
    rows = table.changes(ctx.tenant, after, EXPORT_BATCH + 1, where)
    data: list[Any] = []
    last = after
    held_back = False
    for seq, doc in rows[:EXPORT_BATCH]:
        if not recent and (to_us(doc.get("modifiedOn")) or 0) > horizon:
            held_back = True
            break
        data.append(shape(doc) if shape else doc)
        last = seq
    has_more = not held_back and len(rows) > EXPORT_BATCH
    return {"hasMore": has_more, "continueFrom": _encode(last), "data": data}
