#!/usr/bin/env bash
# Rust: formatting, lints, every crate's tests (the core's run against the bundled mock server,
# started in-process by each test), doctests, and the Rust examples against the mock.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/deps.sh

# rustfmt and clippy are mandatory where the toolchain has them; a toolchain without one (rustup
# cannot add components on a machine without its download server) says so and goes on.
if cargo fmt --version >/dev/null 2>&1; then
  echo "== rust: cargo fmt --check"
  cargo fmt --all -- --check
else
  echo "== rust: rustfmt is not installed in this toolchain: the format check is skipped"
fi
if cargo clippy --version >/dev/null 2>&1; then
  echo "== rust: cargo clippy (all targets, -D warnings)"
  cargo clippy --workspace --all-targets --locked -- -D warnings
  # The workspace build turns on the core's `uniffi` feature; the core alone (what a Rust user
  # depends on) must be clean without it too.
  echo "== rust: cargo clippy -p amperity (without the uniffi feature)"
  cargo clippy -p amperity --all-targets --locked -- -D warnings
else
  echo "== rust: clippy is not installed in this toolchain: the lint check is skipped"
fi
echo "== rust: cargo test"
cargo test --workspace --locked
echo "== rust: examples against the bundled mock server"
for bin in walk list_segments run_workflow audit_events lookup_profile stream_events; do
  env -u AMPERITY_TENANT -u AMPERITY_TOKEN -u AMPERITY_CLIENT_ID -u AMPERITY_CLIENT_SECRET \
    -u AMPERITY_STREAM_TOKEN -u AMPERITY_STREAM_ID -u AMPERITY_STREAM_BASE_URL \
    cargo run -q --locked -p amperity-examples --bin "$bin" > "target/example-$bin.out"
  tail -n 1 "target/example-$bin.out"
done
grep -q "^Walked 1000 segments and 120 workflow runs.$" target/example-walk.out
