"""AsyncClient and AsyncStreamClient over real sockets, on asyncio and on trio (through anyio's
pytest plugin): the same surface as the blocking clients, results, errors, progress callbacks,
the bounded pool, and per-call cancellation (a stalled response, a long Retry-After) measured
from the cancel to the coroutine's end and to the pool thread's release."""

from __future__ import annotations

import asyncio
import inspect
import sys
import threading
import time
from typing import Any, Awaitable, Callable, Dict, List, Set

import anyio
import pytest

import amperity
from amperity._async import new_token
from amperity._pagination import Paginator

#: The promise of issue 27: a cancelled call ends, and frees its thread, within this time.
PROMPT = 0.1


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def async_client(mock: Any, **options: Any) -> amperity.AsyncClient:
    settings: Dict[str, Any] = dict(
        token="mock-token", base_url=mock.base_url, rate_limit=None,
        initial_backoff=0.01, max_backoff=0.05,
    )
    settings.update(options)
    return amperity.AsyncClient("acme", **settings)


def public(obj: Any) -> Set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


# ---- the surface ------------------------------------------------------------------------------

ASYNC_ONLY = {"aclose", "max_workers"}


def test_async_client_has_every_method_of_the_blocking_client(mock: Any) -> None:
    blocking = mock.client()
    client = async_client(mock)
    assert public(client) - ASYNC_ONLY == public(blocking)
    groups = [name for name in public(blocking) if isinstance(getattr(blocking, name), amperity._calls._Resource)]
    assert {"segments", "workflow_runs", "ingest_jobs", "profiles", "indexes"} <= set(groups)
    for name in groups:
        sync_group, async_group = getattr(blocking, name), getattr(client, name)
        assert public(async_group) == public(sync_group), name
        for method in public(sync_group):
            sync_fn, async_fn = getattr(sync_group, method), getattr(async_group, method)
            # The same parameters, names, kinds and defaults.
            assert inspect.signature(async_fn).parameters.keys() == inspect.signature(sync_fn).parameters.keys()
            returns = str(inspect.signature(sync_fn).return_annotation)
            # A list stays a plain call returning an async iterator; anything else is a coroutine.
            assert inspect.iscoroutinefunction(async_fn) != returns.startswith("Paginator["), (name, method)
    for method in ("raw", "raw_pages"):
        assert inspect.signature(getattr(client, method)).parameters.keys() == inspect.signature(getattr(blocking, method)).parameters.keys()
    assert inspect.iscoroutinefunction(client.raw) and not inspect.iscoroutinefunction(client.raw_pages)
    client.close()
    blocking.close()


def test_async_paginator_and_stream_classes_match_the_blocking_ones() -> None:
    assert public(amperity.AsyncPaginator) == public(Paginator)
    assert public(amperity.AsyncStreamClient) - {"close"} == public(amperity.StreamClient)
    assert public(amperity.AsyncEventSender) == public(amperity.EventSender)


def test_max_workers_is_checked(mock: Any) -> None:
    with pytest.raises(amperity.InvalidArgumentError):
        async_client(mock, max_workers=0)
    client = async_client(mock, max_workers=3)
    assert client.max_workers == 3 and client.tenant == "acme"
    client.close()
    assert client.closed and "closed" in repr(client)


# ---- results, errors, progress ---------------------------------------------------------------

@pytest.mark.anyio
async def test_calls_lists_pages_and_errors(mock: Any) -> None:
    from conftest import SEGMENTS

    async with async_client(mock) as client:
        count = 0
        async for segment in client.segments.list(limit=200, read_ahead=True):
            assert isinstance(segment, amperity.Segment)
            count += 1
        assert count == SEGMENTS
        pages = [page async for page in client.segments.list(limit=500, with_total=True).pages()]
        assert [len(p.items) for p in pages] == [500, 500, SEGMENTS - 1000]
        assert pages[0].total == SEGMENTS
        pager = client.campaigns.list(limit=5)
        first = await pager.next_page()
        assert first is not None and len(first.items) == 5 and pager.resume_cursor
        with pytest.raises(amperity.NotFoundError) as caught:
            await client.workflow_runs.get("wf-nope")
        assert caught.value.status == 404
        with pytest.raises(amperity.InvalidArgumentError):
            client.segments.list(limit=0)  # refused when the list is made, like the blocking one
        raw = await client.raw("GET", "/segments", query={"limit": 2})
        assert raw.status == 200 and len(raw.json["data"]) == 2
        rows = [row async for row in client.raw_pages("/segments", limit=600)]
        assert len(rows) == SEGMENTS


@pytest.mark.anyio
async def test_wait_reports_progress_on_the_event_loop_thread(start_mock: Any) -> None:
    # A mock of its own: the runs started here must not change the session mock's run count.
    mock = start_mock("--run-step-ms", "50")
    seen: List[amperity.WaitProgress] = []
    threads: Set[str] = set()

    def on_progress(progress: amperity.WaitProgress) -> None:
        seen.append(progress)
        threads.add(threading.current_thread().name)

    async with async_client(mock) as client:
        run = await client.workflow_runs.run("cg-123")
        done = await client.workflow_runs.wait(run.id, poll_interval=0.02, on_progress=on_progress)
        assert done.state == "succeeded" and seen
        assert threads == {threading.current_thread().name}

        def stop(progress: amperity.WaitProgress) -> None:
            raise LookupError("stop watching")

        run = await client.workflow_runs.run("cg-123")
        with pytest.raises(LookupError):
            await client.workflow_runs.wait(run.id, poll_interval=0.02, on_progress=stop)


@pytest.mark.anyio
async def test_calls_run_on_the_clients_bounded_pool(mock: Any) -> None:
    threads: Set[str] = set()
    mock.fault("path=/api/campaigns,delay_ms=200,count=6")
    client = async_client(mock, max_workers=2, on_request=lambda info: threads.add(threading.current_thread().name))
    start = time.monotonic()
    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(client.raw, "GET", "/campaigns")
    took = time.monotonic() - start
    client.close()
    assert threads and all(name.startswith("amperity-async") for name in threads), threads
    assert len(threads) == 2
    # Six 200 ms calls on two threads: three rounds.
    assert took >= 0.55, took


# ---- cancellation ----------------------------------------------------------------------------

async def cancelled(client: amperity.AsyncClient, call: Callable[[], Awaitable[Any]]) -> Dict[str, float]:
    """Runs ``call`` in a cancel scope cancelled after 300 ms; returns how long after the cancel
    the coroutine ended and the client's (single) pool thread was free again."""
    marks: Dict[str, float] = {}
    scope = anyio.CancelScope()

    async def victim() -> None:
        with scope:
            await call()
            marks["finished"] = time.monotonic()
        marks["returned"] = time.monotonic()

    async def canceller() -> None:
        await anyio.sleep(0.3)
        marks["cancelled"] = time.monotonic()
        scope.cancel()

    async with anyio.create_task_group() as group:
        group.start_soon(victim)
        group.start_soon(canceller)
    assert "finished" not in marks
    # The pool has one thread: it runs this probe once the cancelled call has let go of it.
    with anyio.fail_after(10):
        freed = await client._runner.run(time.monotonic, new_token())
    return {"returned": marks["returned"] - marks["cancelled"], "freed": freed - marks["cancelled"]}


def report(what: str, latency: Dict[str, float]) -> None:
    print(f"{what}: coroutine ended {latency['returned'] * 1000:.1f} ms, "
          f"pool thread free {latency['freed'] * 1000:.1f} ms after the cancel")
    assert latency["returned"] < PROMPT and latency["freed"] < PROMPT, latency


@pytest.mark.anyio
async def test_cancelling_the_task_ends_a_stalled_call_and_frees_its_thread(mock: Any, anyio_backend: str) -> None:
    mock.fault("path=/api/segments,delay_ms=20000,count=1")
    async with async_client(mock, max_workers=1) as client:
        latency = await cancelled(client, lambda: client.raw("GET", "/segments"))
        report(f"stalled response ({anyio_backend})", latency)
        # The client goes on.
        assert (await client.raw("GET", "/segments", query={"limit": 1})).status == 200


@pytest.mark.anyio
async def test_cancelling_the_task_cuts_a_retry_after_pause_short(mock: Any, anyio_backend: str) -> None:
    mock.fault("path=/api/segments,status=429,retry_after=30,count=1")
    async with async_client(mock, max_workers=1, max_retry_after=60) as client:
        latency = await cancelled(client, lambda: client.segments.list(limit=10).next_page())
        report(f"Retry-After pause ({anyio_backend})", latency)
    assert len(mock.requests("/api/segments")) == 1


@pytest.mark.anyio
async def test_a_cancelled_walk_resumes_from_its_cursor(mock: Any) -> None:
    from conftest import SEGMENTS

    async with async_client(mock, max_workers=1) as client:
        pager = client.segments.list(limit=100)
        first = await pager.next_page()
        assert first is not None
        mock.fault("path=/api/segments,delay_ms=20000,count=1")

        async def walk() -> None:
            async for _ in pager:
                pass

        latency = await cancelled(client, walk)
        report("async walk", latency)
        cursor = pager.resume_cursor
        assert cursor is not None
        rest = [s async for s in client.segments.list(limit=100, cursor=cursor)]
        assert len(rest) == SEGMENTS - 100


@pytest.mark.anyio
async def test_other_calls_of_the_client_go_on(mock: Any) -> None:
    mock.fault("path=/api/segments,delay_ms=20000,count=1")
    mock.fault("path=/api/campaigns,delay_ms=700,count=1")
    async with async_client(mock, max_workers=4) as client:
        results: List[int] = []

        async def bystander() -> None:
            results.append((await client.raw("GET", "/campaigns")).status)

        async with anyio.create_task_group() as group:
            group.start_soon(bystander)
            with anyio.move_on_after(0.3):
                await client.raw("GET", "/segments")
        assert results == [200]


@pytest.mark.anyio
async def test_close_drops_the_calls_waiting_for_a_thread_and_refuses_new_ones(mock: Any) -> None:
    mock.fault("path=/api/segments,delay_ms=400,count=1")
    client = async_client(mock, max_workers=1)
    outcomes: Dict[str, Any] = {}

    async def call(name: str, path: str) -> None:
        try:
            outcomes[name] = (await client.raw("GET", path)).status
        except amperity.AmperityError as error:
            outcomes[name] = str(error)

    async with anyio.create_task_group() as group:
        group.start_soon(call, "running", "/segments")  # holds the only thread for 400 ms
        await anyio.sleep(0.1)
        group.start_soon(call, "waiting", "/campaigns")  # queued behind it
        await anyio.sleep(0.1)
        start = time.monotonic()
        client.close()
        while "waiting" not in outcomes:
            await anyio.sleep(0.005)
        assert time.monotonic() - start < PROMPT
    # The queued call never ran; the running one finished (close does not cut a call short).
    assert outcomes == {"waiting": "the client was closed before this call started", "running": 200}
    with pytest.raises(amperity.AmperityError, match="closed"):
        await client.raw("GET", "/segments")
    with pytest.raises(amperity.AmperityError, match="closed"):
        await client.segments.list(limit=1).next_page()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is Python 3.11+")
def test_asyncio_timeout_and_wait_for_raise_asyncio_errors_not_amperity_cancelled(mock: Any) -> None:
    async def main() -> None:
        async with async_client(mock, max_workers=1) as client:
            mock.fault("path=/api/segments,delay_ms=20000,count=3")
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.2):  # type: ignore[attr-defined]
                    await client.segments.list(limit=1).next_page()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.raw("GET", "/segments"), 0.2)
            task = asyncio.ensure_future(client.raw("GET", "/segments"))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as caught:
                await task
            assert not isinstance(caught.value, amperity.CancelledError)
            start = time.monotonic()
            await asyncio.wait_for(client._runner.run(time.monotonic, new_token()), 10)
            assert time.monotonic() - start < PROMPT
            # amperity.CancelledError is what the client-wide cancel raises.
            mock.fault("path=/api/segments,delay_ms=20000,count=1")
            asyncio.get_running_loop().call_later(0.2, client.cancel)
            with pytest.raises(amperity.CancelledError):
                await client.raw("GET", "/segments")

    asyncio.run(main())


# ---- streaming ---------------------------------------------------------------------------------

@pytest.mark.anyio
async def test_async_stream_client_and_sender(mock: Any) -> None:
    async with amperity.AsyncStreamClient("acme", "mock-stream-token", base_url=mock.origin) as stream:
        await stream.send_json("is-async", {"id": 1})
        await stream.send_xml("is-async-xml", "<event/>")
        with pytest.raises(amperity.InvalidArgumentError):
            await stream.send_json("is-async", "not json")
        async with stream.sender("is-async", workers=2) as sender:
            for i in range(100):
                await sender.send({"id": i})
            assert sender.try_send({"id": 100}) >= 0
            report = await sender.flush()
            assert report.accepted == 101 and not report.failed
        assert sender.report is not None and sender.pending == 0


_TRIO_AFTER_A_CLIENT = """
import sys, warnings
import trio
import amperity

warnings.simplefilter("error")
if sys.argv[1] == "async":
    amperity.AsyncClient("acme", token="t", base_url="http://127.0.0.1:9/api")
else:
    amperity.Client("acme", token="t", base_url="http://127.0.0.1:9/api")


async def main() -> None:
    await trio.sleep(0)


trio.run(main)
print("trio ran without a warning")
"""


@pytest.mark.parametrize("kind", ["async", "blocking"])
def test_an_async_client_leaves_the_signal_wakeup_fd_to_trio(kind: str) -> None:
    # The blocking client's Ctrl-C watcher takes the wakeup fd on the main thread, and trio warns
    # when it finds one set (an error under `-W error`). The async client's calls run on its
    # pool, where Ctrl-C never waits for them: it does not take the fd.
    import subprocess

    pytest.importorskip("trio")
    done = subprocess.run(
        [sys.executable, "-c", _TRIO_AFTER_A_CLIENT, kind], capture_output=True, text=True, timeout=60
    )
    if kind == "async":
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "trio ran without a warning"
    else:
        assert done.returncode != 0
        assert "Trio's signal handling code might have collided" in done.stderr
