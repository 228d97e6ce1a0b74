"""Turns the JSON lines of tests/bench.sh into a markdown report with the machine and date."""
import datetime
import json
import os
import platform
import statistics
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
    if client.startswith("kotlin-") or client == "okhttp-jackson":
        return "jvm"
    if client.startswith("swift-"):
        return "swift"
    return "native"


def speedup(by_client, client, baseline):
    """How many times faster `client` walked than `baseline`, or None: the median over the rounds
    both ran of the baseline's time over the client's in the same round (paired, so that a slow
    spell of the machine counts against both); without rounds, their median times."""
    a, b = by_client.get(client), by_client.get(baseline)
    if not a or not b or not a["seconds"]:
        return None
    ra, rb = a.get("round_seconds", {}), b.get("round_seconds", {})
    paired = [rb[k] / ra[k] for k in ra if k in rb and ra[k]]
    if paired:
        return statistics.median(paired)
    return b["seconds"] / a["seconds"]


# Issue 15's targets: (client, baseline, least speed-up, label); the speed-up is the baseline's
# median time over the client's.
SHAPE_TARGETS = [
    ("python-sdk", "python-urllib3", 1.5, "Python SDK ≥ 1.5× urllib3 + json.loads"),
    ("kotlin-sdk", "okhttp-jackson", 1.2, "Kotlin SDK ≥ 1.2× OkHttp + Jackson"),
    ("swift-sdk", "swift-urlsession", 1.5, "Swift SDK ≥ 1.5× URLSession + JSONDecoder"),
    ("c-api", "rust-core", 1 / 1.05, "C ≤ 1.05× the Rust core's time"),
    ("rust-core", "bare-ureq", 1 / 1.05, "Rust core ≤ 1.05× bare ureq + serde_json"),
]

# The latency shape: each SDK with read-ahead against its own sequential walk (≤ 0.6× the time).
READ_AHEAD = [
    ("rust-core-read-ahead", "rust-core"),
    ("c-api-read-ahead", "c-api"),
    ("python-sdk-read-ahead", "python-sdk"),
    ("kotlin-sdk-read-ahead", "kotlin-sdk"),
    ("swift-sdk-read-ahead", "swift-sdk"),
]


def targets(by_client, latency):
    """The targets of one shape that its clients allow checking: (label, value text, met)."""
    out = []
    if latency:
        for client, sequential in READ_AHEAD:
            x = speedup(by_client, client, sequential)
            if x is not None:
                out.append((f"{client} ≤ 0.6× {sequential}'s time", f"{1 / x:.2f}×", 1 / x <= 0.6))
        return out
    for client, baseline, goal, label in SHAPE_TARGETS:
        x = speedup(by_client, client, baseline)
        if x is not None:
            out.append((label, f"{x:.2f}× speed-up" if goal >= 1 else f"{1 / x:.2f}× the time", x >= goal))
    kotlin = by_client.get("kotlin-sdk")
    if kotlin and kotlin["pages"] >= 2000 and len(kotlin.get("rss_by_page") or []) >= 2:
        growth = rss_growth_kib(kotlin)
        out.append(("Kotlin peak RSS growth ≤ 1 MiB over the walk", f"{growth / 1024:.1f} MiB", growth <= 1024))
    return out


LANGUAGES = {"native": "Rust and C", "python": "Python", "jvm": "Kotlin/JVM", "swift": "Swift"}


def touched_lines(group):
    """Per language, the records each client's loop read per second (every walk reads each
    record's id and name), then whether all clients read the same characters of id and name:
    (lines, check), where check is (label, value, met) or None when fewer than two clients say."""
    lines = []
    for fam, language in LANGUAGES.items():
        rates = [f"{r['client']} {r['records'] / r['seconds']:,.0f}"
                 for r in group if family(r["client"]) == fam and r["seconds"]]
        if rates:
            lines.append(f"- Records touched per second (id and name read), {language}: " + ", ".join(rates))
    said = {r["client"]: r["touched_bytes"] for r in group if "touched_bytes" in r}
    if len(said) < 2:
        return lines, None
    values = sorted(set(said.values()))
    silent = [r["client"] for r in group if "touched_bytes" not in r]
    value = f"{values[0]:,} characters in each of {len(said)} clients" if len(values) == 1 else (
        "differ: " + ", ".join(f"{c} {v:,}" for c, v in said.items()))
    if silent:
        value += f" ({', '.join(silent)}: not reported)"
    return lines, ("every client read id and name of every record", value, len(values) == 1)


def shape_key(r):
    return (r["pages"], r["limit"], r.get("latency_ms", 0), r.get("work_ms", 0))


def shape_title(key):
    pages, limit, latency, work = key
    title = f"{pages} pages x {limit} records"
    if latency or work:
        title += f", {latency} ms latency, {work} ms work per page"
    return title


def rss_growth_kib(r):
    """Peak RSS at the last page over the first (0 without two samples)."""
    rss = r.get("rss_by_page") or []
    return rss[-1][1] - rss[0][1] if len(rss) >= 2 else 0


def combine_rounds(walks):
    """One row per client and shape: a client that ran in several rounds (tests/bench.sh's
    BENCH_ROUNDS) gets its median round time and CPU, its highest peak RSS, the RSS samples of
    its round that grew most, ``round_seconds`` (round -> time, for paired ratios) and ``rounds`` /
    ``spread`` (max - min round time over the median)."""
    groups = {}
    for r in walks:
        groups.setdefault((r["client"], shape_key(r)), []).append(r)
    rows = []
    for group in groups.values():
        if len(group) == 1:
            rows.append(group[0])
            continue
        times = [r["seconds"] for r in group]
        median = statistics.median(times)
        row = dict(max(group, key=rss_growth_kib))
        row.pop("round", None)
        row["seconds"] = median
        row["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in group)
        row["peak_rss_kib"] = max(r["peak_rss_kib"] for r in group)
        row["rounds"] = len(group)
        row["round_seconds"] = {r.get("round"): r["seconds"] for r in group}
        row["spread"] = (max(times) - min(times)) / median if median else 0.0
        rows.append(row)
    return rows


def write_chart(path, shapes, walks):
    """An SVG of pages/s per client, one panel per shape (each panel has its own scale)."""
    colours = {"native": "#8c564b", "python": "#1f77b4", "jvm": "#d62728", "swift": "#ff7f0e"}
    width, label_w, bar_h, gap = 760, 210, 14, 4
    y = 30
    parts = []
    for key in shapes:
        group = [r for r in walks if shape_key(r) == key]
        if not group:
            continue
        top = max(r["pages"] / r["seconds"] for r in group if r["seconds"])
        parts.append(f'<text x="4" y="{y}" font-size="13" font-weight="bold">{shape_title(key)} (pages/s)</text>')
        y += 8
        for r in group:
            pps = r["pages"] / r["seconds"] if r["seconds"] else 0
            w = (width - label_w - 70) * pps / top if top else 0
            sdk = "sdk" in r["client"] or r["client"].startswith(("rust-core", "c-api"))
            parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 3}" font-size="11" text-anchor="end">{r["client"]}</text>')
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colours[family(r["client"])]}"'
                f' fill-opacity="{1.0 if sdk else 0.45}"/>'
            )
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="11">{pps:,.0f}</text>')
            y += bar_h + gap
        y += 22
    legend = "Solid bars: the SDK clients; pale bars: the hand-written peers. Colour: Rust/C, Python, JVM, Swift."
    parts.append(f'<text x="4" y="{y}" font-size="11">{legend}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 12}" font-family="sans-serif">'
           '<rect width="100%" height="100%" fill="white"/>' + "".join(parts) + "</svg>\n")
    with open(path, "w") as f:
        f.write(svg)


def main(path, out_dir=None):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    walks = combine_rounds([r for r in rows if "pages" in r])
    rounds = max((r.get("rounds", 1) for r in walks), default=1)
    extra = [r for r in rows if "pages" not in r]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("# Benchmark report\n")
    print(f"- Date: {now}")
    print(f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print("- Server: bundled mock (`amperity-mock`), pinned to CPU 1; clients pinned to CPU 0")
    if rounds > 1:
        print(f"- Rounds: each page shape ran {rounds} rounds, every client once per round in turn; a client's "
              "figures are its median round (spread: slowest minus fastest round over the median), and a ratio "
              "between two clients is the median of their ratios in the same round")
    print("- Seconds: median of the repeated walks of a process; CPU: client user+system time per walk")
    print("- Each client in its own process; Python and JVM clients build their client once, warm up "
          "(Python: one walk of 5 pages; JVM: walks of up to 200 pages for at least 3 s, heap -Xms64m -Xmx256m), then time the walks")
    print("- Time vs baseline: walk time over the baseline's of the same language (per round, then the median) "
          "(Rust core for Rust and C, `python-requests` for Python, `okhttp-jackson` for the JVM, `swift-urlsession` for Swift); below 1.00x is faster\n")
    shapes = []
    for r in walks:
        key = shape_key(r)
        if key not in shapes:
            shapes.append(key)
    if out_dir:
        write_chart(os.path.join(out_dir, "chart.svg"), shapes, walks)
        print("![pages per second, per client and shape](chart.svg)\n")
    summary = []
    for key in shapes:
        group = [r for r in walks if shape_key(r) == key]
        by_client = {r["client"]: r for r in group}
        print(f"## {shape_title(key)}\n")
        spread_head, spread_rule = (" round spread |", "---:|") if any("spread" in r for r in group) else ("", "")
        print("| client | pages/s | records/s | CPU ms/page | peak RSS MiB | RSS growth KiB (first→last page) | baseline | time vs baseline |" + spread_head)
        print("|---|---:|---:|---:|---:|---:|---|---:|" + spread_rule)
        for r in group:
            secs = r["seconds"]
            pps = r["pages"] / secs if secs else float("inf")
            rps = r["records"] / secs if secs else float("inf")
            cpu_ms = 1000 * r["cpu_seconds"] / r["pages"]
            growth = rss_growth_kib(r)
            baseline = BASELINES[family(r["client"])]
            ref = by_client.get(baseline)
            x = speedup(by_client, r["client"], baseline) if ref else None
            ratio = f"{1 / x:.2f}x" if x else "-"
            spread = f" {100 * r['spread']:.0f} % |" if "spread" in r else (" - |" if spread_head else "")
            print(f"| {r['client']} | {pps:,.0f} | {rps:,.0f} | {cpu_ms:.3f} | {r['peak_rss_kib'] / 1024:.1f} | {growth} | {baseline} | {ratio} |{spread}")
        print()
        lines, check = touched_lines(group)
        for line in lines:
            print(line)
        checks = targets(by_client, key[2] or key[3]) + ([check] if check else [])
        for label, value, met in checks:
            summary.append((shape_title(key), label, value, met))
            print(f"- {label}: {value} ({'met' if met else 'missed'})")
        print()
    streams = [r for r in extra if r.get("shape") == "stream"]
    extra = [r for r in extra if r.get("shape") != "stream"]
    if streams:
        print("## Streaming: events per second of each language's event sender\n")
        print("Default sender options (8 workers, queue of 1000) and the client's default budget of "
              "1000 requests/s, against the mock's limit of 1000 requests/s (429 above, retried).\n")
        print("| client | events | accepted | failed | retried | seconds | events/s | CPU cores | peak RSS MiB | target |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in streams:
            rate = r["accepted"] / r["seconds"] if r["seconds"] else 0
            cores = r["cpu_seconds"] / r["seconds"] if r["seconds"] else 0
            met = rate >= 950 and cores <= 1.0 and r["failed"] == 0
            summary.append(("streaming", f"{r['client']}: the 1000/s budget saturated with ≤ 1 core",
                            f"{rate:,.0f} events/s, {cores:.2f} cores", met))
            print(f"| {r['client']} | {r['events']} | {r['accepted']} | {r['failed']} | {r['retried']} | "
                  f"{r['seconds']:.2f} | {rate:,.0f} | {cores:.2f} | {r['peak_rss_kib'] / 1024:.1f} | "
                  f"{'met' if met else 'missed'} |")
        print()
    if summary:
        print("## Targets\n")
        print("| shape | target | measured | |")
        print("|---|---|---:|---|")
        for shape, label, value, met in summary:
            print(f"| {shape} | {label} | {value} | {'met' if met else 'missed'} |")
        print()
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
