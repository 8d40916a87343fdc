"""One model turn: ask the model, run the tools it calls, give it their results, until it answers in text.

The loop speaks to the provider through pydantic-ai's direct API (``pydantic_ai.direct.model_request``),
so every provider pydantic-ai supports works, with its wire format, and the history is pydantic-ai's own
message list (stored with the conversation as before). The loop itself is ours because it is small and
the engine's guards live elsewhere (the ToolRunner validates arguments and refuses what it must): an
agent framework's run graph costs several milliseconds of CPU per model request, more than the rest of
a turn together, and a receptionist serving many conversations in one process pays it on every step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic_ai.direct import model_request
from pydantic_ai.exceptions import UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    RetryFeedbackPart,
    RetryInfo,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.usage import RunUsage

# More model requests than this in one turn is a model going round in circles: the turn fails over.
MAX_REQUESTS = 12
# A response with neither text nor a tool call is asked for again this many times.
EMPTY_RETRIES = 2

CallTool = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class LoopTool:
    """A tool as the model sees it; ``sequential`` tools (writes) never run beside another call."""

    name: str
    description: str
    parameters: dict[str, Any]
    sequential: bool = False

    def definition(self) -> ToolDefinition:
        return ToolDefinition(
            name=self.name,
            description=self.description,
            parameters_json_schema=self.parameters,
            sequential=self.sequential,
        )


@dataclass
class LoopResult:
    text: str
    messages: list[ModelMessage]
    usage: RunUsage


async def run_turn(
    model: Model,
    *,
    instructions: str,
    prompt: str,
    history: Sequence[ModelMessage],
    tools: Sequence[LoopTool],
    call_tool: CallTool,
    max_requests: int = MAX_REQUESTS,
) -> LoopResult:
    """Answer ``prompt`` after ``history``; tool calls go to ``call_tool`` (which never raises for the model's
    mistakes: it returns an error result the model can act on). Provider errors propagate."""
    messages: list[ModelMessage] = [
        *history,
        ModelRequest(parts=[UserPromptPart(prompt)], instructions=instructions),
    ]
    parameters = ModelRequestParameters(function_tools=[t.definition() for t in tools])
    sequential = {t.name for t in tools if t.sequential}
    usage = RunUsage()
    empty = 0
    while True:
        if usage.requests >= max_requests:
            raise UsageLimitExceeded(f"the model made {usage.requests} requests without answering")
        response = await model_request(model, messages, model_request_parameters=parameters)
        usage.incr(response.usage)
        usage.requests += 1
        messages.append(response)
        calls = [part for part in response.parts if isinstance(part, ToolCallPart)]
        if calls:
            usage.tool_calls += len(calls)
            returns = await _run_calls(calls, call_tool, sequential)
            messages.append(ModelRequest(parts=returns, instructions=instructions))
            continue
        text = "".join(part.content for part in response.parts if isinstance(part, TextPart)).strip()
        if text:
            return LoopResult(text, messages, usage)
        empty += 1
        if empty > EMPTY_RETRIES:
            raise UnexpectedModelBehavior("the model answered with neither text nor a tool call")
        retry = RetryFeedbackPart(
            "Answer the customer in plain text, or call a tool.", retry=RetryInfo("model_retry")
        )
        messages.append(ModelRequest(parts=[retry], instructions=instructions))


async def _run_calls(
    calls: list[ToolCallPart], call_tool: CallTool, sequential: set[str]
) -> list[ToolReturnPart]:
    async def one(call: ToolCallPart) -> ToolReturnPart:
        try:
            arguments = call.args_as_dict(raise_if_invalid=True)
        except (ValueError, AssertionError):
            return ToolReturnPart(
                call.tool_name,
                "The arguments were not a JSON object; call the tool again with valid JSON arguments.",
                tool_call_id=call.tool_call_id,
                outcome="retried",
                retry=RetryInfo("validation_error"),
            )
        content = await call_tool(call.tool_name, arguments)
        return ToolReturnPart(call.tool_name, content, tool_call_id=call.tool_call_id)

    if any(call.tool_name in sequential for call in calls):
        return [await one(call) for call in calls]  # a write runs alone, in the order the model asked
    return list(await asyncio.gather(*(one(call) for call in calls)))
