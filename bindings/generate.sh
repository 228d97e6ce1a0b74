#!/usr/bin/env bash
# Regenerates the binding code that is written from the uniffi metadata of a built libamperity
# (the core's models and the `lists!` table of core/src/uniffi_api/pager.rs):
#   python  bindings/python/python/amperity/_schema.py   the model classes
#           bindings/python/python/amperity/_lists.py    the list resources
#   kotlin  bindings/kotlin/src/main/kotlin/com/amperity/sdk/Lists.kt
#   swift   bindings/swift/Sources/Amperity/Lists.swift
# Commit the results; each language's tests/<language>.sh runs this with --check and fails when
# a committed file differs from a fresh generation.
#
# Usage: bindings/generate.sh [--check] [--library LIBRARY] [LANGUAGE...]
#   --check    compare instead of writing (exit 1 and show the diff when stale)
#   LIBRARY    an unstripped libamperity.so (default: target/release/libamperity.so, built first)
#   LANGUAGE   python, kotlin or swift (default: all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
check=0 library="" languages=()
while [ $# -gt 0 ]; do
    case "$1" in
        --check) check=1 ;;
        --library) library="$2"; shift ;;
        python|kotlin|swift) languages+=("$1") ;;
        *) echo "usage: bindings/generate.sh [--check] [--library LIBRARY] [python|kotlin|swift...]" >&2; exit 2 ;;
    esac
    shift
done
[ ${#languages[@]} -gt 0 ] || languages=(python kotlin swift)
if [ -z "$library" ]; then
    cargo build --quiet --locked --release -p amperity-ffi
    library="${CARGO_TARGET_DIR:-$root/target}/release/libamperity.so"
fi
targets=()
for language in "${languages[@]}"; do
    case "$language" in
        python) targets+=("python-models bindings/python/python/amperity/_schema.py"
                          "python-lists bindings/python/python/amperity/_lists.py") ;;
        kotlin) targets+=("kotlin-lists bindings/kotlin/src/main/kotlin/com/amperity/sdk/Lists.kt") ;;
        swift) targets+=("swift-lists bindings/swift/Sources/Amperity/Lists.swift") ;;
    esac
done
cargo build --quiet --locked -p uniffi-bindgen
bindgen="${CARGO_TARGET_DIR:-$root/target}/debug/uniffi-bindgen"
fresh="$(mktemp -d "${TMPDIR:-/tmp}/amperity-generated.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
stale=0
for target in "${targets[@]}"; do
    read -r command file <<<"$target"
    "$bindgen" "$command" "$library" "$fresh/out"
    if [ "$check" = 1 ]; then
        if ! diff -u "$file" "$fresh/out"; then
            echo "FAILED: $file is stale: run bindings/generate.sh" >&2
            stale=1
        fi
    else
        cp "$fresh/out" "$file"
        echo "wrote $file"
    fi
done
exit "$stale"
