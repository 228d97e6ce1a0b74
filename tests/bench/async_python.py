"""The async benchmark of issue 27: 1000 ``get`` calls (``GET /workflow/runs/{id}``), 16 in
flight, against the mock answering after 20 ms, client-side rate limiter off:
``amperity.AsyncClient`` against ``httpx.AsyncClient`` and ``aiohttp`` (each sending the same
headers and decoding the JSON). Each client runs ``--rounds`` times in turn; the report gives each
client's median round: throughput (calls/s) and CPU per call (process CPU time: the event loop
and every thread of the process, the SDK's pool and native code included; the mock is another
process).

Usage: python async_python.py BASE_URL [--calls 1000] [--in-flight 16] [--rounds 3]
(tests/bench/async_python.sh starts the mock and runs it.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import aiohttp
import httpx

import amperity

HEADERS = {"Authorization": "Bearer mock-token", "Amperity-Tenant": "acme", "api-version": "2024-04-01"}


async def timed(calls: int, in_flight: int, get: Callable[[], Awaitable[Any]]) -> Tuple[float, float]:
    """Runs ``calls`` gets with at most ``in_flight`` at once: (calls per second, CPU µs per call)."""
    gate = asyncio.Semaphore(in_flight)

    async def one() -> None:
        async with gate:
            await get()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return calls / wall, cpu / calls * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")

    sdk = amperity.AsyncClient("acme", token="mock-token", base_url=base, rate_limit=None, max_workers=args.in_flight)
    page = await sdk.workflow_runs.list(limit=1).next_page()
    assert page is not None and page.items
    run_id = page.items[0].id
    url = f"{base}/workflow/runs/{run_id}"
    hx = httpx.AsyncClient(headers=HEADERS, limits=httpx.Limits(max_connections=args.in_flight))
    aio = aiohttp.ClientSession(headers=HEADERS, connector=aiohttp.TCPConnector(limit=args.in_flight))

    async def sdk_get() -> None:
        run = await sdk.workflow_runs.get(run_id)
        assert run.id == run_id

    async def httpx_get() -> None:
        response = await hx.get(url)
        response.raise_for_status()
        assert json.loads(response.content)["id"] == run_id

    async def aiohttp_get() -> None:
        async with aio.get(url) as response:
            response.raise_for_status()
            assert json.loads(await response.read())["id"] == run_id

    clients: Dict[str, Callable[[], Awaitable[None]]] = {
        "amperity.AsyncClient": sdk_get,
        "httpx.AsyncClient": httpx_get,
        "aiohttp": aiohttp_get,
    }
    for get in clients.values():  # warm-up: connections, token, imports
        await asyncio.gather(*(get() for _ in range(args.in_flight)))
    results: Dict[str, List[Tuple[float, float]]] = {name: [] for name in clients}
    for _ in range(args.rounds):
        for name, get in clients.items():
            results[name].append(await timed(args.calls, args.in_flight, get))
    print(f"async get: {args.calls} calls, {args.in_flight} in flight, median of {args.rounds} rounds")
    for name, rounds in results.items():
        rate = statistics.median(r[0] for r in rounds)
        cpu = statistics.median(r[1] for r in rounds)
        print(f"  {name:22} {rate:7.0f} calls/s  {cpu:6.0f} µs CPU per call")
    await hx.aclose()
    await aio.close()
    sdk.close()


if __name__ == "__main__":
    asyncio.run(main())
