#!/usr/bin/env bash
# Copies a built `amperity` command-line binary (bindings/cli) into the Python package, so the
# next `maturin build` puts it in the wheel as amperity/_bin/amperity (amperity.exe for a Windows
# target) and the console script `amperity` (amperity._cli:main) runs it.
#
#   bindings/python/bundle-cli.sh TARGET BINARY
#     TARGET  the Rust target triple the binary was built for (decides the file name; `host`
#             for this machine), e.g. x86_64-unknown-linux-gnu, x86_64-pc-windows-gnu
#     BINARY  the built binary, e.g. target/release/amperity
#
# tests/python.sh calls it for the host wheel; the release scripts call it once per platform.
# The copy (python/amperity/_bin/) is not tracked by git.
set -euo pipefail
if [ $# -ne 2 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
TARGET=$1
BINARY=$2
[ -f "$BINARY" ] || { echo "bundle-cli.sh: no binary at $BINARY" >&2; exit 1; }
case "$TARGET" in
    *windows*) NAME=amperity.exe ;;
    *) NAME=amperity ;;
esac
DEST="$(cd "$(dirname "$0")" && pwd)/python/amperity/_bin"
rm -rf "$DEST"
mkdir -p "$DEST"
install -m 755 "$BINARY" "$DEST/$NAME"
echo "bundled $BINARY ($TARGET) as $DEST/$NAME"
