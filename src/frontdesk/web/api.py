"""The chat REST API: conversations, messages (JSON or a server-sent event stream), transcripts, and the
explanation of each turn for the business's staff."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from frontdesk.agent.events import Event, TextDelta, ToolActivity
from frontdesk.agent.receptionist import Receptionist
from frontdesk.store.conversations import ConversationStore
from frontdesk.web.limits import RateLimiter
from frontdesk.web.settings import WebSettings

log = logging.getLogger("frontdesk.web")


class NewConversation(BaseModel):
    channel: Literal["chat", "widget"] = "chat"


class ConversationOut(BaseModel):
    id: str
    greeting: str


class MessageIn(BaseModel):
    text: str = Field(min_length=1, description="what the customer wrote")


class MessageOut(BaseModel):
    role: str
    text: str
    seq: int
    at: str


class ReplyOut(BaseModel):
    text: str
    turn_id: str
    model: str
    failover: bool
    outcome_tags: list[str]


class TranscriptOut(BaseModel):
    id: str
    channel: str
    messages: list[MessageOut]
    outcome_tags: list[str]


class ErrorOut(BaseModel):
    error: str = Field(description="what went wrong, for a person to read")
    problems: list[str] | None = Field(None, description="each invalid field (422 only)")


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route answers, all shaped as ``ErrorOut``."""
    what = {
        400: "the body is not JSON",
        401: "no admin token given",
        403: "wrong admin token, or the explanation view is off",
        404: "no such conversation",
        413: "message or request body too long",
        422: "invalid request",
        429: "too many requests from this address; see Retry-After",
    }
    return {code: {"model": ErrorOut, "description": what[code]} for code in codes}


class Web:
    """What the routes share: the receptionist, its store, the settings and the limiters."""

    def __init__(self, receptionist: Receptionist, store: ConversationStore, settings: WebSettings) -> None:
        self.receptionist = receptionist
        self.store = store
        self.settings = settings
        self.messages = RateLimiter(settings.messages_per_minute, 60.0)
        self.conversations = RateLimiter(settings.conversations_per_hour, 3600.0)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(limiter: RateLimiter, key: str, what: str) -> None:
    wait = limiter.retry_after(key)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise HTTPException(
            429,
            detail=f"Too many {what} from this address; try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )


def router(web: Web) -> APIRouter:
    api = APIRouter(prefix="/api")

    async def conversation_or_404(conversation_id: str) -> Any:
        conversation = await web.store.get_conversation(conversation_id)
        if conversation is None:
            raise HTTPException(404, detail="No such conversation; start a new one.")
        return conversation

    def admin(
        authorization: Annotated[str | None, Header()] = None,
        token: Annotated[str | None, Query(description="the admin token, for links")] = None,
    ) -> None:
        expected = web.settings.admin_token
        if expected is None:
            raise HTTPException(403, detail="The explanation view is off: set FRONTDESK_WEB_ADMIN_TOKEN.")
        given = token or (authorization or "").removeprefix("Bearer ").strip()
        if not given:
            raise HTTPException(
                401, detail="An admin token is needed.", headers={"WWW-Authenticate": "Bearer"}
            )
        if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
            raise HTTPException(403, detail="That admin token is not valid.")

    @api.post(
        "/conversations",
        response_model=ConversationOut,
        status_code=201,
        responses=_errors(400, 413, 422, 429),
    )
    async def create_conversation(request: Request, body: NewConversation | None = None) -> ConversationOut:
        """Start a conversation; the answer carries its id and the business's greeting."""
        _limit(web.conversations, _client(request), "new conversations")
        channel = body.channel if body else "chat"
        conversation_id = await web.receptionist.start(channel=channel)
        return ConversationOut(id=conversation_id, greeting=web.receptionist.greeting())

    @api.get("/conversations/{conversation_id}", response_model=TranscriptOut, responses=_errors(404, 422))
    async def transcript(conversation_id: str) -> TranscriptOut:
        """The conversation so far (what a reloaded chat page shows)."""
        conversation = await conversation_or_404(conversation_id)
        messages = await web.store.messages(conversation_id)
        return TranscriptOut(
            id=conversation.id,
            channel=conversation.channel,
            messages=[
                MessageOut(role=m.role, text=m.text, seq=m.seq, at=m.created_at.isoformat()) for m in messages
            ],
            outcome_tags=list(conversation.outcome_tags or []),
        )

    @api.post(
        "/conversations/{conversation_id}/messages",
        response_model=ReplyOut,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "JSON, or events when asked"},
            **_errors(400, 404, 413, 422, 429),
        },
    )
    async def send_message(
        conversation_id: str,
        message: MessageIn,
        request: Request,
        accept: Annotated[str | None, Header()] = None,
    ) -> Any:
        """Send the customer's message. With ``Accept: text/event-stream`` the reply streams as events:
        ``tool`` (activity), ``delta`` (text), then ``reply`` (the whole reply), or ``error`` if the turn
        failed."""
        text = message.text.strip()
        if not text:
            raise HTTPException(422, detail="The message is empty.")
        if len(text) > web.settings.max_message_chars:
            raise HTTPException(
                413, detail=f"Messages are limited to {web.settings.max_message_chars} characters."
            )
        _limit(web.messages, _client(request), "messages")
        await conversation_or_404(conversation_id)
        if accept and "text/event-stream" in accept:
            return StreamingResponse(
                _events(web.receptionist, conversation_id, text),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        reply = await web.receptionist.answer(conversation_id, text)
        return ReplyOut(
            text=reply.text,
            turn_id=reply.turn_id,
            model=reply.model,
            failover=reply.failover,
            outcome_tags=reply.outcome_tags,
        )

    @api.get(
        "/conversations/{conversation_id}/explanation",
        dependencies=[Depends(admin)],
        responses=_errors(401, 403, 404, 422),
    )
    async def explanation(conversation_id: str) -> JSONResponse:
        """Every turn with its tool runs and the (redacted) ServiceTitan exchanges, with timings."""
        await conversation_or_404(conversation_id)
        turns = await web.store.turns(conversation_id)
        return JSONResponse({"conversation": conversation_id, "turns": [_jsonable(asdict(t)) for t in turns]})

    return api


_turns_in_flight: set[asyncio.Task[None]] = set()  # strong references, so a running turn is never collected


async def _events(receptionist: Receptionist, conversation_id: str, text: str) -> AsyncIterator[bytes]:
    """The turn's events as server-sent events. The turn runs in its own task, so a customer who closes
    the page mid-reply does not cancel it halfway (after a booking, before its read-back is stored): it
    finishes and is stored, and the reloaded page shows the reply."""
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def run() -> None:
        try:
            async for event in receptionist.reply(conversation_id, text):
                queue.put_nowait(_event(event))
        except Exception:
            log.exception("turn failed in conversation %s", conversation_id)
            queue.put_nowait(
                _sse("error", {"error": "Sorry, something went wrong on our side; please try again."})
            )
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(run())
    _turns_in_flight.add(task)
    task.add_done_callback(_turns_in_flight.discard)
    while (chunk := await queue.get()) is not None:
        yield chunk


def _event(event: Event) -> bytes:
    if isinstance(event, ToolActivity):
        return _sse("tool", {"tool": event.tool_id, "phase": event.phase, "status": event.status})
    if isinstance(event, TextDelta):
        return _sse("delta", {"text": event.text})
    return _sse(
        "reply",
        {
            "text": event.text,
            "turn_id": event.turn_id,
            "model": event.model,
            "failover": event.failover,
            "outcome_tags": event.outcome_tags,
        },
    )


def _sse(name: str, data: dict[str, Any]) -> bytes:
    """One server-sent event; JSON never holds a raw newline, so one data line suffices."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
