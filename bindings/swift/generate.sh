#!/usr/bin/env bash
# Generates the uniffi Swift bindings of a built libamperity into a package with this package's
# layout: Sources/AmperityBindings/AmperityBindings.swift and Sources/AmperityFFI/AmperityFFI.h
# (the hand-written Sources/AmperityFFI/module.modulemap stays), with two of uniffi's buffer
# readers rewritten to read in place (speed_up_readers.py). Generate from the library the package
# will link, before any strip (the metadata uniffi-bindgen reads is in its symbols).
#
# Usage: bindings/swift/generate.sh LIBRARY [PACKAGE_DIR]   (default: bindings/swift)
# Runs uniffi-bindgen from the workspace (cargo run -p uniffi-bindgen), so cargo must work here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
library="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
package="${2:-$here}"
out="$(mktemp -d "${TMPDIR:-/tmp}/amperity-swift-gen.XXXXXX")"
trap 'rm -rf "$out"' EXIT
cd "$here/../.."
cargo run --quiet --locked -p uniffi-bindgen -- generate "$library" --language swift --no-format --out-dir "$out"
test -s "$out/AmperityBindings.swift" && test -s "$out/AmperityFFI.h"
# uniffi's Data-copying readers are most of the time of a page in Swift: read in place instead.
python3 "$here/speed_up_readers.py" "$out/AmperityBindings.swift"
mkdir -p "$package/Sources/AmperityFFI" "$package/Sources/AmperityBindings"
cp "$out/AmperityFFI.h" "$package/Sources/AmperityFFI/AmperityFFI.h"
cp "$out/AmperityBindings.swift" "$package/Sources/AmperityBindings/AmperityBindings.swift"
