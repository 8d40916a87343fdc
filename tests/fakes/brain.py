"""The scripted brain behind the fake model servers: a neutral view of a request, the steps a script answers
with, and the `Brain` that runs a script, hands out deterministic ids and records every request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

# --- what a script sees --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model made earlier in the conversation."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """What the client sent back for one tool call."""

    call_id: str
    content: str
    name: str | None = None  # Anthropic's tool_result blocks carry no name; it is looked up from the call
    is_error: bool = False

    def json(self) -> Any:
        """The content parsed as JSON (pydantic-ai serialises structured tool returns as JSON)."""
        return json.loads(self.content)


@dataclass(frozen=True)
class Message:
    """One message of the conversation, whatever the protocol."""

    role: Literal["system", "user", "assistant", "tool"]
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()


@dataclass(frozen=True)
class Tool:
    """A tool offered to the model, with its JSON schema."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Request:
    """A model request as the brain sees it; `raw` keeps the exact JSON body for wire-level assertions."""

    protocol: Literal["openai", "anthropic"]
    model: str
    system: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...]
    stream: bool
    raw: dict[str, Any]
    headers: Mapping[str, str]
    number: int  # 1 for the first request the brain received

    @property
    def tool_results(self) -> list[ToolResult]:
        return [result for message in self.messages for result in message.tool_results]

    @property
    def last_tool_result(self) -> ToolResult | None:
        results = self.tool_results
        return results[-1] if results else None

    @property
    def last_user_text(self) -> str:
        texts = [m.text for m in self.messages if m.role == "user" and m.text]
        return texts[-1] if texts else ""

    @property
    def tool_names(self) -> list[str]:
        return [tool.name for tool in self.tools]

    def tool(self, name: str) -> Tool:
        for tool in self.tools:
            if tool.name == name:
                return tool
        raise KeyError(f"no tool {name!r} was offered; offered: {self.tool_names}")


# --- what a script answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Answer with text."""

    text: str


@dataclass(frozen=True)
class Call:
    """Call a tool; return several in a list for parallel calls."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fail:
    """Fail the request: an HTTP error status, or "timeout" to hold the answer until the client gives up.

    With `in_stream`, a streamed request opens with 200 and its first event, then gets the provider's error
    event instead of the rest (a non-streamed request gets the plain HTTP error)."""

    status: int | Literal["timeout"] = 500
    message: str = "The fake model failed as scripted."
    in_stream: bool = False


Part = Say | Call
Step = Say | Call | Fail | Sequence[Part]
Script = Callable[[Request], Step]


def sequence(*steps: Step | Script) -> Script:
    """A script that answers request n with step n; a step may itself be a script, to use the request."""
    remaining: Iterator[Step | Script] = iter(steps)

    def script(request: Request) -> Step:
        try:
            step = next(remaining)
        except StopIteration:
            raise ScriptExhausted(f"the script has no step for request {request.number}") from None
        return step(request) if callable(step) else step

    return script


class ScriptExhausted(Exception):
    """The model was asked once more than the script expected."""


# --- what the servers send back ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class Reply:
    """One answer, with the ids the server puts on the wire."""

    id: str
    text: str
    calls: tuple[ToolCall, ...]
    usage: Usage

    @property
    def finish(self) -> Literal["text", "tool_calls"]:
        return "tool_calls" if self.calls else "text"


def count_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: words and punctuation marks."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def _request_tokens(request: Request) -> int:
    texts = [request.system]
    for message in request.messages:
        texts.append(message.text)
        texts.extend(json.dumps(call.arguments) for call in message.tool_calls)
        texts.extend(result.content for result in message.tool_results)
    texts.extend(json.dumps(tool.parameters) for tool in request.tools)
    return max(1, sum(count_tokens(text) for text in texts))


class Brain:
    """Runs a script for one fake server and records what it received and answered."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[Request] = []
        self.replies: list[Reply] = []
        self.errors: list[str] = []  # script failures, reported to the client as 500s
        self._calls = 0

    @property
    def next_number(self) -> int:
        return len(self.requests) + 1

    def answer(self, request: Request, *, reply_prefix: str, call_prefix: str) -> Reply | Fail:
        """Record the request and turn the script's step into a reply (or a scripted failure).

        The prefixes make ids look like the provider's (`chatcmpl-`, `call_`; `msg_`, `toolu_`)."""
        self.requests.append(request)
        try:
            step = self.script(request)
        except Exception as error:  # the test should see why, not a bare connection reset
            message = f"{type(error).__name__}: {error}"
            self.errors.append(message)
            return Fail(500, message)
        if isinstance(step, Fail):
            return step
        parts: Sequence[Part] = [step] if isinstance(step, Say | Call) else step
        text = "".join(part.text for part in parts if isinstance(part, Say))
        calls = tuple(self._tool_call(part, call_prefix) for part in parts if isinstance(part, Call))
        output = count_tokens(text) + sum(count_tokens(json.dumps(c.arguments)) + 1 for c in calls)
        reply = Reply(
            id=f"{reply_prefix}{request.number}",
            text=text,
            calls=calls,
            usage=Usage(input_tokens=_request_tokens(request), output_tokens=max(1, output)),
        )
        self.replies.append(reply)
        return reply

    def _tool_call(self, call: Call, prefix: str) -> ToolCall:
        self._calls += 1
        return ToolCall(id=f"{prefix}{self._calls}", name=call.name, arguments=dict(call.arguments))

    @property
    def input_tokens(self) -> int:
        return sum(reply.usage.input_tokens for reply in self.replies)

    @property
    def output_tokens(self) -> int:
        return sum(reply.usage.output_tokens for reply in self.replies)
