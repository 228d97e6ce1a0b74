#!/usr/bin/env bash
# Runs every cargo-fuzz target of core/fuzz, one at a time (at low priority), and prints a table:
# seconds, executions, executions per second, coverage (libFuzzer's `cov:` and `ft:`) and
# findings per target. Needs a nightly toolchain and cargo-fuzz (see README.md, "Fuzzing"):
#
#   rustup toolchain install nightly --profile minimal
#   cargo install cargo-fuzz --version 0.13.2 --locked
#
#   tests/fuzz.sh            # 300 s per target
#   tests/fuzz.sh 1800       # 30 min per target ...
#   FUZZ_RUNS=10000000 tests/fuzz.sh 1800   # ... or 10 million executions, whichever comes first
#   FUZZ_TARGETS="models cursor" tests/fuzz.sh 60
#   FUZZ_REPORT=target/fuzz/report-a.md FUZZ_TARGETS=...   # two runs side by side, one table each
#
# The committed seeds (core/fuzz/corpus/<target>) are read, never written: the inputs libFuzzer
# finds go to target/fuzz/corpus/<target>. A crash, hang (over 1 s) or out-of-memory (over 2 GB)
# stops that target and is saved under target/fuzz/artifacts/<target>/; minimise it with
# `cargo +nightly fuzz tmin <target> <file>` (in core/fuzz), commit the result under
# core/fuzz/regressions/<target>/ (replayed by `cargo test` on stable) and fix the defect.
# Exits 1 when any target found something.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD
seconds=${1:-300}
case "$seconds" in ''|*[!0-9]*|0) echo "usage: tests/fuzz.sh [SECONDS per target]" >&2; exit 2;; esac
runs=${FUZZ_RUNS:-0}   # 0: no limit on executions, only on time
targets=${FUZZ_TARGETS:-"models error_body headers datetime cursor config stream_payload c_api_strings"}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain: rustup toolchain install nightly --profile minimal" >&2; exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing: cargo install cargo-fuzz --version 0.13.2 --locked" >&2; exit 2
fi

echo "== fuzz: building the targets (nightly, release with debug assertions)"
(cd core/fuzz && nice -n 10 cargo +nightly fuzz build -O) || exit 1

out="$root/target/fuzz"
mkdir -p "$out"
table=${FUZZ_REPORT:-$out/report.md}
{
  echo "| target | seconds | execs | exec/s | cov | ft | corpus | findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
} > "$table"
found=0
for t in $targets; do
  corpus="$out/corpus/$t" artifacts="$out/artifacts/$t" log="$out/$t.log"
  mkdir -p "$corpus" "$artifacts"
  limit="up to $seconds s"; [ "$runs" = 0 ] || limit="$limit or $runs executions"
  echo "== fuzz: $t, $limit"
  stamp="$out/$t.started"; : > "$stamp"
  started=$SECONDS
  (cd core/fuzz && nice -n 15 cargo +nightly fuzz run -O "$t" "$corpus" "$root/core/fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -runs="$( [ "$runs" = 0 ] && echo -1 || echo "$runs")" \
      -timeout=1 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/") > "$log" 2>&1
  took=$((SECONDS - started))   # with the build of the target; libFuzzer's own time when it says
  fuzzed=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -n 1)
  [ -n "$fuzzed" ] && took=$fuzzed
  # libFuzzer's last status line: "#123456 DONE cov: 1234 ft: 5678 corp: 90/12Kb ... exec/s: 411 rss: ..."
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  [ -n "$rate" ] || rate=$(sed -nE 's/.* exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  # Only what this run found (the directory keeps earlier runs' findings).
  findings=$(find "$artifacts" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) | wc -l)
  note=$findings
  if [ "$findings" -gt 0 ]; then
    found=1
    note="$findings in target/fuzz/artifacts/$t/"
  fi
  echo "| $t | $took | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $note |" >> "$table"
  tail -n 3 "$log"
done
echo
cat "$table"
echo "(also in $table; logs in target/fuzz/<target>.log)"
exit $found
