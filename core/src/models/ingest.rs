use super::Extra;
use super::RunState;
use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// An ingest job (`GET /ingest/jobs`, `GET /ingest/jobs/{job-id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct IngestJob {
    /// Job id, e.g. `isj-20240827-54061-2l6XhD`.
    pub id: String,
    /// The workflow that ran the job.
    pub workflow_id: String,
    /// One entry per feed/table loaded.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub tables: Vec<IngestFeed>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

/// What one feed of an ingest job loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub read: i64,
    /// Rows that failed ingest.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub errors: i64,
    /// Duplicate rows not ingested.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub rejected: i64,
    /// Records inserted.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub inserted: i64,
    /// Rows updated.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub updated: i64,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// End time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Files read.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub files: Vec<IngestFile>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

/// One file of an ingest feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct IngestFile {
    /// File id, e.g. `cb-20240618-71992-SF3Uz/part0.avro`.
    pub file_id: String,
    /// File name, e.g. `part0.avro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Rows read.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub read: i64,
    /// Rows that failed.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub errors: i64,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
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
