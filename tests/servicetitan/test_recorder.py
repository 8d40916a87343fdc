"""Every exchange reaches the recorder with its details, and no secret reaches a recording or a log."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_SECRET
from frontdesk.sandbox.faults import FaultPlan, FaultRule
from frontdesk.servicetitan import MemoryRecorder, NotFound, ServiceTitanClient
from frontdesk.servicetitan.recorder import REDACTED, Exchange, Redactor
from tests.conftest import NOW
from tests.servicetitan.conftest import LiveServer, MakeClient, SpyTransport, st_settings


async def _eventful_run(client: ServiceTitanClient, sandbox: Sandbox, clock: FrozenClock) -> list[str]:
    """Token, reads, a revoked token, an expired one, a 429, a 404 and a write; returns error texts."""
    await client.crm.customers.list(page_size=2, name="a")
    sandbox.authority.revoke()
    await client.crm.customers.list(page_size=2)
    clock.advance(901)
    sandbox.faults.configure(
        FaultPlan(rules=[FaultRule(route="/crm/*", error_rate=1.0, status=429, limit=1)])
    )
    await client.settings.technicians.list(page_size=1)
    await client.crm.customers.list(page_size=1)
    errors = []
    with pytest.raises(NotFound) as caught:
        await client.jpm.jobs.get(123456789)
    errors.append(str(caught.value))
    job = (await client.jpm.jobs.list(page_size=1)).data[0]
    await client.jpm.jobs.add_note(job.id, "Customer asked for a call before arrival")
    return errors


def _secrets(spy: SpyTransport) -> list[str]:
    assert len(spy.tokens) >= 2, "the run should have used several tokens"
    return [DEMO_CLIENT_SECRET, DEMO_APP_KEY, *spy.tokens]


async def test_no_secret_in_recordings_or_logs(
    client: ServiceTitanClient,
    sandbox: Sandbox,
    clock: FrozenClock,
    spy: SpyTransport,
    recorder: MemoryRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = await _eventful_run(client, sandbox, clock)
    secrets = _secrets(spy)

    recorded = json.dumps([vars(x) for x in recorder.exchanges], default=str)
    for secret in secrets:
        assert secret not in recorded
        assert secret not in caplog.text
        assert all(secret not in e for e in errors)
    # and yet the recordings are complete: every request the transport saw was recorded
    assert len(recorder.exchanges) == len(spy.requests)
    assert "frontdesk.servicetitan" in {r.name for r in caplog.records}


async def test_exchanges_carry_what_happened(
    client: ServiceTitanClient, sandbox: Sandbox, clock: FrozenClock, recorder: MemoryRecorder
) -> None:
    await _eventful_run(client, sandbox, clock)
    token = next(x for x in recorder.exchanges if x.kind == "token")
    assert token.method == "POST" and token.url == "http://sandbox/connect/token" and token.status == 200
    assert f"client_secret={REDACTED}" in (token.request_body or "")
    assert "client_id=cid.frontdesk-demo" in (token.request_body or "")
    answer = json.loads(token.response_body or "{}")
    assert answer["access_token"] == REDACTED and answer["expires_in"] == 900

    call = next(x for x in recorder.exchanges if x.kind == "api")
    assert call.request_headers["authorization"] == REDACTED
    assert call.request_headers["st-app-key"] == REDACTED
    assert "name=a" in call.url and call.status == 200
    assert json.loads(call.response_body or "{}")["data"]
    assert call.elapsed >= 0 and call.started_at == NOW  # the injected clock

    limited = [x for x in recorder.exchanges if x.status == 429]
    assert len(limited) == 1
    retried = recorder.exchanges[recorder.exchanges.index(limited[0]) + 1]
    assert retried.attempt == limited[0].attempt + 1 and retried.status == 200
    assert {x.status for x in recorder.exchanges} >= {200, 401, 404, 429}

    note = recorder.exchanges[-1]
    assert note.method == "POST" and "call before arrival" in (note.request_body or "")


async def test_no_secret_in_logs_over_real_http(
    make_client: MakeClient,
    live_sandbox: LiveServer,
    sandbox: Sandbox,
    clock: FrozenClock,
    recorder: MemoryRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Over loopback the transport's library logs too (httpcore, under httpx's own transport); none of it
    may carry a secret."""
    caplog.set_level(logging.DEBUG)
    wire = SpyTransport(httpx.AsyncHTTPTransport())
    client = make_client(st_settings(api_url=live_sandbox.base_url), transport=wire)
    await client.crm.customers.list(page_size=1)
    sandbox.authority.revoke()
    await client.crm.customers.list(page_size=1)
    tokens = [x for x in recorder.exchanges if x.kind == "token"]
    assert len(tokens) == 2
    assert {r.name.split(".")[0] for r in caplog.records} >= {"frontdesk", "httpcore"}
    for secret in _secrets(wire):
        assert secret not in caplog.text
        assert secret not in json.dumps([vars(x) for x in recorder.exchanges], default=str)


async def test_a_recorder_may_be_a_plain_callable(make_client: MakeClient) -> None:
    seen: list[Exchange] = []
    client = make_client(recorder=seen.append)
    await client.crm.customers.list(page_size=1)
    assert [x.kind for x in seen] == ["token", "api"]


def test_redaction_by_name_and_by_value() -> None:
    redactor = Redactor(["cs1.topsecret", "ak1.key"])
    redactor.add_secret("eyJtoken")
    url = redactor.url("https://api.servicetitan.io/x?servicetitanapplicationkey=anything&page=2")
    assert "anything" not in url and "page=2" in url
    assert redactor.headers({"Authorization": "Bearer whatever", "X-Echo": "eyJtoken"}) == {
        "Authorization": REDACTED,
        "X-Echo": REDACTED,
    }
    body = redactor.body(
        '{"error": "bad", "detail": "secret cs1.topsecret", "nested": {"refresh_token": "r"}}'
    )
    assert body is not None and "cs1.topsecret" not in body and '"refresh_token": "[redacted]"' in body
    assert redactor.body("x" * 300_000, "text/plain") is not None
    assert len(redactor.body("x" * 300_000) or "") < 270_000
