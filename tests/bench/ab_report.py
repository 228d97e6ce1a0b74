"""The table of tests/bench/ab.sh: per client and shape, the median walk time of the base tree
over the head tree's (above 1.00 the head is faster), with both medians per page.

    python3 tests/bench/ab_report.py target/bench/ab.jsonl
"""

from __future__ import annotations

import collections
import json
import statistics
import sys

SHAPES = [(200, 100), (100, 1000), (1000, 100), (2000, 1)]


def main(path: str) -> None:
    runs: dict = collections.defaultdict(list)
    clients: list = []
    with open(path) as f:
        for line in f:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a client that failed left an empty run
            run = record["run"]
            runs[(run["client"], run["pages"], run["limit"], record["version"])].append(run["seconds"])
            if run["client"] not in clients:
                clients.append(run["client"])
    print("| client | " + " | ".join(f"{p} x {l}" for p, l in SHAPES) + " |")
    print("|---|" + "---:|" * len(SHAPES))
    for client in clients:
        cells = []
        for pages, limit in SHAPES:
            base = runs.get((client, pages, limit, "base"))
            head = runs.get((client, pages, limit, "head"))
            if not base or not head:
                cells.append("–")
                continue
            b, h = statistics.median(base), statistics.median(head)
            cells.append(f"{b / h:.2f} ({b / pages * 1e6:.0f} → {h / pages * 1e6:.0f} µs/page)")
        print(f"| {client} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
