//! The escape hatch: any path below the base URL (`amperity_raw_get`, `amperity_raw_post`,
//! `amperity_raw_pages`), and JSON values as objects.

use super::client::amperity_client;
use super::error::{amperity_result, guard, LastError};
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{ListFilter, PagedRecord, PagerOps};
use super::object::{amperity_object, amperity_object_kind, CModel, Text, TextField, TypedText};
use super::util::{arg_ref, arg_str, check_out, into_handle, opt_str, write_opt, write_out};
use amperity_core::RawRequest;
use serde_json::{Map, Value};
use std::os::raw::c_char;

/// Any JSON value (raw answers, nested values, raw list items): no typed field, so the
/// accessors read its top-level string fields.
impl CModel for Value {
    const KIND: amperity_object_kind = amperity_object_kind::Json;
    const TEXT: &'static [TypedText<Self>] = &[];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    fn text(&self, field: TextField) -> Text<'_> {
        Text::Keys(match field {
            TextField::Id => &["id", "event_id"],
            TextField::Name => &["name"],
            TextField::State => &["state", "status"],
        })
    }

    fn element_count(&self) -> Option<usize> {
        self.as_array().map(Vec::len)
    }

    fn element(&self, index: usize) -> Option<amperity_object> {
        let item = self.as_array()?.get(index)?;
        Some(amperity_object::new(item.clone()))
    }

    fn as_value(&self) -> Option<&Value> {
        Some(self)
    }
}

impl PagedRecord for Value {
    const PAGER: PagerOps<Self> = pager_ops!();
}

/// The filters of `amperity_raw_pages`: any name, each sent as a query parameter (repeats
/// included).
struct RawQuery(Vec<(String, String)>);

impl ListFilter for RawQuery {
    const NAMES: Option<&'static [&'static str]> = None;

    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        Ok(RawQuery(
            filters
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        ))
    }
}

/// Parses a JSON argument that must be an object.
fn json_object_arg(text: &str, name: &str) -> Result<Map<String, Value>, LastError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(LastError::invalid(format!("{name} must be a JSON object"))),
        Err(e) => Err(LastError::invalid(format!("{name} is not valid JSON: {e}"))),
    }
}

/// Turns an optional `{"name": value}` JSON object into query parameters (strings as they are,
/// numbers and booleans as their JSON text; arrays repeat the parameter).
fn query_params(text: Option<&str>) -> Result<Vec<(String, String)>, LastError> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let mut params = Vec::new();
    for (name, value) in json_object_arg(text, "query_json")? {
        let values = match value {
            Value::Array(values) => values,
            other => vec![other],
        };
        for value in values {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(LastError::invalid(format!(
                        "query parameter {name:?} must be a string, number, boolean or an array of them"
                    )))
                }
            };
            params.push((name.clone(), text));
        }
    }
    Ok(params)
}

/// Runs a raw request built by `request` and writes its status and JSON answer.
fn raw_call(
    client: *const amperity_client,
    out_status: *mut u16,
    out: *mut *mut amperity_object,
    request: impl FnOnce() -> Result<RawRequest, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let client = unsafe { arg_ref(client, "client")? };
        let response = client.client.raw(request()?)?;
        let object = amperity_object::new(response.body);
        unsafe {
            write_opt(out_status, response.status);
            write_out(out, into_handle(object));
        }
        Ok(())
    })
}

/// The escape hatch: `GET` of any `path` below the base URL (such as `"/segments"`; starts with
/// `/`, no query, percent-encode ids yourself) with the usual headers, auth, rate limiting and
/// retries. `query_json` (optional, may be NULL) is a JSON object of query parameters, e.g.
/// `{"limit": 10}` (strings, numbers and booleans; an array repeats the parameter). On success
/// `*out_status` (optional, may be NULL) gets the 2xx status and `*out` the JSON answer (kind
/// `AMPERITY_OBJECT_KIND_JSON`; JSON `null` for an empty body), which the caller frees. A path
/// that is refused or a malformed `query_json` gives `AMPERITY_RESULT_INVALID_ARGUMENT` before
/// any request; error statuses fail with their API result code.
#[no_mangle]
pub extern "C" fn amperity_raw_get(
    client: *const amperity_client,
    path: *const c_char,
    query_json: *const c_char,
    out_status: *mut u16,
    out: *mut *mut amperity_object,
) -> amperity_result {
    raw_call(client, out_status, out, || {
        let path = unsafe { arg_str(path, "path")? };
        let query = query_params(unsafe { opt_str(query_json, "query_json")? })?;
        let mut request = RawRequest::get(path);
        request.query = query;
        Ok(request)
    })
}

/// The escape hatch: `POST` of `body_json` (optional JSON text, may be NULL for no body) to any
/// `path`, as `amperity_raw_get`. A POST is retried only on 429 unless `idempotent` is true,
/// which also allows retries on 5xx and connection failures. Malformed `body_json` gives
/// `AMPERITY_RESULT_INVALID_ARGUMENT`. Result as `amperity_raw_get`.
#[no_mangle]
pub extern "C" fn amperity_raw_post(
    client: *const amperity_client,
    path: *const c_char,
    body_json: *const c_char,
    idempotent: bool,
    out_status: *mut u16,
    out: *mut *mut amperity_object,
) -> amperity_result {
    raw_call(client, out_status, out, || {
        let path = unsafe { arg_str(path, "path")? };
        let body = match unsafe { opt_str(body_json, "body_json")? } {
            Some(text) => Some(
                serde_json::from_str::<Value>(text)
                    .map_err(|e| LastError::invalid(format!("body_json is not valid JSON: {e}")))?,
            ),
            None => None,
        };
        let mut request = RawRequest::post(path, body);
        request.idempotent = idempotent;
        Ok(request)
    })
}

/// Walks any paginated GET endpoint (`{"data": [...], "next_token": ...}`) that the SDK does not
/// model yet: `path` as in `amperity_raw_get`; every filter of `options` is sent as a query
/// parameter. `options` may be NULL for the defaults. Items have kind
/// `AMPERITY_OBJECT_KIND_JSON`. A path that is refused fails the first
/// `amperity_iter_next`/`amperity_iter_next_page` call (and every later one) with
/// `AMPERITY_RESULT_INVALID_ARGUMENT`. The caller frees `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_raw_pages(
    client: *const amperity_client,
    path: *const c_char,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_raw_pages",
        client,
        options,
        out_iter,
        |client, RawQuery(query), page| {
            let path = unsafe { arg_str(path, "path")? };
            let mut request = RawRequest::get(path);
            request.query = query;
            Ok(ObjectPages::new::<Value, _>(
                client.raw_pages(request, page),
            ))
        },
    )
}
