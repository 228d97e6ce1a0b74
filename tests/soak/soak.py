"""The Python soak and load drivers (the scenario is in tests/soak/README.md).

    python soak.py soak ORIGIN SECONDS IDS_DIR
    python soak.py load ORIGIN SECONDS THREADS

Prints one line, ``SOAK {json}`` or ``LOAD {json}``, which tests/soak/check.py checks.
"""
import json
import os
import sys
import threading
import time
import traceback

import amperity

THREADS = 8
PAGE = 500
LANG = "python"


def sample():
    rss = threads = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir("/proc/self/fd")), threads


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = dict.fromkeys(
            "ops walks walks_completed records resumes errors_seen run_calls run_ok run_failed "
            "wait_ok wait_failed stream_sent stream_ok stream_failed".split(), 0)
        self.kinds = {}
        self.failures = []

    def add(self, key, n=1):
        with self.lock:
            self.c[key] += n

    def error(self, e):
        name = type(e).__name__
        status = getattr(e, "status", None)
        if status:
            name += str(status)
        with self.lock:
            self.c["errors_seen"] += 1
            self.kinds[name] = self.kinds.get(name, 0) + 1

    def fail(self, what):
        with self.lock:
            if len(self.failures) < 20:
                self.failures.append(what)


def walk(stats, expected, what, pager_at, ident):
    stats.add("walks")
    pos = 0
    pager = pager_at(None)
    resumes = 0
    while True:
        try:
            page = pager.next_page()
        except amperity.AmperityError as e:
            stats.error(e)
            resumes += 1
            if resumes > 100:
                stats.fail(f"{what}: more than 100 resumes ({e})")
                return
            stats.add("resumes")
            cursor = pager.resume_cursor
            if cursor is None and pos != 0:
                stats.fail(f"{what}: no resume cursor at record {pos} after {e}")
                return
            pager = pager_at(cursor)
            continue
        if page is None:
            break
        for item in page.items:
            got = ident(item)
            if pos >= len(expected) or expected[pos] != got:
                stats.fail(f"{what}: record {pos} is {got}, expected {expected[pos] if pos < len(expected) else None}")
                return
            pos += 1
        stats.add("records", len(page.items))
    if pos != len(expected):
        stats.fail(f"{what}: walk ended at record {pos} of {len(expected)}")
        return
    stats.add("walks_completed")


def soak(origin, seconds, ids_dir):
    with open(os.path.join(ids_dir, "segments.txt")) as f:
        segments = f.read().split()
    with open(os.path.join(ids_dir, "audit-events.txt")) as f:
        audit = f.read().split()
    client = amperity.Client(
        "acme", token="mock-token", base_url=origin + "/api", rate_limit=None,
        connect_timeout=2, request_timeout=1, max_attempts=4, initial_backoff=0.01,
        max_backoff=0.1, max_retry_after=2)
    streams = amperity.StreamClient(
        "acme", "mock-stream-token", base_url=origin, rate_limit=None, connect_timeout=2,
        request_timeout=1, max_attempts=4)
    stats = Stats()
    stop = threading.Event()
    start = time.monotonic()
    deadline = start + seconds
    panics = [0]

    def worker(t):
        n = 0
        try:
            while not stop.is_set():
                op = (n + t) % 4
                if op == 0:
                    walk(stats, segments, "segments",
                         lambda c: client.segments.list(limit=PAGE, cursor=c), lambda s: s.id)
                elif op == 1:
                    walk(stats, audit, "audit-events",
                         lambda c: client.audit_events.list(limit=PAGE, cursor=c), lambda e: e.event_id)
                elif op == 2:
                    stats.add("run_calls")
                    try:
                        run = client.workflow_runs.run(f"cg-soak-{LANG}-{t}-{n}")
                    except amperity.AmperityError as e:
                        stats.error(e)
                        stats.add("run_failed")
                    else:
                        stats.add("run_ok")
                        try:
                            client.workflow_runs.wait(run.id, poll_interval=0.02, timeout=60)
                            stats.add("wait_ok")
                        except amperity.AmperityError as e:
                            stats.error(e)
                            stats.add("wait_failed")
                else:
                    for k in range(25):
                        event = {"lang": LANG, "thread": t, "op": n, "k": k}
                        stats.add("stream_sent")
                        try:
                            streams.send_json("soak-python", event)
                            stats.add("stream_ok")
                        except amperity.AmperityError as e:
                            stats.error(e)
                            stats.add("stream_failed")
                stats.add("ops")
                n += 1
        except BaseException:
            traceback.print_exc()
            with stats.lock:
                panics[0] += 1

    workers = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    for w in workers:
        w.start()
    # Warm-up, then a sample a second; reported: the highest of the first and of the last third.
    time.sleep(min(max(seconds // 6, 1), 60))
    samples = [sample()]
    while time.monotonic() + 1 < deadline:
        time.sleep(1)
        samples.append(sample())
    time.sleep(max(0.0, deadline - time.monotonic()))
    samples.append(sample())
    third = (len(samples) + 2) // 3
    first = [max(x[i] for x in samples[:third]) for i in range(3)]
    last = [max(x[i] for x in samples[-third:]) for i in range(3)]
    stop.set()
    for w in workers:
        w.join()
    report = dict(stats.c)
    report.update(
        lang=LANG, seconds=time.monotonic() - start, threads=THREADS, error_kinds=stats.kinds,
        stream_id="soak-python", rss_kb=[first[0], last[0]], fds=[first[1], last[1]],
        os_threads=[first[2], last[2]], samples=samples, panics=panics[0], failures=stats.failures)
    print("SOAK " + json.dumps(report), flush=True)


def load(origin, seconds, threads):
    client = amperity.Client("acme", token="mock-token", base_url=origin + "/api", rate_limit=None)
    run_id = next(iter(client.workflow_runs.list(limit=1))).id
    stop = threading.Event()
    lats = []
    errors = [0]
    lock = threading.Lock()

    def worker():
        mine = []
        bad = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                client.workflow_runs.get(run_id)
            except amperity.AmperityError:
                bad += 1
            mine.append(time.perf_counter() - t0)
        with lock:
            lats.extend(mine)
            errors[0] += bad

    start = time.monotonic()
    ws = [threading.Thread(target=worker) for _ in range(threads)]
    for w in ws:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in ws:
        w.join()
    elapsed = time.monotonic() - start
    lats.sort()

    def pct(p):
        return lats[min(int(len(lats) * p), len(lats) - 1)] * 1000 if lats else 0.0

    print("LOAD " + json.dumps(dict(
        lang=LANG, threads=threads, seconds=elapsed, ops=len(lats), errors=errors[0],
        ops_per_s=len(lats) / elapsed, p50_ms=pct(0.5), p90_ms=pct(0.9), p99_ms=pct(0.99),
        max_ms=lats[-1] * 1000 if lats else 0.0)), flush=True)


if __name__ == "__main__":
    mode, origin, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "soak":
        soak(origin, secs, sys.argv[4])
    else:
        load(origin, secs, int(sys.argv[4]))
