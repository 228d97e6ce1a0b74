# Sourced by tests/bench.sh, tests/bench/ab.sh and tests/bench/kotlin_clients.sh: whether a
# tree's builds that the bench loads are the ones it means to measure. Each takes the tree's root.

# True when the Kotlin classes hold the tree's release library (tests/kotlin.sh leaves the
# dev-profile one there, and a JVM client would measure a debug build).
kotlin_classes_hold_release() {
  cmp -s "$1/bindings/kotlin/target/classes/linux-x86-64/libamperity.so" "$1/target/release/libamperity.so"
}

# True when the Python venv (tests/python.sh) has a wheel no older than the tree's Rust sources.
python_wheel_current() {
  local lib
  lib=$(ls "$1"/target/python-venv/lib/python3*/site-packages/amperity/_native/libamperity.so 2>/dev/null | head -n 1)
  [ -n "$lib" ] && [ -z "$(find "$1/core/src" "$1/bindings/src" -newer "$lib" -print -quit 2>/dev/null)" ]
}
