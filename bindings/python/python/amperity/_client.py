"""The Pythonic client: keyword configuration, resource groups, context manager."""

from __future__ import annotations

import datetime as _dt
import json as _json
import math
import os as _os
from collections.abc import Mapping
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _models as m
from . import _interrupt, _logging
from ._errors import AmperityError, InvalidArgumentError, _from_native
from ._native import amperity as _ffi
from ._pagination import Paginator, _json_list, _list_of
from ._schema import RequestInfo, _deprecation_notice_rec, _request_info_rec
from ._version import __version__

__all__ = ["Client"]

_NATIVE_ERRORS = (_ffi.AmperityError, _ffi.InternalError)
_UNSET: Any = object()
_REGIONS = {"aws": _ffi.Region.AWS, "azure": _ffi.Region.AZURE, "australia": _ffi.Region.AUSTRALIA}
_REGION_NAMES = {region: name for name, region in _REGIONS.items()}
_RUN_MODES = {"source": _ffi.RunMode.SOURCE, "refresh": _ffi.RunMode.REFRESH, "full": _ffi.RunMode.FULL}
_UTC = _dt.timezone.utc

_segments = _list_of(m._segment)
_campaigns = _list_of(m._campaign)
_audit_events = _list_of(m._audit_event)
_workflows = _list_of(m._workflow)

QueryParams = Union[Mapping[str, Any], Sequence[Tuple[str, Any]]]


def _call(fn: Any, *args: Any) -> Any:
    """Calls a native function, raising the public exception classes."""
    try:
        return fn(*args)
    except _NATIVE_ERRORS as error:
        raise _from_native(error) from None


# Milliseconds that stand for "no limit" (about 146 million years).
_NO_LIMIT_MS = 2**62


def _millis(seconds: Optional[float], name: str) -> Optional[int]:
    """Seconds (int/float/timedelta) as integer milliseconds."""
    if seconds is None:
        return None
    if isinstance(seconds, _dt.timedelta):
        seconds = seconds.total_seconds()
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, got {type(seconds).__name__}")
    if math.isnan(seconds) or seconds < 0:
        raise InvalidArgumentError(f"invalid argument: {name} must not be negative, got {seconds}")
    if math.isinf(seconds):
        return _NO_LIMIT_MS
    return int(round(seconds * 1000))


def _utc(value: Optional[_dt.datetime], name: str) -> Optional[_dt.datetime]:
    """An aware datetime for the native layer; naive datetimes are taken as UTC, dates as midnight UTC."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")


def _required_utc(value: _dt.datetime, name: str) -> _dt.datetime:
    """Like ``_utc`` for a required instant."""
    result = _utc(value, name)
    if result is None:
        raise TypeError(f"{name} is required")
    return result


def _page_options(limit: Optional[int], cursor: Optional[str], with_total: bool) -> Any:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise TypeError(f"limit must be an int, got {type(limit).__name__}")
    if limit is not None and not 1 <= limit <= 2**31 - 1:
        raise InvalidArgumentError(f"invalid argument: limit must be at least 1, got {limit}")
    return _ffi.PageOptions(limit=limit, with_total=bool(with_total), cursor=cursor)


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


class _Resource:
    __slots__ = ("_client",)

    def __init__(self, client: "Client") -> None:
        self._client = client


class Segments(_Resource):
    """Segments: ``client.segments.list(limit=100)``."""

    __slots__ = ()

    def list(
        self, limit: Optional[int] = None, *, cursor: Optional[str] = None, with_total: bool = False
    ) -> Paginator[m.Segment]:
        """Lists segments lazily (``GET /segments``).

        Args:
            limit: records per page (the server's default when ``None``).
            cursor: resume from this cursor (a ``next_token`` or ``resume_cursor`` seen earlier).
            with_total: also ask for the total count (see ``Paginator.total``).
        """
        native = self._client._native_client()
        pager = _call(native.list_segments, _page_options(limit, cursor, with_total))
        return Paginator(pager, _segments)


class Campaigns(_Resource):
    """Campaigns (or campaign drafts): ``client.campaigns.list(limit=100)``."""

    __slots__ = ("_drafts",)

    def __init__(self, client: "Client", drafts: bool) -> None:
        super().__init__(client)
        self._drafts = drafts

    def list(
        self,
        limit: Optional[int] = None,
        *,
        destination_data_template_id: Optional[str] = None,
        cursor: Optional[str] = None,
        with_total: bool = False,
    ) -> Paginator[m.Campaign]:
        """Lists campaigns lazily (``GET /campaigns``; drafts: ``GET /campaign-drafts``, which
        needs ``api_version="unstable"``).

        Args:
            limit: records per page.
            destination_data_template_id: only campaigns using this destination data template.
            cursor: resume from this cursor.
            with_total: also ask for the total count.
        """
        native = self._client._native_client()
        method = native.list_campaign_drafts if self._drafts else native.list_campaigns
        flt = _ffi.CampaignFilter(destination_data_template_id=destination_data_template_id)
        pager = _call(method, flt, _page_options(limit, cursor, with_total))
        return Paginator(pager, _campaigns)


class AuditEvents(_Resource):
    """Audit events: ``client.audit_events.list(happened_from=..., happened_to=...)``."""

    __slots__ = ()

    def list(
        self,
        limit: Optional[int] = None,
        *,
        happened_from: Optional[_dt.datetime] = None,
        happened_to: Optional[_dt.datetime] = None,
        cursor: Optional[str] = None,
        with_total: bool = False,
    ) -> Paginator[m.AuditEvent]:
        """Lists audit events lazily (``GET /audit-events``).

        Args:
            limit: records per page.
            happened_from: events at or after this instant (naive datetimes are taken as UTC).
            happened_to: events before this instant.
            cursor: resume from this cursor.
            with_total: also ask for the total count.
        """
        native = self._client._native_client()
        flt = _ffi.AuditEventFilter(
            happened_from=_utc(happened_from, "happened_from"),
            happened_to=_utc(happened_to, "happened_to"),
        )
        pager = _call(native.list_audit_events, flt, _page_options(limit, cursor, with_total))
        return Paginator(pager, _audit_events)


class WorkflowRuns(_Resource):
    """Workflow runs: list, run, get, stop and wait."""

    __slots__ = ()

    def list(
        self,
        limit: Optional[int] = None,
        *,
        state: Optional[str] = None,
        workflow_type: Optional[str] = None,
        created_from: Optional[_dt.datetime] = None,
        created_to: Optional[_dt.datetime] = None,
        ended_from: Optional[_dt.datetime] = None,
        ended_to: Optional[_dt.datetime] = None,
        cursor: Optional[str] = None,
        with_total: bool = False,
    ) -> Paginator[m.Workflow]:
        """Lists workflow runs lazily (``GET /workflow/runs``).

        Args:
            limit: records per page.
            state: only runs in this state (wire form, e.g. ``"running"``; see :class:`RunState`).
            workflow_type: only runs of this type, e.g. ``"courier.group/run"``.
            created_from, created_to: creation-time window (naive datetimes are taken as UTC).
            ended_from, ended_to: end-time window.
            cursor: resume from this cursor.
            with_total: also ask for the total count.
        """
        native = self._client._native_client()
        flt = _ffi.WorkflowRunFilter(
            created_from=_utc(created_from, "created_from"),
            created_to=_utc(created_to, "created_to"),
            ended_from=_utc(ended_from, "ended_from"),
            ended_to=_utc(ended_to, "ended_to"),
            state=state,
            workflow_type=workflow_type,
        )
        pager = _call(native.list_workflow_runs, flt, _page_options(limit, cursor, with_total))
        return Paginator(pager, _workflows)

    def run(
        self,
        config_id: str,
        *,
        range_from: Optional[_dt.datetime] = None,
        range_to: Optional[_dt.datetime] = None,
        run_mode: Optional[str] = None,
    ) -> m.Workflow:
        """Starts a workflow run (``POST /workflow/runs``); never retried blindly.

        Args:
            config_id: what to run: a courier group (``cg-...``), orchestration group
                (``og-...``) or campaign (``cc-...``).
            range_from: courier groups: inclusive start of the data range.
            range_to: courier groups: exclusive end of the data range (only with ``range_from``).
            run_mode: courier groups: ``"source"``, ``"refresh"`` or ``"full"``.
        """
        mode = None
        if run_mode is not None:
            mode = _RUN_MODES.get(str(run_mode).lower())
            if mode is None:
                raise InvalidArgumentError(
                    f"invalid argument: run_mode must be 'source', 'refresh' or 'full', got {run_mode!r}"
                )
        request = _ffi.WorkflowRunRequest(
            config_id=config_id,
            range_from=_utc(range_from, "range_from"),
            range_to=_utc(range_to, "range_to"),
            run_mode=mode,
        )
        native = self._client._native_client()
        return m._workflow(_json.loads(_call(native.run_workflow_json, request)))

    def get(self, workflow_id: str, *, verbose: bool = False) -> m.Workflow:
        """Fetches a workflow run (``GET /workflow/runs/{id}``).

        Args:
            workflow_id: the run id, e.g. ``wf-20240619-14418-6UhqSe``.
            verbose: also fetch the principal, versions, task instances and error.
        """
        view = _ffi.WorkflowView.VERBOSE if verbose else _ffi.WorkflowView.OVERVIEW
        native = self._client._native_client()
        return m._workflow(_json.loads(_call(native.get_workflow_run_json, workflow_id, view)))

    def stop(self, workflow_id: str) -> m.Workflow:
        """Asks a workflow run to stop (``POST /workflow/runs/{id}/stop``)."""
        native = self._client._native_client()
        return m._workflow(_json.loads(_call(native.stop_workflow_run_json, workflow_id)))

    def wait(
        self,
        workflow_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = _UNSET,
        on_progress: Optional[Callable[[WaitProgress], Any]] = None,
        raise_on_failure: bool = False,
    ) -> m.Workflow:
        """Polls a workflow run until it finishes and returns its verbose view.

        The GIL is released while waiting; Ctrl-C interrupts it.

        Args:
            workflow_id: the run id.
            poll_interval: seconds between polls (the core's 5 s when ``None``).
            timeout: give up after this many seconds with :class:`WaitTimeoutError` (the run
                itself goes on; the error has the ``last_workflow`` seen); the core's one hour
                when not given, no limit when ``None``.
            on_progress: called with a :class:`WaitProgress` after the first poll and whenever
                the state or the number of finished tasks changes (the polls then use the
                verbose view). An exception it raises ends the wait and is raised from here.
            raise_on_failure: raise :class:`RunFailedError` (with the run and its error) when
                the run ends failed, canceled or stopped, instead of returning it.
        """
        defaults = _ffi.WaitOptions()  # the core's defaults
        timeout_ms: int
        if timeout is _UNSET:
            timeout_ms = defaults.timeout_ms
        elif timeout is None:
            timeout_ms = _NO_LIMIT_MS
        else:
            timeout_ms = _millis(timeout, "timeout") or 0  # not None: timeout is a number here
        poll_ms = _millis(poll_interval, "poll_interval")
        options = _ffi.WaitOptions(
            poll_interval_ms=defaults.poll_interval_ms if poll_ms is None else poll_ms,
            timeout_ms=timeout_ms,
            fail_on_unsuccessful=bool(raise_on_failure),
        )
        native = self._client._native_client()
        if on_progress is None:
            text = _call(native.wait_for_workflow_run_json, workflow_id, options)
            return m._workflow(_json.loads(text))
        observer = _ProgressObserver(on_progress)
        try:
            text = _call(native.wait_for_workflow_run_with_progress_json, workflow_id, options, observer)
        except AmperityError:
            if observer.raised is not None:
                raise observer.raised from None
            raise
        return m._workflow(_json.loads(text))


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


class WaitProgress:
    """Where a waited-for run stands (the argument of ``wait(..., on_progress=...)``).

    Attributes:
        workflow: the run as of this poll (verbose view, with its tasks).
        tasks_finished: tasks that reached a terminal state.
        tasks_total: tasks of the run so far.
        waited: seconds since the wait started.
    """

    __slots__ = ("workflow", "tasks_finished", "tasks_total", "waited")

    def __init__(self, workflow: m.Workflow, tasks_finished: int, tasks_total: int, waited: float) -> None:
        self.workflow = workflow
        self.tasks_finished = tasks_finished
        self.tasks_total = tasks_total
        self.waited = waited

    def __repr__(self) -> str:
        return (
            f"WaitProgress(state={self.workflow.state!r}, tasks_finished={self.tasks_finished}, "
            f"tasks_total={self.tasks_total}, waited={self.waited:.1f})"
        )


class _ProgressObserver(_ffi.WaitJsonObserver):
    """The native ``WaitJsonObserver``: calls the user's callback, keeps what it raised."""

    def __init__(self, callback: Callable[[WaitProgress], Any]) -> None:
        self.callback = callback
        self.raised: Optional[BaseException] = None

    def on_progress(self, workflow_json: str, tasks_finished: int, tasks_total: int, waited_ms: int) -> bool:
        try:
            workflow = m._workflow(_json.loads(workflow_json))
            self.callback(WaitProgress(workflow, tasks_finished, tasks_total, waited_ms / 1000.0))
            return True
        except BaseException as error:  # noqa: BLE001 - re-raised by wait()
            self.raised = error
            return False


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
        return m._ingest_job_list(_json.loads(_call(native.list_ingest_jobs_json, query)))

    def get(self, job_id: str) -> m.IngestJob:
        """Fetches one ingest job (``GET /ingest/jobs/{id}``)."""
        native = self._client._native_client()
        return m._ingest_job(_json.loads(_call(native.get_ingest_job_json, job_id)))


class Client:
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

    __slots__ = ("_native", "_tenant", "_base_url", "segments", "campaigns", "campaign_drafts",
                 "audit_events", "workflow_runs", "ingest_jobs")

    segments: Segments
    """Segments: ``list``."""
    campaigns: Campaigns
    """Campaigns: ``list``."""
    campaign_drafts: Campaigns
    """Campaign drafts (``api_version="unstable"``): ``list``."""
    audit_events: AuditEvents
    """Audit events: ``list``."""
    workflow_runs: WorkflowRuns
    """Workflow runs: ``list``, ``run``, ``get``, ``stop``, ``wait``."""
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
        region: Optional[str] = None,
        base_url: Optional[str] = None,
        api_version: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        rate_limit: Optional[float] = _UNSET,
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
        # Unset: the record's default, which is the core's (10 requests per second).
        rate: Dict[str, Optional[float]] = {}
        if rate_limit is not _UNSET:
            rate["rate_limit_per_second"] = None if rate_limit is None else float(rate_limit)
        if isinstance(root_certificates, str):
            root_certificates = [root_certificates]
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
            **rate,
            extra_root_certs_pem=list(root_certificates),
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
        self.segments = Segments(self)
        self.campaigns = Campaigns(self, drafts=False)
        self.campaign_drafts = Campaigns(self, drafts=True)
        self.audit_events = AuditEvents(self)
        self.workflow_runs = WorkflowRuns(self)
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
        """
        request = _raw_request(method, path, query, json, False)
        pager = _call(
            self._native_client().raw_pages, request, _page_options(limit, cursor, with_total)
        )
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
