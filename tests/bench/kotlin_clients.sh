#!/usr/bin/env bash
# Walks segment pages of an already running mock server with one JVM client, in its own JVM, and
# prints one JSON line (com.amperity.sdk.bench.ShapeBenchmark, test scope of bindings/kotlin).
#
#   tests/bench/kotlin_clients.sh kotlin-sdk|kotlin-sdk-items|kotlin-sdk-read-ahead|okhttp-jackson BASE_URL PAGES LIMIT REPEATS
#   tests/bench/kotlin_clients.sh --build     (build only; tests/bench.sh does this once)
#
# The build (release native library, mvn test-compile, the test classpath computed once into
# target/bench/kotlin.classpath) runs when --build is given, when the Kotlin sources or the pom
# are newer than that file, or when target/classes holds another native library than the release
# one. Its output goes to stderr, so stdout is only the JSON line. Each client then runs as a
# plain `java -cp` (no Maven in the measured process).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
source tests/deps.sh
source tests/bench/builds.sh
out=target/bench
cpfile="$out/kotlin.classpath"
mkdir -p "$out"

build() {
  cargo build --quiet --release --locked -p amperity-ffi
  # -Dcargo.profile=release puts target/release/libamperity.so into target/classes, where JNA finds it.
  # No Kotlin compile daemon: one left running after the build takes CPU from the timed walks
  # (seen: a daemon at 12 % of a CPU through a whole tests/bench.sh run).
  mvn -B -q -Dstyle.color=never -f bindings/kotlin/pom.xml -Dcargo.skip=true -Dkotlin.compiler.daemon=false \
    -Dcargo.profile=release -Dcargo.profile.dir=release test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$root/$cpfile.deps" 2>&1 \
    | sed -u 's/\x1b\[[0-9;]*m//g'
  printf '%s:%s:%s\n' "$root/bindings/kotlin/target/test-classes" "$root/bindings/kotlin/target/classes" \
    "$(cat "$cpfile.deps")" > "$cpfile"
  rm -f "$cpfile.deps"
}

stale() {
  [ ! -s "$cpfile" ] && return 0
  # tests/kotlin.sh puts the dev-profile library into target/classes: the bench wants release.
  kotlin_classes_hold_release "$root" || return 0
  [ -n "$(find bindings/kotlin/src bindings/kotlin/pom.xml target/release/libamperity.so -newer "$cpfile" -print -quit 2>/dev/null)" ]
}

if [ "${1:-}" = --build ]; then
  build >&2
  exit 0
fi
if [ $# -ne 5 ] && ! { [ $# -eq 3 ] && [ "$1" = kotlin-sdk-stream ]; }; then
  echo "usage: $0 kotlin-sdk|kotlin-sdk-items|kotlin-sdk-read-ahead|okhttp-jackson BASE_URL PAGES LIMIT REPEATS | kotlin-sdk-stream ORIGIN EVENTS | --build" >&2
  exit 2
fi
if stale; then build >&2; fi
# A fixed heap: peak RSS then tells the client's footprint, not how far the default (1/4 of the
# machine's memory) let the heap grow before collecting.
exec java -Xms64m -Xmx256m -cp "$(cat "$cpfile")" com.amperity.sdk.bench.ShapeBenchmark "$@"
