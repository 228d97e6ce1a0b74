//! `amperity_object`: one immutable result (a record, a list answer or any JSON value) with its
//! canonical JSON text and typed accessors.

use super::error::{amperity_result, guard, LastError};
use super::util::{arg_ref, arg_str, check_out, free_handle, into_handle, lend, write_out, CText};
use amperity_core::{AuditEvent, Campaign, IngestJob, IngestJobList, Segment, Workflow};
use serde_json::Value;
use std::os::raw::c_char;

/// What an `amperity_object` holds. Values are stable and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_object_kind {
    /// Any JSON value: raw answers, nested values reached with `amperity_object_get`, list items
    /// of `amperity_raw_pages`, deprecation notices.
    Json = 0,
    /// A segment (`id`, `name`, `status`).
    Segment = 1,
    /// A campaign (`id`, `name`, `deliver_at`).
    Campaign = 2,
    /// A campaign draft (same fields as a campaign).
    CampaignDraft = 3,
    /// An audit event (`event_id`, `event_type`, `happened_at`, ...).
    AuditEvent = 4,
    /// A workflow run (`id`, `name`, `state`, `type`, `created_at`, ...).
    Workflow = 5,
    /// An ingest job (`id`, `workflow_id`, `tables`).
    IngestJob = 6,
    /// The answer of `amperity_list_ingest_jobs`: `items` (ingest jobs) and `total`.
    IngestJobList = 7,
}

/// One result: an immutable record or JSON value.
///
/// Created by the calls that return one (`amperity_get_workflow_run`, `amperity_iter_next`, ...)
/// and owned by the caller, who frees it with `amperity_object_free` (except the borrowed objects
/// of `amperity_page_item`, which belong to their page). Strings obtained from it are borrowed
/// and valid until it is freed. Thread safety: immutable, so any number of threads may read one
/// object at the same time; freeing must not race with reads.
#[derive(Debug)]
pub struct amperity_object {
    kind: amperity_object_kind,
    json: CText,
    value: Value,
    strings: Vec<(String, CText)>,
    finished: Option<bool>,
    ingest_jobs: Vec<IngestJob>,
}

impl amperity_object {
    /// Wraps a model: its canonical JSON is `serde_json::to_string(model)`.
    pub(crate) fn from_model<T: ToObject + ?Sized>(
        kind: amperity_object_kind,
        model: &T,
    ) -> Result<Self, LastError> {
        model.to_object(kind)
    }

    /// Wraps a workflow run (adds the `is_finished` answer).
    pub(crate) fn from_workflow(run: &Workflow) -> Result<Self, LastError> {
        run.to_object(amperity_object_kind::Workflow)
    }

    /// Wraps any JSON value.
    pub(crate) fn from_value(value: Value) -> Self {
        let text = value.to_string();
        Self::assemble(amperity_object_kind::Json, text, value)
    }

    fn assemble(kind: amperity_object_kind, text: String, value: Value) -> Self {
        let strings = match &value {
            Value::Object(map) => map
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), CText::new(s))))
                .collect(),
            _ => Vec::new(),
        };
        amperity_object {
            kind,
            json: CText::new(&text),
            value,
            strings,
            finished: None,
            ingest_jobs: Vec::new(),
        }
    }

    fn string(&self, keys: &[&str], what: &str) -> Result<&CText, LastError> {
        keys.iter()
            .find_map(|key| self.strings.iter().find(|(k, _)| k == key).map(|(_, v)| v))
            .ok_or_else(|| LastError::no_value(format!("this object has no {what}")))
    }
}

/// A core model that can become an [`amperity_object`] (implemented for each concrete model so
/// that this crate needs no direct serde dependency).
pub(crate) trait ToObject {
    /// The object holding this model, with `serde_json::to_string(self)` as its JSON.
    fn to_object(&self, kind: amperity_object_kind) -> Result<amperity_object, LastError>;
}

macro_rules! to_object {
    ($($model:ty),*) => {$(
        impl ToObject for $model {
            fn to_object(&self, kind: amperity_object_kind) -> Result<amperity_object, LastError> {
                let text = serde_json::to_string(self).map_err(serialize_error)?;
                let value = serde_json::to_value(self).map_err(serialize_error)?;
                Ok(amperity_object::assemble(kind, text, value))
            }
        }
    )*};
}

to_object!(Segment, Campaign, AuditEvent, IngestJob);

impl ToObject for Workflow {
    fn to_object(&self, kind: amperity_object_kind) -> Result<amperity_object, LastError> {
        let text = serde_json::to_string(self).map_err(serialize_error)?;
        let value = serde_json::to_value(self).map_err(serialize_error)?;
        let mut object = amperity_object::assemble(kind, text, value);
        object.finished = Some(self.is_finished());
        Ok(object)
    }
}

impl ToObject for IngestJobList {
    fn to_object(&self, kind: amperity_object_kind) -> Result<amperity_object, LastError> {
        let text = serde_json::to_string(self).map_err(serialize_error)?;
        let value = serde_json::to_value(self).map_err(serialize_error)?;
        let mut object = amperity_object::assemble(kind, text, value);
        object.ingest_jobs = self.items.clone();
        Ok(object)
    }
}

impl ToObject for Value {
    fn to_object(&self, _kind: amperity_object_kind) -> Result<amperity_object, LastError> {
        Ok(amperity_object::from_value(self.clone()))
    }
}

fn serialize_error(e: serde_json::Error) -> LastError {
    LastError::new(
        amperity_result::Unknown,
        format!("could not serialize a result: {e}"),
    )
}

/// Frees an object. NULL is a no-op. Never pass an object borrowed from a page.
#[no_mangle]
pub extern "C" fn amperity_object_free(object: *mut amperity_object) {
    let _ = guard(|| {
        unsafe { free_handle(object) };
        Ok(())
    });
}

/// Stores what `object` holds in `*out_kind`.
#[no_mangle]
pub extern "C" fn amperity_object_get_kind(
    object: *const amperity_object,
    out_kind: *mut amperity_object_kind,
) -> amperity_result {
    guard(|| {
        check_out(out_kind, "out_kind")?;
        let object = unsafe { arg_ref(object, "object")? };
        unsafe { write_out(out_kind, object.kind) };
        Ok(())
    })
}

/// Lends the object's canonical JSON text (UTF-8, NUL-terminated, no NUL inside): `*out_json`
/// stays valid until the object is freed; `*out_len` (optional, may be NULL) gets its length in
/// bytes. For records this is exactly what the Rust SDK's `serde_json::to_string` gives.
#[no_mangle]
pub extern "C" fn amperity_object_json(
    object: *const amperity_object,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out_json, "out_json")?;
        let object = unsafe { arg_ref(object, "object")? };
        unsafe { lend(&object.json, out_json, out_len) };
        Ok(())
    })
}

/// Lends the record id: `id` (segments, campaigns, workflow runs, ingest jobs, JSON objects with
/// an `id`) or `event_id` (audit events). Borrowed like `amperity_object_json`; `*out_len` is
/// optional. `AMPERITY_RESULT_NO_VALUE` when the object has none.
#[no_mangle]
pub extern "C" fn amperity_object_id(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let text = object.string(&["id", "event_id"], "id")?;
        unsafe { lend(text, out, out_len) };
        Ok(())
    })
}

/// Lends the display name (`name`: segments, campaigns, workflow runs). Borrowed like
/// `amperity_object_json`. `AMPERITY_RESULT_NO_VALUE` when the object has none.
#[no_mangle]
pub extern "C" fn amperity_object_name(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let text = object.string(&["name"], "name")?;
        unsafe { lend(text, out, out_len) };
        Ok(())
    })
}

/// Lends the state: `state` of a workflow run, task or feed in its lowercase wire form
/// (`scheduled`, `running`, `succeeded`, `failed`, ... or a value unknown to this SDK, verbatim),
/// or the `status` of a segment. Borrowed like `amperity_object_json`.
/// `AMPERITY_RESULT_NO_VALUE` when the object has none.
#[no_mangle]
pub extern "C" fn amperity_object_state(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let text = object.string(&["state", "status"], "state or status")?;
        unsafe { lend(text, out, out_len) };
        Ok(())
    })
}

/// Lends the top-level string field `key` of the object's JSON (for example `"type"`,
/// `"created_at"`, `"event_type"`). Borrowed like `amperity_object_json`.
/// `AMPERITY_RESULT_NO_VALUE` when the field is absent, null or not a string.
#[no_mangle]
pub extern "C" fn amperity_object_get_string(
    object: *const amperity_object,
    key: *const c_char,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let key = unsafe { arg_str(key, "key")? };
        let text = object.string(&[key], &format!("string field {key:?}"))?;
        unsafe { lend(text, out, out_len) };
        Ok(())
    })
}

/// Stores the top-level integer field `key` (for example `"total"`, `"read"`, `"warn_after_ms"`)
/// in `*out`. `AMPERITY_RESULT_NO_VALUE` when absent or null; `AMPERITY_RESULT_INVALID_ARGUMENT`
/// when the field is not an integer that fits in 64 bits.
#[no_mangle]
pub extern "C" fn amperity_object_get_int(
    object: *const amperity_object,
    key: *const c_char,
    out: *mut i64,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let key = unsafe { arg_str(key, "key")? };
        match object.value.get(key) {
            None | Some(Value::Null) => Err(LastError::no_value(format!("no field {key:?}"))),
            Some(value) => match value.as_i64() {
                Some(n) => {
                    unsafe { write_out(out, n) };
                    Ok(())
                }
                None => Err(LastError::invalid(format!(
                    "field {key:?} is not a 64-bit integer"
                ))),
            },
        }
    })
}

/// Creates a new object (kind `AMPERITY_OBJECT_KIND_JSON`) holding the top-level field `key`,
/// whatever its type: use it to reach nested values such as a run's `"error"` or
/// `"task_instances"`, or an ingest job's `"tables"`. The caller frees `*out`.
/// `AMPERITY_RESULT_NO_VALUE` when the field is absent.
#[no_mangle]
pub extern "C" fn amperity_object_get(
    object: *const amperity_object,
    key: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let key = unsafe { arg_str(key, "key")? };
        let value = object
            .value
            .get(key)
            .ok_or_else(|| LastError::no_value(format!("no field {key:?}")))?;
        let child = amperity_object::from_value(value.clone());
        unsafe { write_out(out, into_handle(child)) };
        Ok(())
    })
}

/// Stores the number of elements in `*out_len`: the jobs of an
/// `AMPERITY_OBJECT_KIND_INGEST_JOB_LIST`, or the elements of a JSON array.
/// `AMPERITY_RESULT_INVALID_ARGUMENT` for any other object.
#[no_mangle]
pub extern "C" fn amperity_object_len(
    object: *const amperity_object,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out_len, "out_len")?;
        let object = unsafe { arg_ref(object, "object")? };
        let len = match (object.kind, &object.value) {
            (amperity_object_kind::IngestJobList, _) => object.ingest_jobs.len(),
            (_, Value::Array(items)) => items.len(),
            _ => {
                return Err(LastError::invalid(
                    "amperity_object_len needs an ingest job list or a JSON array",
                ))
            }
        };
        unsafe { write_out(out_len, len) };
        Ok(())
    })
}

/// Creates a new object holding element `index` (0-based) of an ingest job list (kind
/// `AMPERITY_OBJECT_KIND_INGEST_JOB`) or of a JSON array (kind `AMPERITY_OBJECT_KIND_JSON`).
/// The caller frees `*out`. `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is out of range or
/// the object is neither.
#[no_mangle]
pub extern "C" fn amperity_object_at(
    object: *const amperity_object,
    index: usize,
    out: *mut *mut amperity_object,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let child = match (object.kind, &object.value) {
            (amperity_object_kind::IngestJobList, _) => {
                let job = object.ingest_jobs.get(index).ok_or_else(|| {
                    LastError::invalid(format!(
                        "index {index} is out of range (length {})",
                        object.ingest_jobs.len()
                    ))
                })?;
                amperity_object::from_model(amperity_object_kind::IngestJob, job)?
            }
            (_, Value::Array(items)) => {
                let item = items.get(index).ok_or_else(|| {
                    LastError::invalid(format!(
                        "index {index} is out of range (length {})",
                        items.len()
                    ))
                })?;
                amperity_object::from_value(item.clone())
            }
            _ => {
                return Err(LastError::invalid(
                    "amperity_object_at needs an ingest job list or a JSON array",
                ))
            }
        };
        unsafe { write_out(out, into_handle(child)) };
        Ok(())
    })
}

/// Stores in `*out_finished` whether a workflow run is finished: a terminal state (succeeded,
/// failed, canceled, stopped, skipped) or an end time. `AMPERITY_RESULT_INVALID_ARGUMENT` when
/// the object is not of kind `AMPERITY_OBJECT_KIND_WORKFLOW`.
#[no_mangle]
pub extern "C" fn amperity_object_is_finished(
    object: *const amperity_object,
    out_finished: *mut bool,
) -> amperity_result {
    guard(|| {
        check_out(out_finished, "out_finished")?;
        let object = unsafe { arg_ref(object, "object")? };
        let finished = object
            .finished
            .ok_or_else(|| LastError::invalid("the object is not a workflow run"))?;
        unsafe { write_out(out_finished, finished) };
        Ok(())
    })
}
