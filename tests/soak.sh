#!/usr/bin/env bash
# Soak under faults (issue 31), and the load run.
#
#   tests/soak.sh [SECONDS] [LANGUAGE...]        soak each language (default 60 s; rust c python kotlin)
#   tests/soak.sh --load [SECONDS] [LANGUAGE...] load only: 8 then 64 threads, SECONDS each (default 10)
#   tests/soak.sh --ci                           what tests/run-all.sh runs: 60 s of soak per language,
#                                                then a 5 s load run per language
#
# Soak: for each language a fresh mock (127.0.0.1, port 0) runs in chaos mode (--chaos
# SEED:RATE:STALL_MS; SOAK_SEED, default 31, SOAK_RATE, default 0.15, and a 2 s stall against the
# drivers' 1 s request timeout). The driver (the scenario is in tests/soak/README.md) shares one
# client between 8 threads that walk segments and audit events (resuming after every failure),
# start and wait for workflow runs and stream events, and prints one `SOAK {json}` line;
# tests/soak/check.py compares it with the mock's counters and prints the summary line
#   soak LANG: PASS|FAIL seconds=… ops=… faults_injected=… …
# Load: a mock without chaos that answers after 1 ms (LOAD_LATENCY_MS; 0 makes it a CPU-bound
# run, where on 2 cores the mock's one thread and 64 client threads fight for the CPU); one
# client shared by 8, then 64 threads doing get_workflow_run; the summary line
# `load LANG: PASS|FAIL …` fails when ops/s at 64 < 0.9 × ops/s at 8 (10% margin for
# measurement noise on a shared machine): with the latency, a lock held across requests (a
# convoy) caps the throughput of 64 threads near that of 8.
# Ends with `soak: N passed, N failed` (one check per language and mode).
#
# Builds only what is missing: the release mock, the Rust driver, libamperity.so (release) for C;
# for Python the venv of tests/python.sh (built here the same way when it has no amperity);
# for Kotlin the test classes and classpath (as tests/bench/kotlin_clients.sh does).
# SOAK_REBUILD=1 rebuilds the Python wheel and the Kotlin classes even when present.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source tests/deps.sh

mode=soak
ci=0
case "${1:-}" in
    --load) mode=load; shift ;;
    --ci) ci=1; shift ;;
esac
if [ "$ci" = 1 ]; then
    seconds=60
    load_seconds=5
else
    default=60; [ "$mode" = load ] && default=10
    seconds=${1:-$default}
    [ $# -gt 0 ] && shift
    load_seconds=$seconds
fi
case "$seconds" in ''|*[!0-9]*) echo "usage: $0 [--load|--ci] [SECONDS] [rust|c|python|kotlin...]" >&2; exit 2 ;; esac
langs=("$@")
[ ${#langs[@]} -eq 0 ] && langs=(rust c python kotlin)

out="$root/target/soak"
mkdir -p "$out"
VENV="$root/target/python-venv"
cpfile="$out/kotlin.classpath"
passed=0
failed=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

build_rust() {
    nice -n 10 cargo build --release -q -p amperity-mock -p amperity-soak
}
build_c() {
    nice -n 10 cargo build --release -q -p amperity-ffi || return 1
    nice -n 10 cc -std=c11 -O2 -Wall -Wextra -Werror -pthread -Iinclude tests/soak/soak.c \
        -o "$out/soak-c" -L target/release -lamperity -Wl,-rpath,"$root/target/release"
}
build_python() {
    if [ "${SOAK_REBUILD:-0}" != 1 ] && [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import amperity' 2>/dev/null; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || return 1
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r bindings/python/requirements-dev.txt || return 1
    local wheels="$root/target/python-wheels"
    rm -rf "$wheels"
    # The same fast profile as tests/python.sh.
    (export PATH="$VENV/bin:$PATH" CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_PYDEV_INHERITS=release \
        CARGO_PROFILE_PYDEV_LTO=false CARGO_PROFILE_PYDEV_CODEGEN_UNITS=16 CARGO_PROFILE_PYDEV_OPT_LEVEL=3 \
        CARGO_PROFILE_PYDEV_STRIP=false CARGO_PROFILE_PYDEV_INCREMENTAL=true
     cd bindings/python && nice -n 10 "$VENV/bin/maturin" build --profile pydev --out "$wheels") || return 1
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheels"/amperity-*.whl
}
build_kotlin() {
    local cls=bindings/kotlin/target/test-classes/com/amperity/sdk/soak/Soak.class
    if [ "${SOAK_REBUILD:-0}" != 1 ] && [ -s "$cpfile" ] && [ -f "$cls" ] &&
        [ -z "$(find bindings/kotlin/src/test/kotlin/com/amperity/sdk/soak -newer "$cls" -print -quit)" ] &&
        [ -f bindings/kotlin/target/classes/linux-x86-64/libamperity.so ]; then
        return 0
    fi
    nice -n 10 cargo build --quiet --release --locked -p amperity-ffi || return 1
    # -Dcargo.profile=release puts target/release/libamperity.so into target/classes, where JNA finds it.
    nice -n 10 mvn -B -q -Dstyle.color=never -f bindings/kotlin/pom.xml -Dcargo.skip=true \
        -Dcargo.profile=release -Dcargo.profile.dir=release test-compile \
        dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile.deps" 2>&1 \
        | sed -u 's/\x1b\[[0-9;]*m//g'
    [ "${PIPESTATUS[0]}" = 0 ] || return 1
    printf '%s:%s:%s\n' "$root/bindings/kotlin/target/test-classes" "$root/bindings/kotlin/target/classes" \
        "$(cat "$cpfile.deps")" > "$cpfile"
    rm -f "$cpfile.deps"
}

# driver LANG MODE ARGS...: runs a language's driver (soak ORIGIN SECONDS IDS_DIR | load ORIGIN SECONDS THREADS)
driver() {
    local lang=$1; shift
    case "$lang" in
        rust) target/release/amperity-soak "$@" ;;
        c) "$out/soak-c" "$@" ;;
        python) "$VENV/bin/python" tests/soak/soak.py "$@" ;;
        # A fixed, pre-touched heap: RSS then shows native memory and code, not how far the heap grew.
        kotlin) java -Xms192m -Xmx192m -XX:+AlwaysPreTouch -cp "$(cat "$cpfile")" com.amperity.sdk.soak.Soak "$@" ;;
    esac
}

# start_mock FILE ARGS...: starts a mock whose stdin is a pipe held by this script; sets origin.
start_mock() {
    local file=$1; shift
    rm -f "$file"
    exec {mock_fd}> >(exec target/release/amperity-mock --stream-rate-limit off --run-step-ms 20 "$@" > "$file")
    for _ in $(seq 100); do [ -s "$file" ] && break; sleep 0.1; done
    origin=$(head -n 1 "$file")
    case "$origin" in http://127.0.0.1:*) ;; *) echo "soak: the mock did not start" >&2; return 1 ;; esac
}
stop_mock() { exec {mock_fd}>&-; sleep 0.2; }
# stop_watchdog PID: ends a watchdog subshell and its sleep first (an orphaned sleep would hold
# the mock's stdin pipe and this script's output open until it ran out).
# The subshell goes first, so that it does not live to print "Terminated" for its sleep.
stop_watchdog() {
    local sleeper
    sleeper=$(pgrep -P "$1")
    kill "$1" 2>/dev/null
    [ -z "$sleeper" ] || kill $sleeper 2>/dev/null
    wait "$1" 2>/dev/null
}

result() { # result OK|FAIL
    if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

echo "== soak: build"
build_rust || { echo "soak: cargo build failed" >&2; exit 1; }
for lang in "${langs[@]}"; do
    case "$lang" in
        rust) ;;
        c|python|kotlin) "build_$lang" || { echo "soak: building the $lang driver failed" >&2; echo "soak $lang: FAIL (build)"; failed=$((failed + 1)); } ;;
        *) echo "soak: unknown language $lang" >&2; exit 2 ;;
    esac
done

run_soak() {
    local lang=$1 secs=$2
    local seed=${SOAK_SEED:-31} rate=${SOAK_RATE:-0.15}
    echo "== soak $lang: ${secs} s, chaos $seed:$rate:2000"
    start_mock "$out/mock-$lang.out" --chaos "$seed:$rate:2000" || return 1
    local ids="$out/ids-$lang"
    mkdir -p "$ids"
    curl -sf "$origin/__mock/ids/segments" > "$ids/segments.txt" &&
        curl -sf "$origin/__mock/ids/audit-events" > "$ids/audit-events.txt" || { stop_mock; return 1; }
    local log="$out/soak-$lang.log" rc
    # A driver that does not end within SECONDS + 120 s is deadlocked.
    driver "$lang" soak "$origin" "$secs" "$ids" > "$log" 2> "$out/soak-$lang.err" &
    local dpid=$!
    pids+=("$dpid")
    ( sleep $((secs + 120)); kill -9 "$dpid" 2>/dev/null && echo "soak $lang: deadlock? killed after $((secs + 120)) s" >&2 ) &
    local wpid=$!
    wait "$dpid"; rc=$?
    stop_watchdog "$wpid"
    tail -n 5 "$out/soak-$lang.err" >&2
    python3 tests/soak/check.py soak "$lang" "$origin" "$log" "$rc"
    local ok=$?
    stop_mock
    return $ok
}

run_load() {
    local lang=$1 secs=$2
    local latency=${LOAD_LATENCY_MS:-1}
    echo "== load $lang: 8 and 64 threads, ${secs} s each, mock latency ${latency} ms"
    start_mock "$out/mock-load-$lang.out" --latency-ms "$latency" || return 1
    local log="$out/load-$lang.log"
    : > "$log"
    local t
    for t in 8 64; do
        driver "$lang" load "$origin" "$secs" "$t" >> "$log" 2>> "$out/load-$lang.err" &
        local dpid=$!
        pids+=("$dpid")
        ( sleep $((secs + 120)); kill -9 "$dpid" 2>/dev/null && echo "load $lang: killed after $((secs + 120)) s" >&2 ) &
        local wpid=$!
        wait "$dpid"
        stop_watchdog "$wpid"
    done
    python3 tests/soak/check.py load "$lang" "$origin" "$log" 0
    local ok=$?
    stop_mock
    return $ok
}

if [ "$mode" = soak ]; then
    for lang in "${langs[@]}"; do run_soak "$lang" "$seconds"; result $?; done
fi
if [ "$mode" = load ] || [ "$ci" = 1 ]; then
    for lang in "${langs[@]}"; do run_load "$lang" "$load_seconds"; result $?; done
fi
echo "soak: $passed passed, $failed failed"
[ "$failed" = 0 ]
