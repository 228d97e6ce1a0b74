use super::decode::decode_with_extra;
use super::Extra;
use super::RunState;
use crate::Timestamp;
use serde::Serialize;

/// An ingest job (`GET /ingest/jobs`, `GET /ingest/jobs/{job-id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct IngestJob {
    /// Job id, e.g. `isj-20240827-54061-2l6XhD`.
    pub id: String,
    /// The workflow that ran the job.
    pub workflow_id: String,
    /// One entry per feed/table loaded.
    pub tables: Vec<IngestFeed>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    IngestJob {
        id: String = required "id",
        workflow_id: String = required "workflow_id",
        tables: Vec<IngestFeed> = with(super::null_as_default) "tables",
    }
}

/// What one feed of an ingest job loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// End time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Files read.
    pub files: Vec<IngestFile>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    IngestFeed {
        feed_id: String = required "feed_id",
        job_id: String = required "job_id",
        table_name: String = required "table_name",
        state: RunState = required "state",
        read: i64 = with(super::null_as_default) "read",
        errors: i64 = with(super::null_as_default) "errors",
        rejected: i64 = with(super::null_as_default) "rejected",
        inserted: i64 = with(super::null_as_default) "inserted",
        updated: i64 = with(super::null_as_default) "updated",
        started_at: Option<Timestamp> = optional "started_at",
        ended_at: Option<Timestamp> = optional "ended_at",
        files: Vec<IngestFile> = with(super::null_as_default) "files",
    }
}

/// One file of an ingest feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct IngestFile {
    /// File id, e.g. `cb-20240618-71992-SF3Uz/part0.avro`.
    pub file_id: String,
    /// File name, e.g. `part0.avro`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Rows read.
    pub read: i64,
    /// Rows that failed.
    pub errors: i64,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    IngestFile {
        file_id: String = required "file_id",
        name: Option<String> = optional "name",
        read: i64 = with(super::null_as_default) "read",
        errors: i64 = with(super::null_as_default) "errors",
    }
}

/// The answer of `GET /ingest/jobs`: every job of the window (the endpoint is not paginated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct IngestJobList {
    /// The jobs.
    pub items: Vec<IngestJob>,
    /// Total count, when `with_total` was requested.
    pub total: Option<i64>,
}
