//! `amperity_client`: creating one, its settings and its deprecation notices. The endpoint
//! functions live in the file of their resource (`segments.rs`, `workflows.rs`, ...).

use super::config::amperity_config;
use super::error::{amperity_result, guard, LastError};
use super::object::amperity_object;
use super::util::{arg_ref, check_out, free_handle, into_handle, lend, write_out, CText};
use amperity_core::Client;
use serde_json::{Map, Value};
use std::os::raw::c_char;

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

impl amperity_client {
    /// The handle of a core client (its strings copied once, to lend them).
    pub(crate) fn from_core(client: Client) -> Self {
        amperity_client {
            tenant: CText::new(client.tenant()),
            base_url: CText::new(client.base_url()),
            api_version: CText::new(client.api_version()),
            user_agent: CText::new(client.user_agent()),
            client,
        }
    }
}

/// Runs `f` with a client argument and writes the object it returns to `out`.
pub(crate) fn object_call(
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
        let handle = amperity_client::from_core(client);
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

/// Cancels every call in progress on `client`, from any thread: each returns
/// `AMPERITY_RESULT_CANCELLED` promptly, whether it sleeps (retry backoff, `Retry-After`, the
/// rate limiter, a wait's polls) or waits for the network. Calls started afterwards run normally;
/// a cancelled walk can be resumed from its cursor. Safe to call while other threads use the
/// client (not from a signal handler: use a thread that the handler wakes).
#[no_mangle]
pub extern "C" fn amperity_client_cancel(client: *const amperity_client) -> amperity_result {
    guard(|| {
        let client = unsafe { arg_ref(client, "client")? };
        client.client.cancel();
        Ok(())
    })
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
/// headers seen so far, one element per operation: `{"operation", "deprecation", "sunset",
/// "deprecated_at", "sunset_at"}` (absent headers are null; the `_at` fields are the headers as
/// RFC 3339 UTC times, null when they are not times). The caller frees `*out`.
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
                let time = |t: Option<amperity_core::Timestamp>| {
                    t.map_or(Value::Null, |t| Value::String(t.to_string()))
                };
                map.insert("deprecated_at".into(), time(n.deprecated_at));
                map.insert("sunset_at".into(), time(n.sunset_at));
                Value::Object(map)
            })
            .collect();
        Ok(amperity_object::new(Value::Array(notices)))
    })
}
