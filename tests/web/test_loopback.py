"""The event stream over a real socket: uvicorn on loopback, as a browser meets it."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.agent.conftest import World
from tests.web.conftest import events, served
from tests.web.test_api import ROBERT, START

EXAMPLE_1 = [START, ROBERT, "Tuesday at 2 PM would be perfect. Can you book that for me?", "Yes please"]


async def test_the_reply_streams_over_http_in_pieces(app: FastAPI) -> None:
    async with served(app) as base, httpx.AsyncClient(base_url=base) as client:
        created = await client.post("/api/conversations")
        conversation = created.json()["id"]
        assert (
            await client.post(f"/api/conversations/{conversation}/messages", json={"text": START})
        ).is_success

        chunks: list[bytes] = []
        async with client.stream(
            "POST",
            f"/api/conversations/{conversation}/messages",
            json={"text": ROBERT},
            headers={"Accept": "text/event-stream"},
        ) as answer:
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/event-stream")
            assert answer.headers["cache-control"] == "no-cache"
            assert "content-length" not in answer.headers  # sent as it is produced, not buffered
            async for chunk in answer.aiter_raw():
                chunks.append(chunk)
        stream = events(b"".join(chunks).decode())
        names = [name for name, _ in stream]
        assert len(chunks) > 1
        assert names[0] == "tool" and names[-1] == "reply" and "delta" in names
        reply = stream[-1][1]["text"]
        assert "".join(data["text"] for name, data in stream if name == "delta") == reply
        assert "HVAC Maintenance" in reply

        transcript = (await client.get(f"/api/conversations/{conversation}")).json()
        assert [m["text"] for m in transcript["messages"][-2:]] == [ROBERT, reply]


async def test_closing_the_page_mid_reply_does_not_lose_the_turn(app: FastAPI, world: World) -> None:
    jobs_before = world.max_id("jobs")
    async with served(app) as base, httpx.AsyncClient(base_url=base) as client:
        conversation = (await client.post("/api/conversations")).json()["id"]
        url = f"/api/conversations/{conversation}/messages"
        for text in EXAMPLE_1[:-1]:
            assert (await client.post(url, json={"text": text})).is_success
        async with client.stream(
            "POST", url, json={"text": EXAMPLE_1[-1]}, headers={"Accept": "text/event-stream"}
        ) as answer:
            async for _ in answer.aiter_raw():
                break  # the customer closes the tab at the first event

        for _ in range(200):  # the turn goes on without the browser; wait until it is stored
            messages = (await client.get(f"/api/conversations/{conversation}")).json()["messages"]
            if messages[-1]["role"] == "receptionist" and messages[-2]["text"] == EXAMPLE_1[-1]:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the interrupted turn was never stored")
    jobs = world.new_rows("jobs", jobs_before)
    assert len(jobs) == 1 and f"#{jobs[0]['jobNumber']}" in messages[-1]["text"]
