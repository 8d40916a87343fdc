"""The `frontdesk` command as a user runs it: a real process, real HTTP, a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from frontdesk.cli import app
from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the sandbox exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            if httpx.get(f"{base}/_sandbox/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the sandbox did not start in time")


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "sandbox" in result.output and "demo" in result.output


def test_bad_now_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--now", "next tuesday"])
    assert result.exit_code != 0
    assert "not a date and time" in result.output


def test_sandbox_command_serves_the_api_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    db = tmp_path / "sandbox.sqlite3"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk.cli",
            "sandbox",
            "--port",
            str(port),
            "--db",
            str(db),
            "--customers",
            "25",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_up(base, process)
        token = httpx.post(
            f"{base}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        ).json()["access_token"]
        answer = httpx.get(
            f"{base}/crm/v2/tenant/{DEMO_TENANT}/customers",
            params={"pageSize": 5},
            headers={"Authorization": f"Bearer {token}", "ST-App-Key": DEMO_APP_KEY},
        )
        assert answer.status_code == 200
        assert answer.json()["page"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "Get a token" in output and "/connect/token" in output
    assert db.exists()


def test_init_writes_a_valid_profile_and_check_explains_mistakes(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "biz.yaml"
    made = runner.invoke(app, ["init", str(target), "--name", "Acme Plumbing"])
    assert made.exit_code == 0, made.output
    assert "name: Acme Plumbing" in target.read_text()
    assert runner.invoke(app, ["init", str(target)]).exit_code == 1  # never overwrites silently
    ok = runner.invoke(app, ["profile-check", str(target)])
    assert ok.exit_code == 0 and "Acme Plumbing" in ok.output
    broken = target.read_text().replace("time_zone: America/Chicago", "time_zone: Mars/Olympus")
    broken = broken.replace('service_area_zips: ["62701"', 'service_area_zips: ["6270"')
    target.write_text(broken)
    bad = runner.invoke(app, ["profile-check", str(target)])
    assert bad.exit_code == 1
    assert "time_zone" in bad.output and "Mars/Olympus" in bad.output
    assert "service_area_zips" in bad.output and "6270" in bad.output


def test_demo_serves_the_chat_on_the_sandbox_and_stops_cleanly(tmp_path: Path) -> None:
    port, sandbox_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FRONTDESK_MODEL": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk.cli",
            "demo",
            "--port",
            str(port),
            "--sandbox-port",
            str(sandbox_port),
            "--customers",
            "30",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/api/business", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the demo did not start in time"
            time.sleep(0.3)
        page = httpx.get(base)
        assert page.status_code == 200 and "chat.js" in page.text
        conversation = httpx.post(f"{base}/api/conversations", json={}).json()
        answer = httpx.post(
            f"{base}/api/conversations/{conversation['id']}/messages",
            json={"text": "Hi, I'd like to book a furnace tune-up"},
            timeout=30,
        )
        assert answer.status_code == 200
        assert "phone" in answer.json()["text"].lower()
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"open {base}" in output and "Things to try" in output
    assert (tmp_path / "var" / "sandbox.sqlite3").exists()
    assert (tmp_path / "var" / "frontdesk.sqlite3").exists()  # conversations persist


def test_serve_without_servicetitan_settings_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_ST_")}
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "FRONTDESK_ST_TENANT_ID" in result.stdout and "frontdesk doctor" in result.stdout


def test_terminal_chat_answers_and_explains_its_tools(tmp_path: Path) -> None:
    env = {**os.environ, "FRONTDESK_MODEL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "chat", "--explain"],
        cwd=tmp_path,
        env=env,
        input="Hi, I'd like to book a furnace tune-up. I'm Robert Johnson, 555-123-4567\nquit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HVAC Maintenance" in result.stdout  # windows offered for the job type the words point to
    assert "searchCustomers: ok" in result.stdout and "getAvailableTimeSlots: ok" in result.stdout
    assert "/crm/v2/tenant/" in result.stdout  # --explain shows the ServiceTitan requests
