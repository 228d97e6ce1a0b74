"""Each exception class, from real error answers and broken connections of the mock."""

from __future__ import annotations

import socket

import pytest

import amperity


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, amperity.BadRequestError),
        (401, amperity.AuthenticationError),
        (403, amperity.PermissionDeniedError),
        (404, amperity.NotFoundError),
        (409, amperity.ConflictError),
        (429, amperity.RateLimitError),
        (500, amperity.ServerError),
        (503, amperity.ServerError),
        (418, amperity.APIStatusError),
    ],
)
def test_status_classes(mock, status: int, cls: type) -> None:
    mock.fault(f"path=/api/segments,status={status},count=0")
    with mock.client(max_attempts=1) as c:
        with pytest.raises(cls) as info:
            c.segments.list(limit=5).next_page()
    error = info.value
    assert type(error) is cls
    assert isinstance(error, amperity.APIStatusError) and isinstance(error, amperity.AmperityError)
    assert error.status == status and error.operation == "list-segment"
    assert error.message and error.request_id and error.trace_id
    assert str(error).startswith(f"list-segment failed with HTTP {status}")
    assert error.request_id in str(error)


def test_real_not_found(client: amperity.Client) -> None:
    with pytest.raises(amperity.NotFoundError) as info:
        client.workflow_runs.get("wf-does-not-exist")
    assert info.value.kind == "not_found" and "wf-does-not-exist" in info.value.message


def test_retry_after_is_exposed(mock) -> None:
    mock.fault("path=/api/segments,status=429,retry_after=7")
    with mock.client(max_attempts=1) as c:
        with pytest.raises(amperity.RateLimitError) as info:
            c.segments.list().next_page()
    assert info.value.retry_after == 7.0


def test_html_gateway_error(mock) -> None:
    mock.fault("path=/api/segments,status=502,html,count=0")
    with mock.client(max_attempts=1) as c:
        with pytest.raises(amperity.ServerError) as info:
            c.segments.list().next_page()
    assert info.value.status == 502 and info.value.message


@pytest.mark.parametrize("fault", ["malformed_json", "truncated_json"])
def test_decode_errors(mock, fault: str) -> None:
    mock.fault(f"path=/api/segments,{fault}")
    with mock.client(max_attempts=1) as c:
        with pytest.raises(amperity.DecodeError) as info:
            c.segments.list().next_page()
    assert info.value.operation == "list-segment"


def test_too_large_response_is_a_decode_error(mock) -> None:
    with mock.client(max_response_bytes=1000) as c:
        with pytest.raises(amperity.DecodeError, match="limit"):
            c.segments.list(limit=100).next_page()


def test_connection_closed_mid_body(mock) -> None:
    mock.fault("path=/api/segments,close_mid_body,count=0")
    with mock.client(max_attempts=1) as c:
        with pytest.raises(amperity.TransportError) as info:
            c.segments.list().next_page()
    assert not isinstance(info.value, amperity.AmperityTimeoutError)
    assert info.value.kind in ("connection_reset", "other") and info.value.operation == "list-segment"


def test_request_timeout(mock) -> None:
    mock.fault("path=/api/segments,delay_ms=2000")
    with mock.client(max_attempts=1, request_timeout=0.3) as c:
        with pytest.raises(amperity.AmperityTimeoutError) as info:
            c.segments.list().next_page()
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, amperity.TransportError)
    assert info.value.kind == "timeout"


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with amperity.Client(
        "acme", token="t", base_url=f"http://127.0.0.1:{port}/api", max_attempts=1, rate_limit=None
    ) as c:
        with pytest.raises(amperity.TransportError) as info:
            c.segments.list().next_page()
    assert info.value.kind == "connect"


def test_hierarchy() -> None:
    assert issubclass(amperity.ConfigurationError, ValueError)
    assert issubclass(amperity.InvalidArgumentError, ValueError)
    assert issubclass(amperity.AmperityTimeoutError, TimeoutError)
    for name in amperity.__all__:
        obj = getattr(amperity, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, amperity.AmperityError), name
