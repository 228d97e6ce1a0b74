"""Retries: transient statuses are retried with backoff; a workflow run is never retried blindly."""

from __future__ import annotations

import time

import pytest

import amperity


def test_transient_errors_are_retried(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,status=503,count=2")
    page = client.segments.list(limit=10).next_page()
    assert page is not None and len(page) == 10
    assert len(mock.requests("/api/segments")) == 3


def test_attempts_are_bounded(mock) -> None:
    mock.fault("path=/api/segments,status=500,count=0")
    with mock.client(max_attempts=2) as c:
        with pytest.raises(amperity.ServerError):
            c.segments.list().next_page()
    assert len(mock.requests("/api/segments")) == 2


def test_retry_after_is_honoured(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,status=429,retry_after=1")
    start = time.monotonic()
    assert client.segments.list(limit=1).next_page() is not None
    assert time.monotonic() - start >= 0.9
    assert len(mock.requests("/api/segments")) == 2


def test_run_workflow_not_retried_after_server_error(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/workflow/runs,method=POST,status=503,count=0")
    with pytest.raises(amperity.ServerError):
        client.workflow_runs.run("cg-1")
    assert len([r for r in mock.requests() if r["method"] == "POST"]) == 1


def test_run_workflow_retried_when_rate_limited(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/workflow/runs,method=POST,status=429")
    run = client.workflow_runs.run("cg-1")
    assert run.id.startswith("wf-")
    assert len([r for r in mock.requests() if r["method"] == "POST"]) == 2


def test_retries_survive_a_closed_connection(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,close_mid_body")
    assert len(client.segments.list(limit=10).next_page()) == 10
    assert len(mock.requests("/api/segments")) == 2


def test_rate_limit_spaces_requests(mock) -> None:
    with mock.client(rate_limit=20) as c:
        start = time.monotonic()
        pages = list(c.segments.list(limit=25).pages())
        elapsed = time.monotonic() - start
    assert len(pages) == 50
    # A token bucket of 20/s lets a burst of 20 through, then one request per 50 ms: the other
    # 30 requests take at least 1.5 s.
    assert elapsed >= 1.2
