#!/usr/bin/env bash
# Runs every test in every language. Safe to run again; installs what it needs under target/
# (a Python venv, Maven's local repository in ~/.m2). Needs Debian packages valgrind and
# pkg-config for the C tests (`.ci/run` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

suites=(versions rust c python kotlin release)
for suite in "${suites[@]}"; do
  echo "######## $suite"
  bash "tests/$suite.sh"
done
echo "######## all suites passed: ${suites[*]}"
