"""Typed result objects: light ``__slots__`` classes built from the core's JSON."""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._native import amperity as _ffi

__all__ = [
    "RunState",
    "Segment",
    "Campaign",
    "CampaignDraft",
    "AuditEvent",
    "Workflow",
    "WorkflowTaskInstance",
    "WorkflowError",
    "IngestJob",
    "IngestJobList",
    "IngestFeed",
    "IngestFile",
    "DeprecationNotice",
    "RawResponse",
]

_new = object.__new__
_fromiso = _dt.datetime.fromisoformat

if sys.version_info >= (3, 11):

    def _time(text: str) -> _dt.datetime:
        """An RFC 3339 UTC timestamp from the core (always ``...Z``) as an aware datetime."""
        return _fromiso(text)

else:

    def _time(text: str) -> _dt.datetime:
        """An RFC 3339 UTC timestamp from the core (always ``...Z``) as an aware datetime."""
        body = text[:-1]
        dot = body.find(".")
        if dot != -1 and len(body) - dot > 7:
            body = body[: dot + 7]
        return _fromiso(body + "+00:00")


def _opt_time(text: Optional[str]) -> Optional[_dt.datetime]:
    return None if text is None else _time(text)


class RunState:
    """Wire values of workflow, task and feed states (``Workflow.state`` is a plain ``str``).

    States are an open set: a value this SDK does not know is kept exactly as received.
    """

    SCHEDULED = "scheduled"
    STARTED = "started"
    IN_PROGRESS = "in-progress"
    RUNNING = "running"
    RUNNING_WITH_FAILURES = "running-with-failures"
    FINALIZING = "finalizing"
    STOPPING = "stopping"
    STOPPED = "stopped"
    CANCELING = "canceling"
    CANCELED = "canceled"
    PAUSED = "paused"
    UP_FOR_RETRY = "up-for-retry"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"

    @staticmethod
    def is_terminal(state: str) -> bool:
        """True for states a run does not leave: succeeded, failed, canceled, stopped, skipped."""
        return bool(_ffi.run_state_is_terminal(_ffi.run_state_parse(state)))

    @staticmethod
    def normalize(state: str) -> str:
        """The lowercase wire form of a wire or display value (``"In progress"`` -> ``"in-progress"``)."""
        return str(_ffi.run_state_name(_ffi.run_state_parse(state)))


class _Model:
    """Common behaviour: keyword construction, repr, equality and ``to_dict``."""

    __slots__ = ()

    def _fields(self) -> Tuple[str, ...]:
        return self.__slots__

    def __init__(self, **fields: Any) -> None:
        for name in self._fields():
            setattr(self, name, fields.pop(name, None))
        if fields:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(fields))}")

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({parts})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields())

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict (nested models as dicts too)."""
        out: Dict[str, Any] = {}
        for name in self._fields():
            value = getattr(self, name)
            if isinstance(value, _Model):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, _Model) else v for v in value]
            out[name] = value
        return out


class Segment(_Model):
    """A segment.

    Attributes:
        id: segment id, e.g. ``seg-35GMWpn6Y``.
        name: display name.
        status: status such as ``active``, when sent.
    """

    __slots__ = ("id", "name", "status")
    id: str
    name: str
    status: Optional[str]


def _segment(d: Dict[str, Any]) -> Segment:
    o = _new(Segment)
    o.id = d["id"]
    o.name = d["name"]
    o.status = d.get("status")
    return o


class Campaign(_Model):
    """A campaign (or campaign draft).

    Attributes:
        id: campaign id, e.g. ``cc-21HCWon6Y``.
        name: display name.
        deliver_at: past or scheduled delivery time (aware UTC datetime), when set.
    """

    __slots__ = ("id", "name", "deliver_at")
    id: str
    name: str
    deliver_at: Optional[_dt.datetime]


CampaignDraft = Campaign
"""A campaign draft has the same shape as a campaign."""


def _campaign(d: Dict[str, Any]) -> Campaign:
    o = _new(Campaign)
    o.id = d["id"]
    o.name = d["name"]
    t = d.get("deliver_at")
    o.deliver_at = None if t is None else _time(t)
    return o


class AuditEvent(_Model):
    """An audit event.

    Attributes:
        event_id: event id, e.g. ``ae-Ab1cDeFg``.
        event_type: namespaced type, e.g. ``:amperity.alert.audience/created`` (open set).
        tenant: tenant the event happened in (may be a sandbox).
        tenant_family: production tenant id of the family.
        happened_at: when it happened (aware UTC datetime).
        principal_id, principal_name, principal_email: who did it.
        object_id, object_name: what was acted on.
        origin_ip, user_agent, session_id: where from.
    """

    __slots__ = (
        "event_id",
        "event_type",
        "tenant",
        "tenant_family",
        "happened_at",
        "principal_id",
        "principal_name",
        "principal_email",
        "object_id",
        "object_name",
        "origin_ip",
        "user_agent",
        "session_id",
    )
    event_id: str
    event_type: str
    tenant: str
    tenant_family: Optional[str]
    happened_at: _dt.datetime
    principal_id: Optional[str]
    principal_name: Optional[str]
    principal_email: Optional[str]
    object_id: Optional[str]
    object_name: Optional[str]
    origin_ip: Optional[str]
    user_agent: Optional[str]
    session_id: Optional[str]


def _audit_event(d: Dict[str, Any]) -> AuditEvent:
    o = _new(AuditEvent)
    g = d.get
    o.event_id = d["event_id"]
    o.event_type = d["event_type"]
    o.tenant = d["tenant"]
    o.tenant_family = g("tenant_family")
    o.happened_at = _time(d["happened_at"])
    o.principal_id = g("principal_id")
    o.principal_name = g("principal_name")
    o.principal_email = g("principal_email")
    o.object_id = g("object_id")
    o.object_name = g("object_name")
    o.origin_ip = g("origin_ip")
    o.user_agent = g("user_agent")
    o.session_id = g("session_id")
    return o


class WorkflowError(_Model):
    """Why a workflow or task failed.

    Attributes:
        error_type: namespaced location of the failure, e.g. ``amperity.workflow.task.stitch/table``.
        message: human-readable explanation.
        attribution: ``customer`` (fix the configuration) or ``platform`` (usually transient).
        data: extra details as free-form JSON (dict, list or scalar), when there are any.
    """

    __slots__ = ("error_type", "message", "attribution", "data")
    error_type: str
    message: str
    attribution: Optional[str]
    data: Any


def _workflow_error(d: Optional[Dict[str, Any]]) -> Optional[WorkflowError]:
    if d is None:
        return None
    o = _new(WorkflowError)
    o.error_type = d["type"]
    o.message = d["message"]
    o.attribution = d.get("attribution")
    o.data = d.get("data")
    return o


class WorkflowTaskInstance(_Model):
    """One task of a workflow run.

    Attributes:
        id: task instance id, e.g. ``wft-20240619-14574-6kyYdY``.
        state: current state (lowercase wire form; see :class:`RunState`).
        tenant: tenant id.
        created_at, ended_at, state_changed_at: times (aware UTC datetimes), when known.
        execution_type: engine, e.g. ``spark-sql`` (open set).
        label: human-readable task name.
        run_id: run id, e.g. ``orb-20240619-EDnCxzmhrLN``.
        task_definition_id, task_definition_type: the task definition.
        timeout_ms: force-stop timeout in milliseconds.
        workflow_id: the parent workflow run.
        error: why it failed, for tasks in an error state.
    """

    __slots__ = (
        "id",
        "state",
        "tenant",
        "created_at",
        "ended_at",
        "execution_type",
        "label",
        "run_id",
        "state_changed_at",
        "task_definition_id",
        "task_definition_type",
        "timeout_ms",
        "workflow_id",
        "error",
    )
    id: str
    state: str
    tenant: str
    created_at: Optional[_dt.datetime]
    ended_at: Optional[_dt.datetime]
    execution_type: Optional[str]
    label: Optional[str]
    run_id: Optional[str]
    state_changed_at: Optional[_dt.datetime]
    task_definition_id: Optional[str]
    task_definition_type: Optional[str]
    timeout_ms: Optional[int]
    workflow_id: Optional[str]
    error: Optional[WorkflowError]


def _task(d: Dict[str, Any]) -> WorkflowTaskInstance:
    o = _new(WorkflowTaskInstance)
    g = d.get
    o.id = d["id"]
    o.state = d["state"]
    o.tenant = d["tenant"]
    o.created_at = _opt_time(g("created_at"))
    o.ended_at = _opt_time(g("ended_at"))
    o.execution_type = g("execution_type")
    o.label = g("label")
    o.run_id = g("run_id")
    o.state_changed_at = _opt_time(g("state_changed_at"))
    o.task_definition_id = g("task_definition_id")
    o.task_definition_type = g("task_definition_type")
    o.timeout_ms = g("timeout_ms")
    o.workflow_id = g("workflow_id")
    o.error = _workflow_error(g("error"))
    return o


class Workflow(_Model):
    """A workflow run.

    With the overview view only id, name, state, tenant, type and the times are filled; the
    verbose view (``get(id, verbose=True)``, ``wait``, ``run``, ``stop``) adds the principal,
    versions, task instances and error.

    Attributes:
        id: run id, e.g. ``wf-20240619-14418-6UhqSe``.
        state: current state (lowercase wire form; see :class:`RunState`).
        workflow_type: workflow type, e.g. ``courier.group/run``.
        name: display name.
        tenant: tenant id.
        created_at: start time (aware UTC datetime).
        ended_at: end time; ``None`` while the run is going.
        principal_id, principal_name, principal_email: who started it.
        launched_version, current_version: configuration versions.
        warn_after_ms: run time after which a "taking longer than expected" warning is sent.
        task_instances: the tasks (verbose view).
        error: why it failed, when it is in an error state.
    """

    __slots__ = (
        "id",
        "state",
        "workflow_type",
        "name",
        "tenant",
        "created_at",
        "ended_at",
        "principal_id",
        "principal_name",
        "principal_email",
        "launched_version",
        "current_version",
        "warn_after_ms",
        "task_instances",
        "error",
    )
    id: str
    state: str
    workflow_type: str
    name: str
    tenant: str
    created_at: _dt.datetime
    ended_at: Optional[_dt.datetime]
    principal_id: Optional[str]
    principal_name: Optional[str]
    principal_email: Optional[str]
    launched_version: Optional[str]
    current_version: Optional[str]
    warn_after_ms: Optional[int]
    task_instances: List[WorkflowTaskInstance]
    error: Optional[WorkflowError]

    @property
    def is_finished(self) -> bool:
        """True once the run reached a terminal state or has an end time."""
        return self.ended_at is not None or RunState.is_terminal(self.state)


def _workflow(d: Dict[str, Any]) -> Workflow:
    o = _new(Workflow)
    g = d.get
    o.id = d["id"]
    o.state = d["state"]
    o.workflow_type = d["type"]
    o.name = d["name"]
    o.tenant = d["tenant"]
    o.created_at = _time(d["created_at"])
    o.ended_at = _opt_time(g("ended_at"))
    o.principal_id = g("principal_id")
    o.principal_name = g("principal_name")
    o.principal_email = g("principal_email")
    o.launched_version = g("launched_version")
    o.current_version = g("current_version")
    o.warn_after_ms = g("warn_after_ms")
    tasks = g("task_instances")
    o.task_instances = [_task(t) for t in tasks] if tasks else []
    o.error = _workflow_error(g("error"))
    return o


class IngestFile(_Model):
    """One file of an ingest feed.

    Attributes:
        file_id: file id, e.g. ``cb-20240618-71992-SF3Uz/part0.avro``.
        name: file name, when sent.
        read: rows read.
        errors: rows that failed.
    """

    __slots__ = ("file_id", "name", "read", "errors")
    file_id: str
    name: Optional[str]
    read: int
    errors: int


class IngestFeed(_Model):
    """What one feed of an ingest job loaded.

    Attributes:
        feed_id: feed id, e.g. ``df-5L6d1veh``.
        job_id: the job id.
        table_name: domain table name.
        state: feed state (lowercase wire form).
        read, errors, rejected, inserted, updated: row counts.
        started_at, ended_at: times (aware UTC datetimes), when known.
        files: the files read.
    """

    __slots__ = (
        "feed_id",
        "job_id",
        "table_name",
        "state",
        "read",
        "errors",
        "rejected",
        "inserted",
        "updated",
        "started_at",
        "ended_at",
        "files",
    )
    feed_id: str
    job_id: str
    table_name: str
    state: str
    read: int
    errors: int
    rejected: int
    inserted: int
    updated: int
    started_at: Optional[_dt.datetime]
    ended_at: Optional[_dt.datetime]
    files: List[IngestFile]


class IngestJob(_Model):
    """An ingest job.

    Attributes:
        id: job id, e.g. ``isj-20240827-54061-2l6XhD``.
        workflow_id: the workflow that ran the job.
        tables: one entry per feed/table loaded.
    """

    __slots__ = ("id", "workflow_id", "tables")
    id: str
    workflow_id: str
    tables: List[IngestFeed]


def _ingest_file(d: Dict[str, Any]) -> IngestFile:
    o = _new(IngestFile)
    o.file_id = d["file_id"]
    o.name = d.get("name")
    o.read = d["read"]
    o.errors = d["errors"]
    return o


def _ingest_feed(d: Dict[str, Any]) -> IngestFeed:
    o = _new(IngestFeed)
    g = d.get
    o.feed_id = d["feed_id"]
    o.job_id = d["job_id"]
    o.table_name = d["table_name"]
    o.state = d["state"]
    o.read = d["read"]
    o.errors = d["errors"]
    o.rejected = d["rejected"]
    o.inserted = d["inserted"]
    o.updated = d["updated"]
    o.started_at = _opt_time(g("started_at"))
    o.ended_at = _opt_time(g("ended_at"))
    o.files = [_ingest_file(f) for f in d["files"]]
    return o


def _ingest_job(d: Dict[str, Any]) -> IngestJob:
    o = _new(IngestJob)
    o.id = d["id"]
    o.workflow_id = d["workflow_id"]
    o.tables = [_ingest_feed(t) for t in d["tables"]]
    return o


class IngestJobList(_Model):
    """Every ingest job of a time window (the endpoint is not paginated); iterable.

    Attributes:
        items: the jobs.
        total: total count, when requested with ``with_total=True``.
    """

    __slots__ = ("items", "total")
    items: List[IngestJob]
    total: Optional[int]

    def __iter__(self) -> Iterator[IngestJob]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _ingest_job_list(d: Dict[str, Any]) -> IngestJobList:
    o = _new(IngestJobList)
    o.items = [_ingest_job(j) for j in d["items"]]
    o.total = d.get("total")
    return o


class DeprecationNotice(_Model):
    """``Deprecation``/``Sunset`` headers one operation answered with.

    Attributes:
        operation: the operation, e.g. ``list-segment``.
        deprecation: the ``Deprecation`` header value, when sent.
        sunset: the ``Sunset`` header value, when sent.
    """

    __slots__ = ("operation", "deprecation", "sunset")
    operation: str
    deprecation: Optional[str]
    sunset: Optional[str]


class RawResponse(_Model):
    """The answer of a raw request.

    Attributes:
        status: HTTP status (2xx; error statuses raise :class:`APIStatusError` subclasses).
        json: the decoded JSON body (``None`` when the body was empty).
    """

    __slots__ = ("status", "json")
    status: int
    json: Any
