//! Typed models of every resource the API returns, one file per resource.
//!
//! Every model keeps the fields it does not know in `extra` (Amperity adds fields without notice),
//! so they reach every language, and treats fields the sources disagree on as optional.
//! State-like strings are open enums that keep any value they do not know. Amperity's schemas never say `nullable` and its docs are loose, so
//! `null` counts as absent for every optional field, list and count ([`null_as_default`]).

mod audit;
mod campaign;
pub(crate) mod decode;
mod extra;
mod ingest;
mod profile;
mod segment;
mod state;
mod workflow;

pub use audit::AuditEvent;
pub use campaign::{Campaign, CampaignDraft};
pub use extra::{Extra, ExtraFields};
pub use ingest::{IngestFeed, IngestFile, IngestJob, IngestJobList};
pub use profile::{Profile, ProfileAttributes, ProfileIndex};
pub use segment::Segment;
pub use state::RunState;

/// The response fields of `value` that model `model` (named as in the uniffi metadata) does not
/// know: what lands in its `extra`. `None` for a name that is not listed here. The Python model
/// generator checks its JSON names with it (every model with an `extra` map must be listed).
#[doc(hidden)]
pub fn unknown_json_fields(
    model: &str,
    value: serde_json::Value,
) -> Option<serde_json::Result<Vec<String>>> {
    macro_rules! models {
        ($($model:ident),* $(,)?) => {
            match model {
                $(stringify!($model) => Some(
                    serde_json::from_value::<$model>(value).map(|m| m.extra.into_map().into_keys().collect()),
                ),)*
                _ => None,
            }
        };
    }
    models!(
        AuditEvent,
        Campaign,
        IngestFeed,
        IngestFile,
        IngestJob,
        Profile,
        ProfileIndex,
        Segment,
        Workflow,
        WorkflowError,
        WorkflowTaskInstance,
    )
}

/// Deserializes `null` like an absent field: the type's default (an empty list, zero).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Option::unwrap_or_default)
}

pub use workflow::{
    RunMode, Workflow, WorkflowError, WorkflowRunRequest, WorkflowTaskInstance, WorkflowView,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_lists_and_counts_are_absent() {
        let job: IngestJob = serde_json::from_value(serde_json::json!({
            "id": "ij-1", "workflow_id": "wf-1",
            "tables": [{"feed_id": "df-1", "job_id": "ij-1", "table_name": "T", "state": "succeeded",
                        "read": null, "errors": null, "rejected": null, "inserted": null,
                        "updated": null, "files": null},
                       {"feed_id": "df-2", "job_id": "ij-1", "table_name": "U", "state": "running",
                        "files": [{"file_id": "f-1", "read": null, "errors": null}]}]
        }))
        .unwrap();
        assert_eq!(job.tables[0].read, 0);
        assert!(job.tables[0].files.is_empty());
        assert_eq!(job.tables[1].files[0].errors, 0);
        let none: IngestJob = serde_json::from_value(
            serde_json::json!({"id": "ij-2", "workflow_id": "wf-2", "tables": null}),
        )
        .unwrap();
        assert!(none.tables.is_empty());
        let run: Workflow = serde_json::from_value(serde_json::json!({
            "id": "wf-1", "state": "running", "type": "courier.group/run",
            "name": "n", "tenant": "acme", "created_at": "2026-12-01T00:00:00Z",
            "task_instances": null, "error": null
        }))
        .unwrap();
        assert!(run.task_instances.is_empty() && run.error.is_none());
    }
}
