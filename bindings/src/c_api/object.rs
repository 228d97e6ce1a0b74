//! `amperity_object`: one immutable result (a record, a list answer or any JSON value) with its
//! canonical JSON text and typed accessors.
//!
//! Nothing here knows a model: what differs between them (object kind, typed id/name/state,
//! elements, finished state) is the [`CModel`] trait, implemented once per model next to its
//! endpoints (`segments.rs`, `campaigns.rs`, ..., `raw.rs` for JSON values).

use super::error::{amperity_result, guard, LastError};
use super::util::{arg_ref, arg_str, check_out, free_handle, into_handle, lend, write_out, CText};
use serde_json::Value;
use std::fmt::Debug;
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
    /// A Profile API index (`id`, `name`, `description`, `created_at`, `updated_at`).
    ProfileIndex = 8,
    /// A customer profile (`id`, `index_id`, `attributes`: a JSON object of attribute values).
    Profile = 9,
}

/// One result: an immutable record or JSON value.
///
/// Created by the calls that return one (`amperity_get_workflow_run`, `amperity_iter_next`, ...)
/// and owned by the caller, who frees it with `amperity_object_free` (except the borrowed objects
/// of `amperity_page_item`, which belong to their page). Strings obtained from it are borrowed
/// and valid until it is freed. Thread safety: immutable, so any number of threads may read one
/// object at the same time; freeing must not race with reads.
// It keeps the typed record; its JSON text, its JSON value and its C strings are built on first
// use (a walk that only reads ids and names never serializes anything). Kept small (the record,
// the id and name most walks read, lent from the page's one buffer, and one pointer to
// everything else) so a page of objects costs little more than the page of records.
#[derive(Debug)]
pub struct amperity_object {
    model: Box<dyn DynModel>,
    /// The id and the name lent from the page's shared buffer (records of a page).
    page_id: Option<CText>,
    page_name: Option<CText>,
    id: OnceLock<Option<CText>>,
    lazy: OnceLock<Box<Lazy>>,
}

/// The parts of an object built on first use.
#[derive(Debug, Default)]
struct Lazy {
    json: OnceLock<CText>,
    /// The JSON value of a typed record (a JSON object is its own value).
    value: OnceLock<Value>,
    name: OnceLock<Option<CText>>,
    state: OnceLock<Option<CText>>,
    /// Top-level string fields as C strings.
    strings: OnceLock<Vec<(String, CText)>>,
}

/// The typed strings an object lends through `amperity_object_id`, `_name` and `_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    /// `amperity_object_id`.
    Id,
    /// `amperity_object_name`.
    Name,
    /// `amperity_object_state`.
    State,
}

impl TextField {
    /// How the field is called when it is missing.
    fn what(self) -> &'static str {
        match self {
            TextField::Id => "id",
            TextField::Name => "name",
            TextField::State => "state or status",
        }
    }
}

/// One typed string field of a model: which accessor lends it, the top-level JSON key it is
/// serialized under (so `amperity_object_get_string` with that key lends the same pointer), and
/// how to read it from the record.
pub(crate) struct TypedText<M> {
    field: TextField,
    key: &'static str,
    get: fn(&M) -> Option<&str>,
}

impl<M> TypedText<M> {
    /// The id (`amperity_object_id`), serialized as `key`.
    pub(crate) const fn id(key: &'static str, get: fn(&M) -> Option<&str>) -> Self {
        TypedText {
            field: TextField::Id,
            key,
            get,
        }
    }

    /// The display name (`amperity_object_name`), serialized as `key`.
    pub(crate) const fn name(key: &'static str, get: fn(&M) -> Option<&str>) -> Self {
        TypedText {
            field: TextField::Name,
            key,
            get,
        }
    }

    /// The state (`amperity_object_state`), serialized as `key`.
    pub(crate) const fn state(key: &'static str, get: fn(&M) -> Option<&str>) -> Self {
        TypedText {
            field: TextField::State,
            key,
            get,
        }
    }
}

/// Where the text of one accessor comes from.
pub(crate) enum Text<'a> {
    /// Straight from the typed record (`None`: the record has no such field).
    Typed(Option<&'a str>),
    /// The first of these top-level string fields of the JSON value (untyped objects).
    Keys(&'static [&'static str]),
}

/// Everything the C layer knows about one model type: implemented once per model, next to its
/// endpoints. The generic code of this file and of `iter.rs` only calls this trait.
pub(crate) trait CModel: Debug + Send + Sync + Sized + 'static {
    /// What `amperity_object_get_kind` reports.
    const KIND: amperity_object_kind;

    /// The typed string fields (id, name, state); an accessor whose field is not listed has
    /// no value (`AMPERITY_RESULT_NO_VALUE`).
    const TEXT: &'static [TypedText<Self>];

    /// The canonical JSON text: `serde_json::to_string` of the core model.
    // Each impl calls serde_json itself: this crate does not depend on serde, so it cannot name
    // the `Serialize` bound a generic implementation would need.
    fn to_json(&self) -> serde_json::Result<String>;

    /// Where the text of `field` comes from; by default the entry of [`TEXT`](Self::TEXT).
    fn text(&self, field: TextField) -> Text<'_> {
        Text::Typed(
            Self::TEXT
                .iter()
                .find(|t| t.field == field)
                .and_then(|t| (t.get)(self)),
        )
    }

    /// The typed field a top-level JSON key holds, if any; by default from [`TEXT`](Self::TEXT).
    fn field_of_key(key: &str) -> Option<TextField> {
        Self::TEXT.iter().find(|t| t.key == key).map(|t| t.field)
    }

    /// Whether the record is finished (`amperity_object_is_finished`); `None` when it has no
    /// such notion.
    fn is_finished(&self) -> Option<bool> {
        None
    }

    /// The number of elements (`amperity_object_len`); `None` when it has none.
    fn element_count(&self) -> Option<usize> {
        None
    }

    /// Element `index` as a new object (`amperity_object_at`); `None` when out of range or
    /// when it has no elements.
    fn element(&self, _index: usize) -> Option<amperity_object> {
        None
    }

    /// The record as a JSON value when it is one (no serialization needed to read fields).
    fn as_value(&self) -> Option<&Value> {
        None
    }
}

/// The typed id of a record, if it has one (what a page lends from its shared buffer).
pub(crate) fn typed_id<M: CModel>(model: &M) -> Option<&str> {
    typed_text(model, TextField::Id)
}

/// The typed name of a record, if it has one (also lent from the page's shared buffer).
pub(crate) fn typed_name<M: CModel>(model: &M) -> Option<&str> {
    typed_text(model, TextField::Name)
}

fn typed_text<M: CModel>(model: &M, field: TextField) -> Option<&str> {
    match model.text(field) {
        Text::Typed(text) => text,
        Text::Keys(_) => None,
    }
}

/// [`CModel`] in a form an object can hold (`dyn`): one blanket implementation.
trait DynModel: Debug + Send + Sync {
    fn kind(&self) -> amperity_object_kind;
    fn text(&self, field: TextField) -> Text<'_>;
    fn field_of_key(&self, key: &str) -> Option<TextField>;
    fn to_json(&self) -> serde_json::Result<String>;
    fn is_finished(&self) -> Option<bool>;
    fn element_count(&self) -> Option<usize>;
    fn element(&self, index: usize) -> Option<amperity_object>;
    fn as_value(&self) -> Option<&Value>;
}

impl<M: CModel> DynModel for M {
    fn kind(&self) -> amperity_object_kind {
        M::KIND
    }
    fn text(&self, field: TextField) -> Text<'_> {
        CModel::text(self, field)
    }
    fn field_of_key(&self, key: &str) -> Option<TextField> {
        M::field_of_key(key)
    }
    fn to_json(&self) -> serde_json::Result<String> {
        CModel::to_json(self)
    }
    fn is_finished(&self) -> Option<bool> {
        CModel::is_finished(self)
    }
    fn element_count(&self) -> Option<usize> {
        CModel::element_count(self)
    }
    fn element(&self, index: usize) -> Option<amperity_object> {
        CModel::element(self, index)
    }
    fn as_value(&self) -> Option<&Value> {
        CModel::as_value(self)
    }
}

impl amperity_object {
    /// Wraps a model; its kind, JSON and typed fields come from its [`CModel`] impl.
    pub(crate) fn new<M: CModel>(model: M) -> Self {
        amperity_object {
            model: Box::new(model),
            page_id: None,
            page_name: None,
            id: OnceLock::new(),
            lazy: OnceLock::new(),
        }
    }

    /// Presets the texts `amperity_object_id` and `amperity_object_name` lend (from the page's
    /// shared buffer).
    pub(crate) fn with_page_texts(mut self, id: Option<CText>, name: Option<CText>) -> Self {
        self.page_id = id;
        self.page_name = name;
        self
    }

    fn lazy(&self) -> &Lazy {
        self.lazy.get_or_init(Box::default)
    }

    /// The canonical JSON text, serialized on first use.
    fn json(&self) -> &CText {
        self.lazy().json.get_or_init(|| {
            // Serializing these plain data types cannot fail; `null` keeps the contract if it did.
            let text = self.model.to_json();
            CText::from_string(text.unwrap_or_else(|_| "null".to_owned()))
        })
    }

    /// The JSON value (the model itself for JSON objects, else parsed from the canonical text
    /// on first use).
    fn value(&self) -> &Value {
        match self.model.as_value() {
            Some(value) => value,
            None => self.lazy().value.get_or_init(|| {
                serde_json::from_slice(self.json().as_bytes()).unwrap_or(Value::Null)
            }),
        }
    }

    /// The text `amperity_object_id`/`_name`/`_state` lend: the page's id, else the typed
    /// record's field (cached), else the top-level JSON strings.
    fn text(&self, field: TextField, what: &str) -> Result<&CText, LastError> {
        match (field, &self.page_id, &self.page_name) {
            (TextField::Id, Some(id), _) => return Ok(id),
            (TextField::Name, _, Some(name)) => return Ok(name),
            _ => {}
        }
        match self.model.text(field) {
            Text::Typed(text) => {
                let cell = match field {
                    TextField::Id => &self.id,
                    TextField::Name => &self.lazy().name,
                    TextField::State => &self.lazy().state,
                };
                cell.get_or_init(|| text.map(CText::new))
                    .as_ref()
                    .ok_or_else(|| LastError::no_value(format!("this object has no {what}")))
            }
            Text::Keys(keys) => self.string(keys, what),
        }
    }

    /// A top-level string field by name; the typed fields of a record come from the same cache
    /// as `amperity_object_id`/`_name`/`_state` (the same pointer).
    fn field(&self, key: &str, what: &str) -> Result<&CText, LastError> {
        match self.model.field_of_key(key) {
            Some(field) => self.text(field, what),
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
        unsafe { write_out(out_kind, object.model.kind()) };
        Ok(())
    })
}

/// Lends the object's canonical JSON text (UTF-8, NUL-terminated, no NUL inside): `*out_json`
/// stays valid until the object is freed; `*out_len` (optional, may be NULL) gets its length in
/// bytes. For records this is the JSON the Rust SDK writes for the same record.
#[no_mangle]
pub extern "C" fn amperity_object_json(
    object: *const amperity_object,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    // The text is `serde_json::to_string` of the core model.
    guard(|| {
        check_out(out_json, "out_json")?;
        let object = unsafe { arg_ref(object, "object")? };
        unsafe { lend(object.json(), out_json, out_len) };
        Ok(())
    })
}

/// Lends the record id: `id` (segments, campaigns, workflow runs, ingest jobs, profile indexes,
/// profiles, JSON objects with an `id`) or `event_id` (audit events, JSON objects with an
/// `event_id` and no `id`). Borrowed like `amperity_object_json`; `*out_len` is optional.
/// `AMPERITY_RESULT_NO_VALUE` when the object has none.
#[no_mangle]
pub extern "C" fn amperity_object_id(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    lend_text(object, out, out_len, |o| {
        o.text(TextField::Id, TextField::Id.what())
    })
}

/// Lends the display name (`name`: segments, campaigns, workflow runs, profile indexes, JSON
/// objects with a `name`). Borrowed like `amperity_object_json`. `AMPERITY_RESULT_NO_VALUE` when
/// the object has none.
#[no_mangle]
pub extern "C" fn amperity_object_name(
    object: *const amperity_object,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    lend_text(object, out, out_len, |o| {
        o.text(TextField::Name, TextField::Name.what())
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
        o.text(TextField::State, TextField::State.what())
    })
}

/// Lends the top-level string field `key` of the object's JSON (for example `"type"`,
/// `"created_at"`, `"event_type"`). Borrowed like `amperity_object_json`; for the fields that
/// `amperity_object_id`, `_name` and `_state` return, the same pointer.
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
        let child = amperity_object::new(value.clone());
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
        let len = object.model.element_count().ok_or_else(|| {
            LastError::invalid(
                "amperity_object_len needs an object with elements (an ingest job list or a JSON array)",
            )
        })?;
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
        let len = object.model.element_count().ok_or_else(|| {
            LastError::invalid(
                "amperity_object_at needs an object with elements (an ingest job list or a JSON array)",
            )
        })?;
        let child = object.model.element(index).ok_or_else(|| {
            LastError::invalid(format!("index {index} is out of range (length {len})"))
        })?;
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
        let finished = object.model.is_finished().ok_or_else(|| {
            LastError::invalid("amperity_object_is_finished needs a workflow run")
        })?;
        unsafe { write_out(out_finished, finished) };
        Ok(())
    })
}
