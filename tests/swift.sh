#!/usr/bin/env bash
# Swift: builds the native library and the mock server (cargo dev profile, shared with the Kotlin
# suite), generates the uniffi Swift bindings from the unstripped library into the SwiftPM
# package (bindings/swift: Sources/AmperityBindings/AmperityBindings.swift and
# Sources/AmperityFFI/AmperityFFI.h, never committed, so never stale), builds the package and runs
# its XCTest suite against the bundled mock (each test case starts its own mock on a free port),
# then builds examples/swift (a separate package that depends on bindings/swift by path) and runs
# its five programs against a mock server. Fails on any warning in the project's own Swift.
#
# The toolchain: see tests/swift-toolchain.sh. Without one it prints one line and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

source tests/swift-toolchain.sh
if [ "$AMPERITY_SWIFT" != 1 ]; then
  echo "swift: skipped: $AMPERITY_SWIFT_MISSING"
  exit 0
fi
source tests/deps.sh
swift --version 2>&1 | head -n 1

package=bindings/swift
lib_dir="$root/target/debug"
link=(-Xlinker -L"$lib_dir" -Xlinker -rpath -Xlinker "$lib_dir")

echo "== swift: cargo build (native library, mock server)"
cargo build --quiet --locked -p amperity-ffi -p amperity-mock

echo "== swift: uniffi-bindgen (Swift sources and the FFI header into $package/Sources)"
bindings/swift/generate.sh "$lib_dir/libamperity.so" "$package"

echo "== swift: the generated list resources are up to date (Lists.swift)"
bindings/generate.sh --check --library "$lib_dir/libamperity.so" swift

# Runs a command with its output in a log file, shows the lines matching a pattern, and returns
# the command's own exit status.
logged() { # log file, pattern of the lines to show, command...
  local log=$1 pattern=$2 status=0
  shift 2
  "$@" > "$log" 2>&1 || status=$?
  grep -E "$pattern" "$log" || true
  return "$status"
}

# Warnings in the project's own Swift fail the suite (the generated file is uniffi's).
check_warnings() { # log file
  if grep -E "(Sources/Amperity/|Tests/|examples/swift/).*: warning:" "$1"; then
    echo "swift: the warnings above are in the project's own Swift" >&2
    exit 1
  fi
}

echo "== swift: swift build (Swift 6 language mode, complete concurrency checking)"
logged target/swift-build.log '^[^[]' swift build --package-path "$package" --build-tests "${link[@]}" ||
  { cat target/swift-build.log >&2; echo "swift: build failed" >&2; exit 1; }
check_warnings target/swift-build.log

echo "== swift: swift test (XCTest against the mock server)"
export AMPERITY_MOCK="$root/target/debug/amperity-mock"
status=0
logged target/swift-test.log "^(Test Suite '[^']+' (passed|failed)|.*error:|Test Case .* failed)" \
  swift test --package-path "$package" --skip-build --disable-swift-testing "${link[@]}" || status=$?
# The last "Executed" line is the total of all suites.
summary=$(grep -E "^\s*Executed [0-9]+ tests?" target/swift-test.log | tail -n 1 | sed 's/^\s*//')
if [ "$status" != 0 ] || [[ "$summary" != *"with 0 failures"* ]]; then
  echo "swift: swift test failed (exit $status): ${summary:-no test ran}" >&2
  exit 1
fi
echo "swift: XCTest: $summary"

echo "== swift: examples (examples/swift) against the mock server"
# SwiftPM does not always recompile the examples when a record of the generated bindings changes
# shape (seen as a crash in a stale binary): start their build afresh whenever the bindings differ.
bindings_hash=$(sha256sum "$package/Sources/AmperityBindings/AmperityBindings.swift" | cut -d' ' -f1)
if [ "$(cat examples/swift/.build/amperity-bindings.sha256 2>/dev/null)" != "$bindings_hash" ]; then
  rm -rf examples/swift/.build
  mkdir -p examples/swift/.build
  echo "$bindings_hash" > examples/swift/.build/amperity-bindings.sha256
fi
logged target/swift-examples-build.log '^[^[]' swift build --package-path examples/swift "${link[@]}" ||
  { cat target/swift-examples-build.log >&2; echo "swift: examples build failed" >&2; exit 1; }
check_warnings target/swift-examples-build.log
bin_dir=$(swift build --package-path examples/swift "${link[@]}" --show-bin-path)
mock_out=target/swift-example-mock.out
rm -f "$mock_out"
# The mock exits when its stdin closes: fd 3 is that pipe, closed when this script ends.
exec 3> >(exec target/debug/amperity-mock --segments 321 --run-step-ms 50 > "$mock_out")
for _ in $(seq 100); do [ -s "$mock_out" ] && break; sleep 0.1; done
origin=$(head -n 1 "$mock_out")
case "$origin" in http://127.0.0.1:*) ;; *) echo "swift: the mock server did not start" >&2; exit 1 ;; esac
export AMPERITY_BASE_URL="$origin/api" AMPERITY_TENANT=acme AMPERITY_TOKEN=mock-token
unset AMPERITY_CLIENT_ID AMPERITY_CLIENT_SECRET AMPERITY_API_VERSION AMPERITY_REGION AMPERITY_TOKEN_URL

run_example() { # program, expected last-line pattern, arguments...
  local program=$1 pattern=$2 out="target/swift-example-$1.out"
  shift 2
  "$bin_dir/$program" "$@" > "$out" || { echo "swift: example $program exited $?:" >&2; cat "$out" >&2; exit 1; }
  tail -n 1 "$out"
  grep -Eq "$pattern" "$out" || { echo "swift: example $program printed:" >&2; cat "$out" >&2; exit 1; }
}
run_example list-segments '^Listed 321 segments of tenant acme\.$'
run_example run-workflow '^Workflow wf-[^ ]+ ended succeeded after [0-9]+ ms\.$' cg-example 0.05
run_example audit-events '^Read [1-9][0-9]* audit events between '
if "$bin_dir/run-workflow" cg-fail-example 0.05 > target/swift-example-run-workflow-fail.out 2>&1; then
  echo "swift: run-workflow cg-fail-example did not report the failed run" >&2
  exit 1
fi
tail -n 1 target/swift-example-run-workflow-fail.out
# Without credentials these two use the mock's token, customers index and a stream of their own.
AMPERITY_TOKEN= run_example lookup-profile '^Found 1 profile with email a\+b@x\.com in Customer 360 by email\.$'
AMPERITY_STREAM_BASE_URL=$origin AMPERITY_STREAM_TOKEN= AMPERITY_STREAM_ID=is-swift-example \
  run_example stream-events '^Streamed 10000 events in [0-9.]+ s \([0-9]+ events/s\)\.$'
grep -q '^stream is-swift-example: 10000 accepted, 0 failed, ' target/swift-example-stream-events.out ||
  { echo "swift: stream-events did not report 10000 accepted events" >&2; exit 1; }
python3 tests/mock-stream-count.py "$origin" is-swift-example 10000
exec 3>&-
echo "== swift: the package tests and the 5 examples passed"
echo "swift: $summary"
