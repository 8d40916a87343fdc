"""Fake OpenAI- and Anthropic-compatible model servers on loopback, answering from a script.

pydantic-ai's real providers talk to these servers over HTTP, so a test exercises the real wire protocol
(requests, tool calls, streaming, usage, errors) while a script decides every answer::

    from pydantic_ai import Agent
    from tests.fakes import Call, Say, fake_openai, openai_model, sequence

    def book_job(slot: str) -> str:
        return "J-1042"

    script = sequence(
        Call("book_job", {"slot": "09:00"}),  # request 1: call the tool
        lambda request: Say(f"Booked as {request.last_tool_result.content}."),  # request 2: echo its result
    )
    with fake_openai(script) as server:  # or fake_anthropic(script) with anthropic_model(server)
        result = Agent(openai_model(server), tools=[book_job]).run_sync("Book me in at nine")
    assert result.output == "Booked as J-1042."
    assert server.requests[0].tool_names == ["book_job"]

The Script API
--------------
A `Script` is any callable `(Request) -> Step`, called once per model request.

`Request` is the same neutral view for both protocols:
  - `system`: the system prompt / instructions, joined (pydantic-ai may put a preamble of its own first for
    some Claude models, so assert with `in`); `model`; `stream`; `number` (1, 2, ...);
  - `messages`: `Message(role, text, tool_calls, tool_results)` with role "user", "assistant" or "tool"
    (Anthropic's tool results, sent inside user messages, are shown as "tool" messages too);
  - `tools`: `Tool(name, description, parameters)` with the JSON schema, `tool_names`, `tool(name)`;
  - `tool_results`, `last_tool_result` (a `ToolResult` with `call_id`, `name`, `content`, `is_error`, `.json()`),
    `last_user_text`;
  - `raw` (the exact JSON body) and `headers`, for wire-level assertions.

A `Step` is one of:
  - `Say("text")`: answer with text (ends the run when the agent expects text);
  - `Call("tool_name", {"arg": ...})`: call a tool; a list such as `[Call(...), Call(...)]` calls several at
    once, and may start with a `Say` to send text alongside the calls (`run_stream` ends the run at the
    first text it sees, so use that with `run` only);
  - `Fail(status=500)` / `Fail(429)`: an HTTP error with the provider's error body;
    `Fail("timeout")`: hold the request until the client's timeout fires (set a short `timeout` and
    `max_retries=0` in the model settings, or the SDK retries);
    `Fail(..., in_stream=True)`: a streamed request opens with 200, then gets the error event (or stalls).

`sequence(step1, step2, ...)` answers request n with step n; a step may be a script itself (a lambda taking
the request) to echo real data from a tool result. Running past the end fails the request with a 500 whose
message says so, and `brain.errors` keeps it; an exception raised by a script is reported the same way.

`fake_openai(script)` / `fake_anthropic(script)` start a server and yield a `FakeModelServer` with `brain`
(whose `requests`, `replies`, `input_tokens` and `output_tokens` record everything) and `base_url`;
`openai_model(server)` / `anthropic_model(server)` build pydantic-ai models pointed at it. Token counts are
deterministic: words and punctuation marks of the request (input) and of the answer (output).
The ASGI apps themselves are `create_openai_app(brain)` and `create_anthropic_app(brain)`.
"""

from tests.fakes.anthropic_server import create_anthropic_app
from tests.fakes.brain import (
    Brain,
    Call,
    Fail,
    Message,
    Reply,
    Request,
    Say,
    Script,
    ScriptExhausted,
    Step,
    Tool,
    ToolCall,
    ToolResult,
    sequence,
)
from tests.fakes.live import LiveServer, serve
from tests.fakes.openai_server import create_openai_app
from tests.fakes.servers import FakeModelServer, anthropic_model, fake_anthropic, fake_openai, openai_model

__all__ = [
    "Brain",
    "Call",
    "Fail",
    "FakeModelServer",
    "LiveServer",
    "Message",
    "Reply",
    "Request",
    "Say",
    "Script",
    "ScriptExhausted",
    "Step",
    "Tool",
    "ToolCall",
    "ToolResult",
    "anthropic_model",
    "create_anthropic_app",
    "create_openai_app",
    "fake_anthropic",
    "fake_openai",
    "openai_model",
    "sequence",
    "serve",
]
