#!/usr/bin/env bash
# One version, visible everywhere: fails when any of these differ from [workspace.package]
# version in the root Cargo.toml:
#   - every workspace crate's version (cargo metadata);
#   - amperity::VERSION and the User-Agent amperity-rust/<v>: the core must take them from
#     CARGO_PKG_VERSION, i.e. the core crate's version above (tests/release.sh then sees
#     amperity-rust/<v> on the wire, in the mock server's request log, from every artifact);
#   - include/amperity.h: AMPERITY_VERSION_STRING, _MAJOR, _MINOR, _PATCH;
#   - bindings/python/pyproject.toml (version dynamic, taken from the amperity-ffi crate by
#     maturin; or a literal equal to it) and the version in target/dist's wheel when present;
#   - bindings/kotlin/pom.xml <version> and Amperity.VERSION in Client.kt;
#   - AmperitySDK.version in bindings/swift/Sources/Amperity/AmperitySDK.swift;
#   - CHANGELOG.md: the latest released section `## [X.Y.Z] - YYYY-MM-DD`, with an [Unreleased]
#     section above it.
# And license metadata: `MIT OR Apache-2.0` in [workspace.package], every crate (cargo
# metadata), pyproject.toml, the pom's <licenses> (MIT and Apache-2.0), LICENSE-MIT and
# LICENSE-APACHE at the top. tests/release.sh checks the same on the built artifacts.
#
# Usage: tests/versions.sh        (needs cargo and python3 >= 3.11, for tomllib)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tests/deps.sh

cargo metadata --format-version 1 --no-deps --locked > "${TMPDIR:-/tmp}/amperity-metadata.$$.json"
trap 'rm -f "${TMPDIR:-/tmp}/amperity-metadata.$$.json"' EXIT

python3 - "${TMPDIR:-/tmp}/amperity-metadata.$$.json" <<'PY'
import json, re, sys, tomllib, xml.etree.ElementTree as ET
from pathlib import Path

problems = []
def check(ok, what):
    print(("ok      " if ok else "MISMATCH") + "  " + what)
    if not ok:
        problems.append(what)

# Cargo.toml uses TOML 1.1 (a multi-line inline table), which tomllib cannot read: take the
# [workspace.package] keys with a regular expression, the crates from cargo metadata.
root_toml = Path("Cargo.toml").read_text()
def section(text, name):
    m = re.search(rf"^\[{re.escape(name)}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    return m.group(1) if m else ""
def key(body, name):
    m = re.search(rf'^{name}\s*=\s*"([^"]*)"', body, re.M)
    return m.group(1) if m else None
ws = section(root_toml, "workspace.package")
version, license = key(ws, "version"), key(ws, "license")
print(f"workspace version {version}, license {license}")
if version is None:
    sys.exit("versions: no [workspace.package] version in Cargo.toml")
check(re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", version) is not None, f"{version} is a semver version")
check(license == "MIT OR Apache-2.0", f"[workspace.package] license = {license!r}")
m = re.search(r'^amperity\s*=\s*\{[^}]*\bversion\s*=\s*"([^"]*)"', section(root_toml, "workspace.dependencies"), re.M)
if m:
    check(m.group(1).lstrip("=^") == version, f"[workspace.dependencies] amperity version {m.group(1)!r}")

# Crates.
meta = json.load(open(sys.argv[1]))
for pkg in meta["packages"]:
    check(pkg["version"] == version, f"crate {pkg['name']} version {pkg['version']}")
    check(pkg.get("license") == "MIT OR Apache-2.0", f"crate {pkg['name']} license {pkg.get('license')!r}")

# amperity::VERSION and the User-Agent come from the core crate's CARGO_PKG_VERSION.
lib = Path("core/src/lib.rs").read_text()
check(re.search(r'pub const VERSION: &str = env!\("CARGO_PKG_VERSION"\);', lib) is not None,
      "amperity::VERSION = env!(\"CARGO_PKG_VERSION\") (core/src/lib.rs)")
config = Path("core/src/config.rs").read_text()
check(re.search(r'format!\("amperity-rust/\{\}", crate::VERSION\)', config) is not None,
      "User-Agent amperity-rust/{amperity::VERSION} (core/src/config.rs)")

# C header.
header = Path("include/amperity.h").read_text()
def macro(name):
    m = re.search(rf"^#define {name} (.+)$", header, re.M)
    return m.group(1).strip() if m else None
check(macro("AMPERITY_VERSION_STRING") == f'"{version}"', f"AMPERITY_VERSION_STRING {macro('AMPERITY_VERSION_STRING')}")
core_version = re.match(r"(\d+)\.(\d+)\.(\d+)", version).groups()
for part, value in zip(("MAJOR", "MINOR", "PATCH"), core_version):
    check(macro(f"AMPERITY_VERSION_{part}") == value, f"AMPERITY_VERSION_{part} {macro(f'AMPERITY_VERSION_{part}')}")

# Python.
py = tomllib.loads(Path("bindings/python/pyproject.toml").read_text())
project = py["project"]
if "version" in project:
    check(project["version"] == version, f"pyproject.toml version {project['version']}")
else:
    # maturin takes a dynamic version from the crate of manifest-path (the amperity-ffi crate).
    manifest = py.get("tool", {}).get("maturin", {}).get("manifest-path", "Cargo.toml")
    manifest_path = (Path("bindings/python") / manifest).resolve()
    crate = [p for p in meta["packages"] if Path(p["manifest_path"]).resolve() == manifest_path]
    check("version" in project.get("dynamic", []) and len(crate) == 1 and crate[0]["version"] == version,
          f"pyproject.toml version dynamic, from {manifest} "
          f"({crate[0]['name'] + ' ' + crate[0]['version'] if crate else 'not a workspace crate'})")
pylicense = project.get("license")
pylicense = pylicense.get("text") if isinstance(pylicense, dict) else pylicense
check(pylicense == "MIT OR Apache-2.0", f"pyproject.toml license {pylicense!r}")
for wheel in sorted(Path("target/dist").glob("amperity-*.whl")):
    check(wheel.name.startswith(f"amperity-{version}-"), f"target/dist wheel {wheel.name}")

# Kotlin.
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse("bindings/kotlin/pom.xml").getroot()
check(pom.find("m:version", ns).text == version, f"pom.xml version {pom.find('m:version', ns).text}")
names = sorted(e.text for e in pom.findall("m:licenses/m:license/m:name", ns))
check(names == ["Apache-2.0", "MIT"], f"pom.xml <licenses> {names}")
kt = Path("bindings/kotlin/src/main/kotlin/com/amperity/sdk/Client.kt").read_text()
m = re.search(r'const val VERSION: String = "([^"]*)"', kt)
check(m is not None and m.group(1) == version, f"Amperity.VERSION {m.group(1) if m else None} (Client.kt)")

# Swift.
swift = Path("bindings/swift/Sources/Amperity/AmperitySDK.swift").read_text()
m = re.search(r'public static let version = "([^"]*)"', swift)
check(m is not None and m.group(1) == version, f"AmperitySDK.version {m.group(1) if m else None} (AmperitySDK.swift)")

# Changelog: the latest released section, below [Unreleased].
changelog = Path("CHANGELOG.md").read_text()
sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$", changelog, re.M)
released = [(v, d) for v, d in sections if v.lower() != "unreleased"]
check(bool(sections) and sections[0][0] == "Unreleased", "CHANGELOG.md starts with an [Unreleased] section")
check(bool(released) and released[0][0] == version and bool(released[0][1]),
      f"CHANGELOG.md latest release {released[0] if released else None}")

# License texts.
def text(path):
    return Path(path).read_text() if Path(path).is_file() else ""
check("Permission is hereby granted" in text("LICENSE-MIT"), "LICENSE-MIT is the MIT license")
check("Apache License" in text("LICENSE-APACHE") and "Version 2.0" in text("LICENSE-APACHE"),
      "LICENSE-APACHE is the Apache License 2.0")

if problems:
    print(f"versions: {len(problems)} mismatch(es):", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"versions: everything says {version}, {license}")
PY
