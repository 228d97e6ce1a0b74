use super::decode::model_with_extra;
use super::RunState;
use crate::Timestamp;
use serde::Serialize;

model_with_extra! {
    /// An ingest job (`GET /ingest/jobs`, `GET /ingest/jobs/{job-id}`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct IngestJob {
        /// Job id, e.g. `isj-20240827-54061-2l6XhD`.
        id: String = required,
        /// The workflow that ran the job.
        workflow_id: String = required,
        /// One entry per feed/table loaded.
        tables: Vec<IngestFeed> = with(super::null_as_default),
    }
}

model_with_extra! {
    /// What one feed of an ingest job loaded.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct IngestFeed {
        /// Feed id, e.g. `df-5L6d1veh`.
        feed_id: String = required,
        /// The job id.
        job_id: String = required,
        /// Domain table name.
        table_name: String = required,
        /// Feed state.
        state: RunState = required,
        /// Rows read.
        read: i64 = with(super::null_as_default),
        /// Rows that failed ingest.
        errors: i64 = with(super::null_as_default),
        /// Duplicate rows not ingested.
        rejected: i64 = with(super::null_as_default),
        /// Records inserted.
        inserted: i64 = with(super::null_as_default),
        /// Rows updated.
        updated: i64 = with(super::null_as_default),
        /// Start time.
        #[serde(skip_serializing_if = "Option::is_none")]
        started_at: Option<Timestamp> = optional,
        /// End time.
        #[serde(skip_serializing_if = "Option::is_none")]
        ended_at: Option<Timestamp> = optional,
        /// Files read.
        files: Vec<IngestFile> = with(super::null_as_default),
    }
}

model_with_extra! {
    /// One file of an ingest feed.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct IngestFile {
        /// File id, e.g. `cb-20240618-71992-SF3Uz/part0.avro`.
        file_id: String = required,
        /// File name, e.g. `part0.avro`.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String> = optional,
        /// Rows read.
        read: i64 = with(super::null_as_default),
        /// Rows that failed.
        errors: i64 = with(super::null_as_default),
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
