"""Python client for the Amperity API.

Typed endpoints on the SDK's Rust core: static tokens or OAuth2 client credentials, lazy cursor
pagination that never loops, retries with backoff, a client-side rate limiter, and errors that
carry ``request_id``/``trace_id``. Blocking calls release the GIL.

Example::

    import amperity

    with amperity.Client(tenant="acme", token="...") as client:
        for segment in client.segments.list(limit=100):
            print(segment.id, segment.name)

        run = client.workflow_runs.run("cg-123")
        done = client.workflow_runs.wait(run.id, poll_interval=10)
        print(done.state)
"""

from . import _schema
from ._async import AsyncPaginator
from ._async_client import AsyncClient, AsyncEventSender, AsyncStreamClient
from ._client import Client
from ._errors import (
    AmperityError,
    AmperityTimeoutError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CancelledError,
    QueueFullError,
    SenderClosedError,
    ConfigurationError,
    ConflictError,
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RepeatedCursorError,
    RunFailedError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from ._model_base import records
from ._types import ErrorKind, Region, RunMode, RunStateName, TransportKindName
from ._models import CampaignDraft, RawResponse
from ._schema import *  # noqa: F403 - every generated model (see _schema.__all__)
from ._operations import WaitProgress
from ._stream import DeliveryReport, EventSender, FailedDelivery, StreamClient
from ._pagination import Page, Paginator
from ._version import __version__

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "AsyncPaginator",
    "AsyncStreamClient",
    "AsyncEventSender",
    "Page",
    "Paginator",
    "AmperityError",
    "ConfigurationError",
    "InvalidArgumentError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "TransportError",
    "AmperityTimeoutError",
    "DecodeError",
    "RepeatedCursorError",
    "WaitTimeoutError",
    "CancelledError",
    "RunFailedError",
    "WaitProgress",
    "QueueFullError",
    "SenderClosedError",
    "StreamClient",
    "EventSender",
    "DeliveryReport",
    "FailedDelivery",
    "CampaignDraft",
    "RawResponse",
    "records",
    "Region",
    "RunMode",
    "RunStateName",
    "ErrorKind",
    "TransportKindName",
]
__all__ += _schema.__all__
