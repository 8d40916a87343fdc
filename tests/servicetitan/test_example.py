"""The package's documented example runs as written, against the sandbox over loopback."""

from __future__ import annotations

import textwrap

import pytest

import frontdesk.servicetitan
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from tests.servicetitan.conftest import LiveServer


async def test_the_documented_example(
    live_sandbox: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {
        "TENANT_ID": str(DEMO_TENANT),
        "CLIENT_ID": DEMO_CLIENT_ID,
        "CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "APP_KEY": DEMO_APP_KEY,
        "ENVIRONMENT": "sandbox",
        "API_URL": live_sandbox.base_url,
    }.items():
        monkeypatch.setenv(f"FRONTDESK_ST_{name}", value)
    doc = frontdesk.servicetitan.__doc__ or ""
    code = textwrap.dedent(doc.split("::", 1)[1])
    assert "asyncio.run(main())" in code
    namespace: dict[str, object] = {}
    exec(code.replace("asyncio.run(main())", ""), namespace)  # we are already inside an event loop
    await namespace["main"]()  # type: ignore[operator]
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line.split()) == 2 for line in lines)
    assert {line.split()[1] for line in lines} <= {
        "Scheduled",
        "Dispatched",
        "InProgress",
        "Hold",
        "Completed",
        "Canceled",
    }
