#!/usr/bin/env bash
# Kotlin/JVM: builds the native library and the mock server (cargo dev profile), generates the
# uniffi Kotlin bindings, builds and tests the Maven package (JUnit 5 against the mock; the jar
# carries linux-x86-64/libamperity.so), installs it into ~/.m2, compiles the Android classes of the
# AAR and checks them against API 26 (with the registries only), then compiles the Kotlin examples
# as a separate Maven project depending on that jar and runs them against a mock server.
# Needs JDK 17+ and Maven; artifacts come from Maven Central into ~/.m2, or from the offline
# cache (tests/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tests/deps.sh

# Maven prints ANSI resets even in batch mode: strip them so logs stay plain text.
mvn_plain() { mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }

echo "== kotlin: cargo build (native library, mock server)"
cargo build --quiet --locked -p amperity-ffi -p amperity-mock

echo "== kotlin: uniffi-bindgen (Kotlin sources into bindings/kotlin/target/generated-sources/uniffi)"
gen=bindings/kotlin/target/generated-sources/uniffi
rm -rf "$gen"
cargo run --quiet --locked -p uniffi-bindgen -- generate target/debug/libamperity.so \
  --language kotlin --no-format --out-dir "$gen"
test -s "$gen/com/amperity/sdk/ffi/amperity.kt"

echo "== kotlin: the generated list resources are up to date (Lists.kt)"
bindings/generate.sh --check --library target/debug/libamperity.so kotlin

echo "== kotlin: mvn verify + install (JUnit tests against the mock server)"
# `install` runs every phase of `verify` first, then puts the jar in ~/.m2 for the examples.
# cargo already ran above: -Dcargo.skip skips Maven's own (identical) cargo build.
status=0
mvn_plain -f bindings/kotlin/pom.xml -Dcargo.skip=true install || status=$?
summary=$(python3 - "$root/bindings/kotlin/target/surefire-reports" <<'PY' || true
import glob, re, sys
tests = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    head = open(path, encoding="utf-8").read(4000)
    m = re.search(r'<testsuite\b[^>]*>', head)
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(0))) if m else {}
    tests += int(attrs.get("tests", 0)); skipped += int(attrs.get("skipped", 0))
    failed += int(attrs.get("failures", 0)) + int(attrs.get("errors", 0))
print(f"kotlin: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
)
echo "$summary (JUnit)"
if [ "$status" -ne 0 ]; then
  echo "kotlin: mvn failed (exit $status)" >&2
  exit "$status"
fi
jar=bindings/kotlin/target/amperity-sdk-0.1.0.jar
grep -qx "linux-x86-64/libamperity.so" < <(jar tf "$jar") || { echo "kotlin: $jar lacks linux-x86-64/libamperity.so" >&2; exit 1; }

echo "== kotlin: the Android classes (the same Kotlin layer with the Android bindings set, API 26)"
# What tests/mobile.sh builds for the AAR (its other steps are too slow for this suite): it broke
# unseen once, when the coroutine API came without kotlinx-coroutines in the Android build.
if [ "${AMPERITY_DEPS_MODE:-registries}" = offline ]; then
  echo "kotlin: Android classes skipped: the offline caches have no android-all (Maven Central does)"
else
  android_gen=target/kotlin-android-bindings
  rm -rf "$android_gen"
  cargo run --quiet --locked -p uniffi-bindgen -- generate target/debug/libamperity.so \
    --language kotlin --no-format --config bindings/kotlin/android/uniffi-android.toml --out-dir "$android_gen"
  android_jar=$(tests/mobile/android-classes.sh "$android_gen") ||
    { echo "kotlin: the Android classes failed to build or their checks (API 26, the coroutine API)" >&2; exit 1; }
  echo "kotlin: Android classes built and checked against API 26 ($(unzip -Z1 "$android_jar" | grep -c '\.class$') classes)"
fi

echo "== kotlin: amperity-sdk-testing (the JUnit 5 extension; its tests run the README example)"
mvn_plain -f bindings/kotlin/testing/pom.xml install || { echo "kotlin: amperity-sdk-testing failed" >&2; exit 1; }
testing_jar=bindings/kotlin/testing/target/amperity-sdk-testing-0.1.0.jar
grep -qx "com/amperity/sdk/testing/AmperityMockExtension.class" < <(jar tf "$testing_jar") ||
  { echo "kotlin: $testing_jar lacks the extension" >&2; exit 1; }

echo "== kotlin: examples against the mock server"
mock_out=target/kotlin-example-mock.out
rm -f "$mock_out"
# The mock exits when its stdin closes: fd 3 is that pipe, closed when this script ends.
exec 3> >(exec target/debug/amperity-mock --segments 1234 --run-step-ms 100 > "$mock_out")
for _ in $(seq 100); do [ -s "$mock_out" ] && break; sleep 0.1; done
origin=$(head -n 1 "$mock_out")
case "$origin" in http://127.0.0.1:*) ;; *) echo "kotlin: the mock server did not start" >&2; exit 1 ;; esac
export AMPERITY_BASE_URL="$origin/api" AMPERITY_TENANT=acme AMPERITY_TOKEN=mock-token AMPERITY_POLL_INTERVAL_MS=100
unset AMPERITY_CLIENT_ID AMPERITY_CLIENT_SECRET AMPERITY_API_VERSION

run_example() { # execution id, expected last-line pattern
  local out="target/kotlin-example-$1.out"
  mvn_plain -f examples/kotlin/pom.xml compile "exec:java@$1" > "$out"
  tail -n 1 "$out"
  grep -Eq "$2" "$out" || { echo "kotlin: example $1 printed:" >&2; cat "$out" >&2; exit 1; }
}
run_example list-segments '^Listed 1234 segments of tenant acme\.$'
run_example run-workflow '^Workflow wf-[^ ]+ ended succeeded after [0-9]+ ms\.$'
run_example audit-events '^Read [1-9][0-9]* audit events between '
# Without credentials these two use the mock's token, customers index and a stream of their own.
AMPERITY_TOKEN= run_example lookup-profile '^Found 1 profile with email a\+b@x\.com in Customer 360 by email\.$'
AMPERITY_STREAM_BASE_URL=$origin AMPERITY_STREAM_TOKEN= AMPERITY_STREAM_ID=is-kotlin-example \
  run_example stream-events '^Streamed 10000 events in [0-9.]+ s \([0-9]+ events/s\)\.$'
grep -q '^stream is-kotlin-example: 10000 accepted, 0 failed, ' target/kotlin-example-stream-events.out ||
  { echo "kotlin: stream-events did not report 10000 accepted events" >&2; exit 1; }
python3 tests/mock-stream-count.py "$origin" is-kotlin-example 10000
exec 3>&-
echo "== kotlin: JUnit tests and the 5 examples passed"
echo "$summary"
