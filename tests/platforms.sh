#!/usr/bin/env bash
# The test suites on the platforms this x86_64 Linux machine can run besides its own
# (tests/platforms/targets.tsv): the Rust core's whole test suite cross-built for each and run
# under its runner (qemu-aarch64, natively for musl, wine64 for Windows), each test starting its
# mock server in-process on 127.0.0.1, and for linux-aarch64 the C test suite too
# (tests/c.sh --platform). The artifacts of every platform, and their smoke tests, are
# tests/release.sh --platforms.
#
#   tests/platforms.sh [PLATFORM...]    default: linux-aarch64 linux-x86_64-musl windows-x86_64
#
# Installs what it needs: Debian's cross compilers, qemu-user, musl-tools, MinGW-w64 and wine64
# (apt-get, as root), the Rust standard library of each target (rustup), zig and cargo-zigbuild
# (tests/platforms/requirements.txt). Prints "platforms: N passed, N failed" (test suites).
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/deps.sh
source tests/platforms/lib.sh

requested=("$@")
[ "${#requested[@]}" -gt 0 ] || requested=(linux-aarch64 linux-x86_64-musl windows-x86_64)
passed=0
failed=0
failures=()
started=$SECONDS

suite() { # name, command...
    local name=$1 t0=$SECONDS
    shift
    echo "== platforms: $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "== platforms: $name passed in $((SECONDS - t0)) s"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "== platforms: $name FAILED after $((SECONDS - t0)) s" >&2
    fi
}

core_tests() { # platform
    local rust
    rust="$(platform_field "$1" rust)"
    (
        platform_cargo_env "$1"
        local status=0 log="target/platforms-$1-core.log"
        cargo test --locked --no-fail-fast -p amperity --target "$rust" > "$log" 2>&1 || status=$?
        grep -E '^(test result|failures:|---- |thread .* panicked|error)' "$log" || true
        [ "$status" = 0 ] || echo "platforms: cargo test for $rust exited $status (the whole output: $log)" >&2
        return "$status"
    )
}

for platform in "${requested[@]}"; do
    runner="$(platform_field "$platform" runner)"
    [ "$runner" != none ] || { echo "platforms: $platform programs cannot run here (inspected by tests/release.sh)"; continue; }
    # A toolchain without the target's standard library, on a machine where rustup cannot fetch
    # it (the offline machines), skips that platform in one line.
    if ! platform_rust_target "$(platform_field "$platform" rust)" 2>/dev/null; then
        echo "platforms: $platform skipped: the Rust standard library for $(platform_field "$platform" rust) is not installed and rustup cannot add it"
        continue
    fi
    suite "$platform: Rust core tests ($runner)" core_tests "$platform"
    if [ "$platform" = linux-aarch64 ]; then
        suite "$platform: C tests ($runner)" bash tests/c.sh --platform "$platform"
    fi
done

# The hosted-CI workflows cannot run here; actionlint (pinned, from the Go module proxy) checks them.
actionlint_check() {
    local bin="$PWD/target/go-bin/actionlint"
    if [ ! -x "$bin" ]; then
        GOBIN="$PWD/target/go-bin" GOFLAGS=-mod=mod go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 ||
            { echo "platforms: actionlint could not be installed (no Go toolchain or module proxy here)" >&2; return 1; }
    fi
    "$bin" .github/workflows/*.yml && echo "actionlint: $(ls .github/workflows/*.yml | wc -l) workflows clean"
}
if command -v go >/dev/null 2>&1; then
    suite "hosted CI workflows (actionlint)" actionlint_check
else
    echo "platforms: the workflow check skipped: no Go toolchain for actionlint"
fi

echo "platforms: ${requested[*]} in $((SECONDS - started)) s"
[ "$failed" = 0 ] || printf 'platforms: FAILED: %s\n' "${failures[@]}" >&2
echo "platforms: $passed passed, $failed failed"
[ "$failed" = 0 ]
