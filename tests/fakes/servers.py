"""Start a fake model server on loopback and get a pydantic-ai model pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic_ai.models.anthropic import AnthropicModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.anthropic import AnthropicProvider
from pydantic_ai.providers.openai import OpenAIProvider

from tests.fakes.anthropic_server import create_anthropic_app
from tests.fakes.brain import Brain, Request, Script
from tests.fakes.live import serve
from tests.fakes.openai_server import create_openai_app

API_KEY = "test-key-not-secret"


@dataclass
class FakeModelServer:
    """A running fake: where it listens and the brain that answers (and records) its requests."""

    brain: Brain
    base_url: str

    @property
    def requests(self) -> list[Request]:
        return self.brain.requests


@contextmanager
def fake_openai(script: Script) -> Iterator[FakeModelServer]:
    """An OpenAI-compatible server answering with `script`; the API lives under `base_url + "/v1"`."""
    brain = Brain(script)
    with serve(create_openai_app(brain)) as live:
        yield FakeModelServer(brain, live.base_url)


@contextmanager
def fake_anthropic(script: Script) -> Iterator[FakeModelServer]:
    """An Anthropic-compatible server answering with `script`."""
    brain = Brain(script)
    with serve(create_anthropic_app(brain)) as live:
        yield FakeModelServer(brain, live.base_url)


def openai_model(server: FakeModelServer, model_name: str = "gpt-4o") -> OpenAIChatModel:
    """pydantic-ai's real OpenAI chat model, talking to the fake."""
    provider = OpenAIProvider(base_url=server.base_url + "/v1", api_key=API_KEY)
    return OpenAIChatModel(model_name, provider=provider)


def anthropic_model(server: FakeModelServer, model_name: str = "claude-sonnet-4-6") -> AnthropicModel:
    """pydantic-ai's real Anthropic model, talking to the fake."""
    provider = AnthropicProvider(base_url=server.base_url, api_key=API_KEY)
    return AnthropicModel(model_name, provider=provider)
