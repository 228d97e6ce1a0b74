"""The async layer's machinery: a bounded thread pool that the client owns, the bridge from its
futures to the running event loop (asyncio, or trio, also under anyio), per-call cancellation
through a native ``CancelToken``, and the async paginator.

The async layer only schedules the blocking calls: each coroutine runs the very method of the
blocking client on the pool, through a view of the native client that carries a fresh
``CancelToken``. Cancelling the task (``task.cancel()``, ``asyncio.timeout``, ``wait_for``, an
anyio cancel scope) cancels that token, so the native call returns within milliseconds and frees
its pool thread; the coroutine raises the event loop's own cancellation exception
(``asyncio.CancelledError``), never :class:`amperity.CancelledError`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import sys
import threading
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Generic,
    Iterator,
    List,
    Optional,
    Tuple,
    TypeVar,
)

from ._native import amperity as _ffi
from ._pagination import Page, Paginator

__all__ = ["AsyncPaginator"]

R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")
A = TypeVar("A")

#: A new native cancel token (one per call, or per walk).
new_token: Callable[[], Any] = _ffi.CancelToken

#: Pool threads of a client unless ``max_workers`` says otherwise: calls in flight at once.
DEFAULT_MAX_WORKERS = 16


def _in_trio() -> bool:
    """True when the running task is a trio task (trio itself, or anyio's trio backend)."""
    trio = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


class _Job:
    """One call waiting for, or running on, a pool thread."""

    __slots__ = ("call", "done", "skip")

    def __init__(self, call: Callable[[], Any], done: Callable[[bool, Any], None]) -> None:
        self.call = call
        # Called on the pool thread with (True, result) or (False, exception), or by shutdown()
        # for a job it drops unstarted: hands the outcome to the waiting task.
        self.done = done
        # Set on the event loop's thread when the waiting task is cancelled: a job not started
        # yet is dropped.
        self.skip = False


def _abandon(job: _Job, token: Any) -> None:
    """The waiting task was cancelled before the job's outcome came: a job not started yet never
    starts, and a started call is ended by its token within milliseconds."""
    job.skip = True
    token.cancel()


def _settle(future: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    """On the event loop's thread: the outcome of a pool job into its asyncio future."""
    if future.done():
        return  # the waiting task was cancelled
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class _Runner:
    """The pool of one async client and the way its calls are run and cancelled.

    A queue and at most ``max_workers`` threads, started as calls come (not a
    ``concurrent.futures`` executor: each call hands its outcome straight to the waiting task's
    event loop, which costs about half as much CPU per call as an executor's future wrapped in
    an asyncio one).
    """

    __slots__ = ("max_workers", "spare_views", "_queue", "_lock", "_idle", "_threads", "_closed")

    def __init__(self, max_workers: int) -> None:
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            from ._errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"invalid argument: max_workers must be an int of at least 1, got {max_workers!r}"
            )
        self.max_workers = max_workers
        # (token, client view) pairs of finished calls whose token was never cancelled, for the
        # next calls: a new token and view cost two native calls.
        self.spare_views: List[Tuple[Any, Any]] = []
        self._queue: "queue.SimpleQueue[Optional[_Job]]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a job (under the lock)
        self._threads = 0  # threads started and not stopped (under the lock)
        self._closed = False

    def keep_view(self, token: Any, view: Any) -> None:
        """Keeps a finished call's token and view for a later call (a few: as many as threads)."""
        if len(self.spare_views) < self.max_workers:
            self.spare_views.append((token, view))

    def _submit(self, job: _Job) -> None:
        with self._lock:
            if self._closed:
                from ._errors import AmperityError

                raise AmperityError("the client is closed")
            if self._idle > 0:
                self._idle -= 1  # that thread takes this job
            elif self._threads < self.max_workers:
                self._threads += 1
                threading.Thread(
                    target=self._work, name=f"amperity-async_{self._threads - 1}", daemon=True
                ).start()
            self._queue.put(job)

    def _work(self) -> None:
        queue_get = self._queue.get
        try:
            while True:
                job = queue_get()
                if job is None:  # shutdown
                    return
                if not job.skip:
                    try:
                        result = job.call()
                    except BaseException as error:  # noqa: BLE001 - handed to the waiting task
                        job.done(False, error)
                    else:
                        job.done(True, result)
                        del result  # an idle thread keeps no page alive
                job = None
                with self._lock:
                    if self._closed:
                        return
                    self._idle += 1
        finally:
            with self._lock:
                self._threads -= 1

    async def run(self, call: Callable[[], R], token: Any) -> R:
        """Runs ``call`` on the pool; a cancelled task cancels ``token`` (the call's own)."""
        if _in_trio():
            return await self._run_trio(call, token)
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[R]" = loop.create_future()
        post = loop.call_soon_threadsafe

        def done(ok: bool, value: Any) -> None:
            try:
                post(_settle, future, ok, value)
            except RuntimeError:
                pass  # the event loop is closed: nobody waits any more

        job = _Job(call, done)
        self._submit(job)
        try:
            return await future
        except BaseException:
            if future.cancelled() or not future.done():
                _abandon(job, token)  # the task was cancelled
            raise  # or the call's own error

    async def _run_trio(self, call: Callable[[], R], token: Any) -> R:
        import trio

        trio_token = trio.lowlevel.current_trio_token()
        finished = trio.Event()
        outcome: List[Any] = []

        def done(ok: bool, value: Any) -> None:
            outcome.append((ok, value))
            try:
                trio_token.run_sync_soon(finished.set)
            except trio.RunFinishedError:
                pass  # nobody waits any more

        job = _Job(call, done)
        self._submit(job)
        try:
            await finished.wait()
        except BaseException:
            if not outcome:  # the task was cancelled
                _abandon(job, token)
            raise
        ok, value = outcome[0]
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def shutdown(self) -> None:
        """Stops taking calls; calls not started yet are dropped (they raise
        :class:`amperity.AmperityError`, as calls made after it do), running ones finish."""
        from ._errors import AmperityError

        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = self._threads
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.skip = True
                job.done(False, AmperityError("the client was closed before this call started"))
        # One stop mark per thread: idle threads take one and end; busy ones end after their
        # call (they see the client closed) and leave theirs unread.
        for _ in range(threads):
            self._queue.put(None)


def _on_loop(callback: Optional[Callable[[A], Any]]) -> Optional[Callable[[A], Any]]:
    """``callback`` (a progress callback of a blocking call) as a function that the pool thread
    calls: it runs ``callback`` on the event loop's thread and waits for it, so that what the
    callback raises ends the call as in the blocking client. Call it on the event loop."""
    if callback is None:
        return None
    if _in_trio():
        import trio

        token = trio.lowlevel.current_trio_token()

        def on_trio(value: A) -> Any:
            return trio.from_thread.run_sync(callback, value, trio_token=token)

        return on_trio
    loop = asyncio.get_running_loop()

    def on_asyncio(value: A) -> Any:
        done: "concurrent.futures.Future[Any]" = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(callback(value))
            except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
                done.set_exception(error)

        loop.call_soon_threadsafe(run)
        return done.result()

    return on_asyncio


class _Owner(Generic[S]):
    """What an async resource needs from its client: the pool, and a view of the blocking
    client whose every call carries a given token."""

    __slots__ = ()

    _runner: _Runner

    def _view(self, token: Any) -> S:  # pragma: no cover - defined by the client classes
        raise NotImplementedError


class _AsyncResource(Generic[S, T]):
    """One resource group of an async client: runs the methods of the blocking group ``T``
    (made by ``make`` from a client view ``S``) on the pool, one token per call."""

    __slots__ = ("_owner", "_make")

    def __init__(self, owner: "_Owner[S]", make: Callable[[S], T]) -> None:
        self._owner = owner
        self._make = make

    async def _call(self, call: Callable[[T], R]) -> R:
        """Runs ``call`` with the blocking group on the pool; cancelled with the task."""
        owner = self._owner
        runner = owner._runner
        spare = runner.spare_views
        if spare:
            token, view = spare.pop()
        else:
            token = new_token()
            view = owner._view(token)
        group = self._make(view)
        try:
            result = await runner.run(lambda: call(group), token)
        except Exception:
            runner.keep_view(token, view)  # the call's own error: its token was not cancelled
            raise
        runner.keep_view(token, view)
        return result

    def _list(self, call: Callable[[T], "Paginator[R]"]) -> "AsyncPaginator[R]":
        """The blocking list's paginator (made here: it sends nothing) as an async one."""
        token = new_token()
        paginator = call(self._make(self._owner._view(token)))
        return AsyncPaginator(self._owner._runner, paginator, token)

    _on_loop = staticmethod(_on_loop)


class AsyncPaginator(Generic[T]):
    """A lazy walk over a paginated list for ``async for``, one page in memory at a time.

    ``async for segment in client.segments.list(limit=100)`` for the items, ``async for page in
    ....pages()`` for whole pages, or ``await next_page()``. The pages are fetched on the
    client's pool (read-ahead included, when asked for). Cancelling the task that walks cancels
    the page request in flight; the walk then stops for good, and :attr:`resume_cursor` tells
    where a new walk (``cursor=...``) starts. Other errors leave it where it was, as the blocking
    :class:`Paginator` does.
    """

    __slots__ = ("_runner", "_paginator", "_token", "_current")

    def __init__(self, runner: _Runner, paginator: "Paginator[T]", token: Any) -> None:
        self._runner = runner
        self._paginator = paginator
        self._token = token
        self._current: Iterator[T] = iter(())

    def __aiter__(self) -> "AsyncPaginator[T]":
        return self

    async def __anext__(self) -> T:
        while True:
            for item in self._current:
                return item
            page = await self.next_page()
            if page is None:
                raise StopAsyncIteration
            self._current = page._each()

    async def next_page(self) -> Optional[Page[T]]:
        """Fetches the next page, or returns ``None`` once the list is exhausted.

        Items of the current page not yet yielded by item iteration are skipped.
        """
        self._current = iter(())
        return await self._runner.run(self._paginator.next_page, self._token)

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Iterates over the remaining pages (each with ``items``, ``next_token``, ``total``)."""
        while True:
            page = await self.next_page()
            if page is None:
                return
            yield page

    @property
    def resume_cursor(self) -> Optional[str]:
        """The cursor of the next page to fetch (pass it as ``cursor=`` to resume later)."""
        return self._paginator.resume_cursor

    @property
    def total(self) -> Optional[int]:
        """The ``total`` reported by the server, once a page requested with ``with_total`` came."""
        return self._paginator.total

    @property
    def is_done(self) -> bool:
        """True once the last page has been returned."""
        return self._paginator.is_done

    def __repr__(self) -> str:
        return f"<AsyncPaginator done={self.is_done} resume_cursor={self.resume_cursor!r}>"
