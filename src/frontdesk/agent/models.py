"""Choosing the model: any LLM the business already pays for, or the offline guided model.

``FRONTDESK_MODEL`` selects it:
- ``openai:<model>`` (``OPENAI_API_KEY``; ``OPENAI_BASE_URL`` for a proxy),
- ``anthropic:<model>`` (``ANTHROPIC_API_KEY``),
- ``openai-compatible:<model>`` with ``FRONTDESK_MODEL_BASE_URL`` (Ollama, vLLM, llama.cpp…; optional
  ``FRONTDESK_MODEL_API_KEY``),
- ``guided`` — the offline receptionist, and the default when nothing is set.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings


class ModelConfigError(ValueError):
    """FRONTDESK_MODEL (or its companions) cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class ModelChoice:
    kind: str  # openai | anthropic | openai-compatible | guided
    name: str
    base_url: str | None = None
    api_key: str | None = None

    @property
    def label(self) -> str:
        return self.kind if self.kind == "guided" else f"{self.kind}:{self.name}"


def choose(env: Mapping[str, str] | None = None) -> ModelChoice:
    env = os.environ if env is None else env
    spec = env.get("FRONTDESK_MODEL", "").strip()
    if not spec or spec == "guided":
        return ModelChoice("guided", "guided")
    kind, _, name = spec.partition(":")
    if not name:
        raise ModelConfigError(
            f"FRONTDESK_MODEL={spec!r}: use openai:<model>, anthropic:<model>, openai-compatible:<model> or guided"
        )
    if kind == "openai":
        key = env.get("OPENAI_API_KEY")
        if not key:
            raise ModelConfigError(
                "FRONTDESK_MODEL uses OpenAI: set OPENAI_API_KEY (or use FRONTDESK_MODEL=guided)"
            )
        return ModelChoice("openai", name, env.get("OPENAI_BASE_URL"), key)
    if kind == "anthropic":
        key = env.get("ANTHROPIC_API_KEY")
        if not key:
            raise ModelConfigError(
                "FRONTDESK_MODEL uses Anthropic: set ANTHROPIC_API_KEY (or use FRONTDESK_MODEL=guided)"
            )
        return ModelChoice("anthropic", name, env.get("ANTHROPIC_BASE_URL"), key)
    if kind == "openai-compatible":
        base = env.get("FRONTDESK_MODEL_BASE_URL")
        if not base:
            raise ModelConfigError(
                "FRONTDESK_MODEL uses an OpenAI-compatible server: set FRONTDESK_MODEL_BASE_URL, e.g. "
                "http://127.0.0.1:11434/v1 for Ollama"
            )
        return ModelChoice("openai-compatible", name, base, env.get("FRONTDESK_MODEL_API_KEY") or "none")
    raise ModelConfigError(f"FRONTDESK_MODEL={spec!r}: unknown provider {kind!r}")


def build(choice: ModelChoice) -> Model:
    """The pydantic-ai model for a choice (the guided model comes from frontdesk.agent.guided)."""
    if choice.kind in ("openai", "openai-compatible"):
        from pydantic_ai.models.openai import OpenAIChatModel
        from pydantic_ai.providers.openai import OpenAIProvider

        return OpenAIChatModel(
            choice.name, provider=OpenAIProvider(base_url=choice.base_url, api_key=choice.api_key)
        )
    if choice.kind == "anthropic":
        from pydantic_ai.models.anthropic import AnthropicModel
        from pydantic_ai.providers.anthropic import AnthropicProvider

        return AnthropicModel(
            choice.name, provider=AnthropicProvider(api_key=choice.api_key, base_url=choice.base_url)
        )
    raise ModelConfigError(f"no pydantic-ai model for {choice.label}")


class TimedModel(WrapperModel):
    """Counts the time spent waiting for the model, so engine overhead can be told apart from it."""

    def __init__(self, wrapped: Model) -> None:
        super().__init__(wrapped)
        self.seconds = 0.0

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        started = time.perf_counter()
        try:
            return await super().request(messages, model_settings, model_request_parameters)
        finally:
            self.seconds += time.perf_counter() - started
