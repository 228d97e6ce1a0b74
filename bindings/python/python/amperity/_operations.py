"""The workflow-run calls besides ``list`` (which ``_lists.py`` adds): run, get, stop, wait."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Optional

from . import _schema as m
from ._calls import _DEFAULT_WAIT_TIMEOUT, _NO_LIMIT_MS, _call, _is_default, _loads, _millis, _Resource, _utc
from ._errors import AmperityError, InvalidArgumentError
from ._types import RunMode
from ._native import amperity as _ffi

__all__ = ["IndexesOperations", "ProfilesOperations", "WaitProgress", "WorkflowRunsOperations"]

_RUN_MODES = {"source": _ffi.RunMode.SOURCE, "refresh": _ffi.RunMode.REFRESH, "full": _ffi.RunMode.FULL}


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
            workflow = m._workflow(_loads(workflow_json))
            self.callback(WaitProgress(workflow, tasks_finished, tasks_total, waited_ms / 1000.0))
            return True
        except BaseException as error:  # noqa: BLE001 - re-raised by wait()
            self.raised = error
            return False


class WorkflowRunsOperations(_Resource):
    """Workflow runs: ``run``, ``get``, ``stop`` and ``wait`` (``list`` comes with
    ``client.workflow_runs``)."""

    __slots__ = ()

    def run(
        self,
        config_id: str,
        *,
        range_from: Optional[_dt.datetime] = None,
        range_to: Optional[_dt.datetime] = None,
        run_mode: Optional[RunMode] = None,
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
        return m._workflow(_loads(_call(native.run_workflow_json, request)))

    def get(self, workflow_id: str, *, verbose: bool = False) -> m.Workflow:
        """Fetches a workflow run (``GET /workflow/runs/{id}``).

        Args:
            workflow_id: the run id, e.g. ``wf-20240619-14418-6UhqSe``.
            verbose: also fetch the principal, versions, task instances and error.
        """
        view = _ffi.WorkflowView.VERBOSE if verbose else _ffi.WorkflowView.OVERVIEW
        native = self._client._native_client()
        return m._workflow(_loads(_call(native.get_workflow_run_json, workflow_id, view)))

    def stop(self, workflow_id: str) -> m.Workflow:
        """Asks a workflow run to stop (``POST /workflow/runs/{id}/stop``)."""
        native = self._client._native_client()
        return m._workflow(_loads(_call(native.stop_workflow_run_json, workflow_id)))

    def wait(
        self,
        workflow_id: str,
        *,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = _DEFAULT_WAIT_TIMEOUT,
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
        if _is_default(timeout):
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
            return m._workflow(_loads(text))
        observer = _ProgressObserver(on_progress)
        try:
            text = _call(native.wait_for_workflow_run_with_progress_json, workflow_id, options, observer)
        except AmperityError:
            if observer.raised is not None:
                raise observer.raised from None
            raise
        return m._workflow(_loads(text))


class IndexesOperations(_Resource):
    """Profile API indexes: ``get`` (``list`` comes with ``client.indexes``)."""

    __slots__ = ()

    def get(self, index_id: str) -> m.ProfileIndex:
        """Fetches one index (``GET /indexes/{id}``); :class:`NotFoundError` when unknown.

        Args:
            index_id: the index id, e.g. ``idx-xyz789``.
        """
        native = self._client._native_client()
        return m._profile_index_rec(_call(native.get_index, index_id))


class ProfilesOperations(_Resource):
    """Profiles of the Profile API: ``get`` (``list`` comes with ``client.profiles``)."""

    __slots__ = ()

    def get(self, index_id: str, profile_id: str) -> m.Profile:
        """Fetches one profile of an index (``GET /indexes/{index_id}/profiles/{profile_id}``);
        :class:`NotFoundError` when unknown.

        Args:
            index_id: the index id, e.g. ``idx-xyz789``.
            profile_id: the profile id, e.g. ``cl-abc123``.
        """
        native = self._client._native_client()
        return m._profile_rec(_call(native.get_profile, index_id, profile_id))
