"""A fake OpenAI Chat Completions server: the real wire format, answers decided by a scripted `Brain`.

Routes: POST /v1/chat/completions (plain JSON or `stream: true` server-sent events), GET /v1/models.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes._wire import CREATED, HANG_LIMIT, halves, hang, json_body, sse, text_pieces
from tests.fakes.brain import Brain, Fail, Message, Reply, Request, Tool, ToolCall, ToolResult, Usage

DEFAULT_MODELS = ("gpt-4o", "gpt-4o-mini")
REPLY_PREFIX = "chatcmpl-fake-"

# status -> (error type, error code), as the OpenAI API sends them
_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


def error_body(status: int, message: str) -> dict[str, Any]:
    kind, code = _ERRORS.get(status, ("server_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse(error_body(status, message), status_code=status)


def _text(content: Any) -> str:
    """Message content is a string, null, or a list of parts of which only text counts here."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def parse_request(body: dict[str, Any], headers: dict[str, str], number: int) -> Request:
    """The neutral view of a chat completions body."""
    system: list[str] = []
    messages: list[Message] = []
    names: dict[str, str] = {}  # tool call id -> tool name, to name the results
    for raw in body.get("messages", []):
        role = raw.get("role")
        if role in ("system", "developer"):
            system.append(_text(raw.get("content")))
        elif role == "user":
            messages.append(Message("user", _text(raw.get("content"))))
        elif role == "assistant":
            calls = []
            for call in raw.get("tool_calls") or []:
                function = call.get("function", {})
                names[call.get("id", "")] = function.get("name", "")
                calls.append(
                    ToolCall(
                        call.get("id", ""),
                        function.get("name", ""),
                        json.loads(function.get("arguments") or "{}"),
                    )
                )
            messages.append(Message("assistant", _text(raw.get("content")), tool_calls=tuple(calls)))
        elif role == "tool":
            call_id = raw.get("tool_call_id", "")
            result = ToolResult(call_id, _text(raw.get("content")), name=names.get(call_id))
            messages.append(Message("tool", tool_results=(result,)))
    tools = tuple(
        Tool(f["name"], f.get("description", ""), f.get("parameters", {}))
        for f in (tool.get("function", {}) for tool in body.get("tools") or [])
        if "name" in f
    )
    return Request(
        protocol="openai",
        model=str(body.get("model", "")),
        system="\n\n".join(system),
        messages=tuple(messages),
        tools=tools,
        stream=bool(body.get("stream")),
        raw=body,
        headers=headers,
        number=number,
    )


def _usage(reply: Reply) -> dict[str, Any]:
    prompt, completion = reply.usage.input_tokens, reply.usage.output_tokens
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _finish_reason(reply: Reply) -> str:
    return "tool_calls" if reply.calls else "stop"


def completion(reply: Reply, model: str) -> dict[str, Any]:
    """A non-streamed chat completion."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.text if reply.text or not reply.calls else None,
        "refusal": None,
        "annotations": [],
    }
    if reply.calls:
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
            }
            for c in reply.calls
        ]
    return {
        "id": reply.id,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": _finish_reason(reply)}
        ],
        "usage": _usage(reply),
        "service_tier": "default",
        "system_fingerprint": "fp_fake",
    }


def _chunk(
    reply: Reply, model: str, delta: dict[str, Any], finish_reason: str | None, include_usage: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": reply.id,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }
    if include_usage:
        body["usage"] = None  # every chunk but the last carries a null usage
    return body


def chunks(reply: Reply, model: str, include_usage: bool) -> list[dict[str, Any]]:
    """The chunks of a streamed chat completion, in order."""

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return _chunk(reply, model, delta, finish_reason, include_usage)

    out = [chunk({"role": "assistant", "content": "", "refusal": None})]
    out += [chunk({"content": piece}) for piece in text_pieces(reply.text)]
    for index, call in enumerate(reply.calls):
        opening = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        out.append(chunk({"tool_calls": [opening]}))
        out += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
            for part in halves(json.dumps(call.arguments))
        ]
    out.append(chunk({}, _finish_reason(reply)))
    if include_usage:
        last = chunk({})
        last["choices"], last["usage"] = [], _usage(reply)
        out.append(last)
    return out


async def _events(parts: Sequence[dict[str, Any]]) -> AsyncIterator[str]:
    for part in parts:
        yield sse(part)
    yield sse("[DONE]")


async def _broken_events(opening: dict[str, Any], failure: Fail) -> AsyncIterator[str]:
    """A stream that opens, then stalls (until the client hangs up) or carries an error object."""
    yield sse(opening)
    if failure.status == "timeout":
        await anyio.sleep(HANG_LIMIT)  # the response is cancelled when the client disconnects
        return
    yield sse(error_body(failure.status, failure.message))


def create_openai_app(brain: Brain, models: Sequence[str] = DEFAULT_MODELS) -> Starlette:
    """The fake server; every chat completion is answered by `brain`."""

    async def chat_completions(http: HttpRequest) -> Response:
        if not http.headers.get("authorization", "").startswith("Bearer "):
            return error_response(401, "You didn't provide an API key.")
        body = await json_body(http)
        if body is None or not body.get("model") or not isinstance(body.get("messages"), list):
            return error_response(400, "The body must be a JSON object with 'model' and 'messages'.")
        request = parse_request(body, dict(http.headers), brain.next_number)
        answer = brain.answer(request, reply_prefix=REPLY_PREFIX, call_prefix="call_fake_")
        options = body.get("stream_options") or {}
        include_usage = bool(options.get("include_usage"))
        if isinstance(answer, Fail) and answer.in_stream and request.stream:
            placeholder = Reply(f"{REPLY_PREFIX}{request.number}", "", (), Usage(0, 0))
            opening = _chunk(
                placeholder, request.model, {"role": "assistant", "content": ""}, None, include_usage
            )
            return StreamingResponse(_broken_events(opening, answer), media_type="text/event-stream")
        if isinstance(answer, Fail):
            if answer.status == "timeout":
                await hang(http)
                return error_response(504, "The client gave up first.")
            return error_response(answer.status, answer.message)
        if not request.stream:
            return JSONResponse(completion(answer, request.model))
        parts = chunks(answer, request.model, include_usage)
        return StreamingResponse(_events(parts), media_type="text/event-stream")

    async def list_models(http: HttpRequest) -> Response:
        data = [
            {"id": m, "object": "model", "created": CREATED, "owned_by": "frontdesk-tests"} for m in models
        ]
        return JSONResponse({"object": "list", "data": data})

    routes = [
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", list_models, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.brain = brain
    return app
