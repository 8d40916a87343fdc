"""Property-based run of our own OpenAPI document against the chat API on uvicorn loopback.

Schemathesis generates requests from ``app.openapi()`` — valid ones and ones the document marks invalid —
and checks that no answer is a 5xx, that every answer's status, schema and content type are documented,
and that invalid requests are refused with a 4xx. Conversation ids are either a real conversation (so
messages reach the receptionist) or whatever schemathesis draws (so unknown ids meet the 404).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.generation import GenerationMode

from tests.web.conftest import ADMIN_TOKEN, served

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.negative_data_rejection,
]
EXAMPLES = 20
OPERATIONS = [
    ("/api/business", "GET"),
    ("/api/conversations", "POST"),
    ("/api/conversations/{conversation_id}", "GET"),
    ("/api/conversations/{conversation_id}/messages", "POST"),
    ("/api/conversations/{conversation_id}/explanation", "GET"),
]


@pytest.fixture
def roomy(make_app: Any) -> FastAPI:
    """The API with rate limits far above what the run sends (it checks answers, not limits)."""
    app: FastAPI = make_app(messages_per_minute=10**6, conversations_per_hour=10**6)
    return app


def test_the_document_covers_every_route(roomy: FastAPI) -> None:
    documented = {
        (path, method.upper()) for path, item in roomy.openapi()["paths"].items() for method in item
    }
    assert documented == set(OPERATIONS)


def _runs() -> list[Any]:
    """(operation, conversation id, generation mode); nothing in a bare GET can be made invalid."""
    runs = []
    for path, method in OPERATIONS:
        ids = [True, False] if "{conversation_id}" in path else [True]
        modes = [GenerationMode.POSITIVE]
        if method == "POST" or path.endswith("/explanation"):
            modes.append(GenerationMode.NEGATIVE)
        for known in ids:
            for mode in modes:
                name = f"{method} {path} {'known' if known else 'drawn'} {mode.value}"
                runs.append(pytest.param(path, method, known, mode, id=name))
    return runs


@pytest.mark.parametrize(("path", "method", "real_conversation", "mode"), _runs())
async def test_no_request_breaks_the_api(
    roomy: FastAPI, path: str, method: str, real_conversation: bool, mode: GenerationMode
) -> None:
    operation = schemathesis.openapi.from_dict(roomy.openapi())[path][method]

    async with served(roomy) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            conversation = (await client.post("/api/conversations")).json()["id"]

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(mode))
        def run(case: Any) -> None:
            if real_conversation:
                case.path_parameters["conversation_id"] = conversation
            response = case.call(
                base_url=base, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30
            )
            case.validate_response(response, checks=CHECKS)

        await asyncio.to_thread(run)  # blocking calls, while the server answers in this loop
