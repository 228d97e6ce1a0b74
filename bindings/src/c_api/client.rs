//! `amperity_client` and every call that returns one result.

use super::config::amperity_config;
use super::error::{amperity_result, guard, LastError};
use super::object::{amperity_object, amperity_object_kind};
use super::util::{
    arg_ref, arg_str, check_out, free_handle, into_handle, lend, opt_str, write_opt, write_out,
    CText,
};
use amperity_core::{
    Client, IngestJobQuery, RawRequest, RunMode, Timestamp, WaitOptions, WorkflowRunRequest,
    WorkflowView,
};
use serde_json::{Map, Value};
use std::os::raw::c_char;
use std::time::Duration;

/// What a courier-group run does (`run_mode` of `amperity_run_workflow`). Values are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_run_mode {
    /// Leave `run_mode` out: the group's scheduled mode applies.
    Default = 0,
    /// Pull data and refresh domain tables only.
    Source = 1,
    /// Everything except downstream sends.
    Refresh = 2,
    /// Pull, refresh, Stitch, databases, then downstream activations.
    Full = 3,
}

/// How much of a workflow run `amperity_get_workflow_run` returns. Values are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_workflow_view {
    /// id, name, state, tenant, type and times (the server's default).
    Overview = 0,
    /// Every field, including task instances and the error.
    Verbose = 1,
}

/// A client for one Amperity tenant.
///
/// Created by `amperity_client_new`, freed by `amperity_client_free`. Thread safety: share one
/// client across threads; every function taking a `const amperity_client *` may be called from
/// any number of threads at once (they share the connection pool, token cache and rate limiter).
/// Free it only after every call using it has returned and every iterator made from it is freed.
#[derive(Debug)]
pub struct amperity_client {
    pub(crate) client: Client,
    tenant: CText,
    base_url: CText,
    api_version: CText,
    user_agent: CText,
}

/// Parses an optional timestamp argument (RFC 3339 or `YYYY-MM-DD`).
pub(crate) fn timestamp(text: &str, name: &str) -> Result<Timestamp, LastError> {
    Timestamp::parse(text).map_err(|e| LastError::invalid(format!("{name}: {e}")))
}

/// Runs `f` with a client argument and writes the object it returns to `out`.
fn object_call(
    client: *const amperity_client,
    out: *mut *mut amperity_object,
    f: impl FnOnce(&Client) -> Result<amperity_object, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let client = unsafe { arg_ref(client, "client")? };
        let object = f(&client.client)?;
        unsafe { write_out(out, into_handle(object)) };
        Ok(())
    })
}

/// Validates `config` and creates a client. The config is not consumed.
/// `AMPERITY_RESULT_INVALID_CONFIG` (with a message saying what to fix) when a setting is refused.
/// No request is sent. The caller frees `*out_client` with `amperity_client_free`.
#[no_mangle]
pub extern "C" fn amperity_client_new(
    config: *const amperity_config,
    out_client: *mut *mut amperity_client,
) -> amperity_result {
    guard(|| {
        check_out(out_client, "out_client")?;
        let config = unsafe { arg_ref(config, "config")? };
        let client = config.builder().build()?;
        let handle = amperity_client {
            tenant: CText::new(client.tenant()),
            base_url: CText::new(client.base_url()),
            api_version: CText::new(client.api_version()),
            user_agent: CText::new(client.user_agent()),
            client,
        };
        unsafe { write_out(out_client, into_handle(handle)) };
        Ok(())
    })
}

/// Frees a client. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_client_free(client: *mut amperity_client) {
    let _ = guard(|| {
        unsafe { free_handle(client) };
        Ok(())
    });
}

/// Lends one of the client's strings.
fn client_string(
    client: *const amperity_client,
    out: *mut *const c_char,
    out_len: *mut usize,
    field: impl FnOnce(&amperity_client) -> &CText,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let client = unsafe { arg_ref(client, "client")? };
        unsafe { lend(field(client), out, out_len) };
        Ok(())
    })
}

/// Lends the tenant id the client sends: `*out` stays valid until the client is freed;
/// `*out_len` (optional, may be NULL) gets its length.
#[no_mangle]
pub extern "C" fn amperity_client_tenant(
    client: *const amperity_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    client_string(client, out, out_len, |c| &c.tenant)
}

/// Lends the API base URL, e.g. `https://app.amperity.com/api` (borrowed like
/// `amperity_client_tenant`).
#[no_mangle]
pub extern "C" fn amperity_client_base_url(
    client: *const amperity_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    client_string(client, out, out_len, |c| &c.base_url)
}

/// Lends the `api-version` header value (borrowed like `amperity_client_tenant`).
#[no_mangle]
pub extern "C" fn amperity_client_api_version(
    client: *const amperity_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    client_string(client, out, out_len, |c| &c.api_version)
}

/// Lends the `User-Agent` header value (borrowed like `amperity_client_tenant`).
#[no_mangle]
pub extern "C" fn amperity_client_user_agent(
    client: *const amperity_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    client_string(client, out, out_len, |c| &c.user_agent)
}

/// Creates a JSON array object (kind `AMPERITY_OBJECT_KIND_JSON`) of the `Deprecation`/`Sunset`
/// headers seen so far, one element per operation: `{"operation", "deprecation", "sunset"}`
/// (absent headers are null). The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_client_deprecation_notices(
    client: *const amperity_client,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let notices = client
            .deprecation_notices()
            .into_iter()
            .map(|n| {
                let mut map = Map::new();
                map.insert("operation".into(), Value::String(n.operation));
                map.insert(
                    "deprecation".into(),
                    n.deprecation.map_or(Value::Null, Value::String),
                );
                map.insert("sunset".into(), n.sunset.map_or(Value::Null, Value::String));
                Value::Object(map)
            })
            .collect();
        Ok(amperity_object::from_value(Value::Array(notices)))
    })
}

/// `GET /ingest/jobs`: every ingest job whose `started_at` falls in `[created_from, created_to)`
/// (RFC 3339 or `YYYY-MM-DD`; Amperity keeps 7 days) in one object of kind
/// `AMPERITY_OBJECT_KIND_INGEST_JOB_LIST` (walk it with `amperity_object_len` and
/// `amperity_object_at`; `total` with `amperity_object_get_int` when `with_total`). The caller
/// frees `*out`.
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
        Ok(amperity_object::from_model(
            amperity_object_kind::IngestJobList,
            list,
        ))
    })
}

/// `GET /ingest/jobs/{job_id}`: one ingest job (kind `AMPERITY_OBJECT_KIND_INGEST_JOB`). The
/// caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_ingest_job(
    client: *const amperity_client,
    job_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(job_id, "job_id")? };
        let job = client.get_ingest_job(id)?;
        Ok(amperity_object::from_model(
            amperity_object_kind::IngestJob,
            job,
        ))
    })
}

/// `POST /workflow/runs`: starts `config_id` (a courier group `cg-...`, orchestration group
/// `og-...` or campaign `cc-...`) and returns the run (kind `AMPERITY_OBJECT_KIND_WORKFLOW`).
///
/// `range_from`/`range_to` (optional, may be NULL; RFC 3339 or `YYYY-MM-DD`) set a courier
/// group's data range, `range_to` only with `range_from`. `run_mode` is an `amperity_run_mode`
/// value. Not idempotent: retried only on 429 or when no connection could be opened; after a
/// timeout or 5xx the run may or may not exist. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_run_workflow(
    client: *const amperity_client,
    config_id: *const c_char,
    range_from: *const c_char,
    range_to: *const c_char,
    run_mode: u32,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let config_id = unsafe { arg_str(config_id, "config_id")? };
        let from = unsafe { opt_str(range_from, "range_from")? }
            .map(|t| timestamp(t, "range_from"))
            .transpose()?;
        let to = unsafe { opt_str(range_to, "range_to")? }
            .map(|t| timestamp(t, "range_to"))
            .transpose()?;
        let mut request = WorkflowRunRequest::new(config_id);
        match (from, to) {
            (Some(from), to) => request = request.range(from, to),
            (None, Some(_)) => {
                return Err(LastError::invalid(
                    "range_to is only valid together with range_from",
                ))
            }
            (None, None) => {}
        }
        request.run_mode = match run_mode {
            m if m == amperity_run_mode::Default as u32 => None,
            m if m == amperity_run_mode::Source as u32 => Some(RunMode::Source),
            m if m == amperity_run_mode::Refresh as u32 => Some(RunMode::Refresh),
            m if m == amperity_run_mode::Full as u32 => Some(RunMode::Full),
            other => return Err(LastError::invalid(format!("unknown run mode {other}"))),
        };
        let run = client.run_workflow(&request)?;
        Ok(amperity_object::from_workflow(run))
    })
}

/// `GET /workflow/runs/{workflow_id}` with `view` an `amperity_workflow_view` value: the run
/// (kind `AMPERITY_OBJECT_KIND_WORKFLOW`). The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    view: u32,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let view = match view {
            v if v == amperity_workflow_view::Overview as u32 => WorkflowView::Overview,
            v if v == amperity_workflow_view::Verbose as u32 => WorkflowView::Verbose,
            other => return Err(LastError::invalid(format!("unknown view {other}"))),
        };
        let run = client.get_workflow_run(id, view)?;
        Ok(amperity_object::from_workflow(run))
    })
}

/// `POST /workflow/runs/{workflow_id}/stop`: cancels a run and returns it (kind
/// `AMPERITY_OBJECT_KIND_WORKFLOW`). The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_stop_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let run = client.stop_workflow_run(id)?;
        Ok(amperity_object::from_workflow(run))
    })
}

/// Polls a run every `poll_interval_ms` (0: 5000) until it reaches a terminal state or has an
/// end time, and returns its verbose view (kind `AMPERITY_OBJECT_KIND_WORKFLOW`; a failed run is
/// a success of this call, check its state). `AMPERITY_RESULT_WAIT_TIMEOUT` when `timeout_ms`
/// (0: one hour) passes first. Blocks the calling thread. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_wait_for_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    poll_interval_ms: u64,
    timeout_ms: u64,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let mut options = WaitOptions::default();
        if poll_interval_ms > 0 {
            options.poll_interval = Duration::from_millis(poll_interval_ms);
        }
        if timeout_ms > 0 {
            options.timeout = Duration::from_millis(timeout_ms);
        }
        let run = client.wait_for_workflow_run(id, &options)?;
        Ok(amperity_object::from_workflow(run))
    })
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
pub(crate) fn query_params(text: Option<&str>) -> Result<Vec<(String, String)>, LastError> {
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
        let object = amperity_object::from_value(response.body);
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
/// `{"limit": 10}`. On success `*out_status` (optional, may be NULL) gets the 2xx status and
/// `*out` the JSON answer (kind `AMPERITY_OBJECT_KIND_JSON`; JSON `null` for an empty body),
/// which the caller frees. Error statuses fail with their API result code.
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
/// which also allows retries on 5xx and connection failures. Result as `amperity_raw_get`.
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
