#!/usr/bin/env bash
# The main job: `cargo run -p amperity-examples` (walks every page of segments and workflow runs of
# a real tenant when AMPERITY_TENANT and credentials are set, else of the bundled mock server),
# with crates from the registry or, on a machine without one, from the offline caches
# (tests/deps.sh). Arguments go to the example.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/deps.sh >&2
exec cargo run -q --locked -p amperity-examples -- "$@"
