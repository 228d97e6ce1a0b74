#!/usr/bin/env bash
# Builds the classes of the Android AAR: bindings/kotlin/android/pom.xml compiles the Kotlin layer
# (the JVM jar's sources) with the Android bindings set in GEN_DIR and runs animal-sniffer at the
# AAR's minSdk. Then checks the coroutine API is among them and prints the jar's path.
# Used by tests/mobile.sh and tests/kotlin.sh.
#
#   tests/mobile/android-classes.sh GEN_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 GEN_DIR" >&2; exit 2; }
gen=$(cd "$1" && pwd)
cd "$(dirname "$0")/../.."
out=target/mobile-build/android-maven
mvn -B -q -Dstyle.color=never -f bindings/kotlin/android/pom.xml "-Duniffi.android.out=$gen" clean verify 2>&1 |
  sed -u 's/\x1b\[[0-9;]*m//g' >&2
jars=("$out"/amperity-sdk-android-classes-*.jar)
if [ ${#jars[@]} -ne 1 ] || [ ! -s "${jars[0]}" ]; then
  echo "android-classes: no single classes jar in $out" >&2; exit 1
fi
grep -qx 'com/amperity/sdk/coroutines/CoroutineClient.class' <<<"$(unzip -Z1 "${jars[0]}")" ||
  { echo "android-classes: ${jars[0]} lacks the coroutine API (com.amperity.sdk.coroutines)" >&2; exit 1; }
echo "${jars[0]}"
