#!/usr/bin/env bash
# Rust: formatting, lints, every crate's tests (the core's run against the bundled mock server,
# started in-process by each test), doctests, and the Rust examples against the mock.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: cargo fmt --check"
cargo fmt --all -- --check
echo "== rust: cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== rust: cargo test"
cargo test --workspace --locked
echo "== rust: examples against the bundled mock server"
for bin in walk list_segments run_workflow audit_events; do
  env -u AMPERITY_TENANT -u AMPERITY_TOKEN -u AMPERITY_CLIENT_ID -u AMPERITY_CLIENT_SECRET \
    cargo run -q --locked -p amperity-examples --bin "$bin" > "target/example-$bin.out"
  tail -n 1 "target/example-$bin.out"
done
grep -q "^Walked 1000 segments and 120 workflow runs.$" target/example-walk.out
