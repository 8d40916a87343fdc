"""The chat API as a web page or widget uses it, in-process through httpx's ASGI transport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from frontdesk.agent.events import Event, TextDelta
from frontdesk.agent.setup import Running
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_SECRET
from frontdesk.web.app import create_app
from frontdesk.web.settings import WebSettings
from tests.web.conftest import ADMIN_TOKEN, ORIGIN, events, web_settings

START = (
    "Hi, I'd like to schedule an HVAC maintenance appointment for my home. "
    "Can you check what's available next week?"
)
ROBERT = "Sure, it's Robert Johnson and my phone number is (555) 123-4567."


async def _start(api: httpx.AsyncClient) -> str:
    answer = await api.post("/api/conversations", json={"channel": "chat"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _say(api: httpx.AsyncClient, conversation: str, text: str) -> dict[str, Any]:
    answer = await api.post(f"/api/conversations/{conversation}/messages", json={"text": text})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_message_and_its_reply_show_in_the_transcript(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/conversations")
    assert created.status_code == 201
    conversation = created.json()["id"]
    assert created.json()["greeting"] == (await api.get("/api/business")).json()["greeting"]

    reply = await _say(api, conversation, START)
    assert "phone" in reply["text"].lower()
    assert reply["turn_id"] and reply["model"] == "guided"

    transcript = (await api.get(f"/api/conversations/{conversation}")).json()
    said = [(m["role"], m["text"]) for m in transcript["messages"]]
    assert ("customer", START) in said
    assert said[-1] == ("receptionist", reply["text"])
    assert [m["seq"] for m in transcript["messages"]] == sorted(m["seq"] for m in transcript["messages"])
    assert transcript["channel"] == "chat"


async def test_the_stream_sends_tools_then_text_then_the_whole_reply(api: httpx.AsyncClient) -> None:
    conversation = await _start(api)
    await _say(api, conversation, START)
    async with api.stream(
        "POST",
        f"/api/conversations/{conversation}/messages",
        json={"text": ROBERT},
        headers={"Accept": "text/event-stream"},
    ) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        body = (await answer.aread()).decode()
    stream = events(body)
    names = [name for name, _ in stream]
    assert names[-1] == "reply" and names.count("reply") == 1
    assert "tool" in names and "delta" in names
    # every tool the receptionist ran finished before any text was sent
    assert max(i for i, n in enumerate(names) if n == "tool") < min(
        i for i, n in enumerate(names) if n == "delta"
    )
    tools = [data for name, data in stream if name == "tool"]
    started = [t["tool"] for t in tools if t["phase"] == "started"]
    finished = [t["tool"] for t in tools if t["phase"] == "finished"]
    assert sorted(started) == sorted(finished) and all(t["status"] for t in tools if t["phase"] == "finished")
    reply = stream[-1][1]
    assert "".join(data["text"] for name, data in stream if name == "delta") == reply["text"]
    assert "HVAC Maintenance" in reply["text"] and "March 16" in reply["text"]

    transcript = (await api.get(f"/api/conversations/{conversation}")).json()
    assert transcript["messages"][-1]["text"] == reply["text"]


async def test_a_conversation_survives_a_restart(
    open_running: Callable[..., Any], running: Running, app: FastAPI, api: httpx.AsyncClient
) -> None:
    conversation = await _start(api)
    first = await _say(api, conversation, START)
    await running.aclose()

    reopened = await open_running()  # the same database
    again = create_app(reopened.receptionist, reopened.store, web_settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=again), base_url="http://x") as client:
        transcript = (await client.get(f"/api/conversations/{conversation}")).json()
        assert [m["text"] for m in transcript["messages"]][-2:] == [START, first["text"]]
        second = await _say(client, conversation, ROBERT)
    assert "HVAC Maintenance" in second["text"]  # it remembers what the customer asked before the restart


async def test_an_unknown_conversation_is_404(api: httpx.AsyncClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    for answer in (
        await api.get("/api/conversations/nope"),
        await api.post("/api/conversations/nope/messages", json={"text": "hello"}),
        await api.get("/api/conversations/nope/explanation", headers=headers),
    ):
        assert answer.status_code == 404
        assert "No such conversation" in answer.json()["error"]


async def test_empty_and_too_long_messages_are_refused(api: httpx.AsyncClient) -> None:
    conversation = await _start(api)
    url = f"/api/conversations/{conversation}/messages"
    for text in ("", "   \n "):
        answer = await api.post(url, json={"text": text})
        assert answer.status_code == 422, text
        assert answer.json()["error"]
    answer = await api.post(url, json={})
    assert answer.status_code == 422 and any("text" in p for p in answer.json()["problems"])
    answer = await api.post(url, json={"text": "a" * 2001})
    assert answer.status_code == 413
    assert "2000 characters" in answer.json()["error"]
    # none of them reached the receptionist
    transcript = (await api.get(f"/api/conversations/{conversation}")).json()
    assert all(m["role"] != "customer" for m in transcript["messages"])


async def test_an_oversized_body_is_413(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_message_chars=100_000, max_body_bytes=4096)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as api:
        conversation = await _start(api)
        url = f"/api/conversations/{conversation}/messages"
        answer = await api.post(url, json={"text": "a" * 5000}, headers={"Origin": ORIGIN})
        assert answer.status_code == 413
        assert answer.json()["error"] == "Requests are limited to 4096 bytes."
        assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN  # the widget can read why

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit applies while reading
            yield b'{"text": "'
            for _ in range(10):
                yield b"a" * 1000
            yield b'"}'

        answer = await api.post(url, content=chunks(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        assert answer.json()["error"] == "Requests are limited to 4096 bytes."
        transcript = (await api.get(f"/api/conversations/{conversation}")).json()
    assert all(m["role"] != "customer" for m in transcript["messages"])


async def test_too_many_messages_from_one_address_get_429_with_retry_after(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(messages_per_minute=2, conversations_per_hour=2)
    one = httpx.ASGITransport(app=app, client=("203.0.113.1", 5000))
    other = httpx.ASGITransport(app=app, client=("203.0.113.2", 5000))
    async with (
        httpx.AsyncClient(transport=one, base_url="http://x") as api,
        httpx.AsyncClient(transport=other, base_url="http://x") as neighbour,
    ):
        conversation = await _start(api)
        await _say(api, conversation, START)
        await _say(api, conversation, ROBERT)
        answer = await api.post(f"/api/conversations/{conversation}/messages", json={"text": "hello?"})
        assert answer.status_code == 429
        assert 1 <= int(answer.headers["Retry-After"]) <= 60
        assert "try again" in answer.json()["error"]

        await _start(api)
        answer = await api.post("/api/conversations")
        assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 60

        # another address is not held back
        assert (
            await neighbour.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
        ).status_code == 200


async def test_the_explanation_needs_the_admin_token(api: httpx.AsyncClient) -> None:
    conversation = await _start(api)
    await _say(api, conversation, START)
    url = f"/api/conversations/{conversation}/explanation"

    missing = await api.get(url)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = await api.get(url, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403
    assert (await api.get(url, params={"token": "not-the-token"})).status_code == 403
    assert (await api.get(url, params={"token": ADMIN_TOKEN})).status_code == 200


async def test_without_a_configured_token_the_explanation_is_off(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(admin_token=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as api:
        conversation = await _start(api)
        answer = await api.get(
            f"/api/conversations/{conversation}/explanation", headers={"Authorization": "Bearer "}
        )
        assert answer.status_code == 403 and "FRONTDESK_WEB_ADMIN_TOKEN" in answer.json()["error"]


async def test_the_explanation_shows_turns_tool_runs_and_exchanges_without_secrets(
    api: httpx.AsyncClient, running: Running
) -> None:
    conversation = await _start(api)
    await _say(api, conversation, START)
    await _say(api, conversation, ROBERT)
    answer = await api.get(
        f"/api/conversations/{conversation}/explanation", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["conversation"] == conversation
    turns = body["turns"]
    assert len(turns) == 2
    runs = [run for turn in turns for run in turn["tool_runs"]]
    assert {"lookupCustomer"} <= {run["tool_id"] for run in runs} or runs
    exchanges = [x for run in runs for x in run["exchanges"]]
    assert exchanges and all(x["method"] and x["url"] and x["status"] for x in exchanges)
    assert all(turn["timings"].get("total") is not None for turn in turns)

    text = answer.text
    access_token = await running.client.tokens.get()
    for secret in (DEMO_CLIENT_SECRET, DEMO_APP_KEY, access_token, ADMIN_TOKEN):
        assert secret not in text
    assert json.loads(text) == body


async def test_cors_answers_only_the_allowed_origins(api: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = await api.options("/api/conversations", headers={"Origin": ORIGIN, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    created = await api.post("/api/conversations", headers={"Origin": ORIGIN})
    assert created.headers["Access-Control-Allow-Origin"] == ORIGIN

    stranger = "https://elsewhere.example"
    refused = await api.options("/api/conversations", headers={"Origin": stranger, **preflight})
    assert "Access-Control-Allow-Origin" not in refused.headers
    created = await api.post("/api/conversations", headers={"Origin": stranger})
    assert "Access-Control-Allow-Origin" not in created.headers


async def test_the_openapi_document_lists_the_api(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert set(paths) >= {
        "/api/conversations",
        "/api/conversations/{conversation_id}",
        "/api/conversations/{conversation_id}/messages",
        "/api/conversations/{conversation_id}/explanation",
    }
    send = paths["/api/conversations/{conversation_id}/messages"]["post"]
    assert "text/event-stream" in send["responses"]["200"]["content"]
    assert {"404", "413", "422", "429"} <= set(send["responses"])


async def test_a_failing_turn_ends_the_stream_with_an_error_and_json_gets_a_500(
    running: Running, app: FastAPI, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = await _start(api)

    async def broken(conversation_id: str, text: str) -> AsyncIterator[Event]:
        yield TextDelta("Let me ")
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(running.receptionist, "reply", broken)
    url = f"/api/conversations/{conversation}/messages"
    answer = await api.post(url, json={"text": "hello"}, headers={"Accept": "text/event-stream"})
    stream = events(answer.text)
    assert [name for name, _ in stream] == ["delta", "error"]
    assert "try again" in stream[-1][1]["error"]

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # as a browser meets it
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        answer = await client.post(url, json={"text": "hello"})
    assert answer.status_code == 500
    assert "try again" in answer.json()["error"] and "internal detail" not in answer.text


def test_allowed_origins_come_from_a_comma_separated_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_WEB_ALLOWED_ORIGINS", "https://www.example.com/, https://shop.example.com")
    monkeypatch.setenv("FRONTDESK_WEB_MESSAGES_PER_MINUTE", "5")
    settings = WebSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.allowed_origins == ["https://www.example.com", "https://shop.example.com"]
    assert settings.messages_per_minute == 5 and settings.admin_token is None
