"""The engine's model loop: tool calls in, results out, until the model answers in text."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic_ai.exceptions import UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.agent.loop import LoopTool, run_turn

OBJECT = {"type": "object", "properties": {"q": {"type": "string"}}}
TOOLS = [
    LoopTool("lookup", "read something", OBJECT),
    LoopTool("other", "read something else", OBJECT),
    LoopTool("write", "change something", OBJECT, sequential=True),
]


def returns(messages: list[ModelMessage]) -> list[Any]:
    last = messages[-1]
    assert isinstance(last, ModelRequest)
    return list(last.parts)


class Calls:
    """Records tool calls; reads wait a moment so calls that run side by side overlap."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.running = 0
        self.most_at_once = 0

    async def __call__(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.log.append(f"{name}:{arguments.get('q')}")
        await asyncio.sleep(0.01)
        self.running -= 1
        return {"status": "ok", "data": {"echo": arguments.get("q")}}


async def test_reads_run_side_by_side_and_the_results_reach_the_model() -> None:
    seen: dict[str, Any] = {}

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            seen["instructions"] = info.instructions
            seen["tools"] = [t.name for t in info.function_tools]
            return ModelResponse(
                parts=[
                    ToolCallPart("lookup", json.dumps({"q": "a"}), tool_call_id="1"),
                    ToolCallPart("other", {"q": "b"}, tool_call_id="2"),
                ]
            )
        parts = returns(messages)
        seen["results"] = [(p.tool_call_id, p.content) for p in parts if isinstance(p, ToolReturnPart)]
        return ModelResponse(parts=[TextPart("All done.")])

    calls = Calls()
    result = await run_turn(
        FunctionModel(model),
        instructions="Be kind.",
        prompt="hello",
        history=[],
        tools=TOOLS,
        call_tool=calls,
    )
    assert result.text == "All done."
    assert seen["instructions"] == "Be kind." and seen["tools"] == ["lookup", "other", "write"]
    assert seen["results"] == [
        ("1", {"status": "ok", "data": {"echo": "a"}}),
        ("2", {"status": "ok", "data": {"echo": "b"}}),
    ]
    assert calls.most_at_once == 2
    assert (result.usage.requests, result.usage.tool_calls) == (2, 2)
    # the history is pydantic-ai's: prompt, calls, results, answer
    assert [type(m).__name__ for m in result.messages] == [
        "ModelRequest",
        "ModelResponse",
        "ModelRequest",
        "ModelResponse",
    ]


async def test_a_write_never_runs_beside_another_call() -> None:
    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(
                parts=[
                    ToolCallPart("write", {"q": "first"}, tool_call_id="1"),
                    ToolCallPart("lookup", {"q": "second"}, tool_call_id="2"),
                ]
            )
        return ModelResponse(parts=[TextPart("ok")])

    calls = Calls()
    await run_turn(
        FunctionModel(model), instructions="", prompt="hi", history=[], tools=TOOLS, call_tool=calls
    )
    assert calls.log == ["write:first", "lookup:second"] and calls.most_at_once == 1


async def test_arguments_that_are_not_json_are_sent_back_for_a_retry() -> None:
    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("lookup", "{not json", tool_call_id="1")])
        retry = returns(messages)[0]
        assert isinstance(retry, ToolReturnPart) and retry.tool_call_id == "1"
        assert retry.outcome == "retried" and "JSON" in str(retry.content)
        return ModelResponse(parts=[TextPart("Let me try that differently.")])

    calls = Calls()
    result = await run_turn(
        FunctionModel(model), instructions="", prompt="hi", history=[], tools=TOOLS, call_tool=calls
    )
    assert result.text.startswith("Let me") and calls.log == []


async def test_an_empty_answer_is_asked_again_then_fails() -> None:
    answers = iter([ModelResponse(parts=[]), ModelResponse(parts=[TextPart("Hello!")])])
    result = await run_turn(
        FunctionModel(lambda m, i: next(answers)),
        instructions="",
        prompt="hi",
        history=[],
        tools=TOOLS,
        call_tool=Calls(),
    )
    assert result.text == "Hello!"

    with pytest.raises(UnexpectedModelBehavior):
        await run_turn(
            FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("  ")])),
            instructions="",
            prompt="hi",
            history=[],
            tools=TOOLS,
            call_tool=Calls(),
        )


async def test_a_model_going_round_in_circles_is_stopped() -> None:
    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("lookup", {"q": str(len(messages))})])

    calls = Calls()
    with pytest.raises(UsageLimitExceeded):
        await run_turn(
            FunctionModel(model),
            instructions="",
            prompt="hi",
            history=[],
            tools=TOOLS,
            call_tool=calls,
            max_requests=4,
        )
    assert len(calls.log) == 4


async def test_history_comes_first_and_the_new_prompt_carries_the_instructions() -> None:
    first = await run_turn(
        FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("one")])),
        instructions="old",
        prompt="first",
        history=[],
        tools=[],
        call_tool=Calls(),
    )
    seen: list[str | None] = []

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.instructions)
        return ModelResponse(parts=[TextPart(f"{len(messages)} messages")])

    second = await run_turn(
        FunctionModel(model),
        instructions="new",
        prompt="second",
        history=first.messages,
        tools=[],
        call_tool=Calls(),
    )
    assert second.text == "3 messages" and seen == ["new"]
