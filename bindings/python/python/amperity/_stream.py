"""Streaming Ingest: ``StreamClient`` (its own token and host) and ``EventSender`` for volume."""

from __future__ import annotations

import json as _json
import os as _os
from typing import Any, List, Mapping, Optional, Sequence, Union

from ._calls import _DEFAULT_STREAM_RATE_LIMIT, _call, _pem_list, _rate_limits
from ._client import _config_millis
from ._errors import AmperityError, _from_native
from ._native import amperity as _ffi
from ._version import __version__

__all__ = ["DeliveryReport", "EventSender", "FailedDelivery", "StreamClient"]

_FORMATS = {"json": _ffi.PayloadFormat.JSON, "xml": _ffi.PayloadFormat.XML}

Event = Union[str, Mapping[str, Any]]


def _event_text(event: Event) -> str:
    """An event as the JSON text the core checks (a mapping is serialised compactly)."""
    if isinstance(event, str):
        return event
    if isinstance(event, Mapping):
        return _json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    raise TypeError(f"an event must be a str or a mapping, got {type(event).__name__}")


class FailedDelivery:
    """An event that could not be delivered.

    Attributes:
        sequence: its sequence number, as ``send`` returned it.
        error: the last error (an :class:`AmperityError` subclass; ``attempts`` where it applies).
        payload: the event, to send again or keep elsewhere.
    """

    __slots__ = ("sequence", "error", "payload")

    def __init__(self, sequence: int, error: AmperityError, payload: str) -> None:
        self.sequence = sequence
        self.error = error
        self.payload = payload

    def __repr__(self) -> str:
        # The payload holds customer data: only its size is shown.
        return f"FailedDelivery(sequence={self.sequence}, error={self.error!r}, payload=<{len(self.payload)} bytes>)"


class DeliveryReport:
    """What a sender delivered since its previous report (every event is in exactly one report).

    Attributes:
        accepted: events the service accepted (202).
        failed: events that failed for good, in the order they failed.
        retried: retry attempts made over all events of the report.
    """

    __slots__ = ("accepted", "failed", "retried")

    def __init__(self, accepted: int, failed: List[FailedDelivery], retried: int) -> None:
        self.accepted = accepted
        self.failed = failed
        self.retried = retried

    def __repr__(self) -> str:
        return f"DeliveryReport(accepted={self.accepted}, failed={len(self.failed)}, retried={self.retried})"


def _report(native: Any) -> DeliveryReport:
    failed = [FailedDelivery(f.sequence, _from_native(f.error), f.payload) for f in native.failed]
    return DeliveryReport(native.accepted, failed, native.retried)


class EventSender:
    """Delivers events to one stream from a bounded queue with worker threads; thread-safe.

    Use it as a context manager (leaving it closes it: everything queued is delivered first) or
    call :meth:`close`. ``send`` blocks while the queue is full, so producers cannot outrun the
    service by more than the queue.
    """

    __slots__ = ("_native", "_closed_report")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._closed_report: Optional[DeliveryReport] = None

    def send(self, event: Event) -> int:
        """Queues an event (a JSON text or a mapping; XML text for an XML sender) and returns
        its sequence number, waiting while the queue is full.

        Raises:
            InvalidArgumentError: the event would be refused (over 1 MB, empty, or not exactly
                one JSON object); nothing was queued.
            SenderClosedError: the sender was closed.
        """
        return int(_call(self._native.send, _event_text(event)))

    def try_send(self, event: Event) -> int:
        """Like :meth:`send`, raising :class:`QueueFullError` instead of waiting."""
        return int(_call(self._native.try_send, _event_text(event)))

    def flush(self) -> DeliveryReport:
        """Waits until every event queued so far is delivered or failed, and reports them."""
        return _report(self._native.flush())

    def close(self) -> DeliveryReport:
        """Stops taking events, delivers everything still queued and reports it. Calling it
        again reports nothing new."""
        report = _report(self._native.close())
        self._closed_report = report
        return report

    @property
    def pending(self) -> int:
        """Events queued or in flight."""
        return int(self._native.pending())

    @property
    def report(self) -> Optional[DeliveryReport]:
        """The report of :meth:`close` (also when the ``with`` block closed the sender)."""
        return self._closed_report

    def __enter__(self) -> "EventSender":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class StreamClient:
    """A client of the Streaming Ingest API: ``POST /stream/v0/data/{stream_id}`` on the
    tenant's host, with the Streaming Ingest token (not the API token).

    Args:
        tenant: the tenant id (sent as ``X-Amperity-Tenant``).
        token: the Streaming Ingest token of a Streaming Ingest Write Access key.
        base_url: ``https://{tenant}.amperity.com`` by default.
        connect_timeout: seconds allowed to open a connection (default 10).
        request_timeout: seconds allowed for one attempt (default 60).
        max_attempts: attempts of a single send, the first included (default 3).
        rate_limit: requests per second shared by every sender of this client (default 1000,
            the documented limit); ``None`` turns it off.
        root_certificates: extra trusted root certificates (PEM text).
        ca_file: a PEM file of extra trusted root certificates.
        platform_verifier: verify servers with the operating system's trust store.
        proxy: proxy URL; the ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` environment applies
            when unset.

    Raises:
        ConfigurationError: a setting was refused.
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        tenant: str,
        token: str,
        *,
        base_url: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        rate_limit: Optional[float] = _DEFAULT_STREAM_RATE_LIMIT,
        root_certificates: Sequence[str] = (),
        ca_file: Optional[Union[str, "_os.PathLike[str]"]] = None,
        platform_verifier: bool = False,
        proxy: Optional[str] = None,
    ) -> None:
        # Unset: the record's default, the core's 1000 requests per second.
        rate = _rate_limits(rate_limit_per_second=rate_limit)
        config = _ffi.StreamConfig(
            tenant=tenant,
            token=token,
            base_url=base_url,
            connect_timeout_ms=_config_millis(connect_timeout, "connect_timeout"),
            request_timeout_ms=_config_millis(request_timeout, "request_timeout"),
            max_attempts=max_attempts,
            **rate,
            extra_root_certs_pem=_pem_list(root_certificates),
            ca_file=None if ca_file is None else _os.fspath(ca_file),
            platform_verifier=bool(platform_verifier),
            proxy=proxy,
            user_agent_suffix=f"amperity-python/{__version__}",
        )
        self._native = _call(_ffi.StreamClient, config)

    def _sharing(self, native: Any) -> "StreamClient":
        """A stream client sending through ``native`` (here: the native client's sends, each
        carrying one cancel token) instead of this client's native client."""
        view = StreamClient.__new__(StreamClient)
        view._native = native
        return view

    @property
    def base_url(self) -> str:
        """The base URL, e.g. ``https://acme.amperity.com``."""
        return str(self._native.base_url())

    def send_json(self, stream_id: str, event: Event) -> None:
        """Sends one JSON object (a text or a mapping) and waits for the 202; retried on 429
        and 5xx. Refused locally without a request: over 1 MB, empty, or not exactly one
        object (NDJSON included), as :class:`InvalidArgumentError`."""
        _call(self._native.send_json, stream_id, _event_text(event))

    def send_xml(self, stream_id: str, document: str) -> None:
        """Sends one XML document (not validated locally, as the service does not either)."""
        _call(self._native.send_xml, stream_id, document)

    def sender(
        self,
        stream_id: str,
        *,
        format: str = "json",
        queue_capacity: Optional[int] = None,
        workers: Optional[int] = None,
        rate_limit: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> EventSender:
        """An :class:`EventSender` for volume to ``stream_id``.

        Args:
            format: ``"json"`` (default) or ``"xml"``: the payload type of every event.
            queue_capacity: events queued before ``send`` waits (default 1000).
            workers: worker threads, 1 to 256 (default 8).
            rate_limit: an extra cap for this sender in requests per second.
            max_retries: retries of an event after its first attempt, at most 99 (default 4).
        """
        payload = _FORMATS.get(str(format).lower())
        if payload is None:
            from ._errors import InvalidArgumentError

            raise InvalidArgumentError(f"invalid argument: format must be 'json' or 'xml', got {format!r}")
        options = _ffi.SenderOptions(
            format=payload,
            queue_capacity=queue_capacity,
            workers=workers,
            rate_limit_per_second=rate_limit,
            max_retries=max_retries,
        )
        return EventSender(_call(self._native.sender, stream_id, options))

    def cancel(self) -> None:
        """Cancels every call in progress on this client (single sends and senders' requests)."""
        self._native.cancel()

    def __repr__(self) -> str:
        return f"StreamClient(base_url={self.base_url!r})"
