#!/usr/bin/env python3
"""Checks a platform's wheel: its tag (from tests/platforms/targets.tsv), its METADATA (version,
license, Requires-Python) and the native library inside it, read by its header
(tests/platforms/inspect.py), never by its file name.

    check_wheel.py PLATFORM WHEEL VERSION LICENSE REFERENCE_LIBRARY
"""
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from inspect_table import row  # noqa: E402


def expected_tag(platform):
    fields = row(platform)
    arch = "aarch64" if fields["rust"].startswith("aarch64") else "x86_64"
    system, version = fields["minimum"].split("-", 1)
    if system in ("glibc", "musl"):
        return f"{fields['wheel']}_{arch}"
    if system == "macos":
        return f"macosx_{version.replace('.', '_')}_{'arm64' if arch == 'aarch64' else 'x86_64'}"
    return "win_amd64"


def main(platform, wheel, version, license, reference):
    name = os.path.basename(wheel)
    tag = expected_tag(platform)
    prefix = f"amperity-{version}-py3-none-"
    assert name.startswith(prefix) and name.endswith(".whl"), f"{name}: not amperity {version} py3-none"
    tags = name[len(prefix):-len(".whl")].split(".")
    assert tag in tags, f"{name}: platform tags {tags}, expected {tag}"
    z = zipfile.ZipFile(wheel)
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    fields = {}
    for line in z.read(meta).decode().split("\n\n")[0].splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    assert fields["Version"] == [version], f"METADATA Version {fields['Version']}"
    licenses = fields.get("License", []) + fields.get("License-Expression", [])
    assert license in licenses, f"METADATA License {licenses}"
    assert fields.get("Requires-Python") == [">=3.9"], fields.get("Requires-Python")
    library = row(platform)["library"]
    natives = [n for n in z.namelist() if n.endswith((".so", ".dylib", ".dll", ".pyd"))]
    assert [os.path.basename(n) for n in natives] == [library], f"{name}: natives {natives}, expected one {library}"
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, library)
        with open(path, "wb") as f:
            f.write(z.read(natives[0]))
        subprocess.run([sys.executable, os.path.join(HERE, "inspect.py"), platform, path,
                        "--exports-like", reference], check=True)
        # The command-line tool of the console script `amperity`, built for the same platform.
        cli = "amperity/_bin/" + ("amperity.exe" if library.endswith(".dll") else "amperity")
        assert cli in z.namelist(), f"{name}: no {cli}"
        info = z.getinfo(cli)
        assert library.endswith(".dll") or (info.external_attr >> 16) & 0o111, f"{name}: {cli} is not executable"
        path = os.path.join(scratch, os.path.basename(cli))
        with open(path, "wb") as f:
            f.write(z.read(cli))
        subprocess.run([sys.executable, os.path.join(HERE, "inspect.py"), platform, path, "--program"], check=True)
    print(f"{name}: tag {tag}, Version {version}, License {license}, Requires-Python >=3.9, {natives[0]}, {cli}")


if __name__ == "__main__":
    main(*sys.argv[1:])
