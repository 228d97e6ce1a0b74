"""Cancellation over real sockets: Client.cancel() from another thread, and a real Ctrl-C
(SIGINT sent to a child process) during a stalled request and during a workflow wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import amperity


def test_cancel_ends_a_stalled_call_and_the_next_call_works(mock, client: amperity.Client) -> None:
    mock.fault("path=/api/segments,delay_ms=20000,count=1")
    timer = threading.Timer(0.2, client.cancel)
    timer.start()
    start = time.monotonic()
    with pytest.raises(amperity.CancelledError) as caught:
        client.segments.list(limit=10).next_page()
    assert time.monotonic() - start < 5
    assert caught.value.operation == "list-segment"
    assert "was cancelled" in str(caught.value)
    page = client.segments.list(limit=10).next_page()
    assert page is not None and len(page.items) == 10


def test_cancel_cuts_a_retry_after_pause_short(mock) -> None:
    mock.fault("path=/api/segments,status=429,retry_after=30,count=1")
    with mock.client(max_retry_after=60) as client:
        threading.Timer(0.2, client.cancel).start()
        start = time.monotonic()
        with pytest.raises(amperity.CancelledError):
            client.segments.list(limit=10).next_page()
        assert time.monotonic() - start < 5
    assert len(mock.requests("/api/segments")) == 1


CHILD = textwrap.dedent(
    """
    import signal, sys, time
    # Python's own Ctrl-C handler, as a terminal's Python has it, even when this suite was
    # started in the background (where SIGINT comes ignored, and Python then installs none).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import amperity
    client = amperity.Client("acme", token="mock-token", base_url=sys.argv[1], rate_limit=None)
    print("ready", flush=True)
    try:
        if sys.argv[2] == "wait":
            run = client.workflow_runs.run("cg-123")
            client.workflow_runs.wait(run.id, poll_interval=30, timeout=None)
        else:
            client.segments.list(limit=10).next_page()
    except KeyboardInterrupt:
        print("interrupted", time.time(), flush=True)
        sys.exit(0)
    print("not interrupted", flush=True)
    sys.exit(1)
    """
)


@pytest.mark.parametrize("what", ["stalled-request", "wait"])
def test_ctrl_c_raises_keyboard_interrupt_promptly(mock, start_mock, what: str) -> None:
    if what == "wait":
        server = start_mock("--run-step-ms", "60000")
    else:
        server = mock
        mock.fault("path=/api/segments,delay_ms=20000,count=1")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, server.base_url, what],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.5)  # the call is now blocked in native code
    sent = time.time()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=20)
    assert child.returncode == 0, out
    word, at = out.split()
    assert word == "interrupted"
    latency = float(at) - sent
    print(f"Ctrl-C during a {what}: KeyboardInterrupt {latency * 1000:.0f} ms after SIGINT")
    assert latency < 2.0
