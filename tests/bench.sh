#!/usr/bin/env bash
# Benchmarks every client side by side against one bundled mock server, in one run, and writes
# target/bench/report.md (machine, date, one table per shape). Ratios between clients of the same
# run are what count; never compare runs. The mock runs pinned to CPU 1, the clients to CPU 0,
# each client in its own process (peak RSS is per client). Per shape: the Rust clients, the C
# API, the Python clients (tests/bench/python_clients.py: the SDK, requests, urllib3, httpx) and
# the JVM clients (tests/bench/kotlin_clients.sh: the Kotlin SDK, OkHttp 5 + Jackson) and the
# Swift clients (tests/bench/swift-clients: the Swift SDK, URLSession + JSONDecoder).
#
#   tests/bench.sh            # all clients
#   BENCH_REPEATS=5 tests/bench.sh
#   BENCH_ROUNDS=1 tests/bench.sh   # each client once per shape (quicker, noisier)
#   BENCH_SKIP_PYTHON=1 BENCH_SKIP_KOTLIN=1 BENCH_SKIP_SWIFT=1 tests/bench.sh   # Rust and C only
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tests/deps.sh
source tests/bench/builds.sh
out=target/bench
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
repeats=${BENCH_REPEATS:-9}
# The page shapes run in rounds: every client of a shape once per round, in turn, so that a slow
# spell of the machine falls on all of them instead of on whichever client ran during it. A
# round's process walks ceil(REPEATS / ROUNDS) times; the report takes each client's median round.
rounds=${BENCH_ROUNDS:-3}
case "$rounds" in ''|*[!0-9]*|0) echo "BENCH_ROUNDS must be a positive integer, not '$rounds'" >&2; exit 2;; esac

pin_server=(); pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 1); pin_client=(taskset -c 0)
fi

echo "== building (release)"
cargo build -q --release --locked -p amperity-mock -p amperity-bench -p amperity-ffi
gcc -O2 -std=c11 -Wall -Wextra -Werror -Iinclude tests/bench/c_bench.c \
  -Ltarget/release -lamperity -Wl,-rpath,"$root/target/release" -o "$out/c_bench"

python_clients=(); kotlin_clients=()
if [ "${BENCH_SKIP_PYTHON:-0}" != 1 ]; then
  # The venv of tests/python.sh: the amperity wheel plus requests, urllib3 and httpx.
  # Rebuilt when missing or older than the Rust sources: a stale wheel measures old code.
  python_wheel_current "$root" || bash tests/python.sh
  python_clients=(python-sdk python-sdk-items python-requests python-urllib3 python-httpx)
fi
if [ "${BENCH_SKIP_KOTLIN:-0}" != 1 ]; then
  echo "== building the JVM clients (release native library, test classpath)"
  tests/bench/kotlin_clients.sh --build
  kotlin_clients=(kotlin-sdk kotlin-sdk-items okhttp-jackson)
fi

swift_clients=()
source tests/swift-toolchain.sh
if [ "${BENCH_SKIP_SWIFT:-0}" != 1 ] && [ "$AMPERITY_SWIFT" = 1 ]; then
  echo "== building the Swift clients (release, bindings generated from target/release)"
  bindings/swift/generate.sh target/release/libamperity.so
  swift_link=(-Xlinker -L"$root/target/release" -Xlinker -rpath -Xlinker "$root/target/release")
  swift build -q -c release --package-path tests/bench/swift-clients "${swift_link[@]}"
  swift_bench="$(swift build -c release --package-path tests/bench/swift-clients "${swift_link[@]}" --show-bin-path)/swift-bench"
  swift_clients=(swift-sdk swift-urlsession)
elif [ "${BENCH_SKIP_SWIFT:-0}" != 1 ]; then
  echo "== Swift clients skipped: $AMPERITY_SWIFT_MISSING"
fi

echo "== starting the mock server"
"${pin_server[@]}" target/release/amperity-mock --segments 100000 --no-stdin-watch > "$out/mock.out" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/mock.out" ] && break; sleep 0.05; done
origin=$(head -n 1 "$out/mock.out")
base="$origin/api"
echo "mock at $origin"

# Appends result lines to the results (each with the JSON fields $1 put first, if any) and shows them.
record() { sed "s/^{/{$1/" | tee -a "$results" | cut -c1-160; }
run() { "${pin_client[@]}" "$@" | record ""; }
# Marks each result line with its round.
run_round() {
  local round=$1; shift
  "${pin_client[@]}" "$@" | record "\"round\":$round,"
}

# One walker process of a shape: CLIENT PAGES LIMIT WALKS ROUND.
walk_once() {
  local client=$1 pages=$2 limit=$3 walks=$4 round=$5
  case "$client" in
    bare-ureq|rust-core) run_round "$round" target/release/amperity-bench "$client" "$base" "$pages" "$limit" "$walks" ;;
    c-api) run_round "$round" "$out/c_bench" "$base" "$pages" "$limit" "$walks" ;;
    python-*) run_round "$round" target/python-venv/bin/python tests/bench/python_clients.py "$client" "$base" "$pages" "$limit" "$walks" ;;
    kotlin-*|okhttp-*) run_round "$round" tests/bench/kotlin_clients.sh "$client" "$base" "$pages" "$limit" "$walks" ;;
    swift-*) run_round "$round" "$swift_bench" "$client" "$base" "$pages" "$limit" "$walks" ;;
    *) echo "bench.sh: no walker for client '$client'" >&2; exit 2 ;;
  esac
}

# shape: pages limit
shapes=("200 100" "100 1000" "1000 100" "2000 1")
page_clients=(bare-ureq rust-core c-api "${python_clients[@]}" "${kotlin_clients[@]}" "${swift_clients[@]}")
for shape in "${shapes[@]}"; do
  set -- $shape
  r=$repeats; [ "$1" -ge 1000 ] && r=3
  walks=$(( (r + rounds - 1) / rounds ))
  for round in $(seq "$rounds"); do
    echo "== shape: $1 pages x $2 records, round $round of $rounds ($walks walks per client)"
    for client in "${page_clients[@]}"; do
      walk_once "$client" "$1" "$2" "$walks" "$round"
    done
  done
done
run target/release/amperity-bench construct "$base" 10000

# The latency shape: a mock that takes 20 ms per response (a real service's round trip) and a
# caller that works 20 ms on each page; each SDK walks sequentially and with read-ahead.
latency_ms=20 work_ms=20 latency_pages=50 latency_limit=100
echo "== shape: $latency_pages pages x $latency_limit records, ${latency_ms} ms latency, ${work_ms} ms work per page"
"${pin_server[@]}" target/release/amperity-mock --segments 100000 --latency-ms "$latency_ms" --no-stdin-watch > "$out/mock-latency.out" &
latency_pid=$!
trap 'kill $mock_pid $latency_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/mock-latency.out" ] && break; sleep 0.05; done
latency_base="$(head -n 1 "$out/mock-latency.out")/api"
# Marks each result line as the latency shape.
run_latency() {
  BENCH_WORK_MS=$work_ms "${pin_client[@]}" "$@" | record "\"latency_ms\":$latency_ms,\"work_ms\":$work_ms,"
}
shape=("$latency_base" "$latency_pages" "$latency_limit" 3)
run_latency target/release/amperity-bench rust-core "${shape[@]}"
run_latency target/release/amperity-bench rust-core-read-ahead "${shape[@]}"
run_latency "$out/c_bench" "${shape[@]}"
BENCH_READ_AHEAD=1 run_latency "$out/c_bench" "${shape[@]}"
if [ ${#python_clients[@]} -gt 0 ]; then
  for client in python-sdk python-sdk-read-ahead python-urllib3; do
    run_latency target/python-venv/bin/python tests/bench/python_clients.py "$client" "${shape[@]}"
  done
fi
if [ ${#kotlin_clients[@]} -gt 0 ]; then
  for client in kotlin-sdk kotlin-sdk-read-ahead okhttp-jackson; do
    run_latency tests/bench/kotlin_clients.sh "$client" "${shape[@]}"
  done
fi
if [ ${#swift_clients[@]} -gt 0 ]; then
  for client in swift-sdk swift-sdk-read-ahead swift-urlsession; do
    run_latency "$swift_bench" "$client" "${shape[@]}"
  done
fi
# The async shape of issue 27: 1000 gets, 16 in flight, on the same 20 ms mock (rate limiter off):
# the async Python client against httpx.AsyncClient and aiohttp (tests/bench/async_python.py),
# the Kotlin coroutine client against OkHttp's enqueue (com.amperity.sdk.bench.AsyncBenchmark).
echo "== shape: async get, 1000 calls, 16 in flight, ${latency_ms} ms latency"
: > "$out/async.txt"
if [ ${#python_clients[@]} -gt 0 ]; then
  target/python-venv/bin/python -m pip install -q --disable-pip-version-check aiohttp==3.14.5
  "${pin_client[@]}" target/python-venv/bin/python tests/bench/async_python.py "$latency_base" | tee -a "$out/async.txt"
fi
if [ ${#kotlin_clients[@]} -gt 0 ]; then
  "${pin_client[@]}" java -Xms64m -Xmx256m -cp "$(cat "$out/kotlin.classpath")" com.amperity.sdk.bench.AsyncBenchmark "$latency_base" |
    tee -a "$out/async.txt"
fi
kill "$latency_pid" 2>/dev/null || true

# The streaming shape: each language's event sender sends the same events to a fresh stream of
# the mock (1000 requests/s there, as on the service; the senders' default budget is 1000/s too).
stream_events=${BENCH_STREAM_EVENTS:-5000}
echo "== shape: streaming, $stream_events events per sender"
# The mock's budget is per tenant: a pause lets it refill between the senders.
stream_run() { sleep 1.5; run "$@"; }
stream_run target/release/amperity-bench rust-core-stream "$origin" "$stream_events"
stream_run "$out/c_bench" stream "$origin" "$stream_events"
if [ ${#python_clients[@]} -gt 0 ]; then
  stream_run target/python-venv/bin/python tests/bench/python_clients.py python-sdk-stream "$origin" "$stream_events"
fi
if [ ${#kotlin_clients[@]} -gt 0 ]; then
  stream_run tests/bench/kotlin_clients.sh kotlin-sdk-stream "$origin" "$stream_events"
fi
if [ ${#swift_clients[@]} -gt 0 ]; then
  stream_run "$swift_bench" swift-sdk-stream "$origin" "$stream_events"
fi

# The stripped size of the native library (the shipped artifact is stripped).
cp target/release/libamperity.so "$out/libamperity.stripped.so"
strip "$out/libamperity.stripped.so"
echo "{\"client\":\"native-library\",\"shape\":\"size\",\"stripped_bytes\":$(stat -c %s "$out/libamperity.stripped.so")}" | tee -a "$results"

python3 tests/bench/report.py "$results" "$out" > "$out/report.md"
if [ -s "$out/async.txt" ]; then
  { echo; echo '## Async clients (1000 gets, 16 in flight, 20 ms latency)'; echo; echo '```'; cat "$out/async.txt"; echo '```'; } >> "$out/report.md"
fi
echo "== report: $out/report.md"
cat "$out/report.md"
