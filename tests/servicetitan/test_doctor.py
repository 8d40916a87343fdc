"""`frontdesk doctor` against a real sandbox over loopback: what a new user sees for each kind of mistake."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from frontdesk import cli
from frontdesk.clock import FrozenClock
from frontdesk.sandbox import SandboxConfig, create_app
from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_SECRET,
    LIMITED_CLIENT_ID,
    LIMITED_CLIENT_SECRET,
    LIMITED_SCOPES,
    SandboxClient,
)
from frontdesk.servicetitan.doctor import PROBES, Report, print_report, run_checks
from frontdesk.servicetitan.scopes import GRANT_LOCATION, KNOWN_SCOPES, SEED_SCOPES
from tests.servicetitan.conftest import LiveServer, st_settings

GUIDE_TOOLS = {
    "searchCustomers",
    "getCustomerJobs",
    "createCustomer",
    "getAvailableTimeSlots",
    "createAppointment",
    "getJobStatus",
    "getTechnicianLocation",
    "getCustomerInvoices",
    "getInvoice",
    "rescheduleAppointment",
    "cancelAppointment",
    "addJobNote",
}
SECRETS = (DEMO_CLIENT_SECRET, LIMITED_CLIENT_SECRET, DEMO_APP_KEY)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rendered(report: Report) -> str:
    console = Console(width=250, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    print_report(report, console)
    text = console.export_text()
    console.file.close()
    return text


def _everything_said(report: Report) -> str:
    return "\n".join(f"{c.name} {c.detail} {c.fix or ''}" for c in report.checks) + _rendered(report)


@pytest.fixture
def wide_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI's console, wide enough that no secret could hide behind a line break."""
    monkeypatch.setattr(cli, "console", Console(width=250, soft_wrap=True))
    yield


@pytest.fixture
def no_st_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No FRONTDESK_ST_* variables and no .env: only what the test gives counts."""
    for name in list(os.environ):
        if name.startswith("FRONTDESK_ST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _env_file(path: Path, base_url: str, client_id: str, secret: str, app_key: str = DEMO_APP_KEY) -> Path:
    path.write_text(
        "FRONTDESK_ST_TENANT_ID=1000001\n"
        f"FRONTDESK_ST_CLIENT_ID={client_id}\n"
        f"FRONTDESK_ST_CLIENT_SECRET={secret}\n"
        f"FRONTDESK_ST_APP_KEY={app_key}\n"
        "FRONTDESK_ST_ENVIRONMENT=sandbox\n"
        f"FRONTDESK_ST_API_URL={base_url}\n",
        encoding="utf-8",
    )
    return path


def test_every_scope_the_client_knows_is_probed_once_and_every_guide_tool_is_covered() -> None:
    scopes = [p.scope for p in PROBES]
    assert sorted(scopes) == sorted(KNOWN_SCOPES)
    assert {tool for p in PROBES for tool in p.tools} == GUIDE_TOOLS
    for probe in PROBES:
        assert probe.required or probe.optional_use, probe.scope
        # a write scope is never probed with a body that could create or change something
        if probe.scope.endswith(":w"):
            assert probe.method != "GET" and probe.body == {}, probe.scope


async def test_a_good_configuration_passes_every_check(live_sandbox: LiveServer) -> None:
    report = await run_checks(st_settings(api_url=live_sandbox.base_url))
    assert report.exit_code == 0, _rendered(report)
    assert all(c.status == "pass" for c in report.checks)
    names = [c.name for c in report.checks]
    assert names[:4] == ["settings", "connection", "token", "tenant"]
    assert {c.scope for c in report.checks if c.granted} == set(KNOWN_SCOPES)
    assert "All checks passed" in _rendered(report)


async def test_a_client_without_scopes_is_told_which_ones_and_how_to_grant_them(
    live_sandbox: LiveServer,
) -> None:
    settings = st_settings(
        api_url=live_sandbox.base_url, client_id=LIMITED_CLIENT_ID, client_secret=LIMITED_CLIENT_SECRET
    )
    report = await run_checks(settings)
    assert report.exit_code == 1
    assert set(report.missing_scopes) == set(KNOWN_SCOPES) - set(LIMITED_SCOPES)
    for scope in LIMITED_SCOPES:
        assert report.check(scope).status == "pass"
    jobs_write = report.check("tn.jpm.jobs:w")
    assert jobs_write.status == "fail"
    assert "createAppointment" in jobs_write.detail and "addJobNote" in jobs_write.detail
    assert jobs_write.fix is not None and GRANT_LOCATION in jobs_write.fix
    # the guide's made-up name is called out next to the real one
    assert "jpm:jobs:write" in jobs_write.fix and "tn.jpm.jobs:w" in jobs_write.fix
    # a scope only an optional feature needs is a warning, not a failure
    assert report.check("tn.mem.memberships:r").status == "warn"
    text = " ".join(_rendered(report).split())
    assert "Some checks failed" in text
    assert "developer portal" in text and "tn.dis.capacity:w" in text
    assert "✗" in text and "✓" in text


async def test_a_wrong_secret_fails_the_token_check_with_advice(live_sandbox: LiveServer) -> None:
    report = await run_checks(st_settings(api_url=live_sandbox.base_url, client_secret="cs1.not-it"))
    assert report.exit_code == 1
    token = report.check("token")
    assert token.status == "fail"
    assert token.fix is not None and "client id" in token.fix and "secret" in token.fix
    assert report.check("connection").status == "pass"
    assert not any(c.scope for c in report.checks)  # nothing else can be checked without a token
    assert "cs1.not-it" not in _everything_said(report)


async def test_an_app_key_the_tenant_does_not_know_fails_the_tenant_check(live_sandbox: LiveServer) -> None:
    report = await run_checks(st_settings(api_url=live_sandbox.base_url, app_key="ak1.someone-else"))
    assert report.exit_code == 1
    tenant = report.check("tenant")
    assert tenant.status == "fail"
    assert tenant.fix is not None and "app key" in tenant.fix.lower()
    assert "ak1.someone-else" not in _everything_said(report)


async def test_a_tenant_that_has_not_granted_the_app_is_named(live_sandbox: LiveServer) -> None:
    report = await run_checks(st_settings(api_url=live_sandbox.base_url, tenant_id=4242))
    tenant = report.check("tenant")
    assert tenant.status == "fail"
    assert "4242" in tenant.detail and tenant.fix is not None and GRANT_LOCATION in tenant.fix
    assert report.exit_code == 1


async def test_an_unreachable_url_fails_the_connection_check() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    report = await run_checks(st_settings(api_url=url))
    assert report.exit_code == 1
    connection = report.check("connection")
    assert connection.status == "fail"
    assert url in connection.detail
    assert connection.fix is not None and "frontdesk sandbox" in connection.fix
    assert [c.name for c in report.checks] == ["settings", "connection"]


def test_missing_settings_exit_2_and_name_the_variables(no_st_env: Path, wide_cli: None) -> None:
    (no_st_env / ".env").write_text("FRONTDESK_ST_CLIENT_ID=cid.mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["doctor"])
    assert result.exit_code == 2, result.output
    for name in ("FRONTDESK_ST_TENANT_ID", "FRONTDESK_ST_CLIENT_SECRET", "FRONTDESK_ST_APP_KEY"):
        assert name in result.output
    assert "FRONTDESK_ST_CLIENT_ID" not in result.output  # given in .env


def test_an_invalid_setting_exits_2_without_echoing_values(no_st_env: Path, wide_cli: None) -> None:
    env = _env_file(no_st_env / "st.env", "http://127.0.0.1:1", "cid.x", "cs1.hidden-value")
    env.write_text(env.read_text().replace("TENANT_ID=1000001", "TENANT_ID=acme"), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["doctor", "--env-file", str(env)])
    assert result.exit_code == 2, result.output
    assert "FRONTDESK_ST_TENANT_ID" in result.output
    assert "cs1.hidden-value" not in result.output


def test_env_file_with_the_limited_client_never_prints_a_secret(
    live_sandbox: LiveServer, no_st_env: Path, wide_cli: None
) -> None:
    env = _env_file(no_st_env / "st.env", live_sandbox.base_url, LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET)
    result = CliRunner().invoke(cli.app, ["doctor", "--env-file", str(env)])
    assert result.exit_code == 1, result.output
    assert "tn.jpm.appointments:w" in result.output and "✗" in result.output
    assert LIMITED_CLIENT_ID in result.output  # the id helps; the secret and the key never show
    for secret in SECRETS:
        assert secret not in result.output


def test_sandbox_shortcut_passes_and_never_prints_a_secret(
    live_sandbox: LiveServer, no_st_env: Path, wide_cli: None
) -> None:
    result = CliRunner().invoke(cli.app, ["doctor", "--sandbox-url", live_sandbox.base_url])
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output
    for secret in SECRETS:
        assert secret not in result.output


def test_the_installed_command_checks_a_sandbox_over_loopback(
    live_sandbox: LiveServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_ST_")}
    env["COLUMNS"] = "200"
    done = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "doctor", "--sandbox-url", live_sandbox.base_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed" in done.stdout
    assert "tn.dis.capacity:w" in done.stdout
    for secret in SECRETS:
        assert secret not in done.stdout + done.stderr


def test_seed_names_point_at_probed_scopes() -> None:
    probed = {p.scope for p in PROBES}
    assert set(SEED_SCOPES.values()) <= probed


def test_a_client_missing_only_optional_scopes_passes_with_warnings(clock: FrozenClock) -> None:
    required = sorted({p.scope for p in PROBES if p.required})
    config = SandboxConfig(
        customers=5,
        clients=[
            SandboxClient(
                client_id="cid.just-enough",
                client_secret="cs1.just-enough",
                tenants=[1000001],
                scopes=required,
            )
        ],
    )
    server = LiveServer(create_app(config, clock=clock)).start()
    try:
        settings = st_settings(
            api_url=server.base_url, client_id="cid.just-enough", client_secret="cs1.just-enough"
        )
        report = asyncio.run(run_checks(settings))
    finally:
        server.stop()
    assert report.exit_code == 0, _rendered(report)
    warned = {c.scope for c in report.checks if c.status == "warn"}
    assert warned == set(KNOWN_SCOPES) - set(required)
    text = " ".join(_rendered(report).split())  # prose wraps at the console's width
    assert "works without them" in text and "All checks passed" in text
