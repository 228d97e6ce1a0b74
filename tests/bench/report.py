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


def python_report(out_dir):
    """The table printed by bindings/python/bench/bench_pages.py, as markdown."""
    path = os.path.join(out_dir, "python.txt") if out_dir else None
    if not path or not os.path.exists(path):
        return
    lines = open(path).read().splitlines()
    print(f"## Python clients ({lines[0]})\n" if lines else "## Python clients\n")
    print("| client | best pages/s | median pages/s | median ms/page |")
    print("|---|---:|---:|---:|")
    for line in lines[2:]:
        parts = line.rsplit(None, 3)
        if len(parts) == 4 and all(p.replace(".", "", 1).isdigit() for p in parts[1:]):
            print(f"| {parts[0].strip()} | {parts[1]} | {parts[2]} | {parts[3]} |")
    print()
    for line in lines:
        if line.startswith("sdk (typed items) /"):
            print(f"- {line}")
    print()


def kotlin_report(out_dir):
    """The lines printed by bindings/kotlin/bench/run.sh, as markdown."""
    path = os.path.join(out_dir, "kotlin.txt") if out_dir else None
    if not path or not os.path.exists(path):
        return
    print("## Kotlin clients (JVM, 200 pages x 100 segments)\n")
    print("| client | median pages/s | best | worst |")
    print("|---|---:|---:|---:|")
    ratio = None
    for line in open(path).read().splitlines():
        if " median " in line and "pages/s" in line:
            name, rest = line.split(" median ", 1)
            nums = [w for w in rest.replace("pages/s", "").split() if w.replace(".", "", 1).isdigit()]
            if len(nums) >= 3:
                print(f"| {name.strip()} | {nums[0]} | {nums[1]} | {nums[2]} |")
        if line.startswith("SDK / OkHttp"):
            ratio = line
    print()
    if ratio:
        print(f"- {ratio}\n")


def main(path, out_dir=None):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    walks = [r for r in rows if "pages" in r]
    extra = [r for r in rows if "pages" not in r]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("# Benchmark report\n")
    print(f"- Date: {now}")
    print(f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print("- Server: bundled mock (`amperity-mock`), pinned to CPU 1; clients pinned to CPU 0")
    print("- Seconds: median of the repeated walks; CPU: client user+system time per walk\n")
    shapes = []
    for r in walks:
        key = (r["pages"], r["limit"])
        if key not in shapes:
            shapes.append(key)
    for pages, limit in shapes:
        group = [r for r in walks if (r["pages"], r["limit"]) == (pages, limit)]
        base = {r["client"]: r for r in group}
        ref = base.get("rust-core")
        print(f"## {pages} pages x {limit} records\n")
        print("| client | pages/s | records/s | CPU ms/page | peak RSS MiB | RSS growth KiB (first→last page) | time vs Rust core |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in group:
            secs = r["seconds"]
            pps = r["pages"] / secs if secs else float("inf")
            rps = r["records"] / secs if secs else float("inf")
            cpu_ms = 1000 * r["cpu_seconds"] / r["pages"]
            rss = r.get("rss_by_page") or []
            growth = (rss[-1][1] - rss[0][1]) if len(rss) >= 2 else 0
            ratio = f"{secs / ref['seconds']:.2f}x" if ref and ref["seconds"] else "-"
            print(f"| {r['client']} | {pps:,.0f} | {rps:,.0f} | {cpu_ms:.3f} | {r['peak_rss_kib'] / 1024:.1f} | {growth} | {ratio} |")
        print()
    python_report(out_dir)
    kotlin_report(out_dir)
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
