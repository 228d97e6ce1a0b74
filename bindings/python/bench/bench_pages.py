"""Benchmark: walk 200 pages of 100 segments from the bundled mock server.

Compares, in one run against the same server, the SDK (typed ``Segment`` items) with
``requests.Session``, ``urllib3.PoolManager`` and ``httpx.Client`` (plus ``json``, items as
dicts), and the boundary-crossing designs of the uniffi layer:

- ``ffi-records``: ``next_page()`` lifting uniffi ``Segment`` records in generated Python;
- ``ffi-json-dicts``: ``next_page_json()`` + ``json.loads`` (dicts, no typed objects);
- ``sdk``: the shipped path, ``next_page_json()`` + ``json.loads`` + ``__slots__`` objects.

This is a benchmark, not a test: it prints figures and asserts nothing. Usage::

    python bench/bench_pages.py [--mock PATH] [--pages 200] [--limit 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional

import amperity
from amperity._native import amperity as ffi

TOKEN = "mock-token"
TENANT = "acme"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Amperity-Tenant": TENANT, "api-version": "2024-04-01"}


def start_mock(path: str, segments: int) -> "tuple[subprocess.Popen, str]":
    proc = subprocess.Popen(
        [path, "--segments", str(segments)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    origin = proc.stdout.readline().strip()
    if not origin.startswith("http"):
        proc.kill()
        raise SystemExit(f"mock server did not start: {origin!r}")
    return proc, origin


def walk_sdk(base: str, pages: int, limit: int) -> int:
    client = amperity.Client(TENANT, token=TOKEN, base_url=base, rate_limit=None)
    n = 0
    for page in client.segments.list(limit=limit).pages():
        n += len(page.items)
        assert isinstance(page.items[0], amperity.Segment)
        pages -= 1
        if pages == 0:
            break
    return n


def walk_sdk_items(base: str, pages: int, limit: int) -> int:
    client = amperity.Client(TENANT, token=TOKEN, base_url=base, rate_limit=None)
    n = 0
    stop = pages * limit
    for segment in client.segments.list(limit=limit):
        n += 1
        if n == stop:
            break
    return n


def _native_pager(base: str, limit: int):
    config = ffi.ClientConfig(tenant=TENANT, token=TOKEN, base_url=base, rate_limit_per_second=None)
    return ffi.Client(config).list_segments(ffi.PageOptions(limit=limit))


def walk_ffi_records(base: str, pages: int, limit: int) -> int:
    pager = _native_pager(base, limit)
    n = 0
    for _ in range(pages):
        page = pager.next_page()
        if page is None:
            break
        n += len(page.items)
    return n


def walk_ffi_json_dicts(base: str, pages: int, limit: int) -> int:
    pager = _native_pager(base, limit)
    n = 0
    for _ in range(pages):
        page = pager.next_page_json()
        if page is None:
            break
        n += len(json.loads(page.items_json))
    return n


def walk_requests(base: str, pages: int, limit: int) -> int:
    import requests

    session = requests.Session()
    session.headers.update(HEADERS)
    n, token = 0, None
    for _ in range(pages):
        params = {"limit": limit}
        if token:
            params["next_token"] = token
        r = session.get(base + "/segments", params=params)
        r.raise_for_status()
        body = json.loads(r.content)
        n += len(body["data"])
        token = body.get("next_token")
        if not token:
            break
    return n


def walk_urllib3(base: str, pages: int, limit: int) -> int:
    import urllib3

    pool = urllib3.PoolManager(headers=HEADERS)
    n, token = 0, None
    for _ in range(pages):
        fields = {"limit": str(limit)}
        if token:
            fields["next_token"] = token
        r = pool.request("GET", base + "/segments", fields=fields)
        if r.status != 200:
            raise RuntimeError(r.status)
        body = json.loads(r.data)
        n += len(body["data"])
        token = body.get("next_token")
        if not token:
            break
    return n


def walk_httpx(base: str, pages: int, limit: int) -> int:
    import httpx

    with httpx.Client(headers=HEADERS) as client:
        n, token = 0, None
        for _ in range(pages):
            params = {"limit": limit}
            if token:
                params["next_token"] = token
            r = client.get(base + "/segments", params=params)
            r.raise_for_status()
            body = json.loads(r.content)
            n += len(body["data"])
            token = body.get("next_token")
            if not token:
                break
        return n


def available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_mock = os.environ.get("AMPERITY_MOCK", "target/release/amperity-mock")
    parser.add_argument("--mock", default=default_mock, help="path of the amperity-mock binary")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per client")
    args = parser.parse_args(argv)

    clients: Dict[str, Callable[[str, int, int], int]] = {
        "sdk (typed pages)": walk_sdk,
        "sdk (typed items)": walk_sdk_items,
        "ffi-records": walk_ffi_records,
        "ffi-json-dicts": walk_ffi_json_dicts,
    }
    if available("requests"):
        clients["requests+json"] = walk_requests
    if available("urllib3"):
        clients["urllib3+json"] = walk_urllib3
    if available("httpx"):
        clients["httpx+json"] = walk_httpx

    segments = max(20000, args.pages * args.limit)
    proc, origin = start_mock(args.mock, segments)
    base = origin + "/api"
    expected = args.pages * args.limit
    try:
        for fn in clients.values():  # warm-up: connections, imports, caches
            fn(base, 5, args.limit)
        times: Dict[str, List[float]] = {name: [] for name in clients}
        for _ in range(args.rounds):
            for name, fn in clients.items():
                start = time.perf_counter()
                count = fn(base, args.pages, args.limit)
                times[name].append(time.perf_counter() - start)
                if count != expected:
                    raise SystemExit(f"{name}: walked {count} items, expected {expected}")
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)

    print(f"{args.pages} pages x {args.limit} segments, {args.rounds} rounds, Python {sys.version.split()[0]}")
    print(f"{'client':<22}{'best pages/s':>14}{'median pages/s':>16}{'median ms/page':>16}")
    rates = {}
    for name, samples in times.items():
        best, median = min(samples), statistics.median(samples)
        rates[name] = args.pages / median
        print(f"{name:<22}{args.pages / best:>14.0f}{args.pages / median:>16.0f}{median / args.pages * 1000:>16.3f}")
    sdk = rates["sdk (typed items)"]
    for baseline in ("requests+json", "urllib3+json", "httpx+json"):
        if baseline in rates:
            print(f"sdk (typed items) / {baseline}: {sdk / rates[baseline]:.2f}x (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
