"""Lazy pagination: items, pages, totals, cursors, resumption and the edge cases of the docs."""

from __future__ import annotations

import pytest

import amperity
from conftest import SEGMENTS


def test_items_walk_every_segment(client: amperity.Client, mock) -> None:
    segments = list(client.segments.list(limit=100))
    assert len(segments) == SEGMENTS
    assert len({s.id for s in segments}) == SEGMENTS
    first = segments[0]
    assert isinstance(first, amperity.Segment)
    assert first.id.startswith("seg-") and first.name and first.status == "active"
    assert len(mock.requests("/api/segments")) == (SEGMENTS + 99) // 100


def test_listing_is_lazy(client: amperity.Client, mock) -> None:
    paginator = client.segments.list(limit=10)
    assert mock.requests() == []
    assert paginator.resume_cursor is None and not paginator.is_done
    item = next(paginator)
    assert item.id.startswith("seg-")
    assert len(mock.requests()) == 1
    assert paginator.resume_cursor is not None


def test_pages_with_total(client: amperity.Client, mock) -> None:
    paginator = client.segments.list(limit=500, with_total=True)
    pages = list(paginator.pages())
    assert [len(p) for p in pages] == [500, 500, SEGMENTS - 1000]
    assert pages[0].total == SEGMENTS and paginator.total == SEGMENTS
    assert pages[0].next_token and pages[1].next_token and pages[2].next_token is None
    assert paginator.is_done and paginator.resume_cursor is None
    assert paginator.next_page() is None
    assert list(paginator) == []
    queries = [r["query"] for r in mock.requests("/api/segments")]
    assert "with_total=true" in queries[0] and "with_total" not in queries[1]
    assert "next_token=" in queries[1]


def test_resume_from_cursor(client: amperity.Client) -> None:
    everything = [s.id for s in client.segments.list(limit=200)]
    first = client.segments.list(limit=200)
    seen = [s.id for s in first.next_page()] + [s.id for s in first.next_page()]
    cursor = first.resume_cursor
    assert cursor
    rest = [s.id for s in client.segments.list(limit=200, cursor=cursor)]
    assert seen + rest == everything


def test_breaking_mid_page_keeps_the_rest(client: amperity.Client) -> None:
    everything = [s.id for s in client.segments.list(limit=50)]
    paginator = client.segments.list(limit=50)
    head = []
    for segment in paginator:
        head.append(segment.id)
        if len(head) == 30:
            break
    tail = [s.id for s in paginator]
    assert head + tail == everything


def test_page_sequence_protocol(client: amperity.Client) -> None:
    page = client.segments.list(limit=7).next_page()
    assert page is not None
    assert len(page) == 7 and len(list(page)) == 7
    assert page[0] is page.items[0] and page[-1] is page.items[6] and len(page[1:3]) == 2
    assert "7 items" in repr(page)


def test_page_items_are_built_once_and_can_be_replaced(client: amperity.Client) -> None:
    page = client.segments.list(limit=5).next_page()
    assert page is not None
    assert "5 items" in repr(page) and len(page) == 5
    items = page.items
    assert page.items is items and all(isinstance(s, amperity.Segment) for s in items)
    assert [s.id for s in page] == [s.id for s in items]
    page.items = items[:2]
    assert len(page) == 2 and page[-1] is items[1]
    built = amperity.Page(items, "next", 9)
    assert built.items is items and built.next_token == "next" and built.total == 9 and len(built) == 5


def test_item_iteration_holds_one_item_at_a_time(client: amperity.Client) -> None:
    # Iterating items does not build the page's list of typed objects: the page of 10 holds
    # its parsed JSON, and only the item handed out exists as a Segment.
    import gc

    def live_segments() -> int:
        return sum(1 for o in gc.get_objects() if type(o) is amperity.Segment)

    gc.collect()
    before = live_segments()
    paginator = client.segments.list(limit=10)
    first = next(paginator)
    assert live_segments() - before == 1
    second = next(paginator)
    assert second.id != first.id and isinstance(second, amperity.Segment)
    del first
    assert live_segments() - before == 1
    assert len(list(paginator)) == SEGMENTS - 2


@pytest.mark.parametrize("mode", ["absent", "empty", "null"])
def test_last_page_shapes(start_mock, mode: str) -> None:
    server = start_mock("--segments", "250", "--last-cursor", mode)
    with server.client() as c:
        pages = list(c.segments.list(limit=100).pages())
    assert [len(p) for p in pages] == [100, 100, 50]
    assert pages[-1].next_token is None


def test_empty_list(start_mock) -> None:
    server = start_mock("--segments", "0")
    with server.client() as c:
        assert list(c.segments.list(limit=10)) == []
        assert [len(p) for p in c.segments.list(limit=10).pages()] == [0]


def test_empty_page_with_cursor_continues(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,empty_page")
    pages = list(client.segments.list(limit=500).pages())
    assert [len(p) for p in pages] == [0, 500, 500, SEGMENTS - 1000]
    assert sum(len(p) for p in pages) == SEGMENTS


def test_repeated_cursor_stops(client: amperity.Client, mock) -> None:
    mock.fault("path=/api/segments,repeat_cursor,count=0")
    paginator = client.segments.list(limit=100)
    with pytest.raises(amperity.RepeatedCursorError) as info:
        list(paginator)
    assert info.value.cursor and info.value.operation == "list-segment"
    assert len(mock.requests("/api/segments")) <= 3


def test_error_mid_walk_then_retry_same_page(mock) -> None:
    everything = [s.id for s in mock.client().segments.list(limit=300)]
    with mock.client(max_attempts=1) as c:
        paginator = c.segments.list(limit=300)
        got = []
        mock.reset()
        it = iter(paginator)
        for _ in range(300):
            got.append(next(it).id)
        mock.fault("path=/api/segments,status=500")
        with pytest.raises(amperity.ServerError):
            for segment in paginator:
                got.append(segment.id)
        cursor = paginator.resume_cursor
        assert cursor and len(got) == 300
        got.extend(s.id for s in paginator)  # iterating again retries the failed page
    assert got == everything
    assert len(mock.requests("/api/segments")) == (SEGMENTS + 299) // 300 + 1


@pytest.mark.parametrize("limit", [0, -5])
def test_invalid_limit(client: amperity.Client, limit: int) -> None:
    with pytest.raises(amperity.InvalidArgumentError) as info:
        client.segments.list(limit=limit)
    assert isinstance(info.value, ValueError)


def test_every_list_endpoint_paginates(mock) -> None:
    with mock.client(api_version="unstable") as c:
        for paginator in (
            c.segments.list(limit=97, with_total=True),
            c.campaigns.list(limit=97, with_total=True),
            c.campaign_drafts.list(limit=7, with_total=True),
            c.audit_events.list(limit=97, with_total=True),
            c.workflow_runs.list(limit=97, with_total=True),
            c.raw_pages("/segments", limit=97, with_total=True),
        ):
            items = list(paginator)
            assert paginator.total == len(items) > 0
            assert paginator.is_done


def test_pages_parse_the_same_without_orjson(mock, monkeypatch: pytest.MonkeyPatch) -> None:
    from amperity import _calls

    # The test venv has orjson (the package's dependency): the fast path is the one tested above.
    assert _calls._orjson is not None
    with mock.client() as c:
        fast = [s.to_dict() for s in c.segments.list(limit=250)]
        runs_fast = [r.raw for r in c.workflow_runs.list(limit=100)]
        monkeypatch.setattr(_calls, "_orjson", None)
        plain = [s.to_dict() for s in c.segments.list(limit=250)]
        runs_plain = [r.raw for r in c.workflow_runs.list(limit=100)]
    assert fast == plain and len(fast) > 250
    assert runs_fast == runs_plain and runs_fast


def test_json_beyond_orjson_falls_back_to_the_standard_parser() -> None:
    from amperity import _calls

    big = 2**70
    assert _calls._loads(b'[{"id": "x", "n": %d}]' % big) == [{"id": "x", "n": big}]
    assert _calls._loads('{"a": [1, 2.5, null, "\\u00e9"]}') == {"a": [1, 2.5, None, "é"]}
