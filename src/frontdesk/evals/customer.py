"""Simulated customers: a scripted one for deterministic runs, and one played by an LLM.

Both answer ``next(reply)`` with their next message, or None when they are done. Neither sees ServiceTitan:
what they know is in the task.
"""

from __future__ import annotations

import re
from typing import Protocol

from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models import Model

from frontdesk.evals.tasks import Task

# A read-back that waits for a yes: the receptionist's own words before any write.
ASKS_TO_CONFIRM = re.compile(
    r"shall i (go ahead|book|create|set|cancel|reschedule|move|save|add|put)|should i (go ahead|book|cancel)|"
    r"do you want me to (go ahead|book|cancel|reschedule|move)|would you like me to (go ahead|"
    r"book|cancel|reschedule|move|confirm)|can i go ahead|ok to (book|proceed|go ahead)|\(yes or no\)|"
    r"please confirm|confirm (that|this|the)\b.{0,60}\?|is (everything|that|this|all of that) (correct|right)\?",
    re.IGNORECASE,
)
# A choice to make ("Which one should I move your visit to?") is not a read-back.
ASKS_TO_CHOOSE = re.compile(r"\bwhich (one|of these|time|window|day|address)\b", re.IGNORECASE)
STOP = "###STOP###"


class Customer(Protocol):
    def opening(self) -> str: ...

    async def next(self, reply: str) -> str | None: ...


class ScriptedCustomer:
    """Says the opening, then the first unused turn whose condition fits the reply; answers read-backs."""

    def __init__(self, task: Task) -> None:
        self.script = task.script
        self.used: set[int] = set()
        self.confirms = list(self.script.confirm)
        self.said = 1

    def opening(self) -> str:
        return self.script.opening

    async def next(self, reply: str) -> str | None:
        if self.said >= self.script.max_turns:
            return None
        message = self._choose(reply)
        if message is not None:
            self.said += 1
        return message

    def _choose(self, reply: str) -> str | None:
        if ASKS_TO_CONFIRM.search(reply) and not ASKS_TO_CHOOSE.search(reply) and self.confirms:
            return self.confirms.pop(0)
        for index, turn in enumerate(self.script.turns):
            if index not in self.used and turn.fits(reply):
                self.used.add(index)
                return turn.say
        return None


def _brief(task: Task) -> str:
    p = task.persona
    known = [
        f"Your name: {p.name}" if p.name else "",
        f"Your phone: {p.phone}" if p.phone else "",
        f"Your email: {p.email}" if p.email else "",
        f"Your address: {p.address}" if p.address else "",
        *p.knows,
    ]
    facts = "\n".join(f"- {k}" for k in known if k)
    return (
        "You are a customer writing to a home-services company's chat receptionist. Stay in character and never "
        "say you are an AI.\n"
        f"How you write: {p.style}.\n"
        f"What you want (do not reveal everything at once; answer what you are asked): {task.goal}\n"
        f"What you know:\n{facts or '- nothing beyond your goal'}\n"
        "Say only what a real customer would type, one message at a time. Agree to a read-back only when it "
        f"matches your goal. When your goal is met, or cannot be met, reply with exactly {STOP}."
    )


class LLMCustomer:
    """A customer played by a model, from the task's persona and hidden goal (for on-demand runs)."""

    def __init__(self, task: Task, model: Model) -> None:
        self.task = task
        self.agent: Agent[None, str] = Agent(model, instructions=_brief(task))
        self.history: list[ModelMessage] = []
        self.said = 1

    def opening(self) -> str:
        return self.task.script.opening

    async def next(self, reply: str) -> str | None:
        if self.said >= self.task.script.max_turns:
            return None
        prompt = f"The receptionist wrote:\n{reply}\n\nYour next message:"
        if not self.history:
            prompt = f"You opened with: {self.opening()}\n\n{prompt}"
        result = await self.agent.run(prompt, message_history=self.history)
        self.history = result.all_messages()
        text = result.output.strip()
        if not text or STOP in text:
            return None
        self.said += 1
        return text
