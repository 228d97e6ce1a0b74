#!/usr/bin/env bash
# Benchmark (not a test): walks 200 pages x 100 segments of one mock server with the SDK and with
# OkHttp 5 + Jackson, alternating rounds in one JVM, and prints pages/s for each.
#
#   bindings/kotlin/bench/run.sh [ROUNDS]            (default 5; dev-profile native library)
#   CARGO_PROFILE=release bindings/kotlin/bench/run.sh   (the shipped, optimised library)
#
# Compare the two lines of one run only: these machines are noisy across runs.
set -euo pipefail
cd "$(dirname "$0")/../../.."
profile=${CARGO_PROFILE:-dev}
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
cargo build --quiet --locked --profile "$profile" -p amperity-ffi -p amperity-mock
mvn -B -q -Dstyle.color=never -f bindings/kotlin/pom.xml -Dcargo.skip=true \
  -Dcargo.profile="$profile" -Dcargo.profile.dir="$dir" test-compile exec:java \
  -Dexec.classpathScope=test -Dexec.mainClass=com.amperity.sdk.bench.PagesBenchmark \
  -Dbench.rounds="${1:-5}" -Damperity.mock.bin="$PWD/target/$dir/amperity-mock" 2>&1 \
  | sed -u 's/\x1b\[[0-9;]*m//g'
