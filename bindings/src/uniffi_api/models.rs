//! Records and enums of the uniffi surface: the core's models and call arguments, with times
//! as `SystemTime` and free-form JSON as [`JsonValue`].

use super::error::{AmperityError, Result};
use amperity_core as core_api;
use std::time::SystemTime;

/// Arbitrary JSON. Crosses the boundary as JSON text; the Python bindings turn it into
/// `dict`/`list`/scalars (see `uniffi.toml`), Kotlin and Swift see a `String`.
pub type JsonValue = serde_json::Value;

uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |value| value.to_string(),
    try_lift: |text| Ok(serde_json::from_str(&text)?),
});

fn time(ts: core_api::Timestamp) -> SystemTime {
    ts.into()
}

fn opt_time(ts: Option<core_api::Timestamp>) -> Option<SystemTime> {
    ts.map(SystemTime::from)
}

/// A `SystemTime` as the core's timestamp.
pub(crate) fn timestamp(time: SystemTime) -> core_api::Timestamp {
    time.into()
}

/// State of a workflow, task or ingest feed: the documented values plus any other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RunState {
    /// Scheduled, not started.
    Scheduled,
    /// Started.
    Started,
    /// In progress.
    InProgress,
    /// Running.
    Running,
    /// Running, some tasks failed.
    RunningWithFailures,
    /// Finalizing (tasks).
    Finalizing,
    /// Stopping.
    Stopping,
    /// Stopped (terminal).
    Stopped,
    /// Canceling.
    Canceling,
    /// Canceled (terminal).
    Canceled,
    /// Paused.
    Paused,
    /// Waiting for a retry (tasks).
    UpForRetry,
    /// Succeeded (terminal).
    Succeeded,
    /// Failed (terminal).
    Failed,
    /// Skipped (terminal, tasks and feeds).
    Skipped,
    /// A value this SDK does not know yet, exactly as received.
    Other {
        /// The state as the server sent it.
        value: String,
    },
}

impl From<core_api::RunState> for RunState {
    fn from(state: core_api::RunState) -> Self {
        use core_api::RunState as S;
        match state {
            S::Scheduled => Self::Scheduled,
            S::Started => Self::Started,
            S::InProgress => Self::InProgress,
            S::Running => Self::Running,
            S::RunningWithFailures => Self::RunningWithFailures,
            S::Finalizing => Self::Finalizing,
            S::Stopping => Self::Stopping,
            S::Stopped => Self::Stopped,
            S::Canceling => Self::Canceling,
            S::Canceled => Self::Canceled,
            S::Paused => Self::Paused,
            S::UpForRetry => Self::UpForRetry,
            S::Succeeded => Self::Succeeded,
            S::Failed => Self::Failed,
            S::Skipped => Self::Skipped,
            other => Self::Other {
                value: other.as_str().to_owned(),
            },
        }
    }
}

impl RunState {
    fn to_core(&self) -> core_api::RunState {
        match self {
            Self::Other { value } => core_api::RunState::Other(value.clone()),
            known => core_api::RunState::parse(&known.wire_name()),
        }
    }

    fn wire_name(&self) -> String {
        let name = match self {
            Self::Scheduled => "scheduled",
            Self::Started => "started",
            Self::InProgress => "in-progress",
            Self::Running => "running",
            Self::RunningWithFailures => "running-with-failures",
            Self::Finalizing => "finalizing",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Canceling => "canceling",
            Self::Canceled => "canceled",
            Self::Paused => "paused",
            Self::UpForRetry => "up-for-retry",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Other { value } => value,
        };
        name.to_owned()
    }
}

/// Parses a state's wire or display value (`"In progress"`, `"in-progress"`, …); never fails.
#[uniffi::export]
pub fn run_state_parse(value: String) -> RunState {
    core_api::RunState::parse(&value).into()
}

/// The lowercase wire form of a state (`in-progress`; unknown values as received).
#[uniffi::export]
pub fn run_state_name(state: RunState) -> String {
    state.to_core().as_str().to_owned()
}

/// True for states a run does not leave: succeeded, failed, canceled, stopped, skipped.
#[uniffi::export]
pub fn run_state_is_terminal(state: RunState) -> bool {
    state.to_core().is_terminal()
}

/// A segment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Segment {
    /// Segment id, e.g. `seg-35GMWpn6Y`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Status such as `active`.
    pub status: Option<String>,
}

impl From<core_api::Segment> for Segment {
    fn from(s: core_api::Segment) -> Self {
        Segment {
            id: s.id,
            name: s.name,
            status: s.status,
        }
    }
}

/// A campaign or campaign draft.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Campaign {
    /// Campaign id, e.g. `cc-21HCWon6Y`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Past or scheduled delivery time.
    pub deliver_at: Option<SystemTime>,
}

impl From<core_api::Campaign> for Campaign {
    fn from(c: core_api::Campaign) -> Self {
        Campaign {
            id: c.id,
            name: c.name,
            deliver_at: opt_time(c.deliver_at),
        }
    }
}

/// An audit event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditEvent {
    /// Event id, e.g. `ae-Ab1cDeFg`.
    pub event_id: String,
    /// Namespaced type, e.g. `:amperity.alert.audience/created`; open set.
    pub event_type: String,
    /// Tenant the event happened in (may be a sandbox).
    pub tenant: String,
    /// Production tenant id of the family.
    pub tenant_family: Option<String>,
    /// When it happened.
    pub happened_at: SystemTime,
    /// Who did it.
    pub principal_id: Option<String>,
    /// Friendly name of the principal.
    pub principal_name: Option<String>,
    /// Email of the principal.
    pub principal_email: Option<String>,
    /// Id of the object acted on.
    pub object_id: Option<String>,
    /// Composed description of the object.
    pub object_name: Option<String>,
    /// Client IP address.
    pub origin_ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Session id.
    pub session_id: Option<String>,
}

impl From<core_api::AuditEvent> for AuditEvent {
    fn from(e: core_api::AuditEvent) -> Self {
        AuditEvent {
            event_id: e.event_id,
            event_type: e.event_type,
            tenant: e.tenant,
            tenant_family: e.tenant_family,
            happened_at: time(e.happened_at),
            principal_id: e.principal_id,
            principal_name: e.principal_name,
            principal_email: e.principal_email,
            object_id: e.object_id,
            object_name: e.object_name,
            origin_ip: e.origin_ip,
            user_agent: e.user_agent,
            session_id: e.session_id,
        }
    }
}

/// Why a workflow or task failed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WorkflowError {
    /// Namespaced location of the failure, e.g. `amperity.workflow.task.stitch/table`.
    pub error_type: String,
    /// Human-readable explanation.
    pub message: String,
    /// `customer` (fix the configuration) or `platform` (usually transient).
    pub attribution: Option<String>,
    /// Extra details as arbitrary JSON, when there are any.
    pub data: Option<JsonValue>,
}

impl From<core_api::WorkflowError> for WorkflowError {
    fn from(e: core_api::WorkflowError) -> Self {
        WorkflowError {
            error_type: e.error_type,
            message: e.message,
            attribution: e.attribution,
            data: e.data.filter(|d| !d.is_null()),
        }
    }
}

/// One task of a workflow run.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WorkflowTaskInstance {
    /// Task instance id, e.g. `wft-20240619-14574-6kyYdY`.
    pub id: String,
    /// Current state.
    pub state: RunState,
    /// Tenant id.
    pub tenant: String,
    /// Start time.
    pub created_at: Option<SystemTime>,
    /// End time.
    pub ended_at: Option<SystemTime>,
    /// Engine, e.g. `spark-sql` (open set).
    pub execution_type: Option<String>,
    /// Human-readable task name.
    pub label: Option<String>,
    /// Run id, e.g. `orb-20240619-EDnCxzmhrLN`.
    pub run_id: Option<String>,
    /// Last state change.
    pub state_changed_at: Option<SystemTime>,
    /// Task definition id.
    pub task_definition_id: Option<String>,
    /// Task definition type, e.g. `campaign.send`.
    pub task_definition_type: Option<String>,
    /// Force-stop timeout in ms.
    pub timeout_ms: Option<i64>,
    /// Parent workflow id.
    pub workflow_id: Option<String>,
    /// Present for tasks in an error state.
    pub error: Option<WorkflowError>,
}

impl From<core_api::WorkflowTaskInstance> for WorkflowTaskInstance {
    fn from(t: core_api::WorkflowTaskInstance) -> Self {
        WorkflowTaskInstance {
            id: t.id,
            state: t.state.into(),
            tenant: t.tenant,
            created_at: opt_time(t.created_at),
            ended_at: opt_time(t.ended_at),
            execution_type: t.execution_type,
            label: t.label,
            run_id: t.run_id,
            state_changed_at: opt_time(t.state_changed_at),
            task_definition_id: t.task_definition_id,
            task_definition_type: t.task_definition_type,
            timeout_ms: t.timeout_ms,
            workflow_id: t.workflow_id,
            error: t.error.map(Into::into),
        }
    }
}

/// A workflow run. With the overview view only id, name, state, tenant, type and the times are
/// filled; the verbose view adds the principal, versions, tasks and error.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Workflow {
    /// Run id, e.g. `wf-20240619-14418-6UhqSe`.
    pub id: String,
    /// Current state.
    pub state: RunState,
    /// Workflow type, e.g. `courier.group/run`.
    pub workflow_type: String,
    /// Display name.
    pub name: String,
    /// Tenant id.
    pub tenant: String,
    /// Start time.
    pub created_at: SystemTime,
    /// End time; absent while the run is going.
    pub ended_at: Option<SystemTime>,
    /// Who started it.
    pub principal_id: Option<String>,
    /// Friendly name of who started it.
    pub principal_name: Option<String>,
    /// Email of who started it.
    pub principal_email: Option<String>,
    /// Configuration version when the run started.
    pub launched_version: Option<String>,
    /// Configuration version at the end or at the error.
    pub current_version: Option<String>,
    /// Run time in ms after which a "taking longer than expected" warning is sent.
    pub warn_after_ms: Option<i64>,
    /// Task instances (verbose view, run and stop responses).
    pub task_instances: Vec<WorkflowTaskInstance>,
    /// Present when the run is in an error state.
    pub error: Option<WorkflowError>,
    /// True once the run reached a terminal state or has an end time.
    pub is_finished: bool,
}

impl From<core_api::Workflow> for Workflow {
    fn from(w: core_api::Workflow) -> Self {
        let is_finished = w.is_finished();
        Workflow {
            id: w.id,
            state: w.state.into(),
            workflow_type: w.workflow_type,
            name: w.name,
            tenant: w.tenant,
            created_at: time(w.created_at),
            ended_at: opt_time(w.ended_at),
            principal_id: w.principal_id,
            principal_name: w.principal_name,
            principal_email: w.principal_email,
            launched_version: w.launched_version,
            current_version: w.current_version,
            warn_after_ms: w.warn_after_ms,
            task_instances: w.task_instances.into_iter().map(Into::into).collect(),
            error: w.error.map(Into::into),
            is_finished,
        }
    }
}

/// One file of an ingest feed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestFile {
    /// File id, e.g. `cb-20240618-71992-SF3Uz/part0.avro`.
    pub file_id: String,
    /// File name.
    pub name: Option<String>,
    /// Rows read.
    pub read: i64,
    /// Rows that failed.
    pub errors: i64,
}

/// What one feed of an ingest job loaded.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestFeed {
    /// Feed id, e.g. `df-5L6d1veh`.
    pub feed_id: String,
    /// The job id.
    pub job_id: String,
    /// Domain table name.
    pub table_name: String,
    /// Feed state.
    pub state: RunState,
    /// Rows read.
    pub read: i64,
    /// Rows that failed ingest.
    pub errors: i64,
    /// Duplicate rows not ingested.
    pub rejected: i64,
    /// Records inserted.
    pub inserted: i64,
    /// Rows updated.
    pub updated: i64,
    /// Start time.
    pub started_at: Option<SystemTime>,
    /// End time.
    pub ended_at: Option<SystemTime>,
    /// Files read.
    pub files: Vec<IngestFile>,
}

/// An ingest job.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestJob {
    /// Job id, e.g. `isj-20240827-54061-2l6XhD`.
    pub id: String,
    /// The workflow that ran the job.
    pub workflow_id: String,
    /// One entry per feed/table loaded.
    pub tables: Vec<IngestFeed>,
}

impl From<core_api::IngestJob> for IngestJob {
    fn from(j: core_api::IngestJob) -> Self {
        IngestJob {
            id: j.id,
            workflow_id: j.workflow_id,
            tables: j
                .tables
                .into_iter()
                .map(|f| IngestFeed {
                    feed_id: f.feed_id,
                    job_id: f.job_id,
                    table_name: f.table_name,
                    state: f.state.into(),
                    read: f.read,
                    errors: f.errors,
                    rejected: f.rejected,
                    inserted: f.inserted,
                    updated: f.updated,
                    started_at: opt_time(f.started_at),
                    ended_at: opt_time(f.ended_at),
                    files: f
                        .files
                        .into_iter()
                        .map(|file| IngestFile {
                            file_id: file.file_id,
                            name: file.name,
                            read: file.read,
                            errors: file.errors,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Every ingest job of a time window (the endpoint is not paginated).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestJobList {
    /// The jobs.
    pub items: Vec<IngestJob>,
    /// Total count, when requested with `with_total`.
    pub total: Option<i64>,
}

impl From<core_api::IngestJobList> for IngestJobList {
    fn from(list: core_api::IngestJobList) -> Self {
        IngestJobList {
            items: list.items.into_iter().map(Into::into).collect(),
            total: list.total,
        }
    }
}

/// `Deprecation`/`Sunset` headers one operation answered with.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeprecationNotice {
    /// The operation, e.g. `list-segment`.
    pub operation: String,
    /// The `Deprecation` header value, when sent.
    pub deprecation: Option<String>,
    /// The `Sunset` header value, when sent.
    pub sunset: Option<String>,
}

impl From<core_api::DeprecationNotice> for DeprecationNotice {
    fn from(n: core_api::DeprecationNotice) -> Self {
        DeprecationNotice {
            operation: n.operation,
            deprecation: n.deprecation,
            sunset: n.sunset,
        }
    }
}

/// How to page through a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct PageOptions {
    /// Records per page; the server's default when unset. Must be at least 1.
    #[uniffi(default = None)]
    pub limit: Option<i32>,
    /// Ask for `total` (costly on large lists; requested on the first page only).
    #[uniffi(default = false)]
    pub with_total: bool,
    /// Start from this cursor (a `next_token` or `resume_cursor` seen earlier).
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl PageOptions {
    pub(crate) fn to_core(&self) -> Result<core_api::PageOptions> {
        let limit = match self.limit {
            None => None,
            Some(limit) if limit >= 1 => Some(limit.unsigned_abs()),
            Some(_) => return Err(AmperityError::invalid_argument("limit must be at least 1")),
        };
        Ok(core_api::PageOptions {
            limit,
            with_total: self.with_total,
            cursor: self.cursor.clone(),
        })
    }
}

/// Filter of the campaign and campaign-draft lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct CampaignFilter {
    /// Only campaigns using this destination data template.
    #[uniffi(default = None)]
    pub destination_data_template_id: Option<String>,
}

impl From<CampaignFilter> for core_api::CampaignFilter {
    fn from(f: CampaignFilter) -> Self {
        core_api::CampaignFilter {
            destination_data_template_id: f.destination_data_template_id,
        }
    }
}

/// Time window of the audit-event list.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AuditEventFilter {
    /// Events at or after this instant.
    #[uniffi(default = None)]
    pub happened_from: Option<SystemTime>,
    /// Events before this instant.
    #[uniffi(default = None)]
    pub happened_to: Option<SystemTime>,
}

impl From<AuditEventFilter> for core_api::AuditEventFilter {
    fn from(f: AuditEventFilter) -> Self {
        core_api::AuditEventFilter {
            happened_from: f.happened_from.map(timestamp),
            happened_to: f.happened_to.map(timestamp),
        }
    }
}

/// Filter of the workflow-run list.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct WorkflowRunFilter {
    /// Runs created at or after this instant.
    #[uniffi(default = None)]
    pub created_from: Option<SystemTime>,
    /// Runs created before this instant.
    #[uniffi(default = None)]
    pub created_to: Option<SystemTime>,
    /// Runs ended at or after this instant.
    #[uniffi(default = None)]
    pub ended_from: Option<SystemTime>,
    /// Runs ended before this instant.
    #[uniffi(default = None)]
    pub ended_to: Option<SystemTime>,
    /// Only runs in this state (wire form, e.g. `running`).
    #[uniffi(default = None)]
    pub state: Option<String>,
    /// Only runs of this type, e.g. `courier.group/run`.
    #[uniffi(default = None)]
    pub workflow_type: Option<String>,
}

impl From<WorkflowRunFilter> for core_api::WorkflowRunFilter {
    fn from(f: WorkflowRunFilter) -> Self {
        core_api::WorkflowRunFilter {
            created_from: f.created_from.map(timestamp),
            created_to: f.created_to.map(timestamp),
            ended_from: f.ended_from.map(timestamp),
            ended_to: f.ended_to.map(timestamp),
            state: f.state,
            workflow_type: f.workflow_type,
        }
    }
}

/// The time window of the ingest-job list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestJobQuery {
    /// Jobs created at or after this instant.
    pub created_from: SystemTime,
    /// Jobs created before this instant (must be after `created_from`).
    pub created_to: SystemTime,
    /// Also ask for the total count.
    #[uniffi(default = false)]
    pub with_total: bool,
}

impl From<IngestJobQuery> for core_api::IngestJobQuery {
    fn from(q: IngestJobQuery) -> Self {
        let mut query =
            core_api::IngestJobQuery::new(timestamp(q.created_from), timestamp(q.created_to));
        query.with_total = q.with_total;
        query
    }
}

/// What a courier-group run does; the scheduled mode applies when unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RunMode {
    /// Pull data and refresh domain tables only.
    Source,
    /// Everything except downstream sends.
    Refresh,
    /// Pull, refresh, Stitch, databases, then downstream activations.
    Full,
}

/// A request to start a workflow run.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkflowRunRequest {
    /// What to run: a courier group (`cg-…`), orchestration group (`og-…`) or campaign (`cc-…`).
    pub config_id: String,
    /// Courier groups: inclusive start of the data range.
    #[uniffi(default = None)]
    pub range_from: Option<SystemTime>,
    /// Courier groups: exclusive end of the data range; only with `range_from`.
    #[uniffi(default = None)]
    pub range_to: Option<SystemTime>,
    /// Courier groups: what the run does.
    #[uniffi(default = None)]
    pub run_mode: Option<RunMode>,
}

impl From<WorkflowRunRequest> for core_api::WorkflowRunRequest {
    fn from(r: WorkflowRunRequest) -> Self {
        let mut request = core_api::WorkflowRunRequest::new(r.config_id);
        request.range_from = r.range_from.map(timestamp);
        request.range_to = r.range_to.map(timestamp);
        request.run_mode = r.run_mode.map(|mode| match mode {
            RunMode::Source => core_api::RunMode::Source,
            RunMode::Refresh => core_api::RunMode::Refresh,
            RunMode::Full => core_api::RunMode::Full,
        });
        request
    }
}

/// How much of a workflow run `get_workflow_run` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WorkflowView {
    /// id, name, state, tenant, type and times.
    Overview,
    /// Every field, including task instances and the error.
    Verbose,
}

impl From<WorkflowView> for core_api::WorkflowView {
    fn from(view: WorkflowView) -> Self {
        match view {
            WorkflowView::Overview => core_api::WorkflowView::Overview,
            WorkflowView::Verbose => core_api::WorkflowView::Verbose,
        }
    }
}

/// How `wait_for_workflow_run` polls.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WaitOptions {
    /// Time between polls, in milliseconds (must be greater than zero).
    #[uniffi(default = 5000)]
    pub poll_interval_ms: i64,
    /// Give up after this long, in milliseconds, with a `WaitTimeout` error.
    #[uniffi(default = 3600000)]
    pub timeout_ms: i64,
}

impl WaitOptions {
    pub(crate) fn to_core(&self) -> Result<core_api::WaitOptions> {
        let ms = |value: i64, what: &str| {
            u64::try_from(value)
                .map(std::time::Duration::from_millis)
                .map_err(|_| {
                    AmperityError::invalid_argument(format!(
                        "{what} must not be negative, got {value}"
                    ))
                })
        };
        Ok(core_api::WaitOptions {
            poll_interval: ms(self.poll_interval_ms, "poll_interval_ms")?,
            timeout: ms(self.timeout_ms, "timeout_ms")?,
        })
    }
}

/// HTTP method of a raw request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RawMethod {
    /// GET (always retried as idempotent).
    Get,
    /// POST (retried only when refused, unless `idempotent` is set).
    Post,
}

/// One query parameter of a raw request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QueryParam {
    /// Parameter name (percent-encoded by the client).
    pub name: String,
    /// Parameter value (percent-encoded by the client).
    pub value: String,
}

/// A request to any endpoint, through the same auth, headers, retries and error mapping as the
/// typed operations.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RawRequest {
    /// GET or POST.
    pub method: RawMethod,
    /// Path below the base URL, starting with `/`, without query or fragment.
    pub path: String,
    /// Query parameters, in order.
    #[uniffi(default = [])]
    pub query: Vec<QueryParam>,
    /// JSON body (POST only).
    #[uniffi(default = None)]
    pub body: Option<JsonValue>,
    /// For POST: safe to repeat, so retried like a GET.
    #[uniffi(default = false)]
    pub idempotent: bool,
}

impl From<RawRequest> for core_api::RawRequest {
    fn from(r: RawRequest) -> Self {
        let mut request = match r.method {
            RawMethod::Get => core_api::RawRequest::get(r.path),
            RawMethod::Post => core_api::RawRequest::post(r.path, None),
        };
        request.body = r.body;
        request.idempotent = r.method == RawMethod::Get || r.idempotent;
        request.query = r.query.into_iter().map(|q| (q.name, q.value)).collect();
        request
    }
}

/// The answer of a raw request.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RawResponse {
    /// HTTP status (2xx; error statuses are raised as `AmperityError::Api`).
    pub status: i32,
    /// The JSON body (`null` when the body was empty).
    pub body: JsonValue,
}

impl From<core_api::RawResponse> for RawResponse {
    fn from(r: core_api::RawResponse) -> Self {
        RawResponse {
            status: i32::from(r.status),
            body: r.body,
        }
    }
}

/// A page as JSON text: the fast path for languages whose record lifting is slow (Python).
///
/// `items_json` is a JSON array of the page's items exactly as the core decoded, validated and
/// normalised them (serialised with serde: times as RFC 3339 UTC strings, states in their
/// lowercase wire form, unset optional fields left out).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JsonPage {
    /// JSON array of the items.
    pub items_json: String,
    /// Cursor of the next page; `None` on the last page.
    pub next_token: Option<String>,
    /// Total number of records, when requested with `with_total`.
    pub total: Option<i64>,
}
