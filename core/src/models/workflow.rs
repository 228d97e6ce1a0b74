use super::decode::model_with_extra;
use super::RunState;
use crate::Timestamp;
use serde::{Deserialize, Serialize};

model_with_extra! {
    /// A workflow run (`GET /workflow/runs`, `GET /workflow/runs/{id}`, run, stop).
    ///
    /// With `view=overview` (the server's default) only id, name, state, tenant, type and the
    /// times are filled; `view=verbose` adds the principal, versions, tasks and error.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Workflow {
        /// Run id, e.g. `wf-20240619-14418-6UhqSe`.
        id: String = required,
        /// Current state.
        state: RunState = required,
        /// Workflow type, e.g. `courier.group/run`, `campaign.send`.
        workflow_type: String = required as "type",
        /// Display name.
        name: String = required,
        /// Tenant id.
        tenant: String = required,
        /// Start time.
        created_at: Timestamp = required,
        /// End time; absent while the run is going.
        #[serde(skip_serializing_if = "Option::is_none")]
        ended_at: Option<Timestamp> = optional,
        /// Who started it.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_id: Option<String> = optional,
        /// Friendly name of who started it, e.g. "Automated workflow".
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_name: Option<String> = optional,
        /// Email of who started it.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_email: Option<String> = optional,
        /// Configuration version (`etv-…`) when the run started.
        #[serde(skip_serializing_if = "Option::is_none")]
        launched_version: Option<String> = optional,
        /// Configuration version at the end or at the error.
        #[serde(skip_serializing_if = "Option::is_none")]
        current_version: Option<String> = optional,
        /// Run time in ms after which a "taking longer than expected" warning is sent.
        #[serde(skip_serializing_if = "Option::is_none")]
        warn_after_ms: Option<i64> = optional,
        /// Task instances (verbose view, run and stop responses).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        task_instances: Vec<WorkflowTaskInstance> = with(super::null_as_default),
        /// Present when the run is in an error state.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<WorkflowError> = optional,
    }
}

impl Workflow {
    /// True once the run reached a terminal state or has an end time.
    pub fn is_finished(&self) -> bool {
        self.state.is_terminal() || self.ended_at.is_some()
    }
}

model_with_extra! {
    /// One task of a workflow run.
    #[derive(Debug, Clone, PartialEq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct WorkflowTaskInstance {
        /// Task instance id, e.g. `wft-20240619-14574-6kyYdY`.
        id: String = required,
        /// Current state.
        state: RunState = required,
        /// Tenant id.
        tenant: String = required,
        /// Start time.
        #[serde(skip_serializing_if = "Option::is_none")]
        created_at: Option<Timestamp> = optional,
        /// End time.
        #[serde(skip_serializing_if = "Option::is_none")]
        ended_at: Option<Timestamp> = optional,
        /// Engine, e.g. `spark-sql`, `databricks` (open set).
        #[serde(skip_serializing_if = "Option::is_none")]
        execution_type: Option<String> = optional,
        /// Human-readable task name.
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String> = optional,
        /// Run id, e.g. `orb-20240619-EDnCxzmhrLN`.
        #[serde(skip_serializing_if = "Option::is_none")]
        run_id: Option<String> = optional,
        /// Last state change.
        #[serde(skip_serializing_if = "Option::is_none")]
        state_changed_at: Option<Timestamp> = optional,
        /// Task definition id.
        #[serde(skip_serializing_if = "Option::is_none")]
        task_definition_id: Option<String> = optional,
        /// Task definition type, e.g. `campaign.send`.
        #[serde(skip_serializing_if = "Option::is_none")]
        task_definition_type: Option<String> = optional,
        /// Force-stop timeout in ms.
        #[serde(skip_serializing_if = "Option::is_none")]
        timeout_ms: Option<i64> = optional,
        /// Parent workflow id.
        #[serde(skip_serializing_if = "Option::is_none")]
        workflow_id: Option<String> = optional,
        /// Present for tasks in an error state.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<WorkflowError> = optional,
    }
}

model_with_extra! {
    /// Why a workflow or task failed.
    #[derive(Debug, Clone, PartialEq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct WorkflowError {
        /// Namespaced location of the failure, e.g. `amperity.workflow.task.stitch/table`.
        error_type: String = required as "type",
        /// Human-readable explanation.
        message: String = required,
        /// `customer` (fix the configuration) or `platform` (usually transient).
        #[serde(skip_serializing_if = "Option::is_none")]
        attribution: Option<String> = optional,
        /// Extra details: arbitrary JSON, absent or null when there is nothing.
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<serde_json::Value> = optional,
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
