"""The Pythonic client: keyword configuration, resource groups, context manager."""

from __future__ import annotations

import datetime as _dt
import os as _os
from collections.abc import Mapping
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

from . import _models as m
from . import _schema
from . import _interrupt, _logging
from ._calls import (
    _DEFAULT_PROFILE_RATE_LIMIT,
    _DEFAULT_RATE_LIMIT,
    _call,
    _loads,
    _millis,
    _page_options,
    _pem_list,
    _rate_limits,
    _required_utc,
    _Resource,
    _utc,
)
from ._errors import AmperityError, InvalidArgumentError
from ._lists import _Lists
from ._native import amperity as _ffi
from ._pagination import Paginator, _json_list
from ._schema import RequestInfo, _deprecation_notice_rec, _request_info_rec
from ._types import Region
from ._version import __version__

__all__ = ["Client"]

_REGIONS = {"aws": _ffi.Region.AWS, "azure": _ffi.Region.AZURE, "australia": _ffi.Region.AUSTRALIA}
_REGION_NAMES = {region: name for name, region in _REGIONS.items()}

QueryParams = Union[Mapping[str, Any], Sequence[Tuple[str, Any]]]


def _query_params(query: Optional[QueryParams]) -> List[Any]:
    if query is None:
        return []
    items: Iterable[Tuple[str, Any]] = query.items() if isinstance(query, Mapping) else query
    params = []
    for name, value in items:
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, _dt.datetime):
            value = _utc(value, name).isoformat()  # type: ignore[union-attr]
        params.append(_ffi.QueryParam(name=str(name), value=str(value)))
    return params


def _raw_request(
    method: str, path: str, query: Optional[QueryParams], json: Any, idempotent: bool
) -> Any:
    verb = method.upper()
    if verb not in ("GET", "POST"):
        raise InvalidArgumentError(f"invalid argument: raw method must be GET or POST, got {method!r}")
    return _ffi.RawRequest(
        method=_ffi.RawMethod.GET if verb == "GET" else _ffi.RawMethod.POST,
        path=path,
        query=_query_params(query),
        body=json,
        idempotent=bool(idempotent),
    )


class _RequestHook(_ffi.RequestHook):
    """The native request hook: calls the user's callback with the generated model."""

    def __init__(self, callback: Callable[[RequestInfo], Any]) -> None:
        self.callback = callback

    def on_request(self, info: Any) -> None:
        # An exception must not go back into the native library.
        try:
            self.callback(_request_info_rec(info))
        except Exception:  # noqa: BLE001 - the hook is for observation only
            pass


class IngestJobs(_Resource):
    """Ingest jobs: list a time window, get one."""

    __slots__ = ()

    def list(
        self, created_from: _dt.datetime, created_to: _dt.datetime, *, with_total: bool = False
    ) -> m.IngestJobList:
        """Lists every ingest job created in ``[created_from, created_to)`` (not paginated).

        Args:
            created_from: start of the window (naive datetimes are taken as UTC).
            created_to: end of the window; must be after ``created_from``.
            with_total: also ask for the total count.
        """
        query = _ffi.IngestJobQuery(
            created_from=_required_utc(created_from, "created_from"),
            created_to=_required_utc(created_to, "created_to"),
            with_total=bool(with_total),
        )
        native = self._client._native_client()
        return _schema._ingest_job_list(_loads(_call(native.list_ingest_jobs_json, query)))

    def get(self, job_id: str) -> m.IngestJob:
        """Fetches one ingest job (``GET /ingest/jobs/{id}``)."""
        native = self._client._native_client()
        return _schema._ingest_job(_loads(_call(native.get_ingest_job_json, job_id)))


class Client(_Lists):
    """A client for one Amperity tenant: blocking, thread-safe; share one per tenant.

    Authenticate with a static ``token`` or with OAuth2 ``client_id`` + ``client_secret``
    (tokens are fetched, cached and refreshed). Every call blocks until it has an answer and
    releases the GIL meanwhile. Use it as a context manager, or call :meth:`close`.

    Args:
        tenant: the tenant id, e.g. ``"acme"``.
        token: a static bearer token.
        client_id: OAuth2 client id (with ``client_secret``).
        client_secret: OAuth2 client secret.
        token_url: OAuth2 token endpoint (defaults from the tenant or ``base_url``).
        region: ``"aws"`` (default), ``"azure"`` or ``"australia"``; ignored with ``base_url``.
        base_url: explicit API base URL, e.g. ``"https://acme.amperity.com/api"``
            (``http://`` only for loopback hosts).
        api_version: the ``api-version`` header (``"2024-04-01"`` by default; ``"unstable"``
            reaches campaign drafts).
        connect_timeout: seconds allowed to open a connection (default 10).
        request_timeout: seconds allowed for one attempt of a request (default 60).
        max_attempts: total attempts including the first (default 3; 1 disables retries).
        initial_backoff: backoff ceiling in seconds for the first retry (default 1).
        max_backoff: cap in seconds on any single backoff (default 20).
        max_retry_after: longest ``Retry-After`` in seconds that is honoured (default 60).
        rate_limit: client-side limit in requests per second shared by all threads (default 10,
            the documented limit); ``None`` turns it off.
        profile_api_version: the ``api-version`` header of Profile API calls (``client.indexes``,
            ``client.profiles``; ``"2025-07-31"`` by default, independent of ``api_version``).
        profile_rate_limit: the client-side limit of Profile API calls in requests per second, a
            budget separate from ``rate_limit`` (default 2000, the documented limit); ``None``
            turns it off.
        root_certificates: extra trusted root certificates (PEM text) on top of the bundled
            Mozilla roots.
        ca_file: path of a PEM file of extra trusted root certificates, read when the client is
            created (``SSL_CERT_FILE`` is read the same way when set).
        platform_verifier: verify servers with the operating system's trust store instead of
            the bundled roots (not together with extra root certificates).
        proxy: proxy URL (``http://user:pass@host:port``, ``socks5://...``); the
            ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` environment applies when unset.
        max_response_bytes: largest response body accepted (default 64 MiB).
        on_request: called after every HTTP exchange (each attempt and token request) with a
            :class:`RequestInfo` (operation, method, url, status, attempt, elapsed_ms,
            request_id; no secrets), on the calling thread; what it raises is ignored.

    Raises:
        ConfigurationError: a setting was refused (also a ``ValueError``).
    """

    # The list resources (``segments``, ``campaigns``, ``workflow_runs``, ...) come from
    # ``_Lists``, generated from the core's list endpoints.
    __slots__ = ("_native", "_tenant", "_base_url", "ingest_jobs")

    ingest_jobs: IngestJobs
    """Ingest jobs: ``list``, ``get``."""

    def __init__(
        self,
        tenant: str,
        *,
        token: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        token_url: Optional[str] = None,
        region: Optional[Region] = None,
        base_url: Optional[str] = None,
        api_version: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        rate_limit: Optional[float] = _DEFAULT_RATE_LIMIT,
        profile_api_version: Optional[str] = None,
        profile_rate_limit: Optional[float] = _DEFAULT_PROFILE_RATE_LIMIT,
        root_certificates: Sequence[str] = (),
        ca_file: Optional[Union[str, "_os.PathLike[str]"]] = None,
        platform_verifier: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        on_request: Optional[Callable[[RequestInfo], Any]] = None,
    ) -> None:
        self._native = None
        native_region = None
        if region is not None:
            native_region = _REGIONS.get(str(region).lower())
            if native_region is None:
                raise _config_error(f"region must be 'aws', 'azure' or 'australia', got {region!r}")
        # Unset: the record's defaults, which are the core's (10 and 2000 requests per second).
        rate = _rate_limits(
            rate_limit_per_second=rate_limit, profile_rate_limit_per_second=profile_rate_limit
        )
        config = _ffi.ClientConfig(
            tenant=tenant,
            token=token,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            region=native_region,
            base_url=base_url,
            api_version=api_version,
            connect_timeout_ms=_config_millis(connect_timeout, "connect_timeout"),
            request_timeout_ms=_config_millis(request_timeout, "request_timeout"),
            max_attempts=max_attempts,
            initial_backoff_ms=_config_millis(initial_backoff, "initial_backoff"),
            max_backoff_ms=_config_millis(max_backoff, "max_backoff"),
            max_retry_after_ms=_config_millis(max_retry_after, "max_retry_after"),
            profile_api_version=profile_api_version,
            **rate,
            extra_root_certs_pem=_pem_list(root_certificates),
            ca_file=None if ca_file is None else _os.fspath(ca_file),
            platform_verifier=bool(platform_verifier),
            proxy=proxy,
            user_agent_suffix=f"amperity-python/{__version__}",
            max_response_bytes=max_response_bytes,
        )
        _logging.sync()
        if on_request is None:
            self._native = _call(_ffi.Client, config)
        else:
            self._native = _call(_ffi.Client.with_request_hook, config, _RequestHook(on_request))
        _interrupt.watch(self._native)
        self._tenant: str = str(self._native.tenant())
        self._base_url: str = str(self._native.base_url())
        self._init_lists()
        self.ingest_jobs = IngestJobs(self)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **options: Any) -> "Client":
        """A client from the environment: ``AMPERITY_TENANT`` (required), ``AMPERITY_TOKEN`` or
        ``AMPERITY_CLIENT_ID`` + ``AMPERITY_CLIENT_SECRET`` (+ ``AMPERITY_TOKEN_URL``), and
        optionally ``AMPERITY_REGION`` (``aws``, ``azure``, ``australia``),
        ``AMPERITY_BASE_URL``, ``AMPERITY_API_VERSION``; empty values count as unset. The
        native core reads them (the same variables in every language).

        Args:
            environ: the variables to read instead of ``os.environ``.
            **options: any other :class:`Client` keyword argument (``rate_limit``, ...).

        Raises:
            ConfigurationError: the tenant is missing, a value is refused, or ``options``
                repeats a setting the environment gives.
        """
        variables = dict(_os.environ if environ is None else environ)
        env = _call(_ffi.client_config_from_variables, variables)
        settings = {
            "token": env.token, "client_id": env.client_id, "client_secret": env.client_secret,
            "token_url": env.token_url, "base_url": env.base_url, "api_version": env.api_version,
            "region": None if env.region is None else _REGION_NAMES[env.region],
        }
        for name, value in settings.items():
            given = options.get(name)
            if value is not None and given is not None:
                raise _config_error(f"{name} is given both by the environment and as an argument")
            if given is None:
                options[name] = value
        return cls(env.tenant, **options)

    def _sharing(self, native: Any) -> "Client":
        """A client calling through ``native`` (a view of this client's native client, such as
        one whose calls carry a cancel token) that shares everything else. Only what the
        blocking groups read is set: the async client makes a view per call and its groups per
        call, and copying the whole client would cost more CPU than the call's own Python code."""
        view = Client.__new__(Client)
        view._native = native
        view._tenant = self._tenant
        view._base_url = self._base_url
        return view

    def _native_client(self) -> Any:
        native = self._native
        if native is None:
            raise AmperityError("the client is closed")
        return native

    @property
    def tenant(self) -> str:
        """The tenant id this client sends."""
        return self._tenant

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``https://app.amperity.com/api``."""
        return self._base_url

    @property
    def api_version(self) -> str:
        """The ``api-version`` header value."""
        return str(self._native_client().api_version())

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header value."""
        return str(self._native_client().user_agent())

    def raw(
        self,
        method: str,
        path: str,
        *,
        query: Optional[QueryParams] = None,
        json: Any = None,
        idempotent: bool = False,
    ) -> m.RawResponse:
        """Sends a request to any endpoint through the same auth, headers, retries and errors.

        Args:
            method: ``"GET"`` or ``"POST"``.
            path: path below the base URL, e.g. ``"/segments"`` (no query string).
            query: query parameters (a mapping or a sequence of pairs).
            json: a JSON-serialisable body (POST only).
            idempotent: for POST: safe to repeat, so retried like a GET.

        Returns:
            :class:`RawResponse` with ``status`` and the decoded ``json`` body.
        """
        request = _raw_request(method, path, query, json, idempotent)
        response = _call(self._native_client().raw, request)
        out = object.__new__(m.RawResponse)
        out.status = response.status
        out.json = response.body
        return out

    def raw_pages(
        self,
        path: str,
        *,
        method: str = "GET",
        query: Optional[QueryParams] = None,
        json: Any = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        with_total: bool = False,
        read_ahead: bool = False,
    ) -> Paginator[Any]:
        """Walks any ``{data, next_token, total}`` endpoint lazily; items are plain JSON values.

        Args:
            path: path below the base URL, e.g. ``"/segments"``.
            method: ``"GET"`` or ``"POST"``.
            query: extra query parameters.
            json: a JSON body (POST only).
            limit: records per page.
            cursor: resume from this cursor.
            with_total: also ask for the total count.
            read_ahead: fetch the next page in the background while the caller works on this one.
        """
        request = _raw_request(method, path, query, json, False)
        options = _page_options(limit, cursor, with_total, read_ahead)
        pager = _call(self._native_client().raw_pages, request, options)
        return Paginator(pager, _json_list)

    def deprecation_notices(self) -> List[m.DeprecationNotice]:
        """``Deprecation``/``Sunset`` headers seen so far, one entry per operation."""
        out = []
        for n in self._native_client().deprecation_notices():
            out.append(_deprecation_notice_rec(n))
        return out

    def cancel(self) -> None:
        """Cancels every call in progress on this client, from any thread: each raises
        :class:`CancelledError` promptly, whether it sleeps (backoff, ``Retry-After``, the rate
        limiter, a wait's polls) or waits for the network. Later calls run normally, and a
        cancelled walk resumes from its cursor. Ctrl-C does this by itself (and raises
        ``KeyboardInterrupt``) when the client was created on the main thread."""
        native = self._native
        if native is not None:
            native.cancel()

    def close(self) -> None:
        """Releases the native client (paginators already created keep working)."""
        self._native = None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._native is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._native is None else ""
        return f"<amperity.Client tenant={self._tenant!r} base_url={self._base_url!r}{state}>"


def _config_error(detail: str) -> AmperityError:
    from ._errors import ConfigurationError

    return ConfigurationError(f"invalid configuration: {detail}")


def _config_millis(seconds: Optional[float], name: str) -> Optional[int]:
    try:
        return _millis(seconds, name)
    except InvalidArgumentError as error:
        raise _config_error(str(error).replace("invalid argument: ", "")) from None
