"""Walks segment pages from a running mock server with one Python client and prints one JSON line.

    python_clients.py CLIENT BASE_URL PAGES LIMIT REPEATS

CLIENT is ``python-sdk`` (the ``amperity`` package, pages of typed ``amperity.Segment`` items;
``python-sdk-read-ahead`` with ``read_ahead=True``; ``python-sdk-items`` item by item),
``python-requests`` (``requests.Session`` + ``json.loads``), ``python-urllib3``
(``urllib3.PoolManager`` + ``json.loads``) or ``python-httpx`` (``httpx.Client`` + ``json.loads``);
the three baselines keep items as dicts. The line has the shape of tests/bench/src/main.rs and
tests/bench/c_bench.c: ``seconds`` is the median of REPEATS walks of exactly PAGES pages,
``cpu_seconds`` the process's user+system CPU per walk, ``peak_rss_kib`` its VmHWM and
``rss_by_page`` VmHWM at pages 1, 2, 4, 8, ... and the last page (of the last walk),
``touched_bytes`` the characters of each record's id and name that the last walk read: every
client reads both (``segment.id``, ``record["id"]``), so no walk skips work another does.

Each client is built once per process (like the C bench): a walk is a fresh pagination from the
first page over the same connection pool. One warm-up walk of a few pages runs before timing
(imports, connections, caches). A benchmark, not a test: it asserts only that every walk saw
PAGES * LIMIT records. Run by tests/bench.sh with the venv that tests/python.sh builds.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

TOKEN = "mock-token"
TENANT = "acme"
HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "amperity-tenant": TENANT,
    "api-version": "2024-04-01",
    "Accept": "application/json",
}
WARMUP_PAGES = 5

# A walk: (pages, limit, checkpoints to fill) -> (records walked, characters of id and name read).
Walk = Callable[[int, int, List[Tuple[int, int]]], Tuple[int, int]]


def peak_rss_kib() -> int:
    """VmHWM of this process in KiB (ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds() -> float:
    """User + system CPU seconds of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# BENCH_WORK_MS: the caller's own work per page (the latency shape), slept after each page.
WORK_SECONDS = float(os.environ.get("BENCH_WORK_MS", "0")) / 1000


def checkpoint(n: int, pages: int, checkpoints: List[Tuple[int, int]]) -> None:
    if n & (n - 1) == 0 or n == pages:
        checkpoints.append((n, peak_rss_kib()))
    if WORK_SECONDS:
        time.sleep(WORK_SECONDS)


def touch(records: List[Dict[str, Any]]) -> int:
    """The characters of each record's id and name: what every walk reads of each record."""
    return sum(len(record["id"]) + len(record["name"]) for record in records)


def sdk_walker(base: str, read_ahead: bool = False, by_item: bool = False) -> Walk:
    """The SDK walked by pages (``.pages()``, typed ``page.items``) or, with ``by_item``, item by
    item (``for segment in client.segments.list(...)``, as most callers write it, reading each
    item's ``id`` and ``name``)."""
    import amperity

    client = amperity.Client(TENANT, token=TOKEN, base_url=base, rate_limit=None)

    def check(item: object) -> None:
        if not isinstance(item, amperity.Segment):
            raise SystemExit(f"python-sdk: items are {type(item)}, not amperity.Segment")

    def walk_pages(pages: int, limit: int, checkpoints: List[Tuple[int, int]]) -> Tuple[int, int]:
        records = touched = 0
        # zip stops on the range first: exactly `pages` pages are fetched, never one more.
        for n, page in zip(range(1, pages + 1), client.segments.list(limit=limit, read_ahead=read_ahead).pages()):
            items = page.items
            if n == 1:
                check(items[0])
            records += len(items)
            for segment in items:
                touched += len(segment.id) + len(segment.name)
            checkpoint(n, pages, checkpoints)
        return records, touched

    def walk_items(pages: int, limit: int, checkpoints: List[Tuple[int, int]]) -> Tuple[int, int]:
        records = touched = 0
        # The same for items: exactly `pages * limit` items, never a page more.
        for records, segment in zip(range(1, pages * limit + 1), client.segments.list(limit=limit, read_ahead=read_ahead)):
            if records == 1:
                check(segment)
            touched += len(segment.id) + len(segment.name)
            if records % limit == 0:
                checkpoint(records // limit, pages, checkpoints)
        return records, touched

    return walk_items if by_item else walk_pages


def requests_walker(base: str) -> Walk:
    import requests

    session = requests.Session()
    session.headers.update(HEADERS)
    url = base + "/segments"

    def walk(pages: int, limit: int, checkpoints: List[Tuple[int, int]]) -> Tuple[int, int]:
        records, touched, token = 0, 0, None
        for n in range(1, pages + 1):
            params = {"limit": str(limit)}
            if token:
                params["next_token"] = token
            response = session.get(url, params=params)
            response.raise_for_status()
            body = json.loads(response.content)
            records += len(body["data"])
            touched += touch(body["data"])
            token = body.get("next_token")
            checkpoint(n, pages, checkpoints)
            if not token:
                break
        return records, touched

    return walk


def urllib3_walker(base: str) -> Walk:
    import urllib3

    pool = urllib3.PoolManager(headers=HEADERS)
    url = base + "/segments"

    def walk(pages: int, limit: int, checkpoints: List[Tuple[int, int]]) -> Tuple[int, int]:
        records, touched, token = 0, 0, None
        for n in range(1, pages + 1):
            fields = {"limit": str(limit)}
            if token:
                fields["next_token"] = token
            response = pool.request("GET", url, fields=fields)
            if response.status != 200:
                raise SystemExit(f"python-urllib3: HTTP {response.status}")
            body = json.loads(response.data)
            records += len(body["data"])
            touched += touch(body["data"])
            token = body.get("next_token")
            checkpoint(n, pages, checkpoints)
            if not token:
                break
        return records, touched

    return walk


def httpx_walker(base: str) -> Walk:
    import httpx

    client = httpx.Client(headers=HEADERS)
    url = base + "/segments"

    def walk(pages: int, limit: int, checkpoints: List[Tuple[int, int]]) -> Tuple[int, int]:
        records, touched, token = 0, 0, None
        for n in range(1, pages + 1):
            params = {"limit": str(limit)}
            if token:
                params["next_token"] = token
            response = client.get(url, params=params)
            response.raise_for_status()
            body = json.loads(response.content)
            records += len(body["data"])
            touched += touch(body["data"])
            token = body.get("next_token")
            checkpoint(n, pages, checkpoints)
            if not token:
                break
        return records, touched

    return walk


CLIENTS = {
    "python-sdk": sdk_walker,
    "python-sdk-read-ahead": lambda base: sdk_walker(base, read_ahead=True),
    "python-sdk-items": lambda base: sdk_walker(base, by_item=True),
    "python-requests": requests_walker,
    "python-urllib3": urllib3_walker,
    "python-httpx": httpx_walker,
}


def stream_shape(origin: str, events: int) -> int:
    """The streaming shape: EVENTS events through one sender (default options, the client's
    default 1000 requests/s); one JSON line with the wall time and the process CPU."""
    import amperity

    client = amperity.StreamClient(TENANT, "mock-stream-token", base_url=origin)
    start, cpu0 = time.perf_counter(), cpu_seconds()
    with client.sender("is-bench-python") as sender:
        for n in range(events):
            sender.send(f'{{"event_id":"ev-{n}","type":"page_view","n":{n}}}')
    report = sender.report
    assert report is not None
    line = {
        "client": "python-sdk-stream",
        "shape": "stream",
        "events": events,
        "accepted": report.accepted,
        "failed": len(report.failed),
        "retried": report.retried,
        "seconds": round(time.perf_counter() - start, 4),
        "cpu_seconds": round(cpu_seconds() - cpu0, 4),
        "peak_rss_kib": peak_rss_kib(),
    }
    print(json.dumps(line, separators=(",", ":")))
    return 0


def main(argv: List[str]) -> int:
    if len(argv) == 3 and argv[0] == "python-sdk-stream":
        return stream_shape(argv[1], int(argv[2]))
    if len(argv) != 5 or argv[0] not in CLIENTS:
        print(f"usage: python_clients.py {'|'.join(CLIENTS)} BASE_URL PAGES LIMIT REPEATS", file=sys.stderr)
        return 2
    name, base = argv[0], argv[1]
    pages, limit, repeats = int(argv[2]), int(argv[3]), max(1, int(argv[4]))
    walk = CLIENTS[name](base)
    walk(min(WARMUP_PAGES, pages), limit, [])  # warm-up: imports, connection, caches

    checkpoints: List[Tuple[int, int]] = []
    times = []
    records = touched = 0
    expected = pages * limit
    cpu0 = cpu_seconds()
    for _ in range(repeats):
        checkpoints.clear()
        start = time.perf_counter()
        records, touched = walk(pages, limit, checkpoints)
        times.append(time.perf_counter() - start)
        if records != expected:
            raise SystemExit(f"{name}: walked {records} records, expected {expected}")
    cpu = (cpu_seconds() - cpu0) / repeats
    seconds = sorted(times)[len(times) // 2]  # the median as the Rust and C benches take it
    line = {
        "client": name,
        "repeats": repeats,
        "pages": pages,
        "limit": limit,
        "records": records,
        "seconds": round(seconds, 6),
        "cpu_seconds": round(cpu, 4),
        "peak_rss_kib": peak_rss_kib(),
        "rss_by_page": [list(c) for c in checkpoints],
        "touched_bytes": touched,
    }
    print(json.dumps(line, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
