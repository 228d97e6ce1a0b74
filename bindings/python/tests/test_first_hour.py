"""Issue 29, the traps of a new user's first hour: pickling errors, logging configured late, JSON
and DataFrame-friendly models, Literal types and readable signatures."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import logging
import pickle
import pydoc
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, Iterable, List

import pytest

import amperity
from amperity._native import amperity as _ffi


def _round_trip(error: BaseException) -> BaseException:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.args == error.args
    assert vars(back) == vars(error)
    return back


def test_errors_from_the_mock_pickle_with_their_fields(mock: Any, client: amperity.Client) -> None:
    with pytest.raises(amperity.NotFoundError) as not_found:
        client.workflow_runs.get("wf-does-not-exist")
    back = _round_trip(not_found.value)
    assert isinstance(back, amperity.NotFoundError)
    assert (back.status, back.kind, back.operation) == (404, "not_found", not_found.value.operation)
    assert back.request_id and back.request_id == not_found.value.request_id

    mock.fault("path=/api/segments,status=429,retry_after=7")
    with mock.client(max_attempts=1) as once, pytest.raises(amperity.RateLimitError) as limited:
        once.segments.list().next_page()
    back = _round_trip(limited.value)
    assert isinstance(back, amperity.RateLimitError) and back.retry_after == 7.0

    with pytest.raises(amperity.ConfigurationError) as config:
        amperity.Client("acme")
    _round_trip(config.value)
    with pytest.raises(amperity.InvalidArgumentError) as invalid:
        client.workflow_runs.get("")
    _round_trip(invalid.value)

    run = client.workflow_runs.run("cg-example")
    with pytest.raises(amperity.WaitTimeoutError) as waited:
        client.workflow_runs.wait(run.id, poll_interval=0.01, timeout=0.001)
    back = _round_trip(waited.value)
    assert isinstance(back, amperity.WaitTimeoutError)
    assert back.last_workflow is not None and back.last_workflow == waited.value.last_workflow
    assert back.last_workflow.created_at == waited.value.last_workflow.created_at  # type: ignore[union-attr]


def test_errors_of_every_class_pickle() -> None:
    errors: List[BaseException] = [
        amperity.AmperityError("boom"),
        amperity.APIStatusError("teapot", status=418, request_id="r", trace_id="t", operation="op", attempts=2),
        amperity.ServerError("down", status=503, kind="server_error", retry_after=1.5),
        amperity.TransportError("reset", kind="connection_reset", operation="op", attempts=3),
        amperity.AmperityTimeoutError("slow", kind="timeout", operation="op"),
        amperity.DecodeError("bad json", operation="op"),
        amperity.RepeatedCursorError("loop", operation="op", cursor="c1"),
        amperity.CancelledError("cancelled", operation="op"),
        amperity.QueueFullError("full", capacity=8),
        amperity.SenderClosedError("closed"),
    ]
    for error in errors:
        _round_trip(error)


def _raise_not_found(message: str) -> None:
    raise amperity.NotFoundError(message, status=404, request_id="req-1", operation="get-workflow-run")


def test_an_error_raised_in_a_worker_process_arrives_whole() -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_raise_not_found, "no such run")
        with pytest.raises(amperity.NotFoundError) as caught:
            future.result(timeout=60)
    assert (caught.value.status, caught.value.request_id, caught.value.message) == (404, "req-1", "no such run")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_logging_configured_after_the_client_takes_effect_for_the_next_request(mock: Any) -> None:
    logger = logging.getLogger("amperity")
    handler = _Records()
    logger.addHandler(handler)
    saved = logger.level
    try:
        logger.setLevel(logging.WARNING)
        with mock.client() as client:
            client.segments.list(limit=10).next_page()
            assert not [m for m in handler.messages if "/segments" in m]
            logger.setLevel(logging.DEBUG)  # after the client exists
            client.segments.list(limit=10).next_page()
            assert [m for m in handler.messages if "/segments" in m], handler.messages
            handler.messages.clear()
            logger.setLevel(logging.WARNING)
            client.workflow_runs.get(client.workflow_runs.list(limit=1).next_page()[0].id)  # type: ignore[index]
            assert not [m for m in handler.messages if "/workflow" in m], handler.messages
    finally:
        logger.setLevel(saved)
        logger.removeHandler(handler)


def test_to_dict_json_mode_and_records(client: amperity.Client) -> None:
    runs = list(client.workflow_runs.list(limit=5).next_page() or [])
    assert runs and isinstance(runs[0].created_at, dt.datetime)
    with pytest.raises(TypeError):
        json.dumps(runs[0].to_dict())
    plain = runs[0].to_dict(mode="json")
    text = json.dumps(plain)
    assert plain["created_at"].endswith("Z") and runs[0].id in text
    assert dt.datetime.fromisoformat(plain["created_at"].replace("Z", "+00:00")) == runs[0].created_at
    with pytest.raises(ValueError):
        runs[0].to_dict(mode="yaml")  # type: ignore[arg-type]

    # What pandas.DataFrame does with a list of dicts: one column per key, one row per dict.
    def data_frame(rows: Iterable[Dict[str, Any]]) -> Dict[str, List[Any]]:
        rows = list(rows)
        columns: Dict[str, List[Any]] = {}
        for row in rows:
            for key in row:
                columns.setdefault(key, [])
        for row in rows:
            for key, column in columns.items():
                column.append(row.get(key))
        return columns

    frame = data_frame(amperity.records(client.segments.list(limit=100)))
    assert {"id", "name", "status", "extra"} <= set(frame)
    assert len(frame["id"]) == 1234 and all(isinstance(v, str) for v in frame["id"])
    json.dumps(amperity.records(client.workflow_runs.list(limit=50).next_page() or [], mode="json"))


def test_mypy_catches_a_region_outside_the_set(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """\
            import amperity

            good = amperity.Client("acme", token="t", region="azure")
            bad = amperity.Client("acme", token="t", region="europe")
            run = good.workflow_runs.run("cg-1", run_mode="everything")
            runs = good.workflow_runs.list(state="succeded")
            fine = good.workflow_runs.list(state=amperity.RunState.SUCCEEDED)
            also = good.workflow_runs.list(state="in-progress")

            async def walk() -> None:
                async with amperity.AsyncClient("acme", token="t") as client:
                    async for _ in client.workflow_runs.list(state="succeded"):
                        pass
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert 'snippet.py:4: error: Argument "region" to "Client" has incompatible type' in out, out
    assert 'snippet.py:5: error: Argument "run_mode" to "run" of ' in out, out
    assert 'snippet.py:6: error: Argument "state" to "list" of "WorkflowRuns" has incompatible type' in out, out
    assert 'snippet.py:12: error: Argument "state" to "list" of ' in out, out
    for line in (3, 7, 8):
        assert f"snippet.py:{line}:" not in out, out


def test_help_shows_readable_defaults() -> None:
    text = pydoc.render_doc(amperity.Client, renderer=pydoc.plaintext)
    assert "object at 0x" not in text
    # Annotations may show quoted (``from __future__ import annotations``).
    assert re.search(r"\brate_limit: '?Optional\[float\]'? = 10\.0", text), text
    assert re.search(r"profile_rate_limit: '?Optional\[float\]'? = 2000\.0", text), text
    stream = pydoc.render_doc(amperity.StreamClient, renderer=pydoc.plaintext)
    assert "object at 0x" not in stream
    assert re.search(r"rate_limit: '?Optional\[float\]'? = 1000\.0", stream), stream
    wait = pydoc.render_doc(amperity.Client("acme", token="t").workflow_runs.wait, renderer=pydoc.plaintext)
    assert re.search(r"timeout: '?Optional\[float\]'? = 3600\.0", wait), wait


def test_the_defaults_shown_are_the_cores() -> None:
    config = _ffi.ClientConfig(tenant="acme")
    assert config.rate_limit_per_second == 10.0
    assert config.profile_rate_limit_per_second == 2000.0
    assert _ffi.StreamConfig(tenant="acme", token="t").rate_limit_per_second == 1000.0
    assert _ffi.WaitOptions().timeout_ms == 3_600_000


def test_a_base_url_without_api_says_so(mock: Any) -> None:
    with mock.client(base_url=mock.origin) as wrong, pytest.raises(amperity.NotFoundError) as caught:
        wrong.segments.list().next_page()
    assert "no /api segment" in str(caught.value) and "no /api segment" in caught.value.message
    assert "mock-token" not in str(caught.value)
