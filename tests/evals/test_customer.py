"""The scripted customer: turns fire once each when their condition fits, read-backs get the yes in order."""

from __future__ import annotations

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from frontdesk.evals.customer import LLMCustomer, ScriptedCustomer
from frontdesk.evals.tasks import Task


def _task(**script: object) -> Task:
    return Task.model_validate(
        {"id": "t", "capability": "c", "goal": "book", "script": {"opening": "hi", **script}}
    )


async def test_turns_follow_the_replies_and_each_is_said_once() -> None:
    customer = ScriptedCustomer(
        _task(turns=[{"when": "phone", "say": "555-123-4567"}, {"when": "which one", "say": "the first"}])
    )
    assert customer.opening() == "hi"
    assert await customer.next("Which one works best?") == "the first"
    assert await customer.next("What's your phone number?") == "555-123-4567"
    assert await customer.next("What's your phone number?") is None


async def test_read_backs_get_the_confirmations_in_order_and_then_nothing() -> None:
    customer = ScriptedCustomer(_task(confirm=["Yes that's right", "no"]))
    assert await customer.next("Here's what I'll do: book it.\n\nShall I book it?") == "Yes that's right"
    assert await customer.next("Is everything correct?") == "no"
    assert await customer.next("Shall I go ahead?") is None
    assert await ScriptedCustomer(_task()).next("Is there anything else I can help with?") is None
    assert await ScriptedCustomer(_task()).next("Which one should I move your visit to?") is None


async def test_the_llm_customer_speaks_until_it_says_stop() -> None:
    answers = iter(["Robert Johnson, 555-123-4567", "###STOP###"])

    def play(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        assert info.instructions is not None and "book" in info.instructions
        return ModelResponse(parts=[TextPart(next(answers))])

    customer = LLMCustomer(_task(), FunctionModel(play))
    assert await customer.next("What's your name and phone?") == "Robert Johnson, 555-123-4567"
    assert await customer.next("You're booked!") is None
