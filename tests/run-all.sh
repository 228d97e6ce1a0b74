#!/usr/bin/env bash
# Runs every test in every language. Safe to run again; installs what it needs under target/
# (a Python venv; Maven's local repository in ~/.m2, or the offline caches in target/offline).
# Needs Debian packages valgrind and pkg-config for the C tests (`.ci/run` installs them) and a
# Swift toolchain for the Swift suite (tests/swift-toolchain.sh says where it is looked for).
# Ends with one line counting the tests of every suite: "run-all: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
# Decide once where crates and Maven artifacts come from; every suite inherits it.
source tests/deps.sh

mkdir -p target
log=target/run-all.log
: > "$log"
suites=(versions rust c python kotlin swift platforms release soak)
for suite in "${suites[@]}"; do
  echo "######## $suite" | tee -a "$log"
  echo "(free disk space: $(df -h --output=avail . | tail -n 1 | tr -d ' '))"
  args=()
  # CI runs one foreign platform (linux-aarch64 under qemu); `tests/platforms.sh` alone runs them all.
  [ "$suite" = platforms ] && read -r -a args <<< "${AMPERITY_PLATFORMS:-linux-aarch64}"
  # Soak: 60 s per language under the mock's chaos mode, then 5 s of load at 8 and 64 threads.
  [ "$suite" = soak ] && args=(--ci)
  bash "tests/$suite.sh" "${args[@]}" 2>&1 | tee -a "$log"
done
echo "######## all suites passed in $SECONDS s: ${suites[*]}"
python3 - "$log" <<'PY'
import re, sys
suite, counts = None, {}
c_seen = False
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"######## (\w+)", line)
    if m:
        suite = m.group(1)
        continue
    found = None
    if suite == "rust" and (m := re.match(r"test result: \w+\. (\d+) passed; (\d+) failed", line)):
        found = m.groups()
    elif suite == "c" and not c_seen and (m := re.fullmatch(r"(\d+) passed, (\d+) failed\s*", line)):
        found, c_seen = m.groups(), True          # the plain run (valgrind and ASan repeat it)
    elif suite == "python" and re.fullmatch(r"(?:\d+ \w+(?:, )?)+ in [\d.]+s(?: \([\d:]+\))?\s*", line):
        # pytest's summary: "243 passed, 9 warnings in 41.51s", "1 failed, 242 passed in ..."
        passed = re.search(r"(\d+) passed", line)
        failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", line))
        found = (passed.group(1) if passed else 0, failed)
    elif suite == "kotlin" and (m := re.match(r"kotlin: (\d+) passed, (\d+) failed", line)):
        found = m.groups()
        counts[suite] = (0, 0)                    # printed twice: keep the last
    elif suite == "platforms" and (m := re.match(r"platforms: (\d+) passed, (\d+) failed", line)):
        found = m.groups()
    elif suite == "soak" and (m := re.match(r"soak: (\d+) passed, (\d+) failed", line)):
        found = m.groups()
    elif suite == "swift" and (m := re.match(r"swift: XCTest: Executed (\d+) tests?, with (\d+) failures?", line)):
        found = m.groups()
    if found:
        p, f = counts.get(suite, (0, 0))
        counts[suite] = (p + int(found[0]), f + int(found[1]))
for name, (p, f) in counts.items():
    print(f"  {name}: {p} passed, {f} failed")
total_p = sum(p for p, _ in counts.values())
total_f = sum(f for _, f in counts.values())
print(f"run-all: {total_p} passed, {total_f} failed")
PY
