"""Shared fixtures: the bundled mock server (a real subprocess on a real socket) and clients."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import amperity

REPO = Path(__file__).resolve().parents[3]
SEGMENTS = 1234  # not a multiple of any page size used in the tests


def mock_binary() -> str:
    path = os.environ.get("AMPERITY_MOCK") or str(REPO / "target" / "release" / "amperity-mock")
    if not Path(path).exists():
        pytest.exit(
            f"mock server binary not found at {path}: run `cargo build --release -p amperity-mock` "
            "or set AMPERITY_MOCK",
            returncode=2,
        )
    return path


class Mock:
    """A running amperity-mock process and helpers for its control endpoints."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [mock_binary(), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.origin = self.proc.stdout.readline().strip()
        if not self.origin.startswith("http"):
            self.stop()
            raise RuntimeError(f"amperity-mock did not print its origin (got {self.origin!r})")
        self.base_url = self.origin + "/api"

    def _control(self, method: str, path: str, body: Optional[str] = None) -> Any:
        data = None if body is None else body.encode()
        request = urllib.request.Request(self.origin + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def fault(self, spec: str) -> None:
        """Queues a fault rule (``POST /__mock/faults``)."""
        self._control("POST", "/__mock/faults", spec)

    def reset(self) -> None:
        """Clears fault rules and recorded requests."""
        self._control("DELETE", "/__mock/faults")
        self._control("DELETE", "/__mock/requests")

    def clear_requests(self) -> None:
        """Forgets the recorded requests (``DELETE /__mock/requests``)."""
        self._control("DELETE", "/__mock/requests")

    def requests(self, path_prefix: str = "/api/") -> List[Dict[str, Any]]:
        """Recorded requests under ``path_prefix`` (headers as a dict, names lowercase)."""
        out = []
        for r in self._control("GET", "/__mock/requests"):
            if r["path"].startswith(path_prefix):
                r["headers"] = {name: value for name, value in r["headers"]}
                out.append(r)
        return out

    def client(self, **kwargs: Any) -> amperity.Client:
        """A client for this mock: static token, no rate limit, fast retries unless overridden."""
        tenant = kwargs.pop("tenant", "acme")
        settings: Dict[str, Any] = dict(
            token="mock-token", base_url=self.base_url, rate_limit=None,
            initial_backoff=0.01, max_backoff=0.05,
        )
        if "client_id" in kwargs:
            settings.pop("token")
        settings.update(kwargs)
        return amperity.Client(tenant, **settings)

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def mock() -> Iterator[Mock]:
    """One mock server for the whole session (default data, run steps of 50 ms)."""
    server = Mock("--segments", str(SEGMENTS), "--run-step-ms", "50")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _clean_mock(request: pytest.FixtureRequest) -> None:
    """Every test starts with no queued faults and no recorded requests."""
    if "mock" in request.fixturenames:
        request.getfixturevalue("mock").reset()


@pytest.fixture
def client(mock: Mock) -> Iterator[amperity.Client]:
    with mock.client() as c:
        yield c


@pytest.fixture
def start_mock() -> Iterator[Any]:
    """Starts extra mock servers with custom flags; all are stopped after the test."""
    started: List[Mock] = []

    def start(*args: str) -> Mock:
        server = Mock(*args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
