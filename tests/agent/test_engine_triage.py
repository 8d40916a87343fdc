"""Emergency triage for any model: the engine finds the emergency in the customer's words, tells the model
what to do, and alerts the on-call person itself when the model does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frontdesk.agent.escalation import EscalateEmergency
from frontdesk.agent.notify import MemoryNotifier, Notice
from frontdesk.capabilities.runner import ToolRunner
from frontdesk.profile import BusinessProfile, OnCall
from tests.agent.conftest import Conversation
from tests.agent.llm_scripts import result, scripted, steps
from tests.fakes import Call, Say

GAS_SAFETY = "Please leave the house now with everyone in it"


def _on_call(talk: Conversation) -> MemoryNotifier:
    """Offer the model escalateEmergency, with a notifier the test can read."""
    notifier = MemoryNotifier()
    parts = talk.running.receptionist.parts
    parts.runner = ToolRunner(
        [*parts.runner.tools.values(), EscalateEmergency(notifier)], secret=b"test-secret"
    )
    return notifier


async def test_a_model_that_ignores_a_gas_smell_still_gets_the_on_call_alerted(
    chat: Callable[..., Any],
) -> None:
    script = steps(
        Say("Sure, I can book a visit for that. What's the phone number on your account?"),
        Say("Thanks! Which day works for you?"),
    )
    with scripted("openai", script) as (server, model):
        talk = await chat(model)
        notifier = _on_call(talk)
        reply = await talk.say("I smell gas in my kitchen, can someone come look?")
        later = await talk.say("it still smells like gas in here")

    system = server.requests[0].system
    assert "Emergency in the customer's last message: gas smell" in system
    assert GAS_SAFETY in system and "do not offer or book a routine appointment" in system
    assert reply.startswith("This could be dangerous, so safety first: " + GAS_SAFETY)
    assert "On-call dispatcher has been alerted." in reply
    assert [(n.kind, n.level) for n in notifier.sent] == [("emergency", "life_safety")]
    assert "emergency" in talk.replies[0].outcome_tags
    first, second = await talk.running.store.turns(talk.id)
    (run,) = first.tool_runs
    assert run.tool_id == "escalateEmergency" and run.arguments["emergency"] == "gas smell"
    # the same emergency again: no second alert
    assert len(notifier.sent) == 1 and second.tool_runs == []
    assert "has been alerted" not in later


async def test_a_model_that_escalates_itself_is_not_doubled(chat: Callable[..., Any]) -> None:
    arguments = {"emergency": "gas leak", "level": "life_safety", "summary": "smells gas in the kitchen"}
    script = steps(
        Call("escalateEmergency", arguments),
        lambda request: Say(
            f"{GAS_SAFETY}, and call 911 from outside. {result(request, 'escalateEmergency')['message']}"
        ),
    )
    with scripted("anthropic", script) as (_, model):
        talk = await chat(model)
        notifier = _on_call(talk)
        reply = await talk.say("I smell gas in my kitchen!")

    assert reply.startswith(GAS_SAFETY) and "safety first" not in reply
    assert len(notifier.sent) == 1
    (turn,) = await talk.running.store.turns(talk.id)
    assert [r.tool_id for r in turn.tool_runs] == ["escalateEmergency"]


class Unreachable(MemoryNotifier):
    async def notify(self, notice: Notice, on_call: OnCall | None) -> bool:
        return False


async def test_an_urgent_leak_asks_for_urgent_priority_and_is_escalated_without_the_tool_offered(
    chat: Callable[..., Any], profile: BusinessProfile
) -> None:
    script = steps(Say("I can help. What's the phone number on your account?"))
    with scripted("openai", script) as (server, model):
        talk = await chat(model)
        # the model is not offered the tool, and the engine's own alert reaches nobody: the customer must
        # call, and is told so
        parts = talk.running.receptionist.parts
        others = [t for t in parts.runner.tools.values() if t.id != "escalateEmergency"]
        parts.runner = ToolRunner(others, secret=b"test-secret")
        parts.escalation = ToolRunner([EscalateEmergency(Unreachable())], secret=b"test-secret")
        reply = await talk.say("A pipe burst in my basement and there is water everywhere")

    request = server.requests[0]
    assert "escalateEmergency" not in request.tool_names
    assert "Emergency Plumbing" in request.system and "emergency=true" in request.system
    assert "main water shut-off valve" in reply and "has been alerted" not in reply
    assert reply.endswith(f"Please call us right away at {profile.phone}.")
    (turn,) = await talk.running.store.turns(talk.id)
    (run,) = turn.tool_runs
    assert run.tool_id == "escalateEmergency" and run.arguments["level"] == "urgent"
    assert run.result["data"]["notified"] is False
    assert "emergency" in turn.tags


async def test_when_nobody_can_be_alerted_the_customer_is_told_to_call(
    chat: Callable[..., Any], profile: BusinessProfile
) -> None:
    with scripted("openai", steps(Say("Could you tell me more about the problem?"))) as (_, model):
        talk = await chat(model)
        parts = talk.running.receptionist.parts
        parts.runner = ToolRunner(
            [*parts.runner.tools.values(), EscalateEmergency(Unreachable())], secret=b"test-secret"
        )
        reply = await talk.say("my CO alarm is beeping")
    assert "fresh air" in reply and "has been alerted" not in reply
    assert reply.endswith(f"Please call us right away at {profile.phone}.")


async def test_no_emergency_no_alert(chat: Callable[..., Any]) -> None:
    with scripted("openai", steps(Say("Glad to hear it! How can I help?"))) as (server, model):
        talk = await chat(model)
        notifier = _on_call(talk)
        reply = await talk.say("I don't smell gas anymore, the stove was just off")
    assert reply == "Glad to hear it! How can I help?"
    assert "Emergency in the customer's last message" not in server.requests[0].system
    assert notifier.sent == [] and "emergency" not in talk.tags
