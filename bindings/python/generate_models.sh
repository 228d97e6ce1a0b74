#!/usr/bin/env bash
# Regenerates python/amperity/_schema.py, the Python model classes, from the uniffi metadata of a
# built libamperity (the core's models: names, types, docs) and the core's JSON field names.
# Commit the result; tests/python.sh fails when the committed file is stale.
#
# Usage: bindings/python/generate_models.sh [LIBRARY] [OUTPUT]
#   LIBRARY  an unstripped libamperity.so (default: target/release/libamperity.so, built first)
#   OUTPUT   default: bindings/python/python/amperity/_schema.py
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
library="${1:-}"
if [ -z "$library" ]; then
    cargo build --quiet --locked --release -p amperity-ffi
    library="${CARGO_TARGET_DIR:-$root/target}/release/libamperity.so"
fi
output="${2:-$here/python/amperity/_schema.py}"
cargo run --quiet --locked -p uniffi-bindgen -- python-models "$library" "$output"
