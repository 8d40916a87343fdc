"""Job notes: newest first, pinned notes before the rest."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import iso
from frontdesk.sandbox import records
from frontdesk.sandbox.api.jpm.common import NOTES, load_job
from frontdesk.sandbox.listing import page_of
from frontdesk.sandbox.problems import validation
from frontdesk.sandbox.registry import Ctx, route
from frontdesk.sandbox.store import Doc, Where
from frontdesk.sandbox.tables import new_id

_ORDER = "json_extract(doc, '$.isPinned') DESC, created DESC, id DESC"


def note_view(doc: Doc) -> Doc:
    # the published NoteResponse has no id: a note is known only through its job
    return {k: v for k, v in records.public(doc).items() if k != "id"}


@route("Jobs_GetNotes", scope="tn.jpm.jobs:r")
def list_notes(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    return page_of(ctx, ctx.table(NOTES), Where().eq("job_id", job["id"]), _ORDER, shape=note_view)


@route("Jobs_CreateNote", scope="tn.jpm.jobs:w")
def create_note(ctx: Ctx) -> Any:
    job = load_job(ctx, ctx.id)
    text = ctx.body["text"]
    if not text.strip():
        raise validation("Text", "The Text field is required.")
    doc = records.note(
        new_id(ctx.store, NOTES), job["id"], text, iso(ctx.now), bool(ctx.body.get("pinToTop"))
    )
    ctx.table(NOTES).insert(ctx.tenant, doc)
    return note_view(doc)
