"""The console script `amperity` (pip install amperity) runs the bundled command-line tool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from amperity import _cli
from conftest import Mock


def console_script() -> str:
    """The `amperity` script installed next to this interpreter."""
    folder = Path(sys.executable).parent
    found = shutil.which("amperity", path=str(folder))
    assert found, f"no amperity console script in {folder}"
    return found


def clean_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPERITY_")}
    env["XDG_CONFIG_HOME"] = "/nonexistent-amperity-test"
    env.update(extra)
    return env


def test_the_wheel_bundles_the_binary() -> None:
    assert _cli.binary_path().is_file(), "bindings/python/bundle-cli.sh was not run before maturin"
    assert os.access(_cli.binary_path(), os.X_OK)


def test_version() -> None:
    done = subprocess.run([console_script(), "--version"], capture_output=True, text=True, env=clean_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("amperity ")


def test_segments_list_against_the_mock(mock: Mock) -> None:
    env = clean_env(AMPERITY_TENANT="acme", AMPERITY_BASE_URL=mock.base_url, AMPERITY_TOKEN="mock-token")
    done = subprocess.run(
        [console_script(), "--rate-limit", "off", "segments", "list", "--limit", "5", "-o", "ndjson"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    segments = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(segments) == 5
    assert all(s["id"].startswith("seg-") for s in segments)


def test_exit_status_passes_through(mock: Mock) -> None:
    env = clean_env(AMPERITY_TENANT="acme", AMPERITY_BASE_URL=mock.base_url, AMPERITY_TOKEN="mock-token")
    done = subprocess.run(
        [console_script(), "workflow", "runs", "get", "wf-nope"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 5, done.stderr
    assert "not found" in done.stderr


def test_a_wheel_without_the_binary_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_cli, "binary_path", lambda: tmp_path / "amperity")
    assert _cli.main(["--version"]) == 3
    assert "has no command-line tool" in capsys.readouterr().err
