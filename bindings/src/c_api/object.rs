//! `amperity_object`: one immutable result (a record, a list answer or any JSON value) with its
//! canonical JSON text and typed accessors.

use super::error::{amperity_result, guard, LastError};
use super::util::{arg_ref, arg_str, check_out, free_handle, into_handle, lend, write_out, CText};
use amperity_core::{AuditEvent, Campaign, IngestJob, IngestJobList, Segment, Workflow};
use serde_json::Value;
use std::os::raw::c_char;
use std::sync::OnceLock;

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
///
/// It keeps the typed record; its JSON text, its JSON value and its C strings are built on first
/// use (a walk that only reads ids never serializes anything).
///
/// Kept small (the record, the id most walks read, and one pointer to everything else) so a page
/// of objects costs little more than the page of records.
#[derive(Debug)]
pub struct amperity_object {
    kind: amperity_object_kind,
    model: Model,
    /// The id lent from the page's shared buffer (records of a page).
    page_id: Option<CText>,
    id: OnceLock<Option<CText>>,
    lazy: OnceLock<Box<Lazy>>,
}

/// The parts of an object built on first use.
#[derive(Debug, Default)]
struct Lazy {
    json: OnceLock<CText>,
    value: OnceLock<Value>,
    name: OnceLock<Option<CText>>,
    state: OnceLock<Option<CText>>,
    /// Top-level string fields as C strings.
    strings: OnceLock<Vec<(String, CText)>>,
}

/// The record an object holds (large records boxed to keep every object small).
#[derive(Debug)]
pub(crate) enum Model {
    Segment(Segment),
    Campaign(Campaign),
    AuditEvent(Box<AuditEvent>),
    Workflow(Box<Workflow>),
    IngestJob(IngestJob),
    IngestJobList(IngestJobList),
    Json,
}

impl amperity_object {
    /// Wraps a model: its canonical JSON is `serde_json::to_string(model)`.
    pub(crate) fn from_model<T: ToObject>(kind: amperity_object_kind, model: T) -> Self {
        model.into_object(kind)
    }

    /// Wraps a workflow run.
    pub(crate) fn from_workflow(run: Workflow) -> Self {
        run.into_object(amperity_object_kind::Workflow)
    }

    /// Wraps any JSON value.
    pub(crate) fn from_value(value: Value) -> Self {
        let object = Self::assemble(amperity_object_kind::Json, Model::Json);
        let _ = object.lazy().value.set(value);
        object
    }

    fn assemble(kind: amperity_object_kind, model: Model) -> Self {
        amperity_object {
            kind,
            model,
            page_id: None,
            id: OnceLock::new(),
            lazy: OnceLock::new(),
        }
    }

    /// Presets the text `amperity_object_id` lends (from the page's shared buffer).
    pub(crate) fn with_id(mut self, id: Option<CText>) -> Self {
        self.page_id = id;
        self
    }

    fn lazy(&self) -> &Lazy {
        self.lazy.get_or_init(Box::default)
    }

    /// The canonical JSON text, serialized on first use.
    fn json(&self) -> &CText {
        self.lazy().json.get_or_init(|| {
            let text = match &self.model {
                Model::Segment(m) => serde_json::to_string(m),
                Model::Campaign(m) => serde_json::to_string(m),
                Model::AuditEvent(m) => serde_json::to_string(m),
                Model::Workflow(m) => serde_json::to_string(m),
                Model::IngestJob(m) => serde_json::to_string(m),
                Model::IngestJobList(m) => serde_json::to_string(m),
                Model::Json => serde_json::to_string(self.value()),
            };
            // Serializing these plain data types cannot fail; `null` keeps the contract if it did.
            CText::from_string(text.unwrap_or_else(|_| "null".to_owned()))
        })
    }

    /// The JSON value (parsed from the canonical text on first use).
    fn value(&self) -> &Value {
        self.lazy()
            .value
            .get_or_init(|| serde_json::from_slice(self.json().as_bytes()).unwrap_or(Value::Null))
    }

    /// True for a workflow run that ended; `None` for other objects.
    fn finished(&self) -> Option<bool> {
        match &self.model {
            Model::Workflow(run) => Some(run.is_finished()),
            _ => None,
        }
    }

    /// The id, name or state straight from the typed record (`None` for JSON values).
    fn typed_field(&self, field: TypedField) -> Option<Option<&str>> {
        use TypedField::*;
        Some(match (&self.model, field) {
            (Model::Segment(m), Id) => Some(m.id.as_str()),
            (Model::Segment(m), Name) => Some(m.name.as_str()),
            (Model::Segment(m), State) => m.status.as_deref(),
            (Model::Campaign(m), Id) => Some(m.id.as_str()),
            (Model::Campaign(m), Name) => Some(m.name.as_str()),
            (Model::AuditEvent(m), Id) => Some(m.event_id.as_str()),
            (Model::Workflow(m), Id) => Some(m.id.as_str()),
            (Model::Workflow(m), Name) => Some(m.name.as_str()),
            (Model::Workflow(m), State) => Some(m.state.as_str()),
            (Model::IngestJob(m), Id) => Some(m.id.as_str()),
            (Model::Json, _) => return None,
            _ => None,
        })
    }

    fn cached_field(
        &self,
        field: TypedField,
        keys: &[&str],
        what: &str,
    ) -> Result<&CText, LastError> {
        if let (TypedField::Id, Some(id)) = (field, &self.page_id) {
            return Ok(id);
        }
        let cell = match field {
            TypedField::Id => &self.id,
            TypedField::Name => &self.lazy().name,
            TypedField::State => &self.lazy().state,
        };
        match self.typed_field(field) {
            Some(text) => cell
                .get_or_init(|| text.map(CText::new))
                .as_ref()
                .ok_or_else(|| LastError::no_value(format!("this object has no {what}"))),
            None => self.string(keys, what),
        }
    }

    /// A top-level string field by name; the id, name and state of typed records come from the
    /// same cache as `amperity_object_id`/`_name`/`_state` (the same pointer).
    fn field(&self, key: &str, what: &str) -> Result<&CText, LastError> {
        let typed = match (&self.model, key) {
            (Model::AuditEvent(_), "event_id") => Some(TypedField::Id),
            (Model::AuditEvent(_), _) => None,
            (Model::Json, _) => None,
            (_, "id") => Some(TypedField::Id),
            (Model::Segment(_) | Model::Campaign(_) | Model::Workflow(_), "name") => {
                Some(TypedField::Name)
            }
            (Model::Segment(_), "status") | (Model::Workflow(_), "state") => {
                Some(TypedField::State)
            }
            _ => None,
        };
        match typed {
            Some(field) => self.cached_field(field, &[key], what),
            None => self.string(&[key], what),
        }
    }

    fn string(&self, keys: &[&str], what: &str) -> Result<&CText, LastError> {
        let strings = self.lazy().strings.get_or_init(|| match self.value() {
            Value::Object(map) => map
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), CText::new(s))))
                .collect(),
            _ => Vec::new(),
        });
        keys.iter()
            .find_map(|key| strings.iter().find(|(k, _)| k == key).map(|(_, v)| v))
            .ok_or_else(|| LastError::no_value(format!("this object has no {what}")))
    }
}

#[derive(Clone, Copy)]
enum TypedField {
    Id,
    Name,
    State,
}

/// A core model that can become an [`amperity_object`].
pub(crate) trait ToObject {
    /// The object holding this model, with `serde_json::to_string(self)` as its JSON.
    fn into_object(self, kind: amperity_object_kind) -> amperity_object;
}

macro_rules! to_object {
    ($($model:ident),*) => {$(
        impl ToObject for $model {
            fn into_object(self, kind: amperity_object_kind) -> amperity_object {
                amperity_object::assemble(kind, Model::$model(self))
            }
        }
    )*};
}

to_object!(Segment, Campaign, IngestJob, IngestJobList);

macro_rules! record_id {
    ($($model:ident . $field:ident),*) => {$(
        impl RecordId for $model {
            fn id_text(&self) -> &str {
                &self.$field
            }
        }
    )*};
}

/// Records whose id is lent from the page's shared buffer.
pub(crate) trait RecordId {
    /// The id (`event_id` for audit events).
    fn id_text(&self) -> &str;
}

record_id!(Segment.id, Campaign.id, AuditEvent.event_id, Workflow.id);

impl ToObject for AuditEvent {
    fn into_object(self, kind: amperity_object_kind) -> amperity_object {
        amperity_object::assemble(kind, Model::AuditEvent(Box::new(self)))
    }
}

impl ToObject for Workflow {
    fn into_object(self, kind: amperity_object_kind) -> amperity_object {
        amperity_object::assemble(kind, Model::Workflow(Box::new(self)))
    }
}

impl ToObject for Value {
    fn into_object(self, _kind: amperity_object_kind) -> amperity_object {
        amperity_object::from_value(self)
    }
}

/// The shared body of the accessors that lend one of an object's strings: checks the
/// arguments, picks the text, and writes the out-parameters only on success.
fn lend_text(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
    pick: impl FnOnce(&amperity_object) -> Result<&CText, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let object = unsafe { arg_ref(object, "object")? };
        let text = pick(object)?;
        unsafe { lend(text, out, out_len) };
        Ok(())
    })
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
        unsafe { lend(object.json(), out_json, out_len) };
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
    lend_text(object, out, out_len, |o| {
        o.cached_field(TypedField::Id, &["id", "event_id"], "id")
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
    lend_text(object, out, out_len, |o| {
        o.cached_field(TypedField::Name, &["name"], "name")
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
    lend_text(object, out, out_len, |o| {
        o.cached_field(TypedField::State, &["state", "status"], "state or status")
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
    lend_text(object, out, out_len, |o| {
        let key = unsafe { arg_str(key, "key")? };
        o.field(key, &format!("string field {key:?}"))
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
        match object.value().get(key) {
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
            .value()
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
        let len = match (&object.model, object.value()) {
            (Model::IngestJobList(list), _) => list.items.len(),
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
        let child = match (&object.model, object.value()) {
            (Model::IngestJobList(list), _) => {
                let job = list.items.get(index).ok_or_else(|| {
                    LastError::invalid(format!(
                        "index {index} is out of range (length {})",
                        list.items.len()
                    ))
                })?;
                amperity_object::from_model(amperity_object_kind::IngestJob, job.clone())
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
            .finished()
            .ok_or_else(|| LastError::invalid("the object is not a workflow run"))?;
        unsafe { write_out(out_finished, finished) };
        Ok(())
    })
}
