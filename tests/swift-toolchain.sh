# Sourced by tests/swift.sh, tests/release.sh and tests/bench.sh: puts the Swift toolchain on PATH.
# `swift` on PATH, else $SWIFT_TOOLCHAIN/usr/bin, else /opt/swift/usr/bin (where this project's
# machines keep it). Sets AMPERITY_SWIFT=1 when one is found, else AMPERITY_SWIFT=0 and
# AMPERITY_SWIFT_MISSING (the one-line reason).
if ! command -v swift >/dev/null 2>&1; then
    for amperity_swift_dir in "${SWIFT_TOOLCHAIN:-}/usr/bin" /opt/swift/usr/bin; do
        if [ -x "$amperity_swift_dir/swift" ]; then
            export PATH="$amperity_swift_dir:$PATH"
            break
        fi
    done
fi
if command -v swift >/dev/null 2>&1; then
    AMPERITY_SWIFT=1
else
    AMPERITY_SWIFT=0
    AMPERITY_SWIFT_MISSING="no Swift toolchain (not on PATH, not in \$SWIFT_TOOLCHAIN or /opt/swift)"
fi
