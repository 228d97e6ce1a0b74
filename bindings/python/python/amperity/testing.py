"""Test doubles for code that uses the Amperity client: the bundled mock server.

Start it as a context manager (or use the pytest fixtures ``amperity_mock`` and
``amperity_client``, registered by the package's pytest plugin)::

    from amperity.testing import MockServer

    with MockServer() as mock, mock.client() as client:
        mock.fault(status=503, path="/api/segments")   # the next request gets a 503
        segments = list(client.segments.list(limit=100))
        assert mock.request_count("GET", "/api/segments") > 1

The mock is a real HTTP server on 127.0.0.1 (an ephemeral port), so the client under test runs
exactly as in production; ``responses`` or ``respx`` cannot intercept the native client's calls.
The server process is found through the ``AMPERITY_MOCK`` environment variable (the path to an
``amperity-mock`` binary), else the ``amperity`` binary bundled in this package
(``amperity/_bin/amperity``, run as ``amperity mock``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence

from ._client import Client

__all__ = [
    "MockServer",
    "MockNotFoundError",
    "RecordedRequest",
    "fault_spec",
    "mock_command",
    "TENANT",
    "TOKEN",
    "STREAM_TOKEN",
]

#: The tenant the mock serves.
TENANT = "acme"
#: The static bearer token the mock accepts.
TOKEN = "mock-token"
#: The Streaming Ingest token the mock accepts.
STREAM_TOKEN = "mock-stream-token"


class MockNotFoundError(RuntimeError):
    """Neither ``AMPERITY_MOCK`` nor the bundled ``amperity`` binary is there."""


class RecordedRequest(NamedTuple):
    """One API request as the mock received it (secrets masked).

    Attributes:
        method: the HTTP method, e.g. ``"GET"``.
        path: the path, e.g. ``"/api/segments"``.
        query: the raw query string without ``?``.
        headers: the headers, names lowercase (``Authorization`` masked as ``Bearer ***``).
        body: the body as text.
    """

    method: str
    path: str
    query: str
    headers: Dict[str, str]
    body: str


def mock_command() -> List[str]:
    """The command that starts the mock: ``$AMPERITY_MOCK``, else the bundled
    ``amperity/_bin/amperity mock``. Raises :class:`MockNotFoundError` when neither exists."""
    configured = os.environ.get("AMPERITY_MOCK", "").strip()
    if configured:
        if not Path(configured).is_file():
            raise MockNotFoundError(
                f"AMPERITY_MOCK is {configured!r}, which is not a file: set it to the path of an "
                "amperity-mock binary (cargo build --release -p amperity-mock), or unset it to use "
                "the binary bundled with the amperity package"
            )
        return [configured]
    name = "amperity.exe" if sys.platform == "win32" else "amperity"
    bundled = Path(__file__).resolve().parent / "_bin" / name
    if bundled.is_file():
        return [str(bundled), "mock"]
    raise MockNotFoundError(
        f"no mock server found: AMPERITY_MOCK is not set and this amperity package has no bundled "
        f"{bundled} (set AMPERITY_MOCK to the path of an amperity-mock binary)"
    )


def fault_spec(
    status: Optional[int] = None,
    *,
    path: Optional[str] = None,
    method: Optional[str] = None,
    count: int = 1,
    retry_after: Optional[float] = None,
    html: bool = False,
    stall: Optional[float] = None,
) -> str:
    """The mock's fault syntax for one rule (``path=/api/segments,status=429,retry_after=1``).

    Exactly one of ``status`` (an error answer, optionally with ``Retry-After`` seconds and an
    HTML body as a gateway sends) and ``stall`` (seconds to wait before answering normally).
    ``path`` is a path prefix (default: every API path), ``count`` how many matching requests
    it hits (0 = every one, forever).
    """
    if (status is None) == (stall is None):
        raise ValueError("give exactly one of status and stall")
    if count < 0:
        raise ValueError(f"count must be 0 (forever) or more, got {count}")
    parts: List[str] = []
    if path is not None:
        parts.append(f"path={path}")
    if method is not None:
        parts.append(f"method={method}")
    if status is not None:
        parts.append(f"status={int(status)}")
        if retry_after is not None:
            parts.append(f"retry_after={_seconds(retry_after)}")
        if html:
            parts.append("html")
    elif stall is not None:
        if retry_after is not None or html:
            raise ValueError("retry_after and html go with status, not with stall")
        parts.append(f"delay_ms={round(stall * 1000)}")
    parts.append(f"count={count}")
    return ",".join(parts)


def _seconds(value: float) -> str:
    if value < 0:
        raise ValueError(f"retry_after must not be negative, got {value}")
    return str(int(value)) if float(value).is_integer() else str(value)


class MockServer:
    """The mock Amperity API server, as a subprocess on an ephemeral 127.0.0.1 port.

    Args:
        segments: how many segments it serves (default 10 000).
        run_step: seconds a created workflow run spends in each state (default 0.2).
        faults: fault specs installed at start and kept for the server's life (a scenario), e.g.
            ``[fault_spec(429, path="/api/segments", count=2)]``.
        args: further command-line flags of the mock (see ``amperity-mock --help``).

    Attributes:
        origin: ``http://127.0.0.1:PORT``.
        base_url: ``origin + "/api"``, the client's ``base_url``.
        tenant, token, stream_token: what the mock accepts.
    """

    tenant = TENANT
    token = TOKEN
    stream_token = STREAM_TOKEN

    def __init__(
        self,
        *,
        segments: Optional[int] = None,
        run_step: Optional[float] = None,
        faults: Iterable[str] = (),
        args: Sequence[str] = (),
    ) -> None:
        flags: List[str] = ["--port", "0"]
        if segments is not None:
            flags += ["--segments", str(int(segments))]
        if run_step is not None:
            flags += ["--run-step-ms", str(round(run_step * 1000))]
        for spec in faults:
            flags += ["--fault", spec]
        flags += list(args)
        # stdin stays a pipe: the mock exits when it closes, so it never outlives this process.
        self._proc = subprocess.Popen(
            [*mock_command(), *flags], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline().strip()
        if not first.startswith("http"):
            self.stop()
            raise RuntimeError(f"the mock server did not start (exit {self._proc.returncode}, printed {first!r})")
        self.origin: str = first
        self.base_url: str = first + "/api"

    def __repr__(self) -> str:
        return f"MockServer(origin={self.origin!r})"

    def __enter__(self) -> "MockServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def client(self, **settings: Any) -> Client:
        """A :class:`Client` for this mock (its tenant and token, no rate limit, fast retries);
        keyword arguments override any setting."""
        options: Dict[str, Any] = dict(
            token=self.token, base_url=self.base_url, rate_limit=None, initial_backoff=0.01, max_backoff=0.05
        )
        if "client_id" in settings:
            options.pop("token")
        options.update(settings)
        tenant = options.pop("tenant", self.tenant)
        return Client(tenant, **options)

    # -- faults (POST/DELETE /__mock/faults) --------------------------------------------------

    def fault(
        self,
        status: Optional[int] = None,
        *,
        path: Optional[str] = None,
        method: Optional[str] = None,
        count: int = 1,
        retry_after: Optional[float] = None,
        html: bool = False,
    ) -> None:
        """Queues an error answer: the next ``count`` matching requests get ``status`` (with
        ``Retry-After`` when given); ``count=0`` hits every one until :meth:`clear_faults`."""
        self.fault_spec(fault_spec(status, path=path, method=method, count=count, retry_after=retry_after, html=html))

    def stall(self, seconds: float, *, path: Optional[str] = None, method: Optional[str] = None, count: int = 1) -> None:
        """Queues a stall: the next ``count`` matching requests wait ``seconds`` before their answer
        (for timeouts and cancellation)."""
        self.fault_spec(fault_spec(stall=seconds, path=path, method=method, count=count))

    def fault_spec(self, spec: str) -> None:
        """Queues a rule in the mock's own syntax (``amperity-mock --help``: ``close_mid_body``,
        ``malformed_json``, ``repeat_cursor``, ...)."""
        self._control("POST", "/__mock/faults", spec)

    def clear_faults(self) -> None:
        """Removes every queued fault (also the ones given at start)."""
        self._control("DELETE", "/__mock/faults")

    # -- what the mock received (GET/DELETE /__mock/requests) --------------------------------

    def requests(self, method: Optional[str] = None, path: str = "/api/") -> List[RecordedRequest]:
        """The API requests received so far, oldest first: those with this method (any case;
        ``None`` = any) whose path starts with ``path``."""
        out: List[RecordedRequest] = []
        for r in self._control("GET", "/__mock/requests"):
            if r["path"].startswith(path) and (method is None or r["method"].upper() == method.upper()):
                out.append(RecordedRequest(r["method"], r["path"], r["query"], dict(r["headers"]), r["body"]))
        return out

    def request_count(self, method: Optional[str] = None, path: str = "/api/") -> int:
        """How many requests :meth:`requests` would list."""
        return len(self.requests(method, path))

    def assert_requests(self, count: int, method: Optional[str] = None, path: str = "/api/") -> None:
        """Asserts the mock received exactly ``count`` such requests (the message lists them)."""
        seen = self.requests(method, path)
        if len(seen) != count:
            listed = "\n".join(f"  {r.method} {r.path}{'?' + r.query if r.query else ''}" for r in seen)
            raise AssertionError(
                f"expected {count} {method or 'any'} request(s) under {path}, the mock received "
                f"{len(seen)}" + (f":\n{listed}" if listed else "")
            )

    def clear_requests(self) -> None:
        """Forgets the recorded requests."""
        self._control("DELETE", "/__mock/requests")

    def reset(self) -> None:
        """Clears faults and recorded requests (between tests)."""
        self.clear_faults()
        self.clear_requests()

    def stop(self) -> None:
        """Stops the server (closing its stdin ends it); idempotent."""
        proc = self._proc
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def _control(self, method: str, path: str, body: Optional[str] = None) -> Any:
        data = None if body is None else body.encode()
        request = urllib.request.Request(self.origin + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise ValueError(f"the mock refused {method} {path}: {detail}") from None
        return json.loads(text) if text else None
