//! Ingest jobs: `GET /ingest/jobs` (one answer, not paginated) and `GET /ingest/jobs/{id}`.

use super::client::{amperity_client, object_call};
use super::error::amperity_result;
use super::object::{amperity_object, amperity_object_kind, CModel, TypedText};
use super::util::{arg_str, timestamp};
use amperity_core::{IngestJob, IngestJobList, IngestJobQuery};
use std::os::raw::c_char;

impl CModel for IngestJob {
    const KIND: amperity_object_kind = amperity_object_kind::IngestJob;
    const TEXT: &'static [TypedText<Self>] = &[TypedText::id("id", |j| Some(&j.id))];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl CModel for IngestJobList {
    const KIND: amperity_object_kind = amperity_object_kind::IngestJobList;
    const TEXT: &'static [TypedText<Self>] = &[];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    fn element_count(&self) -> Option<usize> {
        Some(self.items.len())
    }

    fn element(&self, index: usize) -> Option<amperity_object> {
        self.items
            .get(index)
            .map(|job| amperity_object::new(job.clone()))
    }
}

/// `GET /ingest/jobs`: every ingest job whose `started_at` falls in `[created_from, created_to)`
/// (RFC 3339 or `YYYY-MM-DD`; Amperity keeps 7 days) in one object of kind
/// `AMPERITY_OBJECT_KIND_INGEST_JOB_LIST` (walk it with `amperity_object_len` and
/// `amperity_object_at`; `total` with `amperity_object_get_int` when `with_total`).
/// `AMPERITY_RESULT_INVALID_ARGUMENT`, before any request, for a bad timestamp or a
/// `created_to` not after `created_from`. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_list_ingest_jobs(
    client: *const amperity_client,
    created_from: *const c_char,
    created_to: *const c_char,
    with_total: bool,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let from = timestamp(
            unsafe { arg_str(created_from, "created_from")? },
            "created_from",
        )?;
        let to = timestamp(unsafe { arg_str(created_to, "created_to")? }, "created_to")?;
        let mut query = IngestJobQuery::new(from, to);
        query.with_total = with_total;
        let list = client.list_ingest_jobs(query)?;
        Ok(amperity_object::new(list))
    })
}

/// `GET /ingest/jobs/{job_id}`: one ingest job (kind `AMPERITY_OBJECT_KIND_INGEST_JOB`).
/// `AMPERITY_RESULT_INVALID_ARGUMENT` for an empty id. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_ingest_job(
    client: *const amperity_client,
    job_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(job_id, "job_id")? };
        let job = client.get_ingest_job(id)?;
        Ok(amperity_object::new(job))
    })
}
