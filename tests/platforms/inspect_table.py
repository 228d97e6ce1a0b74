"""Reads tests/platforms/targets.tsv for the Python checks (inspect.py, check_wheel.py)."""
import os

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets.tsv")
FIELDS = ["platform", "rust", "cargo", "features", "wheel", "jna", "library", "runner", "minimum", "note"]


def row(platform):
    """The platform's row as a dict of the table's columns."""
    for line in open(TABLE, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        values = line.rstrip("\n").split("\t")
        if values[0] == platform:
            return dict(zip(FIELDS, values))
    raise SystemExit(f"no platform {platform} in {TABLE}")
