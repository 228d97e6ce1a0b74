#!/usr/bin/env bash
# Interleaved A/B of the SDK clients: BASE_TREE (a checkout of an older commit) against this
# checkout, each client of both trees run alternately (the order flips every round) for ROUNDS
# rounds per shape, against one mock server pinned to CPU 1, clients pinned to CPU 0.
# Alternating cancels most of the drift of a shared machine, which two tests/bench.sh runs one
# after the other do not; bare-ureq (the same source in both trees, built with each tree's
# release profile) is the noise control.
#
#   tests/bench/ab.sh BASE_TREE [ROUNDS]     (default 5 rounds)
#
# Both trees need the builds of one `tests/bench.sh` run each (release binaries, target/bench,
# the Python venv, the JVM classpath, the Swift clients). Writes target/bench/ab.jsonl (one line
# per run) and prints the table of tests/bench/ab_report.py (median base time over median head
# time per client and shape; above 1.00 the head is faster).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BASE_TREE [ROUNDS]" >&2; exit 2; }
head_tree=$(cd "$(dirname "$0")/../.." && pwd)
source "$head_tree/tests/bench/builds.sh"
base_tree=$(cd "$1" && pwd)
rounds=${2:-5}
out="$head_tree/target/bench"
mkdir -p "$out"
results="$out/ab.jsonl"
: > "$results"

taskset -c 1 "$head_tree/target/release/amperity-mock" --segments 100000 --no-stdin-watch > "$out/ab-mock.out" &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/ab-mock.out" ] && break; sleep 0.05; done
api="$(head -n 1 "$out/ab-mock.out")/api"

# The command of CLIENT in TREE for PAGES LIMIT REPEATS (the same invocations as tests/bench.sh).
client_command() {
  local tree=$1 client=$2
  shift 2
  case $client in
    bare-ureq|rust-core) echo "$tree/target/release/amperity-bench $client $api $*" ;;
    c-api) echo "$tree/target/bench/c_bench $api $*" ;;
    python-sdk) echo "$tree/target/python-venv/bin/python $tree/tests/bench/python_clients.py $client $api $*" ;;
    kotlin-sdk) echo "java -Xms64m -Xmx256m -cp $(cat "$tree/target/bench/kotlin.classpath") com.amperity.sdk.bench.ShapeBenchmark $client $api $*" ;;
    swift-sdk) echo "$tree/tests/bench/swift-clients/.build/release/swift-bench $client $api $*" ;;
    *) echo "unknown client $client" >&2; return 1 ;;
  esac
}

clients=(${AB_CLIENTS:-bare-ureq rust-core c-api python-sdk kotlin-sdk swift-sdk})
# The Python client loads the wheel tests/python.sh installed into the tree's venv: refuse one
# older than the tree's Rust sources.
if [[ " ${clients[*]} " == *" python-sdk "* ]]; then
  for tree in "$base_tree" "$head_tree"; do
    python_wheel_current "$tree" || {
      echo "ab.sh: $tree's Python venv is missing or older than its Rust sources: run tests/python.sh there" >&2
      exit 1
    }
  done
fi
# tests/kotlin.sh leaves the dev-profile library where the JVM client loads it: measuring that
# would compare a debug build. Refuse instead (tests/bench/kotlin_clients.sh --build restores it).
if [[ " ${clients[*]} " == *" kotlin-sdk "* ]]; then
  for tree in "$base_tree" "$head_tree"; do
    kotlin_classes_hold_release "$tree" || {
      echo "ab.sh: $tree's Kotlin classes hold another library than its release build: run tests/bench/kotlin_clients.sh --build there" >&2
      exit 1
    }
  done
fi
for shape in "200 100" "100 1000" "1000 100" "2000 1"; do
  set -- $shape
  repeats=5; [ "$1" -ge 1000 ] && repeats=3
  for round in $(seq "$rounds"); do
    order="base head"; [ $((round % 2)) = 0 ] && order="head base"
    for client in "${clients[@]}"; do
      for version in $order; do
        tree=$base_tree; [ "$version" = head ] && tree=$head_tree
        line=$(cd "$tree" && taskset -c 0 $(client_command "$tree" "$client" "$1" "$2" "$repeats") 2>/dev/null | tail -n 1)
        echo "{\"version\":\"$version\",\"round\":$round,\"run\":$line}" >> "$results"
      done
    done
  done
  echo "== shape $1 x $2 done" >&2
done
python3 "$head_tree/tests/bench/ab_report.py" "$results"
