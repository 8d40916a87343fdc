"""Sandbox benchmark: demo data generation, the receptionist's two lookups, and HTTP throughput.

Prints, in one run:
- how long generating N customers (and their jobs) into a SQLite file takes, with the row counts;
- p50/p99 latency of "customer by phone" and "jobs by customer": through an httpx client and the
  whole app in-process (httpx.ASGITransport), the app alone (a direct ASGI call), and the raw store
  query it ends in, so each layer's overhead is visible;
- requests per second for "customer by id" through uvicorn on loopback.

Usage: python bench/sandbox.py [--customers N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from frontdesk.sandbox.app import create_app
from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT,
    SandboxConfig,
)
from frontdesk.sandbox.seed import generate
from frontdesk.sandbox.store import Store, Where
from frontdesk.sandbox.tables import open_store, phone_key

TENANT = DEMO_TENANT
NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
TIME_ZONE = "America/Chicago"
SEED = 7
SAMPLES = 300  # lookups per measured query
RATE_LIMIT = 1_000_000  # per second: the bench must measure the sandbox, not its throttle
GENERATE_TARGET_S = 60.0  # for 100k customers; scaled for other sizes
LOOKUP_TARGET_MS = 5.0
THROUGHPUT_SECONDS = 5.0
CONCURRENCY = 8


@dataclass(frozen=True)
class Sample:
    phones: list[str]
    customer_ids: list[int]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def timings_line(label: str, values: list[float], target_ms: float | None = None) -> str:
    p50, p99 = percentile(values, 0.50) * 1000, percentile(values, 0.99) * 1000
    line = f"  {label:<34} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms"
    if target_ms is not None:
        line += f"   (target p50 ≤ {target_ms:g} ms: {verdict(p50 <= target_ms)})"
    return line


# --- generation ------------------------------------------------------------------------------------


def bench_generate(path: Path, customers: int) -> Store:
    store = open_store(str(path))
    started = time.perf_counter()
    generate(store, TENANT, seed=SEED, customers=customers, now=NOW, time_zone=TIME_ZONE)
    elapsed = time.perf_counter() - started
    target = GENERATE_TARGET_S * customers / 100_000
    counts = {name: store[name].count(TENANT) for name in ("customers", "jobs", "appointments")}
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    print(f"Generate {customers:,} customers into a SQLite file")
    print(f"  time {elapsed:8.2f} s   (target ≤ {target:g} s: {verdict(elapsed <= target)})")
    print("  " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + f"; file {size_mb:,.0f} MB")
    return store


def pick_sample(store: Store, count: int) -> Sample:
    """Random real phones (as callers dial them) and customer ids, the same ones every run."""
    rng = random.Random(SEED)
    phones = [
        str(value)
        for (value,) in store.conn.execute(
            "SELECT json_extract(doc, '$.value') FROM contacts WHERE tenant = ? "
            "AND json_extract(doc, '$.type') IN ('Phone', 'MobilePhone') ORDER BY id",
            (TENANT,),
        )
    ]
    customer_ids = store["customers"].ids(TENANT, Where().eq("active", 1))
    return Sample(
        rng.sample(phones, min(count, len(phones))), rng.sample(customer_ids, min(count, len(customer_ids)))
    )


# --- lookups ---------------------------------------------------------------------------------------


def raw_phone_search(store: Store, phone: str) -> list[Any]:
    """What Customers_GetList?phone= asks SQLite: the contacts index, then the customers page."""
    owners = store["contacts"].ids(TENANT, Where().eq("value_key", phone_key(phone)), column="customer_id")
    where = Where().eq("active", 1).any_of("id", sorted(set(owners)))
    return store["customers"].select(TENANT, where, "id", limit=51)


def raw_jobs_of(store: Store, customer_id: int) -> list[Any]:
    """What Jobs_GetList?customerId= asks SQLite."""
    where = Where().eq("active", 1).eq("customer_id", customer_id)
    return store["jobs"].select(TENANT, where, "id", limit=51)


def time_sync(call: Callable[[Any], Any], args: list[Any]) -> list[float]:
    for arg in args[:20]:  # warm the page cache and the statement cache
        call(arg)
    spent = []
    for arg in args:
        started = time.perf_counter()
        call(arg)
        spent.append(time.perf_counter() - started)
    return spent


async def time_async(call: Callable[[Any], Awaitable[Any]], args: list[Any]) -> list[float]:
    for arg in args[:20]:
        await call(arg)
    spent = []
    for arg in args:
        started = time.perf_counter()
        await call(arg)
        spent.append(time.perf_counter() - started)
    return spent


async def authenticate(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    answer.raise_for_status()
    client.headers.update(
        {"Authorization": f"Bearer {answer.json()['access_token']}", "ST-App-Key": DEMO_APP_KEY}
    )


def expect(answer: httpx.Response) -> dict[str, Any]:
    if answer.status_code != 200:
        sys.exit(
            f"{answer.request.method} {answer.request.url} answered {answer.status_code}: {answer.text[:300]}"
        )
    data: dict[str, Any] = answer.json()
    return data


class DirectAsgi:
    """Calls the app as a server would, without an HTTP client: the app's own share of a request."""

    def __init__(self, app: Starlette, headers: httpx.Headers) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def get(self, path: str, query: str = "") -> bytes:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": self.headers,
            "client": ("127.0.0.1", 50000),
            "server": ("sandbox", 80),
        }
        status = 0
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, send)
        if status != 200:
            sys.exit(f"GET {path}?{query} answered {status}: {b''.join(body)[:300]!r}")
        return b"".join(body)


async def bench_lookups(app: Starlette, store: Store, sample: Sample) -> None:
    customers_url = f"/crm/v2/tenant/{TENANT}/customers"
    jobs_url = f"/jpm/v2/tenant/{TENANT}/jobs"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        await authenticate(client)
        direct = DirectAsgi(app, client.headers)

        async def by_phone(phone: str) -> None:
            found = expect(await client.get(customers_url, params={"phone": phone}))
            if not found["data"]:
                sys.exit(f"no customer found for the phone {phone}")

        async def jobs_of(customer_id: int) -> None:
            expect(await client.get(jobs_url, params={"customerId": customer_id}))

        async def by_phone_direct(phone: str) -> None:
            await direct.get(customers_url, str(httpx.QueryParams(phone=phone)))

        async def jobs_of_direct(customer_id: int) -> None:
            await direct.get(jobs_url, f"customerId={customer_id}")

        http_phone = await time_async(by_phone, sample.phones)
        app_phone = await time_async(by_phone_direct, sample.phones)
        http_jobs = await time_async(jobs_of, sample.customer_ids)
        app_jobs = await time_async(jobs_of_direct, sample.customer_ids)
    raw_phone = time_sync(lambda p: raw_phone_search(store, p), sample.phones)
    raw_jobs = time_sync(lambda c: raw_jobs_of(store, c), sample.customer_ids)

    print(f"Lookups, {len(sample.phones)} random phones and {len(sample.customer_ids)} random customers")
    for title, full, alone, raw in (
        (
            "customer by phone  GET /crm/v2/tenant/{tenant}/customers?phone=…",
            http_phone,
            app_phone,
            raw_phone,
        ),
        ("jobs by customer   GET /jpm/v2/tenant/{tenant}/jobs?customerId=…", http_jobs, app_jobs, raw_jobs),
    ):
        print(f"  {title}")
        print(timings_line("httpx client → app (ASGITransport)", full, LOOKUP_TARGET_MS))
        print(timings_line("app alone (direct ASGI call)", alone))
        print(timings_line("raw store query", raw))


# --- throughput over loopback ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def drive(base: str, customer_ids: list[int]) -> tuple[int, int, float]:
    """GET customers by id from CONCURRENCY tasks for THROUGHPUT_SECONDS: (ok, failed, seconds).

    Each task has its own client and connection: one client shared by many tasks spends more time in
    its connection pool than the sandbox spends answering.
    """
    async with httpx.AsyncClient(base_url=base) as client:
        await authenticate(client)
        headers = dict(client.headers)
    ok = failed = 0
    started = time.perf_counter()
    deadline = started + THROUGHPUT_SECONDS

    async def worker(offset: int) -> None:
        nonlocal ok, failed
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            index = offset
            while time.perf_counter() < deadline:
                ident = customer_ids[index % len(customer_ids)]
                index += CONCURRENCY
                answer = await client.get(f"/crm/v2/tenant/{TENANT}/customers/{ident}")
                if answer.status_code == 200:
                    ok += 1
                else:
                    failed += 1

    await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
    return ok, failed, time.perf_counter() - started


def bench_throughput(app: Starlette, sample: Sample) -> None:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            sys.exit("uvicorn did not start")
        time.sleep(0.01)
    assert thread.ident is not None
    # the server thread's own CPU time, to tell its cost per request apart from the client's
    server_clock = time.pthread_getcpuclockid(thread.ident)
    try:
        cpu_before = time.clock_gettime(server_clock)
        ok, failed, seconds = asyncio.run(drive(f"http://127.0.0.1:{port}", sample.customer_ids))
        server_cpu = time.clock_gettime(server_clock) - cpu_before
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print("Throughput, GET /crm/v2/tenant/{tenant}/customers/{id} through uvicorn on loopback")
    print(
        f"  {ok / seconds:8,.0f} requests/s   ({ok:,} answered in {seconds:.1f} s by {CONCURRENCY} "
        f"concurrent httpx clients, {failed} failed)"
    )
    if ok:
        per_request = server_cpu / ok
        print(
            f"  server CPU {per_request * 1e6:,.0f} µs per request, about {1 / per_request:,.0f} requests/s "
            "per core; the client shares this process (and its GIL) and is the larger cost"
        )


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--customers", type=int, default=100_000, help="customers to generate (default 100000)"
    )
    parser.add_argument("--quick", action="store_true", help="10000 customers, for a short run")
    args = parser.parse_args()
    customers = 10_000 if args.quick else args.customers
    if customers < 2:
        parser.error("--customers must be at least 2")

    # wall-clock figures: other work on the machine inflates them, so say how busy it was
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as folder:
        store = bench_generate(Path(folder) / "sandbox.db", customers)
        try:
            sample = pick_sample(store, SAMPLES)
            config = SandboxConfig(rate_limit_per_second=RATE_LIMIT, customers=customers, seed=SEED)
            print(
                f"(sandbox rate limit raised from {SandboxConfig().rate_limit_per_second}/s to "
                f"{RATE_LIMIT:,}/s for these measurements)"
            )
            app = create_app(config, store=store, generate=False)
            asyncio.run(bench_lookups(app, store, sample))
            bench_throughput(app, sample)
        finally:
            store.close()


if __name__ == "__main__":
    main()
