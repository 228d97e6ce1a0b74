//! Records and enums of the uniffi surface that the core's models cannot be themselves.
//!
//! The models (`Segment`, `Workflow`'s tasks, `IngestJob`, the filters, `RunState`, …) derive
//! their uniffi traits where the core defines them; what is left here are the few shapes that
//! must differ for the foreign languages, each with its reason, plus the two custom types.

use super::error::{millis_i64, AmperityError, Result};
use crate as core_api;
use crate::{Extra, RawMethod, RunState, Timestamp, WorkflowError, WorkflowTaskInstance};
use std::collections::HashMap;
use std::time::SystemTime;

/// Arbitrary JSON. Crosses the boundary as JSON text; the Python bindings turn it into
/// `dict`/`list`/scalars (see `uniffi.toml`), Kotlin and Swift see a `String`.
pub type JsonValue = serde_json::Value;

uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |value| value.to_string(),
    try_lift: |text| Ok(serde_json::from_str(&text)?),
});

// A model's unknown fields cross as an optional map: most records have none, and an absent map
// is one byte that the foreign side turns into its shared empty map (`uniffi.toml`), where an
// empty one would be built record by record (Kotlin's `buildMap`: about a quarter of a
// page's allocations). Each language still sees a map of name to JSON text (Python: to values).
uniffi::custom_type!(
    /// Fields of a response that this SDK does not model yet: name to JSON text (Python: to
    /// values), exactly as received; empty when there are none.
    Extra, Option<HashMap<String, JsonValue>>, {
    lower: |extra| extra.into_non_empty(),
    try_lift: |fields| Ok(Extra::from(fields)),
});

// The core's instant crosses as the foreign languages' own time type (`datetime`, `Instant`,
// `Date`).
uniffi::custom_type!(Timestamp, SystemTime, {
    lower: |ts| ts.into(),
    try_lift: |time| Ok(time.into()),
});

/// Parses a state's wire or display value (`"In progress"`, `"in-progress"`, …); never fails.
#[uniffi::export]
pub fn run_state_parse(value: String) -> RunState {
    RunState::parse(&value)
}

/// The lowercase wire form of a state (`in-progress`; unknown values as received).
#[uniffi::export]
pub fn run_state_name(state: RunState) -> String {
    state.as_str().to_owned()
}

/// True for states a run does not leave: succeeded, failed, canceled, stopped, skipped.
#[uniffi::export]
pub fn run_state_is_terminal(state: RunState) -> bool {
    state.is_terminal()
}

/// A workflow run. With the overview view only id, name, state, tenant, type and the times are
/// filled; the verbose view adds the principal, versions, tasks and error.
///
/// A mirror of the core's `Workflow`, for one reason: uniffi records carry no methods, so the
/// core's `is_finished()` becomes a field that every language reads instead of recomputing it.
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
    pub created_at: Timestamp,
    /// End time; absent while the run is going.
    pub ended_at: Option<Timestamp>,
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
    /// Fields of the response this SDK does not model yet, as JSON values, exactly as received.
    pub extra: Extra,
    /// True once the run reached a terminal state or has an end time.
    pub is_finished: bool,
}

impl From<core_api::Workflow> for Workflow {
    fn from(w: core_api::Workflow) -> Self {
        let is_finished = w.is_finished();
        Workflow {
            id: w.id,
            state: w.state,
            workflow_type: w.workflow_type,
            name: w.name,
            tenant: w.tenant,
            created_at: w.created_at,
            ended_at: w.ended_at,
            principal_id: w.principal_id,
            principal_name: w.principal_name,
            principal_email: w.principal_email,
            launched_version: w.launched_version,
            current_version: w.current_version,
            warn_after_ms: w.warn_after_ms,
            task_instances: w.task_instances,
            error: w.error,
            extra: w.extra,
            is_finished,
        }
    }
}

/// Where a waited-for run stands (see `WaitObserver`).
///
/// A mirror of the core's `WaitProgress`: signed counts, milliseconds, and the `Workflow` mirror.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WaitProgress {
    /// The run as of this poll (verbose view: with its tasks).
    pub workflow: Workflow,
    /// Tasks that reached a terminal state.
    pub tasks_finished: i64,
    /// Tasks of the run so far.
    pub tasks_total: i64,
    /// Time since the wait started, in milliseconds.
    pub waited_ms: i64,
}

impl From<&core_api::WaitProgress> for WaitProgress {
    fn from(p: &core_api::WaitProgress) -> Self {
        WaitProgress {
            workflow: p.workflow.clone().into(),
            tasks_finished: i64::try_from(p.tasks_finished).unwrap_or(i64::MAX),
            tasks_total: i64::try_from(p.tasks_total).unwrap_or(i64::MAX),
            waited_ms: millis_i64(p.waited),
        }
    }
}

/// Receives the progress of `Client.wait_for_workflow_run_with_progress` (implemented in the
/// foreign language); returning `false` ends the wait with a `Cancelled` error.
#[uniffi::export(with_foreign)]
pub trait WaitObserver: Send + Sync {
    /// Called after the first poll and whenever the state or the finished task count changes.
    fn on_progress(&self, progress: WaitProgress) -> bool;
}

/// [`WaitObserver`] for the JSON fast path (Python): the run as JSON text, like `*_json` calls.
#[uniffi::export(with_foreign)]
pub trait WaitJsonObserver: Send + Sync {
    /// Called like `WaitObserver.on_progress`, with the run as JSON text.
    fn on_progress(
        &self,
        workflow_json: String,
        tasks_finished: i64,
        tasks_total: i64,
        waited_ms: i64,
    ) -> bool;
}

/// One HTTP exchange, as the request hook sees it (no secrets).
///
/// A mirror of the core's `RequestInfo`: signed numbers, and the time in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestInfo {
    /// The operation, e.g. `list-segment` (`oauth2-token` for a token request).
    pub operation: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL requested (no credentials; the query holds filters and cursors only).
    pub url: String,
    /// The HTTP status, or `None` when no answer came.
    pub status: Option<i32>,
    /// Which attempt of the call this was: 1, then 2 for the first retry, …
    pub attempt: i32,
    /// Time from sending the request to the end of its answer, in milliseconds.
    pub elapsed_ms: i64,
    /// The `request_id` of the answer, when there is one.
    pub request_id: Option<String>,
}

impl From<&core_api::RequestInfo> for RequestInfo {
    fn from(info: &core_api::RequestInfo) -> Self {
        RequestInfo {
            operation: info.operation.clone(),
            method: info.method.clone(),
            url: info.url.clone(),
            status: info.status.map(i32::from),
            attempt: i32::try_from(info.attempt).unwrap_or(i32::MAX),
            elapsed_ms: millis_i64(info.elapsed),
            request_id: info.request_id.clone(),
        }
    }
}

/// Receives every HTTP exchange of a client created with `Client.with_request_hook`
/// (implemented in the foreign language; called on the thread of the call).
#[uniffi::export(with_foreign)]
pub trait RequestHook: Send + Sync {
    /// Called after each exchange.
    fn on_request(&self, info: RequestInfo);
}

/// A core workflow as the JSON text the Python layer reads: its serde form plus `is_finished`,
/// the field the `Workflow` mirror adds.
#[derive(serde::Serialize)]
pub(crate) struct WorkflowJson<'a> {
    #[serde(flatten)]
    workflow: &'a core_api::Workflow,
    is_finished: bool,
}

/// The JSON form of one workflow (see [`WorkflowJson`]).
pub(crate) fn workflow_json(workflow: &core_api::Workflow) -> WorkflowJson<'_> {
    WorkflowJson {
        workflow,
        is_finished: workflow.is_finished(),
    }
}

/// How to page through a list.
///
/// A mirror of the core's `PageOptions`: the limit is signed (see `RawResponse`), so a negative
/// or zero limit is refused here with an invalid-argument error.
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
    /// Fetch the next page in the background while the caller works on the current one (one
    /// page ahead at most, within the rate limit).
    #[uniffi(default = false)]
    pub read_ahead: bool,
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
            read_ahead: self.read_ahead,
        })
    }
}

/// How `wait_for_workflow_run` polls.
///
/// A mirror of the core's `WaitOptions`: durations cross as signed milliseconds, with the
/// core's defaults.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WaitOptions {
    /// Time between polls, in milliseconds (must be greater than zero).
    #[uniffi(default = 5000)]
    pub poll_interval_ms: i64,
    /// Give up after this long, in milliseconds, with a `WaitTimeout` error.
    #[uniffi(default = 3600000)]
    pub timeout_ms: i64,
    /// Fail with a `RunFailed` error when the run ends failed, canceled or stopped.
    #[uniffi(default = false)]
    pub fail_on_unsuccessful: bool,
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
            fail_on_unsuccessful: self.fail_on_unsuccessful,
        })
    }
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
///
/// A mirror of the core's `RawRequest`: its query is a list of pairs, which uniffi cannot carry
/// (no tuples), and a GET is always idempotent here.
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
///
/// A mirror of the core's `RawResponse`: the status is signed (Kotlin shows unsigned integers to
/// Java callers as mangled accessors).
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
    /// JSON array of the items. A string rather than bytes: uniffi lowers a string with one
    /// copy but a `Vec<u8>` byte by byte (measured: 5 % of a 1000-record page's native time).
    pub items_json: String,
    /// Cursor of the next page; `None` on the last page.
    pub next_token: Option<String>,
    /// Total number of records, when requested with `with_total`.
    pub total: Option<i64>,
}
