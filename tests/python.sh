#!/usr/bin/env bash
# Builds the Python package (bindings/python), installs it into a venv under target/, runs its
# pytest suite, the examples (examples/python) against the bundled mock server and a Python 3.9
# smoke run when a python3.9 is available. Exits non-zero on any failure.
#
#   tests/python.sh              fast build: the release profile without LTO (profile "pydev",
#                                defined below through CARGO_PROFILE_* variables)
#   tests/python.sh --manylinux  the distributable wheel: maturin --release --zig
#                                --compatibility manylinux2014, symbols kept for uniffi-bindgen
#   tests/python.sh --bench      also runs bindings/python/bench/bench_pages.py
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source tests/deps.sh
MANYLINUX=0
BENCH=0
for arg in "$@"; do
    case "$arg" in
        --manylinux) MANYLINUX=1 ;;
        --bench) BENCH=1 ;;
        *) echo "usage: $0 [--manylinux] [--bench]" >&2; exit 2 ;;
    esac
done

VENV="$ROOT/target/python-venv"
WHEELS="$ROOT/target/python-wheels"
PYTHON=${PYTHON:-python3}

echo "== venv ($VENV)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r bindings/python/requirements-dev.txt
# maturin finds zig (pip package ziglang) through the `python` on PATH.
export PATH="$VENV/bin:$PATH"

echo "== mock server"
cargo build --release -q -p amperity-mock
export AMPERITY_MOCK="$ROOT/target/release/amperity-mock"

echo "== command-line tool (bundled into the wheel as amperity/_bin/amperity)"
cargo build --release -q -p amperity-cli
bindings/python/bundle-cli.sh host target/release/amperity

echo "== wheel"
rm -rf "$WHEELS"
# uniffi-bindgen reads the metadata symbols of the library: never strip before generating.
export CARGO_PROFILE_RELEASE_STRIP=false
if [ "$MANYLINUX" = 1 ]; then
    (cd bindings/python && "$VENV/bin/maturin" build --release --zig --compatibility manylinux2014 --out "$WHEELS")
else
    export CARGO_PROFILE_PYDEV_INHERITS=release CARGO_PROFILE_PYDEV_LTO=false \
        CARGO_PROFILE_PYDEV_CODEGEN_UNITS=16 CARGO_PROFILE_PYDEV_OPT_LEVEL=3 \
        CARGO_PROFILE_PYDEV_STRIP=false CARGO_PROFILE_PYDEV_INCREMENTAL=true
    (cd bindings/python && "$VENV/bin/maturin" build --profile pydev --out "$WHEELS")
fi
WHEEL=$(ls "$WHEELS"/amperity-*.whl)
echo "built $WHEEL"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

echo "== generated code is up to date (python/amperity/_schema.py, _lists.py, _async_resources.py)"
# Generated from the metadata of the very library the wheel ships, like the C header test.
NATIVE_LIB=$("$VENV/bin/python" -c 'import pathlib, amperity._native as n; print(next(pathlib.Path(n.__file__).parent.glob("libamperity*.so")))')
PYTHON="$VENV/bin/python" bindings/generate.sh --check --library "$NATIVE_LIB" python

echo "== mypy --strict (the package source, and the examples against the installed wheel)"
(cd bindings/python && "$VENV/bin/mypy" --no-incremental)
(cd "$WHEELS" && "$VENV/bin/mypy" --strict --no-incremental "$ROOT/examples/python")

echo "== pytest"
(cd bindings/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider)

echo "== examples against the mock"
coproc MOCK { exec "$AMPERITY_MOCK" --run-step-ms 100; }
MOCK_PID=$MOCK_PID
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
read -r ORIGIN <&"${MOCK[0]}"
export AMPERITY_BASE_URL="$ORIGIN/api" AMPERITY_TENANT=acme AMPERITY_TOKEN=mock-token
export AMPERITY_STREAM_BASE_URL="$ORIGIN"
run_examples() {
    local python=$1
    for example in list_segments.py audit_events.py "run_workflow.py cg-example" lookup_profile.py stream_events.py \
        async_segments.py async_web_handler.py; do
        echo "-- $example"
        # shellcheck disable=SC2086
        "$python" examples/python/$example
    done
    echo "-- run_workflow.py cg-fail-example (must report the failure)"
    if "$python" examples/python/run_workflow.py cg-fail-example; then
        echo "run_workflow.py did not report the failed run" >&2
        exit 1
    fi
}
run_examples "$VENV/bin/python"

# The oldest supported Python: $PYTHON39, else a python3.9 on PATH that runs, else pyenv's.
PY39=""
for candidate in "${PYTHON39:-}" python3.9 "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.9*/bin/python3.9 2>/dev/null | tail -1)"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 9)' >/dev/null 2>&1; then
        PY39=$candidate
        break
    fi
done
if [ -n "$PY39" ]; then
    echo "== Python 3.9 smoke run (the oldest supported version)"
    VENV39="$ROOT/target/python39-venv"
    [ -x "$VENV39/bin/python" ] || "$PY39" -m venv "$VENV39"
    "$VENV39/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
    "$VENV39/bin/python" - <<'PY'
import datetime as dt, os
import amperity
c = amperity.Client(os.environ["AMPERITY_TENANT"], token=os.environ["AMPERITY_TOKEN"],
                    base_url=os.environ["AMPERITY_BASE_URL"], rate_limit=None)
runs = list(c.workflow_runs.list(limit=100))
assert runs and all(r.created_at.tzinfo is not None for r in runs)
events = list(c.audit_events.list(limit=500, happened_from=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)))
assert events and events[0].happened_at.tzinfo is not None
try:
    c.workflow_runs.get("wf-nope")
except amperity.NotFoundError as e:
    assert e.status == 404
else:
    raise SystemExit("expected NotFoundError")
print(f"python3.9: {len(runs)} runs, {len(events)} events, errors map")
PY
    run_examples "$VENV39/bin/python"
else
    echo "== no Python 3.9 found: skipping the 3.9 smoke run"
fi

if [ "$BENCH" = 1 ]; then
    echo "== benchmark"
    "$VENV/bin/python" bindings/python/bench/bench_pages.py --mock "$AMPERITY_MOCK"
fi
echo "python: all passed"
