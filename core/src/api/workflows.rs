use super::audit_events::timestamp_param;
use super::campaigns::unknown_param;
use crate::client::{path_with_id, Call};
use crate::error::{Error, Result};
use crate::retry::RetryClass;
use crate::{Client, PageOptions, Pager, Timestamp, Workflow, WorkflowRunRequest, WorkflowView};
use std::time::{Duration, Instant};

/// Filters of `GET /workflow/runs`; every `_from` is inclusive and every `_to` exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WorkflowRunFilter {
    /// Created at or after.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub created_from: Option<Timestamp>,
    /// Created before.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub created_to: Option<Timestamp>,
    /// Ended at or after.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub ended_from: Option<Timestamp>,
    /// Ended before.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub ended_to: Option<Timestamp>,
    /// Only runs in this state (wire value such as `succeeded`).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub state: Option<String>,
    /// Only runs of this type, e.g. `courier.group/run`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub workflow_type: Option<String>,
}

const CREATED_FROM: &str = "created_from";
const CREATED_TO: &str = "created_to";
const ENDED_FROM: &str = "ended_from";
const ENDED_TO: &str = "ended_to";
const STATE: &str = "state";
const TYPE: &str = "type";

impl WorkflowRunFilter {
    /// The query parameters this filter sets, by their wire names: the names
    /// [`from_params`](Self::from_params) takes (`type` is [`workflow_type`](Self::workflow_type)).
    pub const PARAMS: &'static [&'static str] =
        &[CREATED_FROM, CREATED_TO, ENDED_FROM, ENDED_TO, STATE, TYPE];

    /// Builds a filter from `(name, value)` query parameters named as in
    /// [`PARAMS`](Self::PARAMS), with timestamps in RFC 3339 or `YYYY-MM-DD`; for a name given
    /// twice the last value wins (only that one is parsed).
    ///
    /// [`Error::InvalidArgument`] for a name this filter does not know or a time that is not a
    /// timestamp.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let (mut created_from, mut created_to, mut ended_from, mut ended_to) =
            (None, None, None, None);
        let mut filter = WorkflowRunFilter::default();
        for (name, value) in params {
            match name {
                CREATED_FROM => created_from = Some(value),
                CREATED_TO => created_to = Some(value),
                ENDED_FROM => ended_from = Some(value),
                ENDED_TO => ended_to = Some(value),
                STATE => filter.state = Some(value.to_owned()),
                TYPE => filter.workflow_type = Some(value.to_owned()),
                _ => return Err(unknown_param("WorkflowRunFilter", name, Self::PARAMS)),
            }
        }
        filter.created_from = timestamp_param(CREATED_FROM, created_from)?;
        filter.created_to = timestamp_param(CREATED_TO, created_to)?;
        filter.ended_from = timestamp_param(ENDED_FROM, ended_from)?;
        filter.ended_to = timestamp_param(ENDED_TO, ended_to)?;
        Ok(filter)
    }

    fn apply(self, call: Call) -> Call {
        call.param(CREATED_FROM, self.created_from)
            .param(CREATED_TO, self.created_to)
            .param(ENDED_FROM, self.ended_from)
            .param(ENDED_TO, self.ended_to)
            .param(STATE, self.state.filter(|s| !s.is_empty()))
            .param(TYPE, self.workflow_type.filter(|s| !s.is_empty()))
    }
}

/// How [`Client::wait_for_workflow_run`] polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between polls (default 5 s; mind the 10 requests/s budget).
    pub poll_interval: Duration,
    /// Give up after this long (default 1 hour) with [`Error::WaitTimeout`].
    pub timeout: Duration,
    /// Return [`Error::RunFailed`] when the run ends failed, canceled or stopped, instead of the
    /// run (default `false`: any end is returned, check its `state`).
    pub fail_on_unsuccessful: bool,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(3600),
            fail_on_unsuccessful: false,
        }
    }
}

/// Where a waited-for run stands, as given to the progress callback of
/// [`Client::wait_for_workflow_run_with_progress`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WaitProgress {
    /// The run as of this poll (verbose view: with its tasks).
    pub workflow: Workflow,
    /// Tasks that reached a terminal state.
    pub tasks_finished: usize,
    /// Tasks of the run so far.
    pub tasks_total: usize,
    /// Time since the wait started.
    pub waited: Duration,
}

/// Consecutive polls of [`Client::wait_for_workflow_run`] that may fail for a passing reason
/// before the wait returns the error.
pub const MAX_MISSED_POLLS: u32 = 3;

/// A poll failure that the next poll may not see: a body that does not decode (say, cut by a
/// proxy), a connection failure or timeout, 429 or 5xx (after the request's own retries).
fn missed_poll(error: &Error) -> bool {
    match error {
        Error::Decode { .. } => true,
        Error::Transport { kind, .. } => matches!(
            kind,
            crate::TransportKind::Connect
                | crate::TransportKind::ConnectionReset
                | crate::TransportKind::Timeout
        ),
        Error::Api(api) => matches!(api.status, 429 | 500 | 502 | 503 | 504),
        _ => false,
    }
}

impl Client {
    /// `GET /workflow/runs`.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{PageOptions, RunState, WorkflowRunFilter};
    /// let failed = WorkflowRunFilter { state: Some("failed".into()), ..Default::default() };
    /// for run in client.list_workflow_runs(failed, PageOptions::limit(50)).items() {
    ///     assert_eq!(run?.state, RunState::Failed);
    /// }
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_workflow_runs(
        &self,
        filter: WorkflowRunFilter,
        page: PageOptions,
    ) -> Pager<Workflow> {
        let call = filter.apply(Call::get("list-workflows", "/workflow/runs"));
        Pager::new(self.inner.clone(), call, page).accepting_bare_object()
    }

    /// `POST /workflow/runs`: starts a run and returns it (state `scheduled` or later).
    ///
    /// Not idempotent: retried only on 429 or when no connection could be opened, never after a
    /// timeout or a 5xx. After such an error the run may or may not exist; look for it with
    /// [`list_workflow_runs`](Self::list_workflow_runs) and `created_from`.
    pub fn run_workflow(&self, request: &WorkflowRunRequest) -> Result<Workflow> {
        if request.config_id.trim().is_empty() {
            return Err(Error::invalid_argument("config_id is empty"));
        }
        if request.range_to.is_some() && request.range_from.is_none() {
            return Err(Error::invalid_argument(
                "range_to is only valid together with range_from",
            ));
        }
        if let (Some(from), Some(to)) = (request.range_from, request.range_to) {
            if to <= from {
                return Err(Error::invalid_argument("range_to must be after range_from"));
            }
        }
        let mut call = Call::post(
            "run-workflow",
            "/workflow/runs",
            RetryClass::OnlyWhenRefused,
        );
        call.body =
            Some(serde_json::to_vec(request).map_err(|e| Error::invalid_argument(e.to_string()))?);
        self.inner.execute_json(&call)
    }

    /// `GET /workflow/runs/{workflow-id}`.
    pub fn get_workflow_run(&self, workflow_id: &str, view: WorkflowView) -> Result<Workflow> {
        let path = path_with_id("/workflow/runs", workflow_id, "", "workflow id")?;
        let call = Call::get("get-workflow", path).param("view", Some(view.as_str()));
        self.inner.execute_json(&call)
    }

    /// `POST /workflow/runs/{workflow-id}/stop`: cancels a run and returns it.
    pub fn stop_workflow_run(&self, workflow_id: &str) -> Result<Workflow> {
        let path = path_with_id("/workflow/runs", workflow_id, "/stop", "workflow id")?;
        self.inner
            .execute_json(&Call::post("stop-workflow", path, RetryClass::Idempotent))
    }

    /// Polls a run until it reaches a terminal state (or has an end time) and returns its
    /// verbose view; [`Error::WaitTimeout`] when `options.timeout` passes first.
    ///
    /// A poll that fails for a passing reason after its own retries (a body that does not decode,
    /// a connection failure or timeout, 429 or 5xx) counts as a missed poll: the wait goes on,
    /// and returns that error only after [`MAX_MISSED_POLLS`] missed polls in a row.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{RunState, WaitOptions, WorkflowRunRequest};
    /// use std::time::Duration;
    /// let run = client.run_workflow(&WorkflowRunRequest::new("cg-123"))?;
    /// let options = WaitOptions { poll_interval: Duration::from_millis(100), timeout: Duration::from_secs(30), ..WaitOptions::default() };
    /// let done = client.wait_for_workflow_run(&run.id, &options)?;
    /// assert_eq!(done.state, RunState::Succeeded);
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn wait_for_workflow_run(
        &self,
        workflow_id: &str,
        options: &WaitOptions,
    ) -> Result<Workflow> {
        self.wait(workflow_id, options, None)
    }

    /// [`wait_for_workflow_run`](Self::wait_for_workflow_run), calling `on_progress` after the
    /// first poll and whenever the state or the number of finished tasks changes (the polls use
    /// the verbose view, to see the tasks). `on_progress` returning `false` ends the wait with
    /// [`Error::Cancelled`] (the run itself goes on).
    pub fn wait_for_workflow_run_with_progress(
        &self,
        workflow_id: &str,
        options: &WaitOptions,
        mut on_progress: impl FnMut(&WaitProgress) -> bool,
    ) -> Result<Workflow> {
        self.wait(workflow_id, options, Some(&mut on_progress))
    }

    fn wait(
        &self,
        workflow_id: &str,
        options: &WaitOptions,
        mut on_progress: Option<&mut dyn FnMut(&WaitProgress) -> bool>,
    ) -> Result<Workflow> {
        if options.poll_interval.is_zero() {
            return Err(Error::invalid_argument(
                "poll_interval must be greater than zero",
            ));
        }
        // One call for the whole wait: a cancel during any poll or pause ends it.
        let _token = self.inner.enter_token();
        let _call = self.inner.transport.begin_call();
        let start = Instant::now();
        let view = match on_progress {
            Some(_) => WorkflowView::Verbose,
            None => WorkflowView::Overview,
        };
        let mut last_seen: Option<(crate::RunState, usize)> = None;
        let mut missed = 0;
        loop {
            let run = match self.get_workflow_run(workflow_id, view) {
                Ok(run) => run,
                Err(error)
                    if missed_poll(&error)
                        && missed < MAX_MISSED_POLLS
                        && start.elapsed() < options.timeout =>
                {
                    missed += 1;
                    log::debug!("wait for {workflow_id}: missed poll {missed} ({error})");
                    let left = options.timeout.saturating_sub(start.elapsed());
                    self.inner
                        .transport
                        .sleep(options.poll_interval.min(left), "get-workflow")?;
                    continue;
                }
                Err(error) => return Err(error),
            };
            let waited = start.elapsed();
            if let Some(report) = on_progress.as_mut() {
                let tasks_finished = run
                    .task_instances
                    .iter()
                    .filter(|task| task.state.is_terminal() || task.ended_at.is_some())
                    .count();
                let seen = (run.state.clone(), tasks_finished);
                if last_seen.as_ref() != Some(&seen) {
                    last_seen = Some(seen);
                    let progress = WaitProgress {
                        tasks_total: run.task_instances.len(),
                        tasks_finished,
                        workflow: run.clone(),
                        waited,
                    };
                    if !report(&progress) {
                        return Err(Error::cancelled("get-workflow"));
                    }
                }
            }
            if run.is_finished() {
                let run = match view {
                    WorkflowView::Verbose => run,
                    WorkflowView::Overview => {
                        match self.get_workflow_run(workflow_id, WorkflowView::Verbose) {
                            Ok(run) => run,
                            // Missed: poll again (the run stays finished).
                            Err(error) if missed_poll(&error) && missed < MAX_MISSED_POLLS => {
                                missed += 1;
                                log::debug!(
                                    "wait for {workflow_id}: missed poll {missed} ({error})"
                                );
                                continue;
                            }
                            Err(error) => return Err(error),
                        }
                    }
                };
                if options.fail_on_unsuccessful && !run.state.is_success() {
                    return Err(Error::RunFailed {
                        workflow: Box::new(run),
                    });
                }
                return Ok(run);
            }
            // A whole poll went through (the verbose re-read above may still miss).
            missed = 0;
            if waited >= options.timeout {
                return Err(Error::WaitTimeout {
                    workflow_id: workflow_id.to_owned(),
                    last_state: run.state.to_string(),
                    waited_ms: waited.as_millis() as u64,
                    last_workflow: Box::new(run),
                });
            }
            self.inner.transport.sleep(
                options.poll_interval.min(options.timeout - waited),
                "get-workflow",
            )?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_to_the_query() {
        let pairs = WorkflowRunFilter::PARAMS.iter().map(|name| match *name {
            STATE | TYPE => (*name, "x"),
            _ => (*name, "2026-01-01"),
        });
        let filter = WorkflowRunFilter::from_params(pairs).unwrap();
        assert_eq!(filter.workflow_type.as_deref(), Some("x"));
        let call = filter.apply(Call::get("test", "/workflow/runs"));
        let sent: Vec<&str> = call.query.iter().map(|(n, _)| n.as_ref()).collect();
        assert_eq!(sent, WorkflowRunFilter::PARAMS);
        let bad = WorkflowRunFilter::from_params([(ENDED_TO, "not a time")]).unwrap_err();
        assert!(matches!(bad, Error::InvalidArgument { .. }));
        assert!(bad.to_string().contains(ENDED_TO), "{bad}");
        let unknown = WorkflowRunFilter::from_params([("workflow_type", "x")]).unwrap_err();
        assert!(matches!(unknown, Error::InvalidArgument { .. }));
    }
}
