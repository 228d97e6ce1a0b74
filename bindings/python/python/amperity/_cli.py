"""The ``amperity`` console script: runs the command-line tool bundled in the wheel.

The tool is the Rust binary ``amperity/_bin/amperity`` (``amperity.exe`` on Windows), built from
``bindings/cli`` and copied into the package by ``bindings/python/bundle-cli.sh`` before the
wheel is built, the way ruff and other Rust tools ship on PyPI. This module only finds it and
hands the process over to it: every behaviour is the binary's.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import List, Optional


def binary_path() -> Path:
    """Where the bundled binary is (whether or not this wheel has one)."""
    name = "amperity.exe" if sys.platform == "win32" else "amperity"
    return Path(__file__).resolve().parent / "_bin" / name


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the bundled ``amperity`` binary with ``argv`` (default: this process's arguments)."""
    args = sys.argv[1:] if argv is None else argv
    binary = binary_path()
    if not binary.is_file():
        sys.stderr.write(
            f"amperity: this installation of the amperity package has no command-line tool "
            f"({binary} is missing): the wheel for this platform was built without it. Install "
            f"a wheel that bundles it, or build it with `cargo install --path bindings/cli`.\n"
        )
        return 3
    if sys.platform != "win32" and not os.access(binary, os.X_OK):
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if sys.platform == "win32":
        # No exec on Windows: run it and pass its exit status on (Ctrl-C reaches it too).
        return subprocess.call([str(binary), *args])
    # Replace this process: signals (Ctrl-C), stdin/stdout and the exit status are the tool's.
    os.execv(str(binary), [str(binary), *args])
    return 127  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
