"""``AsyncClient`` and ``AsyncStreamClient``: the blocking clients for asyncio, trio and anyio.

The resource groups and request methods come from ``_async_resources.py`` (generated from the
blocking ``Client``); this module adds the pool, the per-call views, the context managers and the
few methods that send nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional, Type

from . import _interrupt
from . import _models as m
from ._async import DEFAULT_MAX_WORKERS, _Runner, new_token
from ._async_resources import _AsyncClientBase
from ._client import Client
from ._stream import DeliveryReport, Event, EventSender, StreamClient

__all__ = ["AsyncClient", "AsyncEventSender", "AsyncStreamClient"]


class AsyncClient(_AsyncClientBase):
    """A client for one Amperity tenant for ``async`` code (asyncio, trio, anyio).

    The same resources and methods as :class:`Client`, as coroutines (``await
    client.workflow_runs.get(...)``) and async iterators (``async for segment in
    client.segments.list(limit=100)``, ``.pages()``), with the same options. Every call runs the
    blocking client's method on a thread pool this client owns (``max_workers`` threads: that
    many calls in flight at once; more wait for a thread), never on the event loop's thread nor
    its default executor.

    Cancelling the task that awaits a call (``task.cancel()``, ``asyncio.timeout``,
    ``asyncio.wait_for``, an anyio cancel scope) cancels that one native call: it stops within
    milliseconds, even in a ``Retry-After`` pause, a rate-limiter wait, a wait's polls or a
    stalled response, and frees its thread; the other calls go on. The task sees its event
    loop's cancellation (``asyncio.CancelledError``), not :class:`amperity.CancelledError`, which
    only :meth:`cancel` (every call of the client) raises.

    Args:
        tenant: the tenant id, e.g. ``"acme"``.
        max_workers: threads of the client's pool (default 16).
        **options: every keyword argument of :class:`Client` (``token``, ``client_id``,
            ``client_secret``, ``base_url``, ``rate_limit``, ``max_retry_after``, ...).

    Use it as ``async with AsyncClient(...) as client:``, or call :meth:`aclose`.
    """

    __slots__ = ("_client",)

    def __init__(self, tenant: str, *, max_workers: int = DEFAULT_MAX_WORKERS, **options: Any) -> None:
        runner = _Runner(max_workers)
        with _interrupt.unwatched():
            self._client = Client(tenant, **options)
        self._runner = runner
        self._init_resources()

    @classmethod
    def from_env(
        cls: Type["AsyncClient"],
        environ: Optional[Mapping[str, str]] = None,
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        **options: Any,
    ) -> "AsyncClient":
        """An async client from the environment, as :meth:`Client.from_env`."""
        with _interrupt.unwatched():
            client = Client.from_env(environ, **options)
        self = cls.__new__(cls)
        self._runner = _Runner(max_workers)
        self._client = client
        self._init_resources()
        return self

    def _view(self, token: Any) -> Client:
        """The blocking client whose calls carry ``token`` (shares everything else)."""
        client = self._client
        return client._sharing(client._native_client().with_cancel_token(token))

    @property
    def max_workers(self) -> int:
        """Threads of the client's pool: calls in flight at once."""
        return self._runner.max_workers

    @property
    def tenant(self) -> str:
        """The tenant id this client sends."""
        return self._client.tenant

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``https://app.amperity.com/api``."""
        return self._client.base_url

    @property
    def api_version(self) -> str:
        """The ``api-version`` header value."""
        return self._client.api_version

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header value."""
        return self._client.user_agent

    def deprecation_notices(self) -> List[m.DeprecationNotice]:
        """``Deprecation``/``Sunset`` headers seen so far, one entry per operation."""
        return self._client.deprecation_notices()

    def cancel(self) -> None:
        """Cancels every call in progress on this client: each raises
        :class:`amperity.CancelledError` (to cancel one call, cancel its task instead)."""
        self._client.cancel()

    def close(self) -> None:
        """Releases the native client and stops the pool: calls still waiting for a thread raise
        :class:`amperity.AmperityError` without being sent, as later calls do; running ones
        finish."""
        self._client.close()
        self._runner.shutdown()

    async def aclose(self) -> None:
        """:meth:`close` for ``async`` code."""
        self.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._client.closed

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<amperity.AsyncClient tenant={self.tenant!r} base_url={self.base_url!r}{state}>"


class _TokenStreamNative:
    """The native stream client's sends, each carrying one cancel token."""

    __slots__ = ("_native", "_token")

    def __init__(self, native: Any, token: Any) -> None:
        self._native = native
        self._token = token

    def send_json(self, stream_id: str, event: str) -> None:
        self._native.send_json_with_token(stream_id, event, self._token)

    def send_xml(self, stream_id: str, event: str) -> None:
        self._native.send_xml_with_token(stream_id, event, self._token)


class AsyncEventSender:
    """:class:`EventSender` for ``async`` code: ``await send(...)`` (waits on the pool while the
    queue is full), ``await flush()``, ``await close()``, ``async with``. Cancelling a task
    waiting in ``send`` or ``flush`` stops the wait, not the delivery (the sender's workers
    deliver every queued event)."""

    __slots__ = ("_sender", "_runner")

    def __init__(self, sender: EventSender, runner: _Runner) -> None:
        self._sender = sender
        self._runner = runner

    async def send(self, event: Event) -> int:
        """Queues an event and returns its sequence number, as :meth:`EventSender.send`."""
        return await self._runner.run(lambda: self._sender.send(event), _NoToken())

    def try_send(self, event: Event) -> int:
        """Like :meth:`send`, raising :class:`QueueFullError` instead of waiting (never blocks)."""
        return self._sender.try_send(event)

    async def flush(self) -> DeliveryReport:
        """Waits until every event queued so far is delivered or failed, and reports them."""
        return await self._runner.run(self._sender.flush, _NoToken())

    async def close(self) -> DeliveryReport:
        """Stops taking events, delivers everything still queued and reports it."""
        return await self._runner.run(self._sender.close, _NoToken())

    @property
    def pending(self) -> int:
        """Events queued or in flight."""
        return self._sender.pending

    @property
    def report(self) -> Optional[DeliveryReport]:
        """The report of :meth:`close` (also when the ``async with`` block closed the sender)."""
        return self._sender.report

    async def __aenter__(self) -> "AsyncEventSender":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


class _NoToken:
    """The token of a call that has no native cancellation (a sender's queue wait)."""

    __slots__ = ()

    def cancel(self) -> None:
        pass


class AsyncStreamClient:
    """:class:`StreamClient` for ``async`` code: ``await send_json(...)``, ``await
    send_xml(...)`` (cancelled with their task, like :class:`AsyncClient`'s calls) and
    :meth:`sender` for volume. Same arguments as :class:`StreamClient`, plus ``max_workers``
    (the client's pool, default 16)."""

    __slots__ = ("_client", "_runner")

    def __init__(
        self, tenant: str, token: str, *, max_workers: int = DEFAULT_MAX_WORKERS, **options: Any
    ) -> None:
        runner = _Runner(max_workers)
        self._client = StreamClient(tenant, token, **options)
        self._runner = runner

    @property
    def base_url(self) -> str:
        """The base URL, e.g. ``https://acme.amperity.com``."""
        return self._client.base_url

    def _view(self, token: Any) -> StreamClient:
        return self._client._sharing(_TokenStreamNative(self._client._native, token))

    async def send_json(self, stream_id: str, event: Event) -> None:
        """Sends one JSON object, as :meth:`StreamClient.send_json`."""
        token = new_token()
        view = self._view(token)
        await self._runner.run(lambda: view.send_json(stream_id, event), token)

    async def send_xml(self, stream_id: str, document: str) -> None:
        """Sends one XML document, as :meth:`StreamClient.send_xml`."""
        token = new_token()
        view = self._view(token)
        await self._runner.run(lambda: view.send_xml(stream_id, document), token)

    def sender(self, stream_id: str, **options: Any) -> AsyncEventSender:
        """An :class:`AsyncEventSender` for volume to ``stream_id`` (the options of
        :meth:`StreamClient.sender`); sends nothing until events come."""
        return AsyncEventSender(self._client.sender(stream_id, **options), self._runner)

    def cancel(self) -> None:
        """Cancels every call in progress on this client (single sends and senders' requests)."""
        self._client.cancel()

    def close(self) -> None:
        """Stops the client's pool: calls still waiting for a thread raise
        :class:`amperity.AmperityError` without being sent, as later calls do."""
        self._runner.shutdown()

    async def __aenter__(self) -> "AsyncStreamClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AsyncStreamClient(base_url={self.base_url!r})"
