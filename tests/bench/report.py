"""Turns the JSON lines of tests/bench.sh into a markdown report with the machine and date."""
import datetime
import json
import os
import platform
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# The baseline each client's time is compared with: the hand-written client of its language.
BASELINES = {"python": "python-requests", "jvm": "okhttp-jackson", "swift": "swift-urlsession", "native": "rust-core"}


def family(client):
    """The language family of a client name: python, jvm, swift or native (Rust and C)."""
    if client.startswith("python-"):
        return "python"
    if client in ("kotlin-sdk", "okhttp-jackson"):
        return "jvm"
    if client.startswith("swift-"):
        return "swift"
    return "native"


def speedup(by_client, client, baseline):
    """How many times faster `client` walked than `baseline` (median times), or None."""
    a, b = by_client.get(client), by_client.get(baseline)
    if not a or not b or not a["seconds"]:
        return None
    return b["seconds"] / a["seconds"]


def targets(by_client):
    """One line of the SDK-vs-baseline targets of this shape (what is present)."""
    checks = [
        ("python-sdk", "python-requests", 2.0, "Python SDK ≥ 2× requests"),
        ("python-sdk", "python-urllib3", 1.0, "Python SDK faster than urllib3"),
        ("kotlin-sdk", "okhttp-jackson", 1.0, "Kotlin SDK ≥ OkHttp + Jackson"),
        ("swift-sdk", "swift-urlsession", 1.5, "Swift SDK ≥ 1.5× URLSession + JSONDecoder"),
    ]
    parts = []
    for client, baseline, goal, label in checks:
        x = speedup(by_client, client, baseline)
        if x is not None:
            parts.append(f"{label}: {x:.2f}× ({'met' if x >= goal else 'not met'})")
    return "; ".join(parts)


def main(path, out_dir=None):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    walks = [r for r in rows if "pages" in r]
    extra = [r for r in rows if "pages" not in r]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("# Benchmark report\n")
    print(f"- Date: {now}")
    print(f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print("- Server: bundled mock (`amperity-mock`), pinned to CPU 1; clients pinned to CPU 0")
    print("- Seconds: median of the repeated walks; CPU: client user+system time per walk")
    print("- Each client in its own process; Python and JVM clients build their client once, warm up "
          "(Python: one walk of 5 pages; JVM: 3 walks of up to 200 pages, heap -Xms64m -Xmx256m), then time the walks")
    print("- Time vs baseline: median walk time over the baseline's of the same language "
          "(Rust core for Rust and C, `python-requests` for Python, `okhttp-jackson` for the JVM, `swift-urlsession` for Swift); below 1.00x is faster\n")
    shapes = []
    for r in walks:
        key = (r["pages"], r["limit"])
        if key not in shapes:
            shapes.append(key)
    for pages, limit in shapes:
        group = [r for r in walks if (r["pages"], r["limit"]) == (pages, limit)]
        by_client = {r["client"]: r for r in group}
        print(f"## {pages} pages x {limit} records\n")
        print("| client | pages/s | records/s | CPU ms/page | peak RSS MiB | RSS growth KiB (first→last page) | baseline | time vs baseline |")
        print("|---|---:|---:|---:|---:|---:|---|---:|")
        for r in group:
            secs = r["seconds"]
            pps = r["pages"] / secs if secs else float("inf")
            rps = r["records"] / secs if secs else float("inf")
            cpu_ms = 1000 * r["cpu_seconds"] / r["pages"]
            rss = r.get("rss_by_page") or []
            growth = (rss[-1][1] - rss[0][1]) if len(rss) >= 2 else 0
            baseline = BASELINES[family(r["client"])]
            ref = by_client.get(baseline)
            ratio = f"{secs / ref['seconds']:.2f}x" if ref and ref["seconds"] else "-"
            print(f"| {r['client']} | {pps:,.0f} | {rps:,.0f} | {cpu_ms:.3f} | {r['peak_rss_kib'] / 1024:.1f} | {growth} | {baseline} | {ratio} |")
        print()
        line = targets(by_client)
        if line:
            print(f"- Targets (speed-up, median times): {line}\n")
    if extra:
        print("## Other measurements\n")
        for r in extra:
            if r.get("shape") == "construct":
                print(f"- {r['client']}: client construction {r['micros_per_client']:.1f} µs")
            elif r.get("shape") == "size":
                print(f"- native library `libamperity.so`, stripped: {r['stripped_bytes'] / 1e6:.2f} MB")
            else:
                print(f"- {json.dumps(r)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
