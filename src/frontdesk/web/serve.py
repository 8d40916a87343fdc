"""Running Frontdesk: ``frontdesk demo`` (sandbox + chat, embedded defaults), ``frontdesk serve`` (the chat
against a configured ServiceTitan) and ``frontdesk chat`` (the same receptionist in a terminal)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from rich.console import Console

from frontdesk import eventloop
from frontdesk.agent.events import Reply, TextDelta, ToolActivity
from frontdesk.agent.setup import Options, Running, open_receptionist, settle_startup_objects
from frontdesk.profile import BusinessProfile, demo_profile_path, load_profile
from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT,
    SandboxConfig,
)
from frontdesk.servicetitan import ServiceTitanSettings
from frontdesk.web.settings import WebSettings

TRY_THESE = [
    "Hi, I'd like to schedule an HVAC maintenance appointment for my home. Can you check what's available "
    "next week?  (then: Robert Johnson, (555) 123-4567)",
    "My kitchen sink has been leaking and I need a plumber. (a new customer: Sarah Williams, (555) 987-6543)",
    "I smell gas in my basement.",
]


@dataclass
class RunOptions:
    profile: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    sandbox_port: int = 8400
    sandbox_db: Path = Path("var/sandbox.sqlite3")
    database_url: str | None = None  # conversations; default var/frontdesk.sqlite3
    capabilities: list[Path] = field(default_factory=list)
    customers: int = 300


def _profile(path: Path | None) -> BusinessProfile:
    return load_profile(path or demo_profile_path())


def sandbox_connection(base: str) -> ServiceTitanSettings:
    return ServiceTitanSettings(
        _env_file=None,
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        app_key=DEMO_APP_KEY,
        environment="sandbox",
        api_url=base,
    )


class _QuietServer(uvicorn.Server):
    """Stops on our signal handler and returns normally, so conversations close cleanly on Ctrl-C
    (uvicorn's own handler re-raises the signal after shutdown, cancelling the clean-up)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Background:
    """A uvicorn server on its own thread (the sandbox, beside the chat app)."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sandbox did not start; is its port already in use?")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_sandbox(options: RunOptions, console: Console) -> _Background:
    from frontdesk.sandbox.app import create_app

    options.sandbox_db.parent.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(database=str(options.sandbox_db), customers=options.customers)
    started = time.perf_counter()
    with console.status("Preparing the ServiceTitan sandbox and its demo data (first run only)..."):
        app = create_app(config)
    store = app.state.sandbox.store
    console.print(
        f"Sandbox ready in {time.perf_counter() - started:.1f} s: {store['customers'].count(DEMO_TENANT)} "
        f"customers, {store['jobs'].count(DEMO_TENANT)} jobs (data in {options.sandbox_db})"
    )
    server = _Background(app, options.host, options.sandbox_port)
    server.start()
    return server


async def _open(
    options: RunOptions, connection: ServiceTitanSettings, transport: httpx.AsyncBaseTransport | None = None
) -> Running:
    running = await open_receptionist(
        Options(
            profile=_profile(options.profile),
            servicetitan=connection,
            database_url=options.database_url,
            capability_files=options.capabilities,
            transport=transport,
        )
    )
    return running


def _serve_web(options: RunOptions, connection: ServiceTitanSettings, console: Console, banner: str) -> None:
    from frontdesk.web.app import create_app

    settings = WebSettings().model_copy(update={"host": options.host, "port": options.port})

    async def main() -> None:
        running = await _open(options, connection)
        try:
            for error in running.load_errors:
                console.print(f"[yellow]capability file {error.file}: {error.field}: {error.reason}[/yellow]")
            app = create_app(running.receptionist, running.store, settings)
            config = uvicorn.Config(
                app, host=options.host, port=options.port, log_level="warning", access_log=False
            )
            server = _QuietServer(config)
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
            console.print(banner.replace("{model}", running.model_label), highlight=False)
            settle_startup_objects()
            await server.serve()  # returns on Ctrl-C
        finally:
            await running.aclose()

    eventloop.run(main())


def demo(options: RunOptions, console: Console) -> None:
    """The sandbox with demo data, and the chat on top of it."""
    sandbox = start_sandbox(options, console)
    base = f"http://{options.host}:{options.sandbox_port}"
    url = f"http://{options.host}:{options.port}"
    tries = "\n".join(f"  • {text}" for text in TRY_THESE)
    banner = (
        f"\n[bold green]Frontdesk is running:[/bold green] open {url} in your browser\n"
        f"  model: {{model}} (set FRONTDESK_MODEL and a key to use an LLM)\n"
        f"  ServiceTitan sandbox: {base}  ·  API docs: {url}/docs\n\n"
        f"Things to try:\n{tries}\n\nPress Ctrl-C to stop."
    )
    try:
        _serve_web(options, sandbox_connection(base), console, banner)
    finally:
        sandbox.stop()
        console.print("Stopped.")


def serve(options: RunOptions, console: Console) -> None:
    """The chat against the ServiceTitan configured in FRONTDESK_ST_* (see `frontdesk doctor`)."""
    connection = ServiceTitanSettings()
    url = f"http://{options.host}:{options.port}"
    banner = (
        f"Frontdesk chat at {url} (model: {{model}}, ServiceTitan at {connection.api_base}). Ctrl-C stops."
    )
    _serve_web(options, connection, console, banner)


async def terminal_chat(
    options: RunOptions, console: Console, explain: bool, connection: ServiceTitanSettings | None = None
) -> None:
    """Talk with the receptionist in a terminal; the sandbox runs in-process unless a connection is given."""
    transport: httpx.AsyncBaseTransport | None = None
    if connection is None:
        from frontdesk.sandbox.app import create_app

        options.sandbox_db.parent.mkdir(parents=True, exist_ok=True)
        with console.status("Preparing the sandbox..."):
            sandbox_app = create_app(
                SandboxConfig(database=str(options.sandbox_db), customers=options.customers)
            )
        transport = httpx.ASGITransport(app=sandbox_app)
        connection = sandbox_connection("http://sandbox")
    running = await _open(options, connection, transport)
    try:
        receptionist = running.receptionist
        conversation = await receptionist.start(channel="terminal")
        console.print(f"[dim]model: {running.model_label} · type 'quit' to leave[/dim]")
        console.print(f"[bold]Receptionist:[/bold] {receptionist.greeting()}")
        while True:
            try:
                text = await asyncio.to_thread(console.input, "[bold cyan]You:[/bold cyan] ")
            except (EOFError, KeyboardInterrupt):
                break
            if text.strip().lower() in ("quit", "exit", "bye!"):
                break
            if not text.strip():
                continue
            console.print("[bold]Receptionist:[/bold] ", end="")
            async for event in receptionist.reply(conversation, text.strip()):
                if isinstance(event, TextDelta):
                    console.print(event.text, end="", highlight=False)
                elif isinstance(event, ToolActivity) and explain and event.phase == "finished":
                    console.print(f"\n  [dim]↳ {event.tool_id}: {event.status}[/dim]", highlight=False)
                elif isinstance(event, Reply):
                    console.print()
                    if explain:
                        await _explain_turn(running, conversation, console)
    finally:
        await running.aclose()


async def _explain_turn(running: Running, conversation: str, console: Console) -> None:
    turns = await running.store.turns(conversation)
    if not turns:
        return
    turn = turns[-1]
    timings = turn.timings or {}
    console.print(
        f"  [dim]turn: model {turn.model}, total {timings.get('total', 0) * 1000:.0f} ms "
        f"(model {timings.get('model', 0) * 1000:.0f} ms, tools {timings.get('tools', 0) * 1000:.0f} ms)"
        f"{', tags ' + ', '.join(turn.tags) if turn.tags else ''}[/dim]",
        highlight=False,
    )
    for run in turn.tool_runs:
        for exchange in run.exchanges:
            console.print(
                f"  [dim]{run.tool_id}: {exchange.get('method')} {exchange.get('url')} → {exchange.get('status')}[/dim]",
                highlight=False,
            )
