"""The chat as a customer meets it: a real browser (Debian's chromium through Playwright) on `frontdesk demo`.

The guide's Example 1 is booked through the chat page, and again through the widget embedded in a page
served from another origin. Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EXAMPLE_1 = [
    "Hi, I'd like to schedule an HVAC maintenance appointment for my home. Can you check what's available next week?",
    "Sure, it's Robert Johnson and my phone number is (555) 123-4567.",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def host_port() -> int:
    return _free_port()


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, host_port: int) -> Iterator[str]:
    """A fresh `frontdesk demo` per test: each books Robert Johnson's visit on its own sandbox."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    workdir = tmp_path_factory.mktemp("demo")
    port, sandbox_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "FRONTDESK_MODEL": "",
        "FRONTDESK_WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{host_port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "frontdesk.cli", "demo", "--port", str(port), "--sandbox-port", str(sandbox_port),
         "--customers", "40"],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if httpx.get(f"{base}/api/business", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the demo did not start"
        time.sleep(0.3)
    yield base
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 420, "height": 860})  # a phone-sized screen
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def _send(scope: Page, text: str, replies_before: int) -> str:
    box = scope.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    scope.locator(".fd-receptionist").nth(replies_before).wait_for(timeout=20_000)
    expect(scope.locator(".fd-send")).to_be_enabled(timeout=20_000)  # the reply has finished streaming
    return scope.locator(".fd-receptionist").nth(replies_before).inner_text()


def _book_example_1(scope: Page) -> str:
    replies = scope.locator(".fd-receptionist")
    replies.first.wait_for(timeout=20_000)  # the greeting
    count = replies.count()
    for text in EXAMPLE_1:
        _send(scope, text, count)
        count = replies.count()
    offer = replies.nth(count - 1).inner_text()
    assert "HVAC Maintenance" in offer, offer
    windows = re.findall(r"(\w+day), \w+ \d+, (\d{1,2}:\d{2} [AP]M) –", offer)
    assert windows, offer
    day, time_text = windows[0]  # e.g. ("Monday", "8:00 AM")
    _send(scope, f"{day} at {time_text} would be perfect. Can you book that for me?", count)
    count = replies.count()
    summary = replies.nth(count - 1).inner_text()
    assert "Shall I book it?" in summary, summary
    _send(scope, "Yes please", count)
    return replies.nth(replies.count() - 1).inner_text()


def test_example_1_is_booked_through_the_chat_page_and_survives_a_reload(
    demo: str, browser_page: Page
) -> None:
    page = browser_page
    page.goto(demo)
    page.get_by_role("heading", name="Capital City Home Services").wait_for(timeout=20_000)
    booked = _book_example_1(page)
    assert "You're booked" in booked and "Job number: #" in booked, booked
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-page.png"), full_page=True)
    page.reload()
    page.locator(".fd-customer").first.wait_for(timeout=20_000)
    assert "Robert Johnson" in page.locator(".fd-log").inner_text()  # the conversation came back
    assert page.get_by_role("log").count() == 1


class _HostPage(http.server.BaseHTTPRequestHandler):
    widget_src = ""

    def do_GET(self) -> None:
        body = (
            "<!doctype html><html><head><title>A plumber's website</title></head><body>"
            "<h1>Welcome to our website</h1>"
            f'<script src="{self.widget_src}" data-label="Chat with us" defer></script></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_example_1_is_booked_through_the_widget_on_another_site(
    demo: str, host_port: int, browser_page: Page
) -> None:
    _HostPage.widget_src = f"{demo}/widget.js"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", host_port), _HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = browser_page
        page.goto(f"http://127.0.0.1:{host_port}/")
        page.get_by_role("button", name="Chat with us").click()
        page.get_by_label("Your message").wait_for(timeout=20_000)
        booked = _book_example_1(page)
        assert "You're booked" in booked and "Job number: #" in booked, booked
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget.png"))
    finally:
        server.shutdown()
