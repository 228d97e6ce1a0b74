"""Blocking calls release the GIL: two threads walking pages make progress together."""

from __future__ import annotations

import threading
import time
from typing import List, Tuple

import amperity


def _walk(client: amperity.Client, intervals: List[Tuple[float, float]], pages: int) -> None:
    paginator = client.segments.list(limit=50)
    for _ in range(pages):
        start = time.monotonic()
        page = paginator.next_page()
        intervals.append((start, time.monotonic()))
        assert page is not None and len(page) == 50


def test_two_threads_overlap(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,delay_ms=300,count=0")
    intervals: List[List[Tuple[float, float]]] = [[], []]
    threads = [threading.Thread(target=_walk, args=(client, intervals[i], 3)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(len(i) == 3 for i in intervals)
    overlaps = [
        (a, b) for a in intervals[0] for b in intervals[1] if a[0] < b[1] and b[0] < a[1]
    ]
    assert overlaps, f"no page fetch of one thread overlapped the other: {intervals}"


def test_python_runs_while_a_call_blocks(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,delay_ms=500")
    ticks = 0
    done = threading.Event()

    def fetch() -> None:
        client.segments.list(limit=1).next_page()
        done.set()

    worker = threading.Thread(target=fetch)
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.01)
    worker.join()
    assert ticks >= 10


def test_one_client_many_threads(client: amperity.Client) -> None:
    results: List[int] = []
    lock = threading.Lock()

    def count() -> None:
        n = sum(1 for _ in client.segments.list(limit=200))
        with lock:
            results.append(n)

    threads = [threading.Thread(target=count) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [1234] * 4
