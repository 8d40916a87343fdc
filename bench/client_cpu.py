"""CPU per ServiceTitan call in the client's own process, side by side in one run.

The sandbox is served by uvicorn in a child process on loopback; this process makes N list calls (16 at a
time) and divides its CPU time by N, for:
- Frontdesk's client as shipped (httpx requests and responses, aiohttp's pool and parser under them,
  ``servicetitan/transport.py``);
- the same client over httpx's own transport (httpcore's pool, h11's parser);
- a bare ``httpx.AsyncClient`` with a token fetched once (no limiter, retries, validation or recording).

Usage: python bench/client_cpu.py [--calls N] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from engine import sandbox_process

from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT
from frontdesk.servicetitan import ServiceTitanClient
from frontdesk.servicetitan.client import MAX_CONNECTIONS
from frontdesk.servicetitan.doctor import sandbox_settings

Call = Callable[[int], Awaitable[None]]
LIMITS = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)


async def measure(call: Call, calls: int) -> float:
    """CPU milliseconds per call, ``MAX_CONNECTIONS`` at a time, after a warm-up."""
    slots = asyncio.Semaphore(MAX_CONNECTIONS)

    async def one(i: int) -> None:
        async with slots:
            await call(i)

    await asyncio.gather(*(one(i) for i in range(100)))
    cpu = time.process_time()
    await asyncio.gather(*(one(i) for i in range(calls)))
    return (time.process_time() - cpu) / calls * 1000


async def frontdesk(url: str, calls: int, stock: bool) -> float:
    settings = sandbox_settings(url).model_copy(update={"rate_limit_per_second": 10**6})
    transport = httpx.AsyncHTTPTransport(limits=LIMITS) if stock else None
    async with ServiceTitanClient(settings, transport=transport) as st:

        async def call(i: int) -> None:
            await st.crm.customers.list(page_size=1, page=1 + i % 5)

        return await measure(call, calls)


async def bare(url: str, calls: int) -> float:
    async with httpx.AsyncClient(base_url=url, limits=LIMITS) as http:
        token = (
            await http.post(
                "/connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": DEMO_CLIENT_ID,
                    "client_secret": DEMO_CLIENT_SECRET,
                },
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "ST-App-Key": DEMO_APP_KEY}

        async def call(i: int) -> None:
            response = await http.get(
                f"/crm/v2/tenant/{DEMO_TENANT}/customers",
                params={"pageSize": 1, "page": 1 + i % 5},
                headers=headers,
            )
            response.raise_for_status()
            response.json()

        return await measure(call, calls)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"shipped": [], "stock": [], "bare": []}
    with sandbox_process() as url:
        for _ in range(args.rounds):  # interleaved, so a change in the machine's speed hits all three
            runs["shipped"].append(await frontdesk(url, args.calls, stock=False))
            runs["stock"].append(await frontdesk(url, args.calls, stock=True))
            runs["bare"].append(await bare(url, args.calls))
    names = {
        "shipped": "Frontdesk client (aiohttp pool)",
        "stock": "Frontdesk client on httpx's own pool",
        "bare": "bare httpx.AsyncClient",
    }
    shipped = statistics.median(runs["shipped"])
    print(f"CPU per ServiceTitan call, this process, {args.calls} calls × {args.rounds} rounds (median)")
    for key, name in names.items():
        value = statistics.median(runs[key])
        print(f"  {name:<38} {value:6.3f} ms  ({value / shipped:4.2f}× the shipped client)")


if __name__ == "__main__":
    asyncio.run(main())
