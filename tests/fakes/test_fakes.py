"""pydantic-ai's real OpenAI and Anthropic providers against the fake servers, plus the wire formats."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from typing import Any

import httpx
import pytest
from pydantic_ai import Agent
from pydantic_ai.exceptions import ModelHTTPError, ModelTimeoutError
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage

import tests.fakes
from tests.fakes import (
    Brain,
    Call,
    Fail,
    FakeModelServer,
    Request,
    Say,
    Script,
    anthropic_model,
    create_anthropic_app,
    create_openai_app,
    fake_anthropic,
    fake_openai,
    openai_model,
    sequence,
)

PROVIDERS: dict[
    str, tuple[Callable[[Script], AbstractContextManager[FakeModelServer]], Callable[..., Model]]
] = {
    "openai": (fake_openai, openai_model),
    "anthropic": (fake_anthropic, anthropic_model),
}
# A max_tokens keeps the Anthropic client from streaming a "non-streamed" request behind the scenes.
SETTINGS: ModelSettings = {"max_retries": 0, "max_tokens": 1024}
Start = Callable[[Script], tuple[FakeModelServer, Model]]
SYSTEM = "You are the front desk of Cool Air Heating & Cooling."


class Jobs:
    """A tool that records how it was called, so tests see what the model's arguments became."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def find_job(self, customer_name: str, zip_code: str) -> dict[str, Any]:
        """Find the open job of a customer."""
        self.calls.append({"customer_name": customer_name, "zip_code": zip_code})
        return {"jobNumber": f"J-{len(customer_name) * 1000 + int(zip_code) % 1000}", "status": "Scheduled"}


def answer_with_job_number(request: Request) -> Say:
    result = request.last_tool_result
    assert result is not None, "the engine sent no tool result"
    return Say(f"Your job {result.json()['jobNumber']} is scheduled.")


@pytest.fixture(params=sorted(PROVIDERS))
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["run", "stream"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def start(provider: str) -> Iterator[Start]:
    """Start a fake of the provider under test; stopped at the end of the test."""
    serve_fake, make_model = PROVIDERS[provider]
    with ExitStack() as stack:

        def begin(script: Script) -> tuple[FakeModelServer, Model]:
            server = stack.enter_context(serve_fake(script))
            return server, make_model(server)

        yield begin


async def run(
    agent: Agent[None, str], mode: str, prompt: str, settings: ModelSettings
) -> tuple[str, RunUsage]:
    if mode == "run":
        result = await agent.run(prompt, model_settings=settings)
        return result.output, result.usage
    async with agent.run_stream(prompt, model_settings=settings) as streamed:
        output = await streamed.get_output()
        return output, streamed.usage


async def test_a_tool_call_then_an_answer_built_on_its_result(start: Start, mode: str) -> None:
    jobs = Jobs()
    server, model = start(
        sequence(Call("find_job", {"customer_name": "Ada", "zip_code": "94107"}), answer_with_job_number)
    )
    agent = Agent(model, instructions=SYSTEM, tools=[jobs.find_job])

    output, usage = await run(agent, mode, "Where is my technician?", SETTINGS)

    assert output == "Your job J-3107 is scheduled."
    assert jobs.calls == [{"customer_name": "Ada", "zip_code": "94107"}]
    assert (usage.requests, usage.tool_calls) == (2, 1)
    assert (usage.input_tokens, usage.output_tokens) == (
        server.brain.input_tokens,
        server.brain.output_tokens,
    )
    assert usage.input_tokens > 0 and usage.output_tokens > 0
    first, second = server.requests
    assert SYSTEM in first.system  # Anthropic models may get a preamble from pydantic-ai before it
    assert first.last_user_text == "Where is my technician?"
    assert first.tool("find_job").parameters["required"] == ["customer_name", "zip_code"]
    assert second.last_tool_result is not None and second.last_tool_result.name == "find_job"
    assert [r.stream for r in server.requests] == [mode == "stream"] * 2


async def test_parallel_tool_calls_all_run(start: Start, mode: str) -> None:
    jobs = Jobs()
    calls: list[Say | Call] = [
        Call("find_job", {"customer_name": "Ada", "zip_code": "94107"}),
        Call("find_job", {"customer_name": "Grace", "zip_code": "10001"}),
    ]
    server, model = start(sequence(calls, lambda r: Say(f"Found {len(r.tool_results)} jobs.")))
    agent = Agent(model, tools=[jobs.find_job])

    output, usage = await run(agent, mode, "Check my two jobs", SETTINGS)

    assert output == "Found 2 jobs."
    assert sorted(c["customer_name"] for c in jobs.calls) == ["Ada", "Grace"]
    assert usage.tool_calls == 2
    made = server.requests[1].messages[1].tool_calls
    assert {result.call_id for result in server.requests[1].tool_results} == {call.id for call in made}


async def test_text_sent_alongside_tool_calls_reaches_the_history(
    start: Start,
) -> None:
    jobs = Jobs()
    step: list[Say | Call] = [
        Say("Let me check. "),
        Call("find_job", {"customer_name": "Ada", "zip_code": "94107"}),
    ]
    server, model = start(sequence(step, answer_with_job_number))

    result = await Agent(model, tools=[jobs.find_job]).run("Where is my technician?", model_settings=SETTINGS)

    assert result.output == "Your job J-3107 is scheduled."
    sent_back = server.requests[1].messages[1]
    assert (sent_back.role, sent_back.text, len(sent_back.tool_calls)) == ("assistant", "Let me check. ", 1)


@pytest.mark.parametrize("status", [500, 429])
async def test_a_scripted_http_failure_surfaces_as_a_model_http_error(
    start: Start, mode: str, status: int
) -> None:
    server, model = start(sequence(Fail(status, "the model is down")))
    agent = Agent(model)

    with pytest.raises(ModelHTTPError) as raised:
        await run(agent, mode, "Hello", SETTINGS)

    assert raised.value.status_code == status
    assert "the model is down" in str(raised.value.body)
    assert len(server.requests) == 1  # max_retries=0: the SDK did not try again


async def test_without_max_retries_the_sdk_retries_into_the_next_step(
    start: Start,
) -> None:
    server, model = start(sequence(Fail(500), Say("Back again.")))
    settings: ModelSettings = {"max_tokens": 1024, "max_retries": 1}

    result = await Agent(model).run("Hello", model_settings=settings)

    assert result.output == "Back again."
    assert len(server.requests) == 2


async def test_a_scripted_timeout_surfaces_as_a_timeout_error(start: Start, mode: str) -> None:
    server, model = start(sequence(Fail("timeout")))
    agent = Agent(model)

    with pytest.raises(ModelTimeoutError):
        await run(agent, mode, "Hello", {**SETTINGS, "timeout": 0.3})

    assert len(server.requests) == 1


@pytest.mark.parametrize("failure", [Fail(500, "broke off", in_stream=True), Fail("timeout", in_stream=True)])
async def test_a_stream_that_breaks_after_opening_surfaces_as_a_model_error(
    start: Start, failure: Fail
) -> None:
    _, model = start(sequence(failure))
    agent = Agent(model)
    expected: type[Exception] = ModelTimeoutError if failure.status == "timeout" else ModelHTTPError

    with pytest.raises(expected) as raised:
        await run(agent, "stream", "Hello", {**SETTINGS, "timeout": 0.3})

    if isinstance(raised.value, ModelHTTPError):
        assert "broke off" in str(raised.value.body)


async def test_running_past_the_script_says_so(
    start: Start,
) -> None:
    server, model = start(sequence(Call("find_job", {"customer_name": "Ada", "zip_code": "94107"})))
    agent = Agent(model, tools=[Jobs().find_job])

    with pytest.raises(ModelHTTPError) as raised:
        await agent.run("Where is my technician?", model_settings=SETTINGS)

    assert raised.value.status_code == 500
    assert server.brain.errors == ["ScriptExhausted: the script has no step for request 2"]


def test_the_documented_example_runs() -> None:
    doc = tests.fakes.__doc__ or ""
    example = doc[doc.index("::\n") + 3 : doc.index("The Script API")]
    exec(compile(textwrap.dedent(example), "tests.fakes example", "exec"), {})


# --- the wire formats, read without an SDK -----------------------------------------------------------------


def wire(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fake")


def sse_data(body: str) -> list[str]:
    return [line.removeprefix("data: ") for line in body.splitlines() if line.startswith("data: ")]


OPENAI_BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
OPENAI_AUTH = {"Authorization": "Bearer test"}


async def test_openai_stream_sends_deltas_usage_and_done() -> None:
    brain = Brain(sequence([Say("Two words"), Call("ping", {"host": "a"})]))
    body = {**OPENAI_BODY, "stream": True, "stream_options": {"include_usage": True}}
    async with wire(create_openai_app(brain)) as client:
        answer = await client.post("/v1/chat/completions", json=body, headers=OPENAI_AUTH)

    assert answer.headers["content-type"].startswith("text/event-stream")
    data = sse_data(answer.text)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert "".join(d.get("content") or "" for d in deltas) == "Two words"
    tool_deltas = [t for d in deltas for t in d.get("tool_calls", [])]
    assert tool_deltas[0]["id"] == "call_fake_1" and tool_deltas[0]["function"]["name"] == "ping"
    assert json.loads("".join(t["function"]["arguments"] for t in tool_deltas)) == {"host": "a"}
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "tool_calls"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert all(c["usage"] is None for c in chunks[:-1])


async def test_openai_errors_and_models() -> None:
    brain = Brain(sequence(Fail(429, "slow down")))
    async with wire(create_openai_app(brain)) as client:
        limited = await client.post("/v1/chat/completions", json=OPENAI_BODY, headers=OPENAI_AUTH)
        anonymous = await client.post("/v1/chat/completions", json=OPENAI_BODY)
        models = await client.get("/v1/models")

    assert limited.status_code == 429
    assert limited.json() == {
        "error": {"message": "slow down", "type": "requests", "param": None, "code": "rate_limit_exceeded"}
    }
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "invalid_api_key"
    assert "gpt-4o" in [m["id"] for m in models.json()["data"]]


ANTHROPIC_BODY = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hi"}],
}
ANTHROPIC_AUTH = {"x-api-key": "test", "anthropic-version": "2023-06-01"}


async def test_anthropic_stream_sends_events_in_order() -> None:
    brain = Brain(sequence([Say("Hello there"), Call("ping", {"host": "a"})]))
    async with wire(create_anthropic_app(brain)) as client:
        answer = await client.post(
            "/v1/messages", json={**ANTHROPIC_BODY, "stream": True}, headers=ANTHROPIC_AUTH
        )

    events = [line.removeprefix("event: ") for line in answer.text.splitlines() if line.startswith("event: ")]
    data = [json.loads(d) for d in sse_data(answer.text)]
    assert [d["type"] for d in data] == events
    assert events[:2] == ["message_start", "ping"]
    assert events[-2:] == ["message_delta", "message_stop"]
    blocks = [d["content_block"] for d in data if d["type"] == "content_block_start"]
    assert [b["type"] for b in blocks] == ["text", "tool_use"]
    deltas = [d["delta"] for d in data if d["type"] == "content_block_delta"]
    assert "".join(d["text"] for d in deltas if d["type"] == "text_delta") == "Hello there"
    assert json.loads("".join(d["partial_json"] for d in deltas if d["type"] == "input_json_delta")) == {
        "host": "a"
    }
    assert data[-2]["delta"]["stop_reason"] == "tool_use" and data[-2]["usage"]["output_tokens"] > 1


async def test_anthropic_errors() -> None:
    brain = Brain(sequence(Fail(529, "overloaded")))
    async with wire(create_anthropic_app(brain)) as client:
        overloaded = await client.post("/v1/messages", json=ANTHROPIC_BODY, headers=ANTHROPIC_AUTH)
        no_max_tokens = await client.post(
            "/v1/messages", json={**ANTHROPIC_BODY, "max_tokens": None}, headers=ANTHROPIC_AUTH
        )

    assert overloaded.status_code == 529
    assert overloaded.json() == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "overloaded"},
    }
    assert no_max_tokens.status_code == 400
    assert no_max_tokens.json()["error"]["type"] == "invalid_request_error"
    assert len(brain.requests) == 1  # a malformed request never reaches the script
