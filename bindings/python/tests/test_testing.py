"""``amperity.testing`` and its pytest plugin: the test doubles users get, and the README's
"Testing your code" example run exactly as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import amperity
from amperity.testing import MockNotFoundError, MockServer, fault_spec, mock_command

README = Path(__file__).resolve().parents[1] / "README.md"


def test_faults_retry_after_and_expectations() -> None:
    with MockServer(segments=30) as mock, mock.client() as client:
        assert mock.base_url.startswith("http://127.0.0.1:") and mock.base_url.endswith("/api")
        mock.fault(status=503, path="/api/segments")
        assert len(list(client.segments.list(limit=10))) == 30
        mock.assert_requests(4, "GET", "/api/segments")  # 3 pages + 1 retry
        assert mock.request_count("get", "/api/segments") == 4
        assert [r.query for r in mock.requests("GET", "/api/segments")][:2] == ["limit=10"] * 2
        assert mock.requests()[0].headers["authorization"] == "Bearer ***"
        with pytest.raises(AssertionError, match=r"expected 1 POST request\(s\) under /api/workflow/runs, the mock received 0"):
            mock.assert_requests(1, "POST", "/api/workflow/runs")

        mock.reset()
        mock.fault(status=429, retry_after=3, count=0)
        with mock.client(max_attempts=1) as once, pytest.raises(amperity.RateLimitError) as caught:
            once.segments.list().next_page()
        assert caught.value.retry_after == 3.0
        mock.clear_faults()
        client.segments.list().next_page()
        assert mock.request_count("GET") == 2


def test_a_stall_makes_a_timeout() -> None:
    with MockServer(segments=5) as mock, mock.client(request_timeout=0.2, max_attempts=1) as client:
        mock.stall(1.0, path="/api/segments")
        start = time.monotonic()
        with pytest.raises(amperity.AmperityTimeoutError):
            client.segments.list().next_page()
        assert time.monotonic() - start < 0.9
        assert client.segments.list().next_page() is not None  # the stall hit one request only


def test_a_scenario_installed_at_start_and_the_mocks_own_syntax() -> None:
    scenario = [fault_spec(500, path="/api/segments", count=2)]
    with MockServer(segments=5, faults=scenario) as mock, mock.client() as client:
        assert len(list(client.segments.list())) == 5
        mock.assert_requests(3, "GET", "/api/segments")
        mock.fault_spec("path=/api/segments,malformed_json")
        with pytest.raises(amperity.DecodeError):
            client.segments.list().next_page()
        with pytest.raises(ValueError, match="invalid fault spec"):
            mock.fault_spec("nonsense=1")


def test_fault_specs_are_checked() -> None:
    assert fault_spec(429, path="/api/segments", retry_after=1, count=2) == (
        "path=/api/segments,status=429,retry_after=1,count=2"
    )
    assert fault_spec(stall=0.25, method="POST") == "method=POST,delay_ms=250,count=1"
    assert fault_spec(502, html=True, count=0) == "status=502,html,count=0"
    for bad in (dict(), dict(status=500, stall=1.0), dict(status=500, count=-1), dict(stall=1.0, html=True)):
        with pytest.raises(ValueError):
            fault_spec(**bad)  # type: ignore[arg-type]


def test_the_mock_is_found_or_the_error_says_how(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    configured = os.environ["AMPERITY_MOCK"]
    assert mock_command() == [configured]
    monkeypatch.setenv("AMPERITY_MOCK", str(tmp_path / "nowhere"))
    with pytest.raises(MockNotFoundError, match="AMPERITY_MOCK is .*nowhere.*which is not a file"):
        MockServer()
    monkeypatch.delenv("AMPERITY_MOCK")
    bundled = Path(amperity.__file__).parent / "_bin" / "amperity"
    if bundled.exists():  # a wheel with the CLI: `amperity mock`
        assert mock_command() == [str(bundled), "mock"]
    else:
        with pytest.raises(MockNotFoundError, match="AMPERITY_MOCK is not set and .*_bin"):
            mock_command()


def test_the_plugin_fixtures(amperity_mock: MockServer, amperity_client: amperity.Client) -> None:
    assert amperity_mock.request_count() == 0  # reset before each test
    amperity_client.workflow_runs.run("cg-example")
    amperity_mock.assert_requests(1, "POST", "/api/workflow/runs")


def test_the_readme_example_runs_as_printed(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Testing your code", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "no python block in the README's Testing section"
    example = tmp_path / "test_readme_example.py"
    example.write_text(match.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout, result.stdout


def test_a_stopped_mock_refuses_nothing_twice() -> None:
    mock = MockServer(segments=1)
    mock.stop()
    mock.stop()
    assert "127.0.0.1" in repr(mock)
