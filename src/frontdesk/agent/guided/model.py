"""The guided model: a deterministic receptionist behind pydantic-ai's model interface.

It reads the conversation (``transcript``), derives what it knows (``memory``), and takes one step
(``flows``): a tool call, which the engine runs through the ToolRunner like any model's, or a reply.
It needs no network and no key, and answers in milliseconds.
"""

from __future__ import annotations

import itertools

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.agent.guided import area
from frontdesk.agent.guided import transcript as transcripts
from frontdesk.agent.guided.flows import Call, Flows
from frontdesk.agent.guided.memory import remember
from frontdesk.clock import Clock
from frontdesk.profile import BusinessProfile

MODEL_NAME = "guided"


class Guide:
    def __init__(self, profile: BusinessProfile, clock: Clock) -> None:
        self.profile = profile
        self.clock = clock
        self._ids = itertools.count(1)
        area.towns_served(profile)  # loads the ZIP code data now (once per process), not in a customer's turn

    def step(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        transcript = transcripts.read(messages)
        tools = {tool.name for tool in info.function_tools}
        memory = remember(transcript, self.profile, self.clock.now().astimezone(self.profile.zone))
        action = Flows(self.profile, tools).decide(memory)
        if isinstance(action, Call) and action.tool in tools:
            call_id = f"guided-{next(self._ids)}"
            return ModelResponse(parts=[ToolCallPart(action.tool, action.args, tool_call_id=call_id)])
        text = action.text if not isinstance(action, Call) else "I'm sorry, I can't do that here."
        return ModelResponse(parts=[TextPart(_welcome(transcript) + text)])


def _welcome(transcript: transcripts.Transcript) -> str:
    """A word of thanks when the customer's account was found this turn, the first time it was."""
    found = [
        o for o in transcript.outcomes if o.tool == "searchCustomers" and o.ok and o.data.get("verified")
    ]
    if not found or found[0].turn != transcript.turn:
        return ""
    customer = found[0].data.get("customer") or {}
    name = str(customer.get("name") or "").split()
    who = f", {name[0]}" if name and customer.get("type") != "Commercial" else ""
    return f"Thanks{who} — I found your account. "


def guided_model(profile: BusinessProfile, clock: Clock) -> FunctionModel:
    """The offline model, ready for ``Agent(model=...)``."""
    return FunctionModel(Guide(profile, clock).step, model_name=MODEL_NAME)
