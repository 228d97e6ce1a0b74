use super::decode::decode_with_extra;
use super::Extra;
use super::RunState;
use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// A workflow run (`GET /workflow/runs`, `GET /workflow/runs/{id}`, run, stop).
///
/// With `view=overview` (the server's default) only id, name, state, tenant, type and the
/// times are filled; `view=verbose` adds the principal, versions, tasks and error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Workflow {
    /// Run id, e.g. `wf-20240619-14418-6UhqSe`.
    pub id: String,
    /// Current state.
    pub state: RunState,
    /// Workflow type, e.g. `courier.group/run`, `campaign.send`.
    #[serde(rename = "type")]
    pub workflow_type: String,
    /// Display name.
    pub name: String,
    /// Tenant id.
    pub tenant: String,
    /// Start time.
    pub created_at: Timestamp,
    /// End time; absent while the run is going.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Who started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Friendly name of who started it, e.g. "Automated workflow".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// Email of who started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_email: Option<String>,
    /// Configuration version (`etv-…`) when the run started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launched_version: Option<String>,
    /// Configuration version at the end or at the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<String>,
    /// Run time in ms after which a "taking longer than expected" warning is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warn_after_ms: Option<i64>,
    /// Task instances (verbose view, run and stop responses).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub task_instances: Vec<WorkflowTaskInstance>,
    /// Present when the run is in an error state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<WorkflowError>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    Workflow {
        id: String = required "id",
        state: RunState = required "state",
        workflow_type: String = required "type",
        name: String = required "name",
        tenant: String = required "tenant",
        created_at: Timestamp = required "created_at",
        ended_at: Option<Timestamp> = optional "ended_at",
        principal_id: Option<String> = optional "principal_id",
        principal_name: Option<String> = optional "principal_name",
        principal_email: Option<String> = optional "principal_email",
        launched_version: Option<String> = optional "launched_version",
        current_version: Option<String> = optional "current_version",
        warn_after_ms: Option<i64> = optional "warn_after_ms",
        task_instances: Vec<WorkflowTaskInstance> = with(super::null_as_default) "task_instances",
        error: Option<WorkflowError> = optional "error",
    }
}

impl Workflow {
    /// True once the run reached a terminal state or has an end time.
    pub fn is_finished(&self) -> bool {
        self.state.is_terminal() || self.ended_at.is_some()
    }
}

/// One task of a workflow run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct WorkflowTaskInstance {
    /// Task instance id, e.g. `wft-20240619-14574-6kyYdY`.
    pub id: String,
    /// Current state.
    pub state: RunState,
    /// Tenant id.
    pub tenant: String,
    /// Start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// End time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Engine, e.g. `spark-sql`, `databricks` (open set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_type: Option<String>,
    /// Human-readable task name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Run id, e.g. `orb-20240619-EDnCxzmhrLN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Last state change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_changed_at: Option<Timestamp>,
    /// Task definition id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition_id: Option<String>,
    /// Task definition type, e.g. `campaign.send`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition_type: Option<String>,
    /// Force-stop timeout in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
    /// Parent workflow id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Present for tasks in an error state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<WorkflowError>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    WorkflowTaskInstance {
        id: String = required "id",
        state: RunState = required "state",
        tenant: String = required "tenant",
        created_at: Option<Timestamp> = optional "created_at",
        ended_at: Option<Timestamp> = optional "ended_at",
        execution_type: Option<String> = optional "execution_type",
        label: Option<String> = optional "label",
        run_id: Option<String> = optional "run_id",
        state_changed_at: Option<Timestamp> = optional "state_changed_at",
        task_definition_id: Option<String> = optional "task_definition_id",
        task_definition_type: Option<String> = optional "task_definition_type",
        timeout_ms: Option<i64> = optional "timeout_ms",
        workflow_id: Option<String> = optional "workflow_id",
        error: Option<WorkflowError> = optional "error",
    }
}

/// Why a workflow or task failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct WorkflowError {
    /// Namespaced location of the failure, e.g. `amperity.workflow.task.stitch/table`.
    #[serde(rename = "type")]
    pub error_type: String,
    /// Human-readable explanation.
    pub message: String,
    /// `customer` (fix the configuration) or `platform` (usually transient).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Extra details: arbitrary JSON, absent or null when there is nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    WorkflowError {
        error_type: String = required "type",
        message: String = required "message",
        attribution: Option<String> = optional "attribution",
        data: Option<serde_json::Value> = optional "data",
    }
}

/// What a courier-group run does (`run_mode`); omitted unless set, so the scheduled mode applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RunMode {
    /// Pull data and refresh domain tables only.
    Source,
    /// Everything except downstream sends.
    Refresh,
    /// Pull, refresh, Stitch, databases, then downstream activations.
    Full,
}

impl RunMode {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            RunMode::Source => "source",
            RunMode::Refresh => "refresh",
            RunMode::Full => "full",
        }
    }
}

/// How much of a workflow run `GET /workflow/runs/{id}` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum WorkflowView {
    /// id, name, state, tenant, type and times (the server's default).
    #[default]
    Overview,
    /// Every field, including task instances and the error.
    Verbose,
}

impl WorkflowView {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowView::Overview => "overview",
            WorkflowView::Verbose => "verbose",
        }
    }
}

/// Body of `POST /workflow/runs`. Optional fields are left out of the JSON unless set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WorkflowRunRequest {
    /// What to run: a courier group (`cg-…`), orchestration group (`og-…`) or campaign (`cc-…`).
    pub config_id: String,
    /// Courier groups: inclusive start of the data range (required for file sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub range_from: Option<Timestamp>,
    /// Courier groups: exclusive end of the data range; only with `range_from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub range_to: Option<Timestamp>,
    /// Courier groups: what the run does; the scheduled mode applies when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub run_mode: Option<RunMode>,
}

impl WorkflowRunRequest {
    /// A request to run `config_id` with every option unset.
    pub fn new(config_id: impl Into<String>) -> Self {
        WorkflowRunRequest {
            config_id: config_id.into(),
            range_from: None,
            range_to: None,
            run_mode: None,
        }
    }

    /// Sets the data range (`to` may be `None`: then `from` selects one day).
    pub fn range(mut self, from: Timestamp, to: Option<Timestamp>) -> Self {
        self.range_from = Some(from);
        self.range_to = to;
        self
    }

    /// Sets the run mode.
    pub fn run_mode(mut self, mode: RunMode) -> Self {
        self.run_mode = Some(mode);
        self
    }
}
