"""A fake Anthropic Messages server: the real wire format, answers decided by a scripted `Brain`.

Route: POST /v1/messages (plain JSON or `stream: true` server-sent events). The SDK's beta messages call
(`?beta=true` with an `anthropic-beta` header) lands on the same route.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes._wire import HANG_LIMIT, halves, hang, json_body, sse, text_pieces
from tests.fakes.brain import Brain, Fail, Message, Reply, Request, Tool, ToolCall, ToolResult, Usage

REPLY_PREFIX = "msg_fake_"
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": _ERROR_TYPES.get(status, "api_error"), "message": message}}


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse(error_body(status, message), status_code=status, headers={"request-id": "req_fake"})


def _text(content: Any) -> str:
    """Content is a string or a list of blocks of which only text counts here."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


def _messages(raw_messages: list[Any]) -> list[Message]:
    """Tool results travel inside user messages here; the neutral view gives them their own "tool" message."""
    messages: list[Message] = []
    names: dict[str, str] = {}
    for raw in raw_messages:
        content = raw.get("content")
        blocks = content if isinstance(content, list) else []
        if raw.get("role") == "assistant":
            calls = tuple(
                ToolCall(b.get("id", ""), b.get("name", ""), b.get("input") or {})
                for b in blocks
                if b.get("type") == "tool_use"
            )
            names.update((call.id, call.name) for call in calls)
            messages.append(Message("assistant", _text(content), tool_calls=calls))
            continue
        results = tuple(
            ToolResult(
                b.get("tool_use_id", ""),
                _text(b.get("content")),
                name=names.get(b.get("tool_use_id", "")),
                is_error=bool(b.get("is_error")),
            )
            for b in blocks
            if b.get("type") == "tool_result"
        )
        if results:
            messages.append(Message("tool", tool_results=results))
        if text := _text(content):
            messages.append(Message("user", text))
    return messages


def parse_request(body: dict[str, Any], headers: dict[str, str], number: int) -> Request:
    """The neutral view of a messages body."""
    tools = tuple(
        Tool(t["name"], t.get("description", ""), t.get("input_schema", {}))
        for t in body.get("tools") or []
        if "name" in t
    )
    return Request(
        protocol="anthropic",
        model=str(body.get("model", "")),
        system=_text(body.get("system")),
        messages=tuple(_messages(body.get("messages", []))),
        tools=tools,
        stream=bool(body.get("stream")),
        raw=body,
        headers=headers,
        number=number,
    )


def _blocks(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.text or not reply.calls:
        blocks.append({"type": "text", "text": reply.text})
    blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in reply.calls]
    return blocks


def _stop_reason(reply: Reply) -> str:
    return "tool_use" if reply.calls else "end_turn"


def _message(reply: Reply, model: str, content: list[dict[str, Any]], output_tokens: int) -> dict[str, Any]:
    return {
        "id": reply.id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": _stop_reason(reply) if content else None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.usage.input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "service_tier": "standard",
        },
    }


def message(reply: Reply, model: str) -> dict[str, Any]:
    """A non-streamed message."""
    return _message(reply, model, _blocks(reply), reply.usage.output_tokens)


def events(reply: Reply, model: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of a streamed message, in order."""
    start = _message(reply, model, [], 1)  # the API reports a placeholder output count until message_delta
    out: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    out.append(("ping", {"type": "ping"}))
    for index, block in enumerate(_blocks(reply)):
        if block["type"] == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": piece} for piece in text_pieces(block["text"])]
        else:
            opening = {**block, "input": {}}
            arguments = halves(json.dumps(block["input"]))
            deltas = [{"type": "input_json_delta", "partial_json": part} for part in arguments]
        out.append(
            ("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening})
        )
        out += [
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
            for d in deltas
        ]
        out.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    delta = {"stop_reason": _stop_reason(reply), "stop_sequence": None}
    usage = {"output_tokens": reply.usage.output_tokens}
    out.append(("message_delta", {"type": "message_delta", "delta": delta, "usage": usage}))
    out.append(("message_stop", {"type": "message_stop"}))
    return out


async def _stream(pairs: list[tuple[str, dict[str, Any]]]) -> AsyncIterator[str]:
    for event, data in pairs:
        yield sse(data, event=event)


async def _broken_stream(start: dict[str, Any], failure: Fail) -> AsyncIterator[str]:
    """A stream that opens, then stalls (until the client hangs up) or carries an error event."""
    yield sse({"type": "message_start", "message": start}, event="message_start")
    if failure.status == "timeout":
        await anyio.sleep(HANG_LIMIT)  # the response is cancelled when the client disconnects
        return
    yield sse(error_body(failure.status, failure.message), event="error")


def create_anthropic_app(brain: Brain) -> Starlette:
    """The fake server; every message is answered by `brain`."""

    async def messages(http: HttpRequest) -> Response:
        if not http.headers.get("x-api-key") and not http.headers.get("authorization"):
            return error_response(401, "x-api-key header is required")
        body = await json_body(http)
        if body is None or not body.get("model") or not isinstance(body.get("messages"), list):
            return error_response(400, "The body must be a JSON object with 'model' and 'messages'.")
        if not isinstance(body.get("max_tokens"), int):
            return error_response(400, "max_tokens: Field required")
        request = parse_request(body, dict(http.headers), brain.next_number)
        answer = brain.answer(request, reply_prefix=REPLY_PREFIX, call_prefix="toolu_fake_")
        if isinstance(answer, Fail) and answer.in_stream and request.stream:
            placeholder = Reply(f"{REPLY_PREFIX}{request.number}", "", (), Usage(0, 0))
            start = _message(placeholder, request.model, [], 1)
            return StreamingResponse(_broken_stream(start, answer), media_type="text/event-stream")
        if isinstance(answer, Fail):
            if answer.status == "timeout":
                await hang(http)
                return error_response(504, "The client gave up first.")
            return error_response(answer.status, answer.message)
        if not request.stream:
            return JSONResponse(message(answer, request.model), headers={"request-id": "req_fake"})
        return StreamingResponse(
            _stream(events(answer, request.model)),
            media_type="text/event-stream",
            headers={"request-id": "req_fake"},
        )

    app = Starlette(routes=[Route("/v1/messages", messages, methods=["POST"])])
    app.state.brain = brain
    return app
