//! Streaming Ingest: `POST /stream/v0/data/{stream-id}` on the tenant's host, with its own
//! token. `amperity_stream_config` and `amperity_stream_client` (one-off sends),
//! `amperity_stream_sender` (a bounded queue drained by worker threads) and the
//! `amperity_delivery_report` its flushes and closes return.

use super::cancel::amperity_cancel_token;
use super::config::{amperity_request_fn, report_request, RequestCallback};
use super::error::{amperity_result, guard, LastError};
use super::util::{
    arg_mut, arg_ref, arg_str, check_out, free_handle, into_handle, lend, opt_str, write_opt,
    write_out, CText, UserData,
};
use amperity_core::{
    DeliveryReport, EventSender, FailedDelivery, PayloadFormat, RetryPolicy, SendError,
    SenderOptions, StreamClient, StreamClientBuilder,
};
use std::os::raw::{c_char, c_void};
use std::time::Duration;

/// The payload type of a stream sender's events (`amperity_stream_sender_options_set_format`);
/// a stream takes one. Values are stable and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_payload_format {
    /// `application/json`: exactly one JSON object per event (the default).
    Json = 0,
    /// `application/xml`: an XML document per event (not checked by the SDK or by Amperity).
    Xml = 1,
}

/// Streaming Ingest client settings, filled by the `amperity_stream_config_set_*` functions and
/// read by `amperity_stream_client_new`.
///
/// The setters check only for NULL and UTF-8; every value is validated by
/// `amperity_stream_client_new` (`AMPERITY_RESULT_INVALID_CONFIG`). A config may create several
/// clients and may be freed as soon as they exist. Thread safety: one thread at a time (not
/// synchronized).
#[derive(Debug, Clone)]
pub struct amperity_stream_config {
    tenant: String,
    token: Option<String>,
    base_url: Option<String>,
    connect_timeout_ms: Option<u64>,
    request_timeout_ms: Option<u64>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<Option<f64>>,
    root_certificates: Vec<String>,
    ca_file: Option<String>,
    platform_verifier: bool,
    request_hook: Option<(RequestCallback, UserData)>,
    proxy: Option<String>,
    user_agent_suffix: Option<String>,
}

impl amperity_stream_config {
    fn new(tenant: String) -> Self {
        amperity_stream_config {
            tenant,
            token: None,
            base_url: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            retry: None,
            rate_limit: None,
            root_certificates: Vec::new(),
            ca_file: None,
            platform_verifier: false,
            request_hook: None,
            proxy: None,
            user_agent_suffix: None,
        }
    }

    /// The core builder these settings describe.
    fn builder(&self) -> StreamClientBuilder {
        let mut b = StreamClient::builder(self.tenant.clone()).user_agent_suffix(
            match &self.user_agent_suffix {
                Some(suffix) => format!("amperity-c/{} {suffix}", amperity_core::VERSION),
                None => format!("amperity-c/{}", amperity_core::VERSION),
            },
        );
        if let Some(token) = &self.token {
            b = b.token(token.clone());
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url.clone());
        }
        if let Some(ms) = self.connect_timeout_ms {
            b = b.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = self.request_timeout_ms {
            b = b.request_timeout(Duration::from_millis(ms));
        }
        if let Some(policy) = &self.retry {
            b = b.retry_policy(policy.clone());
        }
        if let Some(rate) = self.rate_limit {
            b = b.rate_limit(rate);
        }
        for pem in &self.root_certificates {
            b = b.add_root_certificate_pem(pem.clone());
        }
        if let Some(path) = &self.ca_file {
            b = b.ca_file(path.clone());
        }
        b = b.platform_verifier(self.platform_verifier);
        if let Some((callback, user_data)) = self.request_hook {
            b = b.on_request(move |info| report_request(callback, &user_data, info));
        }
        if let Some(proxy) = &self.proxy {
            b = b.proxy(proxy.clone());
        }
        b
    }
}

/// Runs `f` on a stream config argument inside the panic boundary.
fn with_config(
    config: *mut amperity_stream_config,
    f: impl FnOnce(&mut amperity_stream_config) -> Result<(), LastError>,
) -> amperity_result {
    guard(|| {
        let config = unsafe { arg_mut(config, "config")? };
        f(config)
    })
}

/// Creates a Streaming Ingest config for `tenant` (the tenant id; a sandbox is just another
/// tenant id, with its own rate budget) with every other setting at its default: base URL
/// `https://{tenant}.amperity.com`, connect timeout 10 s, request timeout 60 s, 3 attempts with
/// backoff from 1 s to 20 s, 1000 requests per second, bundled Mozilla roots, proxy from
/// `HTTPS_PROXY`/`ALL_PROXY`. The streaming token must be set before
/// `amperity_stream_client_new`. The caller frees `*out_config` with
/// `amperity_stream_config_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_config_new(
    tenant: *const c_char,
    out_config: *mut *mut amperity_stream_config,
) -> amperity_result {
    guard(|| {
        check_out(out_config, "out_config")?;
        let tenant = unsafe { arg_str(tenant, "tenant")? };
        let config = amperity_stream_config::new(tenant.to_owned());
        unsafe { write_out(out_config, into_handle(config)) };
        Ok(())
    })
}

/// Frees a stream config. NULL is a no-op. Clients created from it are not affected.
#[no_mangle]
pub extern "C" fn amperity_stream_config_free(config: *mut amperity_stream_config) {
    let _ = guard(|| {
        unsafe { free_handle(config) };
        Ok(())
    });
}

/// Authenticates with the token of a Streaming Ingest Write Access key (it covers every stream
/// of the tenant; a control-plane token is refused by the service with 401). Replaces a token set
/// before.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_token(
    config: *mut amperity_stream_config,
    token: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.token = Some(unsafe { arg_str(token, "token")? }.to_owned());
        Ok(())
    })
}

/// Uses an explicit base URL instead of `https://{tenant}.amperity.com` (requests go to
/// `{base_url}/stream/v0/data/{stream_id}`; `http://` only to loopback hosts, for tests). NULL
/// restores the default.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_base_url(
    config: *mut amperity_stream_config,
    url: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.base_url = unsafe { opt_str(url, "url")? }.map(str::to_owned);
        Ok(())
    })
}

/// Sets the connect and per-attempt request timeouts in milliseconds, as
/// `amperity_config_set_timeouts` (0 keeps that setting's default: 10 s and 60 s).
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_timeouts(
    config: *mut amperity_stream_config,
    connect_timeout_ms: u64,
    request_timeout_ms: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.connect_timeout_ms = (connect_timeout_ms > 0).then_some(connect_timeout_ms);
        config.request_timeout_ms = (request_timeout_ms > 0).then_some(request_timeout_ms);
        Ok(())
    })
}

/// Sets the retry policy of `amperity_stream_send_json`/`_send_xml` (`max_attempts` in total,
/// 1 disables retries, at most 100) and the backoff of every sender (which sets its own number of
/// retries), as `amperity_config_set_retry`. 429, 5xx and network failures are retried
/// (`Retry-After` honoured), never 400, 401 or 413. Checked by `amperity_stream_client_new`.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_retry(
    config: *mut amperity_stream_config,
    max_attempts: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.retry = Some(RetryPolicy::new(
            max_attempts,
            Duration::from_millis(initial_backoff_ms),
            Duration::from_millis(max_backoff_ms),
        ));
        Ok(())
    })
}

/// Sets the client-side rate limit in requests per second, shared by every thread and sender
/// of the client (default 1000, the Streaming API's documented limit). 0 turns the limiter off;
/// a negative or non-finite value is refused by `amperity_stream_client_new`.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_rate_limit(
    config: *mut amperity_stream_config,
    requests_per_second: f64,
) -> amperity_result {
    with_config(config, |config| {
        config.rate_limit = Some((requests_per_second != 0.0).then_some(requests_per_second));
        Ok(())
    })
}

/// Trusts one more root certificate (PEM text), as `amperity_config_add_root_certificate_pem`.
#[no_mangle]
pub extern "C" fn amperity_stream_config_add_root_certificate_pem(
    config: *mut amperity_stream_config,
    pem: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        let pem = unsafe { arg_str(pem, "pem")? };
        config.root_certificates.push(pem.to_owned());
        Ok(())
    })
}

/// Trusts the root certificates of a PEM file too, as `amperity_config_set_ca_file`. NULL
/// removes it.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_ca_file(
    config: *mut amperity_stream_config,
    path: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.ca_file = unsafe { opt_str(path, "path")? }.map(str::to_owned);
        Ok(())
    })
}

/// Verifies servers with the operating system's trust store (true) or the bundled Mozilla
/// roots (false, the default), as `amperity_config_set_platform_verifier`.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_platform_verifier(
    config: *mut amperity_stream_config,
    enabled: bool,
) -> amperity_result {
    with_config(config, |config| {
        config.platform_verifier = enabled;
        Ok(())
    })
}

/// Sends requests through this proxy, as `amperity_config_set_proxy`. NULL restores the
/// default (`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment).
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_proxy(
    config: *mut amperity_stream_config,
    proxy_url: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.proxy = unsafe { opt_str(proxy_url, "proxy_url")? }.map(str::to_owned);
        Ok(())
    })
}

/// Appends a product token such as `"myapp/1.2"` to the `User-Agent`. NULL removes it.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_user_agent_suffix(
    config: *mut amperity_stream_config,
    suffix: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.user_agent_suffix = unsafe { opt_str(suffix, "suffix")? }.map(str::to_owned);
        Ok(())
    })
}

/// Calls `callback` with `user_data` after every HTTP exchange of the clients made from this
/// config (operation `"stream-ingest"`), as `amperity_config_set_request_hook`; for a sender it
/// runs on the sender's worker threads. NULL removes it.
#[no_mangle]
pub extern "C" fn amperity_stream_config_set_request_hook(
    config: *mut amperity_stream_config,
    callback: amperity_request_fn,
    user_data: *mut c_void,
) -> amperity_result {
    with_config(config, |config| {
        config.request_hook = callback.map(|callback| (callback, UserData(user_data)));
        Ok(())
    })
}

/// A Streaming Ingest client for one tenant.
///
/// Created by `amperity_stream_client_new`, freed by `amperity_stream_client_free`. Thread
/// safety: share one client across threads; every function taking a
/// `const amperity_stream_client *` may be called from any number of threads at once (they share
/// the connection pool and the rate limiter). Free it only after every call using it has
/// returned; its senders may outlive it.
#[derive(Debug)]
pub struct amperity_stream_client {
    client: StreamClient,
    base_url: CText,
}

/// Validates `config` and creates a Streaming Ingest client. The config is not consumed.
/// `AMPERITY_RESULT_INVALID_CONFIG` (with a message saying what to fix) when a setting is refused
/// (no or empty token, plain http:// to a remote host, bad retry policy or rate limit, ...). No
/// request is sent. The caller frees `*out_client` with `amperity_stream_client_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_client_new(
    config: *const amperity_stream_config,
    out_client: *mut *mut amperity_stream_client,
) -> amperity_result {
    guard(|| {
        check_out(out_client, "out_client")?;
        let config = unsafe { arg_ref(config, "config")? };
        let client = config.builder().build()?;
        let handle = amperity_stream_client {
            base_url: CText::new(client.base_url()),
            client,
        };
        unsafe { write_out(out_client, into_handle(handle)) };
        Ok(())
    })
}

/// Frees a stream client. NULL is a no-op. Its senders keep working.
#[no_mangle]
pub extern "C" fn amperity_stream_client_free(client: *mut amperity_stream_client) {
    let _ = guard(|| {
        unsafe { free_handle(client) };
        Ok(())
    });
}

/// Lends the base URL, e.g. `https://acme.amperity.com`: `*out` stays valid until the client
/// is freed; `*out_len` (optional, may be NULL) gets its length.
#[no_mangle]
pub extern "C" fn amperity_stream_client_base_url(
    client: *const amperity_stream_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let client = unsafe { arg_ref(client, "client")? };
        unsafe { lend(&client.base_url, out, out_len) };
        Ok(())
    })
}

/// Cancels every request in progress on `client` and its senders, from any thread: a send
/// returns `AMPERITY_RESULT_CANCELLED` promptly, a sender reports the events it was delivering as
/// failed (`AMPERITY_RESULT_CANCELLED`). Requests started afterwards run normally.
#[no_mangle]
pub extern "C" fn amperity_stream_client_cancel(
    client: *const amperity_stream_client,
) -> amperity_result {
    guard(|| {
        unsafe { arg_ref(client, "client")? }.client.cancel();
        Ok(())
    })
}

/// The body of the single sends, with or without a cancel token.
fn send_one(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    event: *const c_char,
    format: PayloadFormat,
    token: Option<*const amperity_cancel_token>,
) -> amperity_result {
    guard(|| {
        let client = unsafe { arg_ref(client, "client")? };
        let stream_id = unsafe { arg_str(stream_id, "stream_id")? };
        let event = unsafe { arg_str(event, "event")? };
        let token = match token {
            Some(token) => Some(unsafe { arg_ref(token, "token")? }),
            None => None,
        };
        let send = || match format {
            PayloadFormat::Xml => client.client.send_xml(stream_id, event),
            _ => client.client.send_json(stream_id, event),
        };
        match token {
            Some(token) => token.token.run(send)?,
            None => send()?,
        }
        Ok(())
    })
}

/// `POST /stream/v0/data/{stream_id}` of one event, `event` being exactly one JSON object
/// (`application/json`), with the client's retries; returns once the service accepted it (202).
/// `AMPERITY_RESULT_INVALID_ARGUMENT`, before any request, for an empty `stream_id` or an event
/// larger than 1 000 000 bytes, empty, invalid JSON or not exactly one JSON object (NDJSON,
/// several values, an array, a scalar); the message never quotes the event. Blocks the calling
/// thread.
#[no_mangle]
pub extern "C" fn amperity_stream_send_json(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    event: *const c_char,
) -> amperity_result {
    send_one(client, stream_id, event, PayloadFormat::Json, None)
}

/// `POST /stream/v0/data/{stream_id}` of one XML document (`application/xml`), as
/// `amperity_stream_send_json`; `AMPERITY_RESULT_INVALID_ARGUMENT`, before any request, for an
/// empty `stream_id` or an event that is empty or larger than 1 000 000 bytes (the XML itself is
/// not checked).
#[no_mangle]
pub extern "C" fn amperity_stream_send_xml(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    event: *const c_char,
) -> amperity_result {
    send_one(client, stream_id, event, PayloadFormat::Xml, None)
}

/// `amperity_stream_send_json` carrying `token`: `amperity_cancel_token_cancel(token)`, from any
/// thread, ends this send with `AMPERITY_RESULT_CANCELLED` within milliseconds (in a retry pause,
/// a `Retry-After` pause or a stalled request; only its own connection is shut down) and leaves
/// the other sends and senders of `client` alone. A token already cancelled fails the send at
/// once, without a request. `token` is not consumed.
#[no_mangle]
pub extern "C" fn amperity_stream_send_json_with_token(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    event: *const c_char,
    token: *const amperity_cancel_token,
) -> amperity_result {
    send_one(client, stream_id, event, PayloadFormat::Json, Some(token))
}

/// `amperity_stream_send_xml` carrying `token`, cancelled as `amperity_stream_send_json_with_token`.
#[no_mangle]
pub extern "C" fn amperity_stream_send_xml_with_token(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    event: *const c_char,
    token: *const amperity_cancel_token,
) -> amperity_result {
    send_one(client, stream_id, event, PayloadFormat::Xml, Some(token))
}

/// How a stream sender queues and delivers.
///
/// Created by `amperity_stream_sender_options_new`, freed by
/// `amperity_stream_sender_options_free`; `amperity_stream_sender_new` copies what it needs. The
/// setters check nothing but NULL (and the format); `amperity_stream_sender_new` refuses values
/// out of range. Thread safety: one thread at a time (not synchronized).
#[derive(Debug, Clone, Default)]
pub struct amperity_stream_sender_options {
    options: SenderOptions,
}

/// Creates sender options at their defaults: JSON events, a queue of 1000 events, 8 worker
/// threads, no rate limit of the sender's own (the client's applies), 4 retries per event. The
/// caller frees `*out_options` with `amperity_stream_sender_options_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_new(
    out_options: *mut *mut amperity_stream_sender_options,
) -> amperity_result {
    guard(|| {
        check_out(out_options, "out_options")?;
        let options = amperity_stream_sender_options::default();
        unsafe { write_out(out_options, into_handle(options)) };
        Ok(())
    })
}

/// Frees sender options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_free(
    options: *mut amperity_stream_sender_options,
) {
    let _ = guard(|| {
        unsafe { free_handle(options) };
        Ok(())
    });
}

/// Runs `f` on a sender options argument inside the panic boundary.
fn with_options(
    options: *mut amperity_stream_sender_options,
    f: impl FnOnce(&mut SenderOptions) -> Result<(), LastError>,
) -> amperity_result {
    guard(|| {
        let options = unsafe { arg_mut(options, "options")? };
        f(&mut options.options)
    })
}

/// Sets the payload type of every event of the sender, an `amperity_payload_format` value
/// (default JSON). `AMPERITY_RESULT_INVALID_ARGUMENT` for any other value.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_set_format(
    options: *mut amperity_stream_sender_options,
    format: u32,
) -> amperity_result {
    with_options(options, |options| {
        options.format = match format {
            f if f == amperity_payload_format::Json as u32 => PayloadFormat::Json,
            f if f == amperity_payload_format::Xml as u32 => PayloadFormat::Xml,
            other => {
                return Err(LastError::invalid(format!(
                    "unknown payload format {other}"
                )))
            }
        };
        Ok(())
    })
}

/// Sets how many events wait in the queue, not yet taken by a worker, before
/// `amperity_stream_sender_send` blocks and `amperity_stream_sender_try_send` answers
/// `AMPERITY_RESULT_QUEUE_FULL` (default 1000; at least 1). Memory is bounded by this times the
/// event size.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_set_queue_capacity(
    options: *mut amperity_stream_sender_options,
    queue_capacity: usize,
) -> amperity_result {
    with_options(options, |options| {
        options.queue_capacity = queue_capacity;
        Ok(())
    })
}

/// Sets the number of worker threads, each with one request in flight (default 8; 1 to 256).
/// With several workers, events may arrive out of order.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_set_workers(
    options: *mut amperity_stream_sender_options,
    workers: usize,
) -> amperity_result {
    with_options(options, |options| {
        options.workers = workers;
        Ok(())
    })
}

/// Sets an extra cap for this sender in requests per second, on top of the client's shared
/// limit. 0 (the default) means none; a negative or non-finite value is refused by
/// `amperity_stream_sender_new`.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_set_rate_limit(
    options: *mut amperity_stream_sender_options,
    requests_per_second: f64,
) -> amperity_result {
    with_options(options, |options| {
        options.rate_limit = (requests_per_second != 0.0).then_some(requests_per_second);
        Ok(())
    })
}

/// Sets the retries of an event after its first attempt, with the backoff of the client's retry
/// policy (default 4; at most 99).
#[no_mangle]
pub extern "C" fn amperity_stream_sender_options_set_max_retries(
    options: *mut amperity_stream_sender_options,
    max_retries: u32,
) -> amperity_result {
    with_options(options, |options| {
        options.max_retries = max_retries;
        Ok(())
    })
}

/// Sends events to one stream in volume: a bounded queue drained by worker threads that share
/// the client's rate limiter and retry with backoff.
///
/// Created by `amperity_stream_sender_new`, freed by `amperity_stream_sender_free`. Every event
/// taken by `amperity_stream_sender_send` or `_try_send` ends up in exactly one delivery report
/// (of `amperity_stream_sender_flush` or `_close`), accepted or failed; delivery is at least once
/// (a retry after a timeout may deliver an event twice). Thread safety: share it across producer
/// threads; every function taking a `const amperity_stream_sender *` may be called from any number
/// of threads at once. Free it only after every call using it has returned.
pub struct amperity_stream_sender {
    sender: EventSender,
}

impl std::fmt::Debug for amperity_stream_sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sender.fmt(f)
    }
}

/// Starts a sender for `stream_id` on `client` with `options` (may be NULL for the defaults):
/// its worker threads start now. `AMPERITY_RESULT_INVALID_ARGUMENT` for an empty `stream_id`,
/// options out of range, or when the threads cannot be started. The sender may outlive the
/// client. The caller frees `*out_sender` with `amperity_stream_sender_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_new(
    client: *const amperity_stream_client,
    stream_id: *const c_char,
    options: *const amperity_stream_sender_options,
    out_sender: *mut *mut amperity_stream_sender,
) -> amperity_result {
    guard(|| {
        check_out(out_sender, "out_sender")?;
        let client = unsafe { arg_ref(client, "client")? };
        let stream_id = unsafe { arg_str(stream_id, "stream_id")? };
        let options = unsafe { options.as_ref() }
            .map(|o| o.options.clone())
            .unwrap_or_default();
        let sender = client.client.sender(stream_id, options)?;
        unsafe { write_out(out_sender, into_handle(amperity_stream_sender { sender })) };
        Ok(())
    })
}

/// Frees a sender; one still open is closed first (as `amperity_stream_sender_close`, waiting
/// until everything queued is delivered or failed; that last report is dropped). NULL is a
/// no-op.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_free(sender: *mut amperity_stream_sender) {
    let _ = guard(|| {
        unsafe { free_handle(sender) };
        Ok(())
    });
}

/// The failure of a send that took no event.
fn send_error(error: SendError) -> LastError {
    let message = error.to_string();
    match error {
        SendError::Refused(error) => LastError::from(error),
        SendError::QueueFull { .. } => LastError::new(amperity_result::QueueFull, message),
        SendError::Closed => LastError::new(amperity_result::SenderClosed, message),
        _ => LastError::new(amperity_result::Unknown, message),
    }
}

/// The body of `_send` and `_try_send`.
fn enqueue(
    sender: *const amperity_stream_sender,
    event: *const c_char,
    out_sequence: *mut u64,
    wait: bool,
) -> amperity_result {
    guard(|| {
        let sender = unsafe { arg_ref(sender, "sender")? };
        let event = unsafe { arg_str(event, "event")? };
        let sequence = if wait {
            sender.sender.send(event)
        } else {
            sender.sender.try_send(event)
        }
        .map_err(send_error)?;
        unsafe { write_opt(out_sequence, sequence) };
        Ok(())
    })
}

/// Checks `event` and queues it (the sender copies it), waiting while the queue is full; on
/// success `*out_sequence` (optional, may be NULL) gets its sequence number: 0 for the sender's
/// first event, then 1, 2, ... (the number a failure in a delivery report gives).
/// `AMPERITY_RESULT_INVALID_ARGUMENT` for an event the Streaming API would refuse (as
/// `amperity_stream_send_json`; nothing queued, no number used), `AMPERITY_RESULT_SENDER_CLOSED`
/// once the sender is closed.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_send(
    sender: *const amperity_stream_sender,
    event: *const c_char,
    out_sequence: *mut u64,
) -> amperity_result {
    enqueue(sender, event, out_sequence, true)
}

/// `amperity_stream_sender_send` without waiting: `AMPERITY_RESULT_QUEUE_FULL` (nothing queued)
/// when the queue is full.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_try_send(
    sender: *const amperity_stream_sender,
    event: *const c_char,
    out_sequence: *mut u64,
) -> amperity_result {
    enqueue(sender, event, out_sequence, false)
}

/// Stores in `*out_pending` the number of events queued or being delivered now.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_pending(
    sender: *const amperity_stream_sender,
    out_pending: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out_pending, "out_pending")?;
        let sender = unsafe { arg_ref(sender, "sender")? };
        unsafe { write_out(out_pending, sender.sender.pending()) };
        Ok(())
    })
}

/// The body of `_flush` and `_close`.
fn report_call(
    sender: *const amperity_stream_sender,
    out_report: *mut *mut amperity_delivery_report,
    f: impl FnOnce(&EventSender) -> DeliveryReport,
) -> amperity_result {
    guard(|| {
        check_out(out_report, "out_report")?;
        let sender = unsafe { arg_ref(sender, "sender")? };
        let report = amperity_delivery_report::from(f(&sender.sender));
        unsafe { write_out(out_report, into_handle(report)) };
        Ok(())
    })
}

/// Waits until every event sent before this call is delivered or failed, and creates the report
/// of what finished since the previous report (events other threads sent meanwhile may be in it
/// too). The sender stays open. The caller frees `*out_report` with
/// `amperity_delivery_report_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_flush(
    sender: *const amperity_stream_sender,
    out_report: *mut *mut amperity_delivery_report,
) -> amperity_result {
    report_call(sender, out_report, EventSender::flush)
}

/// Stops taking events (`AMPERITY_RESULT_SENDER_CLOSED` from then on), delivers everything still
/// queued, stops the worker threads and creates the report of what finished since the previous
/// report (empty for a second close). The caller frees `*out_report` with
/// `amperity_delivery_report_free`, and the sender with `amperity_stream_sender_free`.
#[no_mangle]
pub extern "C" fn amperity_stream_sender_close(
    sender: *const amperity_stream_sender,
    out_report: *mut *mut amperity_delivery_report,
) -> amperity_result {
    report_call(sender, out_report, EventSender::close)
}

/// One event of a report that could not be delivered.
#[derive(Debug)]
struct Failure {
    sequence: u64,
    code: amperity_result,
    message: CText,
    payload: CText,
}

/// What a stream sender delivered between two reports (`amperity_stream_sender_flush`,
/// `amperity_stream_sender_close`): accepted events, retries, and the failed events, each with
/// its sequence number, error and payload.
///
/// Freed by `amperity_delivery_report_free`; strings obtained from it are lent until then.
/// Thread safety: immutable, so any number of threads may read it at once.
#[derive(Debug)]
pub struct amperity_delivery_report {
    accepted: u64,
    retried: u64,
    failures: Vec<Failure>,
}

impl From<DeliveryReport> for amperity_delivery_report {
    fn from(report: DeliveryReport) -> Self {
        let failures = report
            .failed
            .into_iter()
            .map(|failed| {
                let FailedDelivery {
                    sequence,
                    error,
                    payload,
                    ..
                } = failed;
                let error = LastError::from(error);
                Failure {
                    sequence,
                    code: error.code,
                    message: CText::from_string(error.message),
                    payload: CText::from_string(payload),
                }
            })
            .collect();
        amperity_delivery_report {
            accepted: report.accepted,
            retried: report.retried,
            failures,
        }
    }
}

/// Frees a delivery report. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_free(report: *mut amperity_delivery_report) {
    let _ = guard(|| {
        unsafe { free_handle(report) };
        Ok(())
    });
}

/// Runs `f` on a report argument and writes what it returns to `out`.
fn report_value<T>(
    report: *const amperity_delivery_report,
    out: *mut T,
    f: impl FnOnce(&amperity_delivery_report) -> Result<T, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let report = unsafe { arg_ref(report, "report")? };
        let value = f(report)?;
        unsafe { write_out(out, value) };
        Ok(())
    })
}

/// Failure `index` of a report, or the refusal of an index out of range.
fn failure(report: &amperity_delivery_report, index: usize) -> Result<&Failure, LastError> {
    report.failures.get(index).ok_or_else(|| {
        LastError::invalid(format!(
            "index {index} is out of range ({} failures)",
            report.failures.len()
        ))
    })
}

/// Stores in `*out` the number of events of the report the service accepted (202).
#[no_mangle]
pub extern "C" fn amperity_delivery_report_accepted(
    report: *const amperity_delivery_report,
    out: *mut u64,
) -> amperity_result {
    report_value(report, out, |r| Ok(r.accepted))
}

/// Stores in `*out` the retry attempts made for the events of the report (failed ones
/// included).
#[no_mangle]
pub extern "C" fn amperity_delivery_report_retried(
    report: *const amperity_delivery_report,
    out: *mut u64,
) -> amperity_result {
    report_value(report, out, |r| Ok(r.retried))
}

/// Stores in `*out` the number of events of the report that failed for good (refused by the
/// service, such as 400, 401 or 413, or out of retries, or cancelled), in the order they failed.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_failed_count(
    report: *const amperity_delivery_report,
    out: *mut usize,
) -> amperity_result {
    report_value(report, out, |r| Ok(r.failures.len()))
}

/// Stores in `*out` the sequence number (as `amperity_stream_sender_send` gave it) of failure
/// `index` (0-based). `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is out of range.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_failure_sequence(
    report: *const amperity_delivery_report,
    index: usize,
    out: *mut u64,
) -> amperity_result {
    report_value(report, out, |r| Ok(failure(r, index)?.sequence))
}

/// Stores in `*out` the result code of failure `index`'s last error, as a send would have
/// returned it (`AMPERITY_RESULT_BAD_REQUEST`, `AMPERITY_RESULT_SERVER_ERROR`,
/// `AMPERITY_RESULT_TRANSPORT`, `AMPERITY_RESULT_CANCELLED`, ...).
/// `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is out of range.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_failure_code(
    report: *const amperity_delivery_report,
    index: usize,
    out: *mut amperity_result,
) -> amperity_result {
    report_value(report, out, |r| Ok(failure(r, index)?.code))
}

/// Lends the error message of failure `index` (never the event): `*out` stays valid until the
/// report is freed; `*out_len` (optional, may be NULL) gets its length.
/// `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is out of range.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_failure_message(
    report: *const amperity_delivery_report,
    index: usize,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let report = unsafe { arg_ref(report, "report")? };
        unsafe { lend(&failure(report, index)?.message, out, out_len) };
        Ok(())
    })
}

/// Lends the event of failure `index`, as it was sent, to send again or keep elsewhere
/// (borrowed like `amperity_delivery_report_failure_message`).
/// `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is out of range.
#[no_mangle]
pub extern "C" fn amperity_delivery_report_failure_payload(
    report: *const amperity_delivery_report,
    index: usize,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let report = unsafe { arg_ref(report, "report")? };
        unsafe { lend(&failure(report, index)?.payload, out, out_len) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_errors_have_their_own_codes() {
        let full = send_error(SendError::QueueFull { capacity: 3 });
        assert_eq!(full.code, amperity_result::QueueFull);
        assert!(full.message.contains("queue is full"), "{}", full.message);
        assert_eq!(
            send_error(SendError::Closed).code,
            amperity_result::SenderClosed
        );
    }

    #[test]
    fn options_setters_and_the_format() {
        let mut options: *mut amperity_stream_sender_options = std::ptr::null_mut();
        assert_eq!(
            amperity_stream_sender_options_new(&mut options),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_stream_sender_options_set_format(options, 7),
            amperity_result::InvalidArgument
        );
        assert_eq!(
            amperity_stream_sender_options_set_format(options, amperity_payload_format::Xml as u32),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_stream_sender_options_set_rate_limit(options, 0.0),
            amperity_result::Ok
        );
        let set = unsafe { &*options }.options.clone();
        assert_eq!(set.format, PayloadFormat::Xml);
        assert_eq!(set.rate_limit, None);
        amperity_stream_sender_options_free(options);
    }
}
