"""The event loop `frontdesk serve` runs on: uvloop when installed, asyncio's own on request, clear errors."""

from __future__ import annotations

import asyncio
import sys

import pytest
from typer.testing import CliRunner

from frontdesk import eventloop
from frontdesk.cli import app


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_auto_serves_on_uvloop_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")  # a dependency through uvicorn[standard]: present wherever tests run
    monkeypatch.delenv("FRONTDESK_EVENT_LOOP", raising=False)
    assert eventloop.run(_loop_module()).startswith("uvloop")
    assert eventloop.loop_name() == "uvloop"


def test_asyncio_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_EVENT_LOOP", "asyncio")
    assert eventloop.run(_loop_module()).startswith("asyncio")
    assert eventloop.loop_name() == "asyncio"


def test_auto_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails
    assert eventloop.run(_loop_module(), "auto").startswith("asyncio")
    with pytest.raises(eventloop.EventLoopError, match="uvloop is not installed"):
        eventloop.run(_loop_module(), "uvloop")


def test_an_unknown_loop_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_EVENT_LOOP", "tokio")
    coroutine = _loop_module()
    with pytest.raises(eventloop.EventLoopError, match="use one of auto, uvloop, asyncio"):
        eventloop.run(coroutine)
    assert coroutine.cr_frame is None  # closed, not left to warn "never awaited"

    result = CliRunner().invoke(app, ["serve"], env={"FRONTDESK_EVENT_LOOP": "tokio"})
    assert result.exit_code == 2
    assert "FRONTDESK_EVENT_LOOP='tokio'" in result.output
