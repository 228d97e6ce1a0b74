#!/usr/bin/env python3
"""Checks a soak or load driver's report against the mock's counters; prints one summary line.

    check.py soak LANG ORIGIN LOG EXIT_CODE
    check.py load LANG ORIGIN LOG EXIT_CODE

Soak checks (exit 1 on any failure):
  - the driver exited 0, printed its SOAK line, no thread panicked, no walk check failed;
  - every walk completed: the records of every walk were exactly the mock's ids, in order, with
    every failed walk resumed from its cursor to the end (walks == walks_completed);
  - POST /workflow/runs: no config_id (one per call) was sent twice (429-refused attempts, safe to
    send again, not counted), and the mock saw no more calls than the driver made;
  - streaming: accepted + failed == sent in the driver; every event the driver saw accepted is in
    the mock (unique accepted >= accepted), nothing the driver did not send (unique <= sent);
    duplicates (a retry after a cut connection) are reported, not failed;
  - resident memory grew at most 2 MiB from the end of the warm-up to the end (for Kotlin and
    Python from the end of their runtime's own warm-up, and only in runs long enough to have one:
    see RUNTIME_WARMUP_S), open fds at most 2
    (connections of the pool that a cut connection replaced may be in flight) and threads not at all;
  - the mock injected faults.
Load checks: ops/s at 64 threads >= 0.9 x ops/s at 8 (a 10% margin for measurement noise), and
no errors.
"""
import json
import sys
import urllib.request

RSS_LIMIT_KB = 2048
# A runtime's own warm-up, in seconds from the start of the driver. The JVM's resident memory
# grows for minutes with JIT-compiled code and metaspace, with a fixed, pre-touched heap: in a
# 30-minute soak 287 MiB at 1 minute, 294 at 4, 297 at 7, then 297-299 to the end. CPython's
# grows for about a minute with its allocator's arenas: 49.4 MiB at 10 s, 53-54 at 60 s, then
# 53-55 over 30 minutes. Rust and C stay flat from the start. So for Kotlin and Python the
# samples of the warm-up are left out, and the growth is checked only when at least
# RUNTIME_CHECKED_S seconds of samples follow it; a shorter run (CI's 60 s) prints it.
RUNTIME_WARMUP_S = {"kotlin": 480, "python": 120}
RUNTIME_CHECKED_S = 600
FD_SLACK = 2


def mock(origin, path):
    with urllib.request.urlopen(origin + path, timeout=10) as r:
        return json.loads(r.read())


def report(log, tag):
    found = []
    for line in open(log, encoding="utf-8", errors="replace"):
        if line.startswith(tag + " "):
            found.append(json.loads(line[len(tag) + 1:]))
    return found


def soak(lang, origin, log, code):
    problems = []
    reps = report(log, "SOAK")
    if code != 0:
        problems.append(f"driver exit code {code}")
    if not reps:
        print(f"soak {lang}: FAIL no SOAK line in {log} ({'; '.join(problems)})")
        return 1
    r = reps[-1]
    chaos = mock(origin, "/__mock/chaos")["stats"]
    posts = mock(origin, "/__mock/workflow-posts")
    stream = mock(origin, "/__mock/streams")["streams"].get(r["stream_id"], {"accepted": 0, "duplicates": 0})
    if r["panics"]:
        problems.append(f"{r['panics']} threads panicked")
    for f in r["failures"]:
        problems.append(f)
    if r["walks_completed"] != r["walks"] or r["walks"] == 0:
        problems.append(f"walks {r['walks_completed']} completed of {r['walks']}")
    if posts["max_per_config_id"] > 1:
        problems.append(f"POST /workflow/runs sent twice for one call: {posts['repeated'][:5]}")
    if posts["config_ids"] > r["run_calls"]:
        problems.append(f"the mock saw {posts['config_ids']} run calls, the driver made {r['run_calls']}")
    if r["run_ok"] > posts["config_ids"]:
        problems.append(f"{r['run_ok']} runs started but the mock saw {posts['config_ids']} calls")
    unique = stream["accepted"] - stream["duplicates"]
    if r["stream_ok"] + r["stream_failed"] != r["stream_sent"]:
        problems.append(f"stream: {r['stream_ok']} accepted + {r['stream_failed']} failed != {r['stream_sent']} sent")
    if unique < r["stream_ok"]:
        problems.append(f"stream: lost events: the driver saw {r['stream_ok']} accepted, the mock has {unique}")
    if unique > r["stream_sent"]:
        problems.append(f"stream: the mock has {unique} distinct events, {r['stream_sent']} were sent")
    rss, fds, threads = r["rss_kb"], r["fds"], r["os_threads"]
    check_rss = lang not in RUNTIME_WARMUP_S
    if r.get("samples"):
        # The median of the first third of the samples and of the last third: a connection or a
        # helper thread that comes and goes moves neither, a leak raises the second. Samples
        # are one a second from the end of the driver's warm-up (SECONDS / 6, at most 60 s).
        s = r["samples"]
        med = lambda xs: sorted(xs)[len(xs) // 2]
        thirds = lambda s: (s[: (len(s) + 2) // 3], s[-((len(s) + 2) // 3):])
        first, last = thirds(s)
        fds, threads = ([med([x[i] for x in first]), med([x[i] for x in last])] for i in (1, 2))
        if lang in RUNTIME_WARMUP_S:
            skip = max(0, RUNTIME_WARMUP_S[lang] - min(60, int(r["seconds"]) // 6))
            check_rss = len(s) - skip >= RUNTIME_CHECKED_S
            if check_rss:
                first, last = thirds(s[skip:])
        rss = [med([x[0] for x in first]), med([x[0] for x in last])]
    if rss[1] - rss[0] > RSS_LIMIT_KB and check_rss:
        problems.append(f"RSS grew {rss[1] - rss[0]} KiB (limit {RSS_LIMIT_KB})")
    if fds[1] > fds[0] + FD_SLACK:
        problems.append(f"open fds grew {fds[0]} -> {fds[1]}")
    if threads[1] > threads[0]:
        problems.append(f"threads grew {threads[0]} -> {threads[1]}")
    if chaos["injected"] == 0:
        problems.append("the mock injected no faults")
    status = "PASS" if not problems else "FAIL"
    kinds = ",".join(f"{k}:{v}" for k, v in sorted(r["error_kinds"].items()))
    print(
        f"soak {lang}: {status} seconds={r['seconds']:.0f} ops={r['ops']} requests={chaos['requests']} "
        f"faults_injected={chaos['injected']} errors_seen={r['errors_seen']} walks={r['walks']} "
        f"records={r['records']} resumes={r['resumes']} runs={r['run_calls']} "
        f"(ok={r['run_ok']} start_failed={r['run_failed']} wait_failed={r['wait_failed']}) "
        f"run_posts={posts['posts']} (429={posts['refused']}) max_posts_per_call={posts['max_per_config_id']} "
        f"stream_sent={r['stream_sent']} (accepted={r['stream_ok']} failed={r['stream_failed']}) "
        f"mock_unique={unique} duplicates={stream['duplicates']} failed_but_delivered={unique - r['stream_ok']} "
        f"rss_kb={rss[0]}->{rss[1]}{'' if check_rss else ' (not checked: runtime warm-up)'} fds={fds[0]}->{fds[1]} threads={threads[0]}->{threads[1]} "
        f"errors=[{kinds}]"
    )
    for p in problems:
        print(f"  soak {lang}: {p}")
    return 0 if not problems else 1


def load(lang, origin, log, code):
    reps = {r["threads"]: r for r in report(log, "LOAD")}
    problems = []
    if 8 not in reps or 64 not in reps:
        print(f"load {lang}: FAIL missing LOAD lines in {log}")
        return 1
    for t in (8, 64):
        r = reps[t]
        print(
            f"load {lang}: threads={t} ops={r['ops']} ops_per_s={r['ops_per_s']:.0f} p50_ms={r['p50_ms']:.3f} "
            f"p90_ms={r['p90_ms']:.3f} p99_ms={r['p99_ms']:.3f} max_ms={r['max_ms']:.3f} errors={r['errors']}"
        )
        if r["errors"]:
            problems.append(f"{r['errors']} errors at {t} threads")
    ratio = reps[64]["ops_per_s"] / max(reps[8]["ops_per_s"], 1e-9)
    if ratio < 0.9:
        problems.append(f"lock convoy? ops/s at 64 threads is {ratio:.2f} x ops/s at 8 (below 0.9)")
    print(f"load {lang}: {'PASS' if not problems else 'FAIL'} ratio_64_to_8={ratio:.2f}")
    for p in problems:
        print(f"  load {lang}: {p}")
    return 0 if not problems else 1


if __name__ == "__main__":
    what, lang, origin, log, code = sys.argv[1:6]
    sys.exit((soak if what == "soak" else load)(lang, origin, log, int(code)))
