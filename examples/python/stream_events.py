"""Stream 10 000 events to a Streaming Ingest stream and print the delivery report.

Environment: AMPERITY_TENANT, AMPERITY_STREAM_TOKEN (a Streaming Ingest Write Access token, not
the API token), AMPERITY_STREAM_ID, optionally AMPERITY_STREAM_BASE_URL (the bundled mock server:
http://127.0.0.1:PORT). Without a token it streams to the mock at AMPERITY_STREAM_BASE_URL with its
streaming token.
"""

import os
import sys
import time

import amperity

EVENTS = 10_000


def main() -> int:
    token = os.environ.get("AMPERITY_STREAM_TOKEN") or "mock-stream-token"
    stream_id = os.environ.get("AMPERITY_STREAM_ID") or "is-example"
    client = amperity.StreamClient(
        os.environ.get("AMPERITY_TENANT", "acme"),
        token,
        base_url=os.environ.get("AMPERITY_STREAM_BASE_URL"),
    )
    start = time.monotonic()
    with client.sender(stream_id) as sender:
        for n in range(EVENTS):
            sender.send({"event_id": f"ev-{n:05d}", "type": "page_view", "value": n})
    report = sender.report
    assert report is not None
    seconds = time.monotonic() - start
    print(
        f"{report.accepted} accepted, {len(report.failed)} failed, {report.retried} retried "
        f"in {seconds:.2f} s ({report.accepted / seconds:.0f} events/s)"
    )
    for failed in report.failed[:5]:
        print(f"  event {failed.sequence}: {failed.error}")
    return 0 if report.accepted == EVENTS else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
