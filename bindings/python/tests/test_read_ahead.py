"""Read-ahead: the same records, and the next page requested while the caller works."""

from __future__ import annotations

import time


def test_read_ahead_fetches_the_next_page_while_the_caller_works(client, mock) -> None:
    plain = [s.id for s in client.segments.list(limit=100)]
    ahead = [s.id for s in client.segments.list(limit=100, read_ahead=True)]
    assert ahead == plain and len(plain) == 1234
    mock.clear_requests()
    pages = client.segments.list(limit=100, read_ahead=True).pages()
    next(pages)
    deadline = time.monotonic() + 5
    while len(mock.requests("/api/segments")) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(mock.requests("/api/segments")) == 2  # page 2 is on its way, unasked
    time.sleep(0.1)
    assert len(mock.requests("/api/segments")) == 2  # and no further than that
    assert len(next(pages).items) == 100


def test_read_ahead_works_for_raw_pages_and_resumes(client) -> None:
    walk = client.raw_pages("/segments", limit=500, read_ahead=True)
    first = next(walk.pages())
    cursor = walk.resume_cursor
    assert cursor is not None and len(first.items) == 500
    rest = [s.id for s in client.segments.list(limit=500, cursor=cursor)]
    assert len(rest) == 734
