"""Frontdesk's ServiceTitan client against servicepytan, on one local sandbox with the same data.

Run: ``python bench/client_vs_servicepytan.py`` (full, a few minutes) or ``--quick`` (about 20 s).

The sandbox data is generated once in memory (its generation time is printed on its own), copied to a
SQLite file and served by uvicorn in a child process on a loopback port, so the clients and the server
do not share a core.
Measured for each client, on the same server and data, in one run:

1. wall time to list every job of N customers (default 2,000), one ``GET jpm/jobs?customerId=`` listing
   per customer: Frontdesk runs them concurrently; servicepytan, synchronous, one after the other;
2. wall time to list all jobs (about 50k), both ways ServiceTitan offers: the export feed (5,000 per
   batch; Frontdesk ``jobs.export()``, servicepytan ``Endpoint.export_all``) and pages of 5,000
   (Frontdesk: the first with ``includeTotal``, the rest concurrently; servicepytan ``Endpoint.get_all``
   with ``pageSize`` 5000, as its default of 100 would make fifty times the calls), and beside them the
   floor: the same bodies fetched over one token and thrown away unparsed (pages concurrently), which no
   client that reads the jobs can beat on the same server and machine;
3. token requests and HTTP requests of each task, read from the sandbox's ``/_sandbox/stats``;
4. completion: the share of task 1's listings that returned exactly the right jobs while the sandbox
   answers 10% of requests (token requests included) with an injected 429 (seeded, Retry-After 1 s);
5. completion under ServiceTitan's own limits: 60 calls/s per app and tenant and a throttled token
   endpoint (60 token requests a minute per client), with the 429s the rate limit answered.

Tasks 1 and 2 run twice: over bare loopback, where nothing but CPU separates the clients, and with
``--latency-ms`` added by the sandbox to every request, standing in for the network between a client
and ServiceTitan. Tasks 1 to 4 run with the limits raised for both clients alike (``--rate-limit``
calls/s, above what the sandbox can serve here; token requests unthrottled): at 60 token requests a
minute servicepytan, which asks for a token before every call, cannot finish them (task 5 shows it),
and at 60 calls/s task 1 would measure the limit rather than the clients. Frontdesk's client is always
told the per-second limit the sandbox enforces.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pydantic_core

from frontdesk.sandbox.config import (
    DEMO_APP_KEY,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT,
    SandboxConfig,
)
from frontdesk.servicetitan import ServiceTitanClient, ServiceTitanError, ServiceTitanSettings
from frontdesk.servicetitan.settings import Environment

FULL_CUSTOMERS = 16_500  # the generator makes ~3.05 jobs per customer: just over 50k jobs
QUICK_CUSTOMERS = 1_000
FULL_SAMPLE = 2_000
QUICK_SAMPLE = 150
SERVICETITAN_RATE_LIMIT = 60
LIFTED_TOKEN_THROTTLE = 1_000_000  # token requests per minute: in effect no throttle
FAULT_SEED = 20260309
PAGE_SIZE = 5000  # ServiceTitan's largest page

# --- the sandbox in its own process --------------------------------------------------------------


def _serve(config_json: str, port: int) -> None:
    """Child process: serve the already generated sandbox database on 127.0.0.1:port."""
    import uvicorn

    from frontdesk.sandbox import create_app

    app = create_app(SandboxConfig.model_validate_json(config_json))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def sandbox_server(config: SandboxConfig) -> Iterator[str]:
    """Start the sandbox with ``config`` in a child process; yields its base URL."""
    port = _free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(config.model_dump_json(), port), daemon=True
    )
    process.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if not process.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.join(10)


class Control:
    """The sandbox's control endpoints (not part of ServiceTitan's API)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=10)

    def reset_stats(self) -> None:
        self.http.delete("/_sandbox/stats").raise_for_status()

    def stats(self) -> dict[str, int]:
        response = self.http.get("/_sandbox/stats")
        response.raise_for_status()
        return dict(response.json())

    def faults(self, *, error_rate: float = 0.0, latency_ms: float = 0.0) -> None:
        """Every request (token requests too) waits ``latency_ms``; ``error_rate`` of them get a 429."""
        rules: list[dict[str, Any]] = []
        if latency_ms:
            rules.append({"route": "*", "latency_ms": latency_ms})
        if error_rate:
            rules.append({"route": "*", "error_rate": error_rate, "status": 429, "retry_after": 1.0})
        if not rules:
            self.http.delete("/_sandbox/faults").raise_for_status()
            return
        # configuring again restarts the seeded sequence, so each client meets the same faults
        self.http.put("/_sandbox/faults", json={"seed": FAULT_SEED, "rules": rules}).raise_for_status()


# --- the two clients -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one client did in one task."""

    seconds: float = 0.0
    results: dict[int, frozenset[int] | None] = field(default_factory=dict)  # None: that unit failed
    token_requests: int = 0
    http_requests: int = 0
    rate_limited: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    body_bytes: int = 0

    def note(self, error: BaseException) -> None:
        name = type(error).__name__
        self.errors[name] = self.errors.get(name, 0) + 1


def _settings(base: str, rate_limit: int) -> ServiceTitanSettings:
    return ServiceTitanSettings(
        _env_file=None,  # never read a developer's .env
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        app_key=DEMO_APP_KEY,
        environment=Environment.SANDBOX,
        api_url=base,
        rate_limit_per_second=rate_limit,
    )


def _client(base: str, rate_limit: int, concurrency: int) -> ServiceTitanClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return ServiceTitanClient(_settings(base, rate_limit), limits=limits)


async def _frontdesk_customers(base: str, rate_limit: int, customers: list[int], concurrency: int) -> Outcome:
    outcome = Outcome()
    gate = asyncio.Semaphore(concurrency)
    async with _client(base, rate_limit, concurrency) as st:

        async def one(customer: int) -> None:
            async with gate:
                try:
                    jobs = await st.jpm.jobs.iterate(customer_id=customer).collect()
                except ServiceTitanError as error:
                    outcome.note(error)
                    outcome.results[customer] = None
                else:
                    outcome.results[customer] = frozenset(job.id for job in jobs)

        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in customers))
        outcome.seconds = time.perf_counter() - started
    return outcome


def frontdesk_customers(base: str, rate_limit: int, customers: list[int], concurrency: int) -> Outcome:
    return asyncio.run(_frontdesk_customers(base, rate_limit, customers, concurrency))


async def _frontdesk_pages(base: str, rate_limit: int, concurrency: int) -> Outcome:
    """Pages of 5,000: the first with its total count, then the rest concurrently."""
    async with _client(base, rate_limit, concurrency) as st:
        started = time.perf_counter()
        first = await st.jpm.jobs.list(page=1, page_size=PAGE_SIZE, include_total=True)
        pages = -(-(first.total_count or 0) // PAGE_SIZE)
        gate = asyncio.Semaphore(concurrency)

        async def page(number: int) -> list[int]:
            async with gate:
                return [job.id for job in (await st.jpm.jobs.list(page=number, page_size=PAGE_SIZE)).data]

        rest = await asyncio.gather(*(page(n) for n in range(2, pages + 1)))
        ids = frozenset([job.id for job in first.data] + [i for chunk in rest for i in chunk])
        return Outcome(time.perf_counter() - started, {0: ids})


async def _frontdesk_export(base: str, rate_limit: int, concurrency: int) -> Outcome:
    async with _client(base, rate_limit, concurrency) as st:
        started = time.perf_counter()
        ids = frozenset([job.id async for job in st.jpm.jobs.export()])
        return Outcome(time.perf_counter() - started, {0: ids})


def frontdesk_all_jobs(base: str, rate_limit: int, concurrency: int, how: str) -> Outcome:
    read = _frontdesk_export if how == "export" else _frontdesk_pages
    return asyncio.run(read(base, rate_limit, concurrency))


# --- the floor: what the server needs to hand over every job, whatever the client ------------------


async def _bytes_only(base: str, how: str, concurrency: int) -> Outcome:
    """Every batch or page of jobs fetched and thrown away unparsed: one token, pages concurrently.

    No client that reads the jobs can finish sooner than this on the same server and machine, so
    servicepytan's time over this one is the largest ratio any client could show in task 2.
    """
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        started = time.perf_counter()
        form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID}
        form["client_secret"] = DEMO_CLIENT_SECRET
        token = (await http.post("/connect/token", data=form)).json()["access_token"]
        http.headers.update({"Authorization": token, "ST-App-Key": DEMO_APP_KEY})
        root = f"/jpm/v2/tenant/{DEMO_TENANT}"
        size = 0
        if how == "export":
            params: dict[str, Any] = {}
            while True:
                response = await http.get(f"{root}/export/jobs", params=params)
                size += len(response.content)
                head = pydantic_core.from_json(response.content[:512], allow_partial=True)
                if not head.get("hasMore"):
                    break
                params = {"from": head["continueFrom"]}
        else:
            first = await http.get(f"{root}/jobs", params={"pageSize": PAGE_SIZE, "includeTotal": "true"})
            size += len(first.content)
            total = int(pydantic_core.from_json(first.content[:512], allow_partial=True)["totalCount"])
            gate = asyncio.Semaphore(concurrency)

            async def page(number: int) -> int:
                async with gate:
                    response = await http.get(f"{root}/jobs", params={"page": number, "pageSize": PAGE_SIZE})
                    return len(response.content)

            size += sum(await asyncio.gather(*(page(n) for n in range(2, -(-total // PAGE_SIZE) + 1))))
        seconds = time.perf_counter() - started
    return Outcome(seconds, {0: frozenset()}, body_bytes=size)


def bytes_only(base: str, how: str, concurrency: int) -> Outcome:
    return asyncio.run(_bytes_only(base, how, concurrency))


def _servicepytan_conn(base: str) -> dict[str, Any]:
    from servicepytan.auth import servicepytan_connect

    conn: dict[str, Any] = servicepytan_connect(
        app_key=DEMO_APP_KEY,
        tenant_id=str(DEMO_TENANT),
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    )
    # servicepytan knows only ServiceTitan's two environments, but every call reads its base URLs from
    # these two keys of the connection object it returns, so setting them points it at the sandbox
    conn["auth_root"] = base
    conn["api_root"] = base
    return conn


def servicepytan_customers(base: str, customers: list[int]) -> Outcome:
    import servicepytan

    endpoint = servicepytan.Endpoint("jpm", "jobs", conn=_servicepytan_conn(base))
    outcome = Outcome()
    started = time.perf_counter()
    for customer in customers:
        try:
            jobs = endpoint.get_all({"customerId": customer})
            outcome.results[customer] = frozenset(int(job["id"]) for job in jobs)
        except Exception as error:  # servicepytan fails with whatever breaks first (HTTPError, KeyError)
            outcome.note(error)
            outcome.results[customer] = None
    outcome.seconds = time.perf_counter() - started
    return outcome


def servicepytan_all_jobs(base: str, how: str) -> Outcome:
    import servicepytan

    endpoint = servicepytan.Endpoint("jpm", "jobs", conn=_servicepytan_conn(base))
    outcome = Outcome()
    started = time.perf_counter()
    try:
        jobs = endpoint.export_all("jobs") if how == "export" else endpoint.get_all({"pageSize": PAGE_SIZE})
        outcome.results[0] = frozenset(int(job["id"]) for job in jobs)
    except Exception as error:
        outcome.note(error)
        outcome.results[0] = None
    outcome.seconds = time.perf_counter() - started
    return outcome


# --- running and reporting -----------------------------------------------------------------------


def measured(control: Control, run: Callable[[], Outcome], *, settle: bool = False) -> Outcome:
    """Run one task and attach the sandbox's request counts for it."""
    if settle:
        time.sleep(1.1)  # let the sandbox's 1 s rate-limit window empty so each client starts alike
    control.reset_stats()
    outcome = run()
    stats = control.stats()
    outcome.token_requests = stats.get("token_endpoint", 0)
    outcome.http_requests = stats.get("requests", 0) + stats.get("token_endpoint", 0)
    outcome.rate_limited = stats.get("rate_limited", 0)
    return outcome


def completion(outcome: Outcome, truth: dict[int, frozenset[int]]) -> float:
    right = sum(1 for key, ids in truth.items() if outcome.results.get(key) == ids)
    return right / len(truth) if truth else 0.0


def _ratio(numerator: float, denominator: float, word: str, opposite: str) -> str:
    """servicepytan's figure over Frontdesk's, worded so that the number is at least 1."""
    if denominator <= 0 or numerator <= 0:
        return ""
    ratio = numerator / denominator
    return f"{ratio:.1f}× {word}" if ratio >= 1 else f"{1 / ratio:.1f}× {opposite}"


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"


def _errors(outcome: Outcome) -> str:
    return ", ".join(f"{name} ×{count}" for name, count in sorted(outcome.errors.items())) or "none"


def _size(outcome: Outcome) -> str:
    ids = outcome.results.get(0)
    return f"{len(ids):,}" if ids is not None else f"failed ({_errors(outcome)})"


Row = tuple[str, str, str, str]


def timing_rows(label: str, frontdesk: Outcome, other: Outcome) -> list[Row]:
    return [
        (
            f"{label}, wall s",
            f"{frontdesk.seconds:.2f}",
            f"{other.seconds:.2f}",
            _ratio(other.seconds, frontdesk.seconds, "faster", "slower"),
        ),
        (
            "   token requests / HTTP requests",
            f"{frontdesk.token_requests} / {frontdesk.http_requests}",
            f"{other.token_requests} / {other.http_requests}",
            _ratio(other.http_requests, frontdesk.http_requests, "fewer HTTP", "more HTTP"),
        ),
    ]


def all_jobs_rows(label: str, frontdesk: Outcome, other: Outcome, floor: Outcome) -> list[Row]:
    """Task 2's rows, with the floor: the same bodies fetched and not parsed, by no client at all."""
    megabytes = floor.body_bytes / 1e6
    return [
        *timing_rows(label, frontdesk, other),
        (
            f"   floor: bodies fetched, not parsed ({megabytes:,.0f} MB), wall s",
            f"{floor.seconds:.2f}",
            "",
            _ratio(other.seconds, floor.seconds, "the most any client could gain", "less (noise)"),
        ),
    ]


def completion_rows(
    label: str, frontdesk: Outcome, other: Outcome, truth: dict[int, frozenset[int]]
) -> list[Row]:
    return [
        (label, f"{completion(frontdesk, truth):.1%}", f"{completion(other, truth):.1%}", ""),
        ("   wall s", f"{frontdesk.seconds:.2f}", f"{other.seconds:.2f}", ""),
        (
            "   token requests / HTTP requests",
            f"{frontdesk.token_requests} / {frontdesk.http_requests}",
            f"{other.token_requests} / {other.http_requests}",
            "",
        ),
    ]


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        print("  " + "  ".join(cells))
        if index == 0:
            print("  " + "  ".join("-" * w for w in widths))


@dataclass
class Run:
    base: str
    control: Control
    rate_limit: int
    concurrency: int
    sample: list[int]
    # wait for the sandbox's 1 s rate-limit window to empty before each client, so neither inherits the
    # other's calls (Frontdesk's burst in task 1 would otherwise cost servicepytan 429s)
    settle: bool = True

    def customers(self) -> tuple[Outcome, Outcome]:
        frontdesk = measured(
            self.control,
            lambda: frontdesk_customers(self.base, self.rate_limit, self.sample, self.concurrency),
            settle=self.settle,
        )
        # each client meets the same seeded faults from the start of its task
        self.control.faults(**self._plan)
        other = measured(
            self.control, lambda: servicepytan_customers(self.base, self.sample), settle=self.settle
        )
        return frontdesk, other

    def all_jobs(self) -> dict[str, tuple[Outcome, Outcome, Outcome]]:
        """Every job by the export feed and by pages of 5,000: each client in turn, then the floor."""
        found: dict[str, tuple[Outcome, Outcome, Outcome]] = {}
        for how in ("export", "pages"):
            self.control.faults(**self._plan)
            frontdesk = measured(
                self.control,
                partial(frontdesk_all_jobs, self.base, self.rate_limit, self.concurrency, how),
                settle=self.settle,
            )
            self.control.faults(**self._plan)
            other = measured(self.control, partial(servicepytan_all_jobs, self.base, how), settle=self.settle)
            self.control.faults(**self._plan)
            floor = measured(
                self.control, partial(bytes_only, self.base, how, self.concurrency), settle=self.settle
            )
            found[how] = (frontdesk, other, floor)
        return found

    def under(self, *, error_rate: float = 0.0, latency_ms: float = 0.0) -> Run:
        self._plan = {"error_rate": error_rate, "latency_ms": latency_ms}
        self.control.faults(**self._plan)
        return self

    _plan: dict[str, float] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (about 20 s)")
    parser.add_argument("--customers", type=int, help="customers listed one by one in tasks 1, 4 and 5")
    parser.add_argument("--sandbox-customers", type=int, help="customers the sandbox generates")
    parser.add_argument("--rate-limit", type=int, default=2000, help="calls/s for tasks 1-4, both clients")
    parser.add_argument(
        "--latency-ms", type=float, default=20.0, help="added to every request in the second run"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="Frontdesk's calls in flight")
    parser.add_argument("--seed", type=int, default=7, help="seed of the data and of the customer sample")
    args = parser.parse_args(argv)
    sample_size = args.customers or (QUICK_SAMPLE if args.quick else FULL_SAMPLE)
    generated = args.sandbox_customers or (QUICK_CUSTOMERS if args.quick else FULL_CUSTOMERS)
    # servicepytan logs every failed call with its headers and form, the client secret included
    logging.getLogger("servicepytan").setLevel(logging.CRITICAL)
    for name in ("servicepytan.auth", "servicepytan.utils", "servicepytan.requests"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    print(f"Load average before: {_load()}")
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as scratch:
        from frontdesk.sandbox import create_app

        started = time.perf_counter()
        store = create_app(SandboxConfig(customers=generated, seed=args.seed)).state.sandbox.store
        generation = time.perf_counter() - started
        job_count = store["jobs"].count(DEMO_TENANT)
        customer_ids = [int(doc["id"]) for doc in store["customers"].select(DEMO_TENANT)]
        # generated in memory, then copied to a file that every sandbox process of the run serves
        database = Path(scratch) / "sandbox.sqlite3"
        with sqlite3.connect(database) as target:
            store.conn.backup(target)
        store.conn.close()
        print(
            f"Sandbox data: {len(customer_ids):,} customers and {job_count:,} jobs generated in "
            f"{generation:.1f} s (seed {args.seed})"
        )
        config = SandboxConfig(database=str(database), customers=generated, seed=args.seed)
        sample = random.Random(args.seed).sample(customer_ids, min(sample_size, len(customer_ids)))
        n = len(sample)

        lifted = config.model_copy(
            update={
                "rate_limit_per_second": args.rate_limit,
                "token_requests_per_minute": LIFTED_TOKEN_THROTTLE,
            }
        )
        print(
            f"Tasks 1-4: {args.rate_limit} calls/s per app and tenant, token endpoint unthrottled", flush=True
        )
        with sandbox_server(lifted) as base:
            run = Run(base, Control(base), args.rate_limit, args.concurrency, sample)
            near_customers = run.under().customers()
            near_all = run.under().all_jobs()
            print(f"  loopback done; now with {args.latency_ms:g} ms per request", flush=True)
            far_customers = run.under(latency_ms=args.latency_ms).customers()
            far_all = run.under(latency_ms=args.latency_ms).all_jobs()
            print("  latency done; now with 10% injected 429s", flush=True)
            fd_faults, sp_faults = run.under(error_rate=0.10).customers()

        print(
            f"Task 5: ServiceTitan's limits ({SERVICETITAN_RATE_LIMIT} calls/s, 60 token requests a minute)",
            flush=True,
        )
        with sandbox_server(config) as base:
            run = Run(base, Control(base), SERVICETITAN_RATE_LIMIT, args.concurrency, sample)
            fd_limits, sp_limits = run.under().customers()

    # the customers' jobs as Frontdesk listed them without faults; servicepytan's clean run must agree
    truth = {c: ids for c, ids in near_customers[0].results.items() if ids is not None}
    disagree = sum(1 for c in sample if near_customers[1].results.get(c) != truth.get(c))
    latency = f"+{args.latency_ms:g} ms per request"
    rows: list[Row] = [("", "Frontdesk", "servicepytan", "ratio")]
    rows += timing_rows(f"1. jobs of {n:,} customers, loopback", *near_customers)
    rows += timing_rows(f"   same, {latency}", *far_customers)
    rows += all_jobs_rows(f"2. all {job_count:,} jobs, export feed, loopback", *near_all["export"])
    rows += all_jobs_rows(f"   same, {latency}", *far_all["export"])
    rows += all_jobs_rows(f"   pages of {PAGE_SIZE:,}, loopback", *near_all["pages"])
    rows += all_jobs_rows(f"   same, {latency}", *far_all["pages"])
    rows += completion_rows(f"4. completion, 10% injected 429s ({n:,} listings)", fd_faults, sp_faults, truth)
    rows += completion_rows("5. completion at ServiceTitan's limits", fd_limits, sp_limits, truth)
    rows.append(("   429s from the rate limit", str(fd_limits.rate_limited), str(sp_limits.rate_limited), ""))
    print_table("Frontdesk's ServiceTitanClient vs servicepytan 0.4 (same sandbox, same data)", rows)
    print(f"\nLoad average after: {_load()}")
    print("Checks:")
    print(
        f"  task 1: {len(truth):,}/{n:,} listings by Frontdesk; servicepytan's differ on {disagree} "
        f"(its errors: {_errors(near_customers[1])}); 429s from the rate limit, Frontdesk "
        f"{near_customers[0].rate_limited}, servicepytan {near_customers[1].rate_limited}"
    )
    for label, found in (("loopback", near_all), ("latency", far_all)):
        counts = ", ".join(
            f"{how}: Frontdesk {_size(fd)}, servicepytan {_size(sp)}" for how, (fd, sp, _) in found.items()
        )
        print(f"  task 2, {label}: jobs listed, {counts} (sandbox holds {job_count:,})")
    print(f"  servicepytan's errors, task 4: {_errors(sp_faults)}; task 5: {_errors(sp_limits)}")
    print(f"  Frontdesk's errors, task 4: {_errors(fd_faults)}; task 5: {_errors(fd_limits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
