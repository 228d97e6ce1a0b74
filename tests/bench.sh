#!/usr/bin/env bash
# Benchmarks every client side by side against one bundled mock server, in one run, and writes
# target/bench/report.md (machine, date, one table). Ratios between clients of the same run are
# what count; never compare runs. The mock runs pinned to CPU 1, the clients to CPU 0.
#
#   tests/bench.sh            # all clients
#   BENCH_REPEATS=5 tests/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=target/bench
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
repeats=${BENCH_REPEATS:-9}

pin_server=(); pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 1); pin_client=(taskset -c 0)
fi

echo "== building (release)"
cargo build -q --release --locked -p amperity-mock -p amperity-bench -p amperity-ffi
gcc -O2 -std=c11 -Wall -Wextra -Werror -Iinclude tests/bench/c_bench.c \
  -Ltarget/release -lamperity -Wl,-rpath,"$root/target/release" -o "$out/c_bench"

echo "== starting the mock server"
"${pin_server[@]}" target/release/amperity-mock --segments 100000 --no-stdin-watch > "$out/mock.out" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/mock.out" ] && break; sleep 0.05; done
origin=$(head -n 1 "$out/mock.out")
base="$origin/api"
echo "mock at $origin"

run() { "${pin_client[@]}" "$@" | tee -a "$results" | cut -c1-160; }

# shape: pages limit
shapes=("200 100" "100 1000" "1000 100" "2000 1")
for shape in "${shapes[@]}"; do
  set -- $shape
  echo "== shape: $1 pages x $2 records"
  r=$repeats; [ "$1" -ge 1000 ] && r=3
  run target/release/amperity-bench bare-ureq "$base" "$1" "$2" "$r"
  run target/release/amperity-bench rust-core "$base" "$1" "$2" "$r"
  run "$out/c_bench" "$base" "$1" "$2" "$r"
done
run target/release/amperity-bench construct "$base" 10000

# The stripped size of the native library (the shipped artifact is stripped).
cp target/release/libamperity.so "$out/libamperity.stripped.so"
strip "$out/libamperity.stripped.so"
echo "{\"client\":\"native-library\",\"shape\":\"size\",\"stripped_bytes\":$(stat -c %s "$out/libamperity.stripped.so")}" | tee -a "$results"

# Python: the SDK against requests, urllib3 and httpx (+ json), each walk against one mock that
# the script starts itself; needs the venv that tests/python.sh builds.
if [ "${BENCH_SKIP_PYTHON:-0}" != 1 ]; then
  echo "== Python clients"
  [ -x target/python-venv/bin/python ] || bash tests/python.sh
  target/python-venv/bin/python bindings/python/bench/bench_pages.py \
    --mock target/release/amperity-mock --rounds "$repeats" | tee "$out/python.txt"
fi

# Kotlin: the SDK against OkHttp 5 + Jackson on the JVM (release native library).
if [ "${BENCH_SKIP_KOTLIN:-0}" != 1 ]; then
  echo "== Kotlin clients"
  CARGO_PROFILE=release bindings/kotlin/bench/run.sh "$repeats" | tee "$out/kotlin.txt"
fi

python3 tests/bench/report.py "$results" "$out" > "$out/report.md"
echo "== report: $out/report.md"
cat "$out/report.md"
