"""Exceptions raised by the Amperity client, and their mapping from the native errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional

from ._native import amperity as _ffi
from ._schema import _workflow_rec
from ._types import ErrorKind, TransportKindName

if TYPE_CHECKING:
    from ._schema import Workflow, WorkflowError

__all__ = [
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
    "RunFailedError",
    "CancelledError",
    "QueueFullError",
    "SenderClosedError",
]


class AmperityError(Exception):
    """Base class of every error the Amperity client raises.

    ``message`` is the human-readable description (also ``str(error)``).
    """

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Any:
        # Every field (the keyword-only ones included) travels in the state, so pickle,
        # multiprocessing, concurrent.futures and Celery re-raise the same error with its fields.
        return (_rebuild, (type(self), self.args), dict(self.__dict__))


def _rebuild(cls: Any, args: Any) -> Any:
    """An unpickled error: created without ``__init__``; its fields come from the pickled state."""
    error = cls.__new__(cls)
    error.args = args  # set here: OSError subclasses (AmperityTimeoutError) set it in __init__
    return error


class ConfigurationError(AmperityError, ValueError):
    """The client configuration was refused (missing credentials, bad URL, bad tenant id, ...)."""


class InvalidArgumentError(AmperityError, ValueError):
    """An argument of a call was refused before anything was sent (empty id, ``limit=0``, ...)."""


class APIStatusError(AmperityError):
    """Amperity (or a proxy in front of it) answered with an error status.

    Subclasses exist for the common statuses; this class itself is raised for the others.

    Attributes:
        status: the HTTP status code.
        message: the server's message (or a snippet of a non-JSON body).
        request_id: ``request_id`` from the error body, when present (Support asks for it).
        trace_id: ``trace_id`` from the error body, when present.
        operation: the operation that failed, e.g. ``list-segment``.
        kind: the status class: ``bad_request``, ``unauthorized``, ``forbidden``, ``not_found``,
            ``conflict``, ``rate_limited``, ``server_error`` or ``other``.
        retry_after: the wait in seconds the server asked for in ``Retry-After``, when sent.
        attempts: how many attempts the call made (retries included) before giving up.
    """

    status: int
    request_id: Optional[str]
    trace_id: Optional[str]
    operation: str
    kind: ErrorKind
    retry_after: Optional[float]
    attempts: int
    _text: Optional[str] = None  # the core's full message, when the error came from it

    def __init__(
        self,
        message: str,
        *,
        status: int,
        request_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        operation: str = "",
        kind: ErrorKind = "other",
        retry_after: Optional[float] = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status
        self.request_id = request_id
        self.trace_id = trace_id
        self.operation = operation
        self.kind = kind
        self.retry_after = retry_after

    def __str__(self) -> str:
        # The core's text when the error came from it; built the same way otherwise.
        text = self._text
        if text is None:
            text = f"{self.operation} failed with HTTP {self.status} ({self.kind}): {self.message}"
            if self.request_id:
                text += f" [request_id {self.request_id}]"
            if self.trace_id:
                text += f" [trace_id {self.trace_id}]"
        return text


class BadRequestError(APIStatusError):
    """HTTP 400: a missing or invalid parameter, or an unsupported api-version."""


class AuthenticationError(APIStatusError):
    """HTTP 401: missing, invalid or expired credentials."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: authenticated, but not allowed."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the current state."""


class RateLimitError(APIStatusError):
    """HTTP 429: rate limited (after the client's own retries)."""


class ServerError(APIStatusError):
    """HTTP 5xx: the server failed (after the client's own retries)."""


class TransportError(AmperityError):
    """The request never got a complete HTTP answer: DNS, connect, TLS, reset, proxy.

    Attributes:
        kind: ``dns``, ``connect``, ``tls``, ``timeout``, ``connection_reset``, ``proxy`` or
            ``other``.
        operation: the operation that was running.
        attempts: how many attempts the call made (retries included) before giving up.
    """

    kind: TransportKindName
    operation: str
    attempts: int

    def __init__(self, message: str, *, kind: TransportKindName = "other", operation: str = "", attempts: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.operation = operation
        self.attempts = attempts


class AmperityTimeoutError(TransportError, TimeoutError):
    """A connect or request timeout expired (after any retries); also a ``TimeoutError``."""


class DecodeError(AmperityError):
    """A successful response whose body could not be decoded (invalid, truncated, too large).

    Attributes:
        operation: the operation whose response was bad.
    """

    operation: str

    def __init__(self, message: str, *, operation: str = "") -> None:
        super().__init__(message)
        self.operation = operation


class RepeatedCursorError(AmperityError):
    """The server returned a pagination cursor it had already returned in the same walk.

    The walk stops instead of looping forever.

    Attributes:
        operation: the operation being paginated.
        cursor: the cursor that came back twice.
    """

    operation: str
    cursor: str

    def __init__(self, message: str, *, operation: str = "", cursor: str = "") -> None:
        super().__init__(message)
        self.operation = operation
        self.cursor = cursor


class WaitTimeoutError(AmperityError):
    """A workflow run did not finish within the wait timeout (the run itself goes on).

    Attributes:
        workflow_id: the run waited for.
        last_state: its state at the last poll.
        waited: how long the helper waited, in seconds.
        last_workflow: the run as of the last poll (a ``Workflow``).
    """

    workflow_id: str
    last_state: str
    waited: float
    last_workflow: Optional["Workflow"]

    def __init__(
        self,
        message: str,
        *,
        workflow_id: str = "",
        last_state: str = "",
        waited: float = 0.0,
        last_workflow: Optional["Workflow"] = None,
    ) -> None:
        super().__init__(message)
        self.workflow_id = workflow_id
        self.last_state = last_state
        self.waited = waited
        self.last_workflow = last_workflow


class RunFailedError(AmperityError):
    """A waited-for run ended failed, canceled or stopped (``wait(..., raise_on_failure=True)``).

    Attributes:
        workflow: the run as it ended (a ``Workflow``, verbose view).
        error: its ``WorkflowError`` (type, message, attribution), when Amperity gave one.
    """

    workflow: "Workflow"

    def __init__(self, message: str, *, workflow: "Workflow") -> None:
        super().__init__(message)
        self.workflow = workflow

    @property
    def error(self) -> Optional["WorkflowError"]:
        """The run's error, when Amperity gave one."""
        return self.workflow.error


class CancelledError(AmperityError):
    """The call was cancelled by :meth:`Client.cancel` (Ctrl-C raises ``KeyboardInterrupt``).

    Attributes:
        operation: the operation that was running.
    """

    operation: str

    def __init__(self, message: str, *, operation: str = "") -> None:
        super().__init__(message)
        self.operation = operation


class QueueFullError(AmperityError):
    """An event sender's queue is full (``try_send`` only; ``send`` waits instead).

    Attributes:
        capacity: the queue's capacity.
    """

    capacity: int

    def __init__(self, message: str, *, capacity: int = 0) -> None:
        super().__init__(message)
        self.capacity = capacity


class SenderClosedError(AmperityError):
    """The event sender was closed; it takes no more events."""


# The one table from the core's kind of HTTP failure to the class raised.
_API_CLASSES = {
    _ffi.ApiErrorKind.BAD_REQUEST: BadRequestError,
    _ffi.ApiErrorKind.UNAUTHORIZED: AuthenticationError,
    _ffi.ApiErrorKind.FORBIDDEN: PermissionDeniedError,
    _ffi.ApiErrorKind.NOT_FOUND: NotFoundError,
    _ffi.ApiErrorKind.CONFLICT: ConflictError,
    _ffi.ApiErrorKind.RATE_LIMITED: RateLimitError,
    _ffi.ApiErrorKind.SERVER_ERROR: ServerError,
    _ffi.ApiErrorKind.OTHER: APIStatusError,
}

_API_KINDS: Dict[Any, ErrorKind] = {
    _ffi.ApiErrorKind.BAD_REQUEST: "bad_request",
    _ffi.ApiErrorKind.UNAUTHORIZED: "unauthorized",
    _ffi.ApiErrorKind.FORBIDDEN: "forbidden",
    _ffi.ApiErrorKind.NOT_FOUND: "not_found",
    _ffi.ApiErrorKind.CONFLICT: "conflict",
    _ffi.ApiErrorKind.RATE_LIMITED: "rate_limited",
    _ffi.ApiErrorKind.SERVER_ERROR: "server_error",
    _ffi.ApiErrorKind.OTHER: "other",
}

_TRANSPORT_KINDS: Dict[Any, TransportKindName] = {
    _ffi.TransportKind.DNS: "dns",
    _ffi.TransportKind.CONNECT: "connect",
    _ffi.TransportKind.TLS: "tls",
    _ffi.TransportKind.TIMEOUT: "timeout",
    _ffi.TransportKind.CONNECTION_RESET: "connection_reset",
    _ffi.TransportKind.PROXY: "proxy",
    _ffi.TransportKind.OTHER: "other",
}


def _from_native(error: BaseException) -> AmperityError:
    """Maps a native ``AmperityError`` variant (or uniffi's internal error) to the public class,
    with the core's message (the same text as in every other language)."""
    E: Any = _ffi.AmperityError
    if not isinstance(error, E):
        return AmperityError(f"internal error in the Amperity native library: {error}")
    text = _ffi.error_message(error)
    if isinstance(error, E.Api):
        retry_after = None if error.retry_after_ms is None else error.retry_after_ms / 1000.0
        api = _API_CLASSES.get(error.kind, APIStatusError)(
            error.detail,
            status=error.status,
            request_id=error.request_id,
            trace_id=error.trace_id,
            operation=error.operation,
            kind=_API_KINDS.get(error.kind, "other"),
            retry_after=retry_after,
            attempts=error.attempts,
        )
        api._text = text
        return api
    if isinstance(error, E.Timeout):
        return AmperityTimeoutError(text, kind="timeout", operation=error.operation, attempts=error.attempts)
    if isinstance(error, E.Transport):
        return TransportError(
            text, kind=_TRANSPORT_KINDS.get(error.kind, "other"), operation=error.operation, attempts=error.attempts
        )
    if isinstance(error, E.Decode):
        return DecodeError(text, operation=error.operation)
    if isinstance(error, E.Config):
        return ConfigurationError(text)
    if isinstance(error, E.InvalidArgument):
        return InvalidArgumentError(text)
    if isinstance(error, E.RepeatedCursor):
        return RepeatedCursorError(text, operation=error.operation, cursor=error.cursor)
    if isinstance(error, E.WaitTimeout):
        return WaitTimeoutError(
            text,
            workflow_id=error.workflow_id,
            last_state=error.last_state,
            waited=error.waited_ms / 1000.0,
            last_workflow=_workflow_rec(error.last_workflow),
        )
    if isinstance(error, E.RunFailed):
        return RunFailedError(text, workflow=_workflow_rec(error.workflow))
    if isinstance(error, E.Cancelled):
        return CancelledError(text, operation=error.operation)
    if isinstance(error, E.QueueFull):
        return QueueFullError(text, capacity=error.capacity)
    if isinstance(error, E.SenderClosed):
        return SenderClosedError(text)
    return AmperityError(text)
