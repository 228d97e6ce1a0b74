#!/usr/bin/env bash
# Builds and tests the C API end to end:
#   1. cargo build --release -p amperity-ffi -p amperity-mock, header freshness test;
#   2. bindings/c/install.sh into a temporary prefix (header, .so, .a, amperity.pc and
#      amperity-static.pc, the CMake package);
#   3. builds examples/c (shared via pkg-config, and static) and tests/c with
#      -std=c11 -Wall -Wextra -Werror -pedantic, plus an AddressSanitizer build on libamperity.a;
#   4. starts two mock servers (plain HTTP, and HTTPS with a self-signed certificate);
#   5. runs the examples, the C tests, the C tests under valgrind and the ASan build;
#   6. stops the servers; exits non-zero on any failure.
#
# Debian 12 packages: apt-get install -y gcc libc6-dev pkg-config valgrind
# (plus a Rust toolchain with cargo). Usage: tests/c.sh [--platform PLATFORM]
#
# --platform linux-aarch64 (a row of tests/platforms/targets.tsv whose programs run here): the same
# examples and C tests, built with that platform's cross compiler against its release library
# (tests/platforms/lib.sh builds it) and run under its runner (qemu-aarch64) against the mock
# servers running natively; valgrind, ASan and the header checks are the native run's.
set -uo pipefail
platform=""
case "${1:-}" in
    --platform) platform="${2:?--platform needs a platform name}" ;;
    "") ;;
    *) echo "usage: $0 [--platform PLATFORM]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tests/deps.sh
target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d "${TMPDIR:-/tmp}/amperity-c.XXXXXX")"
mock_pid=""
tls_pid=""
failures=()

cleanup() {
    for pid in $mock_pid $tls_pid; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; failures+=("$*"); }
die() { echo "FATAL: $*" >&2; exit 1; }

for tool in cargo cc pkg-config valgrind; do
    command -v "$tool" >/dev/null || die "$tool is not installed (see the package list at the top of $0)"
done

step "build (release)"
cargo build --release -p amperity-ffi -p amperity-mock || die "cargo build failed"
run=()        # how a program built here runs: directly, or under the platform's runner
cc=(cc)
if [ -n "$platform" ]; then
    source tests/platforms/lib.sh
    platform_cargo_env "$platform" || die "no tools for $platform"
    from="$(platform_build "$platform" release amperity-ffi)" || die "cargo build for $platform failed"
    run=(platform_run "$platform")
    case "$platform" in
        linux-aarch64) cc=(aarch64-linux-gnu-gcc) ;;
        *) die "the C suite runs on linux-aarch64 only (other platforms: tests/platforms.sh)" ;;
    esac
    step "install the $platform library into $work/prefix"
    bindings/c/install.sh --prefix "$work/prefix" --from "$from" || die "install.sh failed"
else
    cargo test -q -p amperity-ffi --test c_header || fail "include/amperity.h is stale or invalid"
    step "install into $work/prefix"
    bindings/c/install.sh --prefix "$work/prefix" || die "install.sh failed"
fi
prefix="$work/prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists amperity || die "pkg-config does not find amperity.pc"
cflags="$(pkg-config --cflags amperity)"
libs="$(pkg-config --libs amperity)"
static_libs="$(pkg-config --static --libs amperity-static)"
[ "${static_libs%% *}" -ef "$prefix/lib/libamperity.a" ] ||
    die "amperity-static.pc does not link $prefix/lib/libamperity.a first: $static_libs"
strict=(-std=c11 -Wall -Wextra -Werror -pedantic)

step "compile examples and tests"
bin="$work/bin"
mkdir -p "$bin"
for example in list_segments run_workflow audit_events lookup_profile stream_events; do
    # Exactly what a user types (shared library), and a static link.
    extra=()
    [ "$example" = stream_events ] && extra=(-lpthread)
    "${cc[@]}" "${strict[@]}" "examples/c/$example.c" $cflags $libs "${extra[@]}" -o "$bin/$example" ||
        fail "compile examples/c/$example.c"
    "${cc[@]}" "${strict[@]}" "examples/c/$example.c" $cflags $static_libs "${extra[@]}" \
        -o "$bin/${example}_static" || fail "compile examples/c/$example.c (static)"
done
# The C tests: test_main.c (the runner), test_support.c (shared helpers) and one file per concern.
c_tests=(tests/c/test_*.c)
"${cc[@]}" "${strict[@]}" -g "${c_tests[@]}" $cflags $libs -lpthread -o "$bin/test_c_api" ||
    fail "compile tests/c/test_*.c"
[ -z "$platform" ] || { [ -z "${failures[*]:-}" ] || die "compile for $platform"; }
if [ -z "$platform" ]; then
cc "${strict[@]}" -g -fsanitize=address -fno-omit-frame-pointer "${c_tests[@]}" $cflags \
    $static_libs -lpthread -o "$bin/test_c_api_asan" || fail "compile tests/c/test_*.c (ASan)"

step "every exported function is called by the C tests"
missing=0
for fn in $(grep -oE '\bamperity_[a-z0-9_]+\(' include/amperity.h | tr -d '(' | sort -u); do
    if ! grep -q "\b$fn(" "${c_tests[@]}"; then
        echo "not called by tests/c/test_*.c: $fn" >&2
        missing=1
    fi
done
exported="$(nm -D --defined-only "$prefix/lib/libamperity.so" | awk '$2 == "T" && $3 ~ /^amperity_/ {print $3}' | sort -u)"
declared="$(grep -oE '\bamperity_[a-z0-9_]+\(' include/amperity.h | tr -d '(' | sort -u)"
if [ "$exported" != "$declared" ]; then
    diff <(echo "$exported") <(echo "$declared") >&2
    echo "the amperity_* symbols of libamperity.so and the functions of amperity.h differ" >&2
    missing=1
fi
[ "$missing" = 0 ] && echo "$(echo "$declared" | wc -l) functions, all declared, exported and tested" ||
    fail "function coverage"
fi

step "start mock servers"
mock="$target_dir/release/amperity-mock"
segments=250
# stdin from /dev/null: the mock then serves until SIGTERM (sent by cleanup).
"$mock" --segments "$segments" --run-step-ms 20 </dev/null >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
"$mock" --segments 20 --tls --cert-out "$work/mock-cert.pem" </dev/null >"$work/tls.out" 2>"$work/tls.err" &
tls_pid=$!
for _ in $(seq 100); do
    [ -s "$work/mock.out" ] && [ -s "$work/tls.out" ] && break
    sleep 0.1
done
origin="$(head -n 1 "$work/mock.out")"
tls_origin="$(head -n 1 "$work/tls.out")"
[ -n "$origin" ] && [ -n "$tls_origin" ] || { cat "$work/mock.err" "$work/tls.err" >&2; die "mock servers did not start"; }
echo "mock: $origin, TLS mock: $tls_origin"

export AMPERITY_BASE_URL="$origin/api" AMPERITY_TENANT=acme AMPERITY_TOKEN=mock-token
export AMPERITY_MOCK_ORIGIN="$origin" AMPERITY_MOCK_SEGMENTS="$segments"
export AMPERITY_STREAM_TOKEN=mock-stream-token AMPERITY_STREAM_BASE_URL="$origin"
export AMPERITY_TLS_BASE_URL="$tls_origin/api" AMPERITY_TLS_CERT="$work/mock-cert.pem"
export LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# GET of a control endpoint of the plain mock (/__mock/...): prints the body.
mock_get() {
    local hostport="${origin#http://}"
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$hostport" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
}

step "examples"
for variant in "" _static; do
    out="$("${run[@]}" "$bin/list_segments$variant" 100)" || fail "list_segments$variant exited $?"
    echo "$out" | tail -n 2
    grep -qx "segments: $segments" <<< "$out" || fail "list_segments$variant did not list $segments segments"
    [ "$(grep -c '^page ' <<< "$out")" = 3 ] || fail "list_segments$variant did not walk 3 pages"
    "${run[@]}" "$bin/run_workflow$variant" cg-example 20 20000 || fail "run_workflow$variant cg-example exited $?"
    "${run[@]}" "$bin/run_workflow$variant" cg-fail-example 20 20000
    rc=$?
    [ "$rc" = 3 ] || fail "run_workflow$variant cg-fail-example exited $rc, expected 3 (run failed)"
    out="$("${run[@]}" "$bin/audit_events$variant")" || fail "audit_events$variant exited $?"
    echo "$out" | tail -n 1
    grep -Eq "^audit events in the last day: [1-9][0-9]*$" <<< "$out" || fail "audit_events$variant listed no events"
    out="$("${run[@]}" "$bin/lookup_profile$variant" 'a+b@x.com')" || fail "lookup_profile$variant exited $?"
    echo "$out" | tail -n 1
    grep -qx "profiles with email a+b@x.com: 1" <<< "$out" || fail "lookup_profile$variant did not find a+b@x.com"
    grep -q '"email":"a+b@x.com"' <<< "$out" || fail "lookup_profile$variant did not print the attributes"
    "${run[@]}" "$bin/lookup_profile$variant" 'nobody@example.com' idx-3kPq7Zt2c >/dev/null
    rc=$?
    [ "$rc" = 2 ] || fail "lookup_profile$variant nobody@example.com exited $rc, expected 2 (no profile)"
    stream="is-c-example$variant${platform:+-$platform}"
    out="$(AMPERITY_STREAM_ID="$stream" "${run[@]}" "$bin/stream_events$variant" 10000)" ||
        fail "stream_events$variant exited $?"
    echo "$out"
    grep -qx "stream $stream: 10000 accepted, 0 failed, [0-9]* retries" <<< "$out" ||
        fail "stream_events$variant did not deliver 10000 events"
    grep -Eq "^streamed 10000 events in [0-9.]+ s \([0-9]+ events/s\)$" <<< "$out" ||
        fail "stream_events$variant did not print its rate"
    counted="$(mock_get /__mock/streams | grep -o "\"$stream\":{[^}]*}")"
    grep -q '"accepted":10000,' <<< "$counted" && grep -q '"duplicates":0' <<< "$counted" ||
        fail "the mock did not count 10000 events once each for $stream: $counted"
done

step "README's C \"Testing your code\" example (tests/c/testing_your_code.sh)"
# Exactly the README's script: amperity-mock on PATH, ./list_segments as the user's program
# (this machine's build: the script runs it directly).
if [ -z "$platform" ]; then
    (cd "$bin" && PATH="$target_dir/release:$PATH" \
        bash "$root/tests/c/testing_your_code.sh" >"$work/testing.out" 2>&1) ||
        { cat "$work/testing.out" >&2; fail "tests/c/testing_your_code.sh"; }
    tail -n 1 "$work/testing.out"
fi

step "C tests${platform:+ ($platform)}"
"${run[@]}" "$bin/test_c_api" || fail "tests/c/test_c_api (exit $?)"
if [ -n "$platform" ]; then
    step "summary ($platform)"
    [ "${#failures[@]}" = 0 ] || { printf 'FAILED: %s
' "${failures[@]}"; exit 1; }
    echo "all C API checks passed on $platform"
    exit 0
fi

step "C tests under valgrind"
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    --suppressions=tests/c/valgrind.supp --log-file="$work/valgrind.log" "$bin/test_c_api" |
    tail -n 1
vg=${PIPESTATUS[0]}
grep -E "definitely lost|indirectly lost|possibly lost|ERROR SUMMARY" "$work/valgrind.log" | sed 's/^==[0-9]*== /valgrind: /'
if [ "$vg" != 0 ]; then
    cat "$work/valgrind.log" >&2
    fail "valgrind (exit $vg)"
fi

step "C tests with AddressSanitizer (static library)"
ASAN_OPTIONS="detect_leaks=1" "$bin/test_c_api_asan" >"$work/asan.log" 2>&1
asan=$?
tail -n 1 "$work/asan.log"
if [ "$asan" != 0 ]; then
    cat "$work/asan.log" >&2
    fail "AddressSanitizer build (exit $asan)"
fi

step "summary"
if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "all C API checks passed"
