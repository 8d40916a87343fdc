"""Serving the sandbox over HTTP (``frontdesk sandbox`` and ``frontdesk demo``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import uvicorn
from rich.console import Console

from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    SandboxConfig,
)


@dataclass
class SandboxOptions:
    host: str
    port: int
    db: Path | None
    seed: int | None
    customers: int | None
    now: datetime | None
    config: Path | None


def build_config(options: SandboxOptions) -> SandboxConfig:
    config = SandboxConfig.from_file(options.config) if options.config else SandboxConfig()
    updates: dict[str, object] = {}
    if options.db is not None:
        updates["database"] = str(options.db)
    if options.seed is not None:
        updates["seed"] = options.seed
    if options.customers is not None:
        updates["customers"] = options.customers
    if options.now is not None:
        updates["now"] = options.now
    return config.model_copy(update=updates)


def how_to_call(base: str, config: SandboxConfig) -> str:
    client = config.clients[0]
    tenant = client.tenants[0]
    app_key = config.app_keys[0]
    secret = client.client_secret if client.client_id != DEMO_CLIENT_ID else DEMO_CLIENT_SECRET
    return f"""
[bold]ServiceTitan sandbox[/bold] at {base}  (tenant {tenant})

Get a token (client credentials, as on auth.servicetitan.io):
  TOKEN=$(curl -s {base}/connect/token -d grant_type=client_credentials \\
      -d client_id={client.client_id} -d client_secret={secret} | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

Search a customer by phone:
  curl -s '{base}/crm/v2/tenant/{tenant}/customers?phone=5551234567' \\
      -H "Authorization: Bearer $TOKEN" -H 'ST-App-Key: {app_key if app_key else DEMO_APP_KEY}'

Control endpoints (not part of ServiceTitan's API): {base}/_sandbox/health, /_sandbox/faults, /_sandbox/stats
Press Ctrl-C to stop.
"""


def serve(options: SandboxOptions, console: Console) -> None:
    from frontdesk.sandbox.app import create_app

    config = build_config(options)
    started = time.perf_counter()
    with console.status("Preparing the sandbox data..."):
        app = create_app(config)
    sandbox = app.state.sandbox
    tenant = sorted(config.tenants)[0]
    console.print(
        f"Sandbox ready in {time.perf_counter() - started:.1f} s: "
        f"{sandbox.store['customers'].count(tenant)} customers, {sandbox.store['jobs'].count(tenant)} jobs"
        + (f", data in {config.database}" if config.database else ", data in memory")
    )
    console.print(how_to_call(f"http://{options.host}:{options.port}", config), highlight=False)
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning", access_log=False)
