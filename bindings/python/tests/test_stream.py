"""Streaming Ingest over the mock: single sends, local refusals, retries, and the sender."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any, Dict

import pytest

import amperity

STREAM_TOKEN = "mock-stream-token"


def stream_counts(mock, stream_id: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{mock.origin}/__mock/streams", timeout=10) as response:
        streams = json.loads(response.read())["streams"]
    return streams.get(stream_id, {"accepted": 0, "duplicates": 0})


def streams(mock, **kwargs: Any) -> amperity.StreamClient:
    settings: Dict[str, Any] = dict(base_url=mock.origin, rate_limit=None, max_attempts=3)
    settings.update(kwargs)
    return amperity.StreamClient("acme", STREAM_TOKEN, **settings)


def test_send_json_uses_the_streaming_headers(mock) -> None:
    client = streams(mock)
    client.send_json("is-single", {"email": "a@example.com", "n": 1})
    client.send_json("is-single", '{"email": "b@example.com"}')
    assert stream_counts(mock, "is-single")["accepted"] == 2
    sent = mock.requests("/stream/")
    assert len(sent) == 2
    headers = sent[0]["headers"]
    assert headers["x-amperity-tenant"] == "acme"
    assert "api-version" not in headers and "amperity-tenant" not in headers
    assert headers["content-type"].startswith("application/json")
    assert sent[0]["path"] == "/stream/v0/data/is-single"


def test_xml_documents_are_sent_as_xml(mock) -> None:
    streams(mock).send_xml("is-xml", "<records><record><id>1</id></record></records>")
    assert mock.requests("/stream/")[0]["headers"]["content-type"].startswith("application/xml")
    assert stream_counts(mock, "is-xml")["accepted"] == 1


@pytest.mark.parametrize(
    "event",
    ['{"a": 1}\n{"a": 2}', "[1, 2]", "", "not json", '{"big": "' + "x" * 1_000_001 + '"}'],
    ids=["ndjson", "array", "empty", "invalid", "over 1 MB"],
)
def test_local_refusals_send_nothing(mock, event: str) -> None:
    with pytest.raises(amperity.InvalidArgumentError):
        streams(mock).send_json("is-refused", event)
    assert mock.requests("/stream/") == []


def test_retries_503_but_not_400(mock) -> None:
    mock.fault("path=/stream/v0/data/is-retry,status=503,count=2")
    streams(mock).send_json("is-retry", {"n": 1})
    assert len(mock.requests("/stream/")) == 3
    mock.clear_requests()
    mock.fault("path=/stream/v0/data/is-retry,status=400,count=1")
    with pytest.raises(amperity.BadRequestError) as raised:
        streams(mock).send_json("is-retry", {"n": 2})
    assert raised.value.attempts == 1 and len(mock.requests("/stream/")) == 1


def test_the_control_plane_token_is_refused_and_never_shown(mock) -> None:
    client = amperity.StreamClient("acme", "secret-stream-token-123", base_url=mock.origin, rate_limit=None)
    with pytest.raises(amperity.AuthenticationError) as raised:
        client.send_json("is-auth", {"n": 1})
    assert "secret-stream-token-123" not in str(raised.value) + repr(raised.value) + repr(client)


def test_a_sender_delivers_every_event_from_several_threads(mock) -> None:
    # The mock allows 1000 requests/s, as the service does: the client's default budget.
    client = streams(mock, rate_limit=1000)
    sender = client.sender("is-volume", workers=8, queue_capacity=500)
    per_thread = 2_500

    def produce(thread: int) -> None:
        for n in range(per_thread):
            sender.send({"thread": thread, "n": n})

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = sender.close()
    assert report.accepted == 10_000 and report.failed == []
    counts = stream_counts(mock, "is-volume")
    assert counts["accepted"] == 10_000 and counts["duplicates"] == 0
    with pytest.raises(amperity.SenderClosedError):
        sender.send({"late": True})


def test_close_delivers_what_is_still_queued(mock) -> None:
    mock.fault("path=/stream/v0/data/is-queued,delay_ms=20,count=50")
    with streams(mock).sender("is-queued", workers=2, queue_capacity=100) as sender:
        for n in range(100):
            sender.send({"n": n})
        assert sender.pending > 0  # still queued when the block ends
    assert sender.report is not None and sender.report.accepted == 100
    assert stream_counts(mock, "is-queued")["accepted"] == 100


def test_a_full_queue_is_back_pressure(mock) -> None:
    mock.fault("path=/stream/v0/data/is-full,delay_ms=300,count=4")
    sender = streams(mock).sender("is-full", workers=1, queue_capacity=2)
    sender.send({"n": 0})  # soon taken by the worker, which the slow response stalls
    queued = 1
    with pytest.raises(amperity.QueueFullError) as raised:
        for n in range(1, 10):
            sender.try_send({"n": n})
            queued += 1
    assert raised.value.capacity == 2
    assert queued in (2, 3)  # the queue's 2, plus the event the worker holds if it took one
    report = sender.close()
    assert report.accepted == queued == stream_counts(mock, "is-full")["accepted"]


def test_failed_events_are_reported_with_their_error_and_payload(mock) -> None:
    mock.fault("path=/stream/v0/data/is-fail,status=400,count=1")
    with streams(mock).sender("is-fail", workers=1) as sender:
        first = sender.send({"n": "first"})
        sender.send({"n": "second"})
    report = sender.report
    assert report is not None and report.accepted == 1 and len(report.failed) == 1
    failed = report.failed[0]
    assert failed.sequence == first and isinstance(failed.error, amperity.BadRequestError)
    assert json.loads(failed.payload) == {"n": "first"}
    assert "first" not in repr(failed)  # customer data stays out of the repr
