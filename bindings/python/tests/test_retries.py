"""The client-side rate limit. Which failures are retried, and how often, is in the scenario table
(``tests/scenarios.tsv``, run by ``test_scenarios.py``)."""

from __future__ import annotations

import time


def test_rate_limit_spaces_requests(mock) -> None:
    with mock.client(rate_limit=20) as c:
        start = time.monotonic()
        pages = list(c.segments.list(limit=25).pages())
        elapsed = time.monotonic() - start
    assert len(pages) == 50
    # A token bucket of 20/s lets a burst of 20 through, then one request per 50 ms: the other
    # 30 requests take at least 1.5 s.
    assert elapsed >= 1.2
