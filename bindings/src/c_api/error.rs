//! Result codes, the thread-local last error and the panic boundary every exported function uses.

use super::util::{check_copy_args, check_out, copy_to_buffer};
use amperity_core::{ApiErrorKind, Error, TransportKind};
use std::cell::RefCell;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The result of every fallible `amperity_*` function.
///
/// `AMPERITY_RESULT_OK` (0) is success; any other value is a failure whose details (message,
/// HTTP status, request and trace ids) are kept in this thread's last error until the next failing
/// call on the same thread (see `amperity_last_error_message`). Values are stable: a value is never
/// renumbered or reused for another meaning, and new values may be added in later versions, so
/// handle unknown values as a generic failure. Ranges: 1-99 caller and library errors, 100-199 API
/// errors by HTTP status class, 200-299 network errors, 300-399 response and helper errors.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The client configuration was refused by `amperity_client_new` (empty tenant, missing
    /// credentials, plain http:// to a remote host, zero timeout, bad retry policy, ...).
    InvalidConfig = 3,
    /// An argument was refused before any request was sent (empty id, bad timestamp, unknown
    /// filter, malformed JSON argument, index out of range, wrong object kind, ...).
    InvalidArgument = 4,
    /// The caller's buffer cannot hold the string and its terminating NUL; nothing was written.
    BufferTooSmall = 5,
    /// The requested optional value is absent (no last error, no cursor, field not set, ...).
    NoValue = 6,
    /// The library panicked; the call had no effect that can be relied on. Free the handles the
    /// call used and report a bug.
    Panic = 7,
    /// The call was cancelled by `amperity_client_cancel` (or its progress callback asked to
    /// stop) before it finished.
    Cancelled = 8,
    /// The API answered 400: a missing or invalid parameter, or an unsupported api-version.
    BadRequest = 100,
    /// The API answered 401: missing, invalid or expired credentials.
    Unauthorized = 101,
    /// The API answered 403: authenticated, but not allowed.
    Forbidden = 102,
    /// The API answered 404: no such resource.
    NotFound = 103,
    /// The API answered 409: conflicts with the current state.
    Conflict = 104,
    /// The API answered 429 and the retries were exhausted (or `Retry-After` was too long).
    RateLimited = 105,
    /// The API answered 5xx and the retries (if the call is retried) were exhausted.
    ServerError = 106,
    /// The API answered another error status.
    ApiOther = 107,
    /// No complete HTTP answer: DNS, connect, TLS, proxy or a connection closed mid-response
    /// (see `amperity_last_error_transport_kind`).
    Transport = 200,
    /// A connect or request timeout expired.
    Timeout = 201,
    /// A successful response whose body could not be decoded (invalid, truncated or too large).
    Decode = 300,
    /// The server returned a pagination cursor it had already returned; the walk stopped instead
    /// of looping forever.
    RepeatedCursor = 301,
    /// `amperity_wait_for_workflow_run` gave up before the run reached a terminal state
    /// (`amperity_last_error_workflow` gives the run as of the last poll).
    WaitTimeout = 302,
    /// The waited-for run ended failed, canceled or stopped and the wait was asked to fail then
    /// (`AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL`); `amperity_last_error_workflow` gives the run.
    RunFailed = 303,
    /// `amperity_stream_sender_try_send` did not queue the event: the sender's queue is full
    /// (its workers are behind). Try again later, or use `amperity_stream_sender_send`, which
    /// waits for room.
    QueueFull = 304,
    /// The stream sender was closed (`amperity_stream_sender_close`) and takes no more events.
    SenderClosed = 305,
    /// An error this version of the C API does not classify further (see the message).
    Unknown = 999,
}

/// `amperity_result::ALL` and `amperity_result::c_name` from the variant names.
macro_rules! result_codes {
    ($($variant:ident),* $(,)?) => {
        impl amperity_result {
            /// Every value, in declaration order.
            pub(crate) const ALL: &'static [amperity_result] = &[$(amperity_result::$variant),*];

            /// The C name of the value, NUL-terminated, such as `AMPERITY_RESULT_NOT_FOUND`.
            pub(crate) const fn c_name(self) -> &'static [u8] {
                match self {
                    $(amperity_result::$variant => {
                        const NAME: [u8; c_name_len(stringify!($variant))] =
                            c_name_bytes(stringify!($variant));
                        &NAME
                    })*
                }
            }
        }
    };
}
const C_NAME_PREFIX: &[u8] = b"AMPERITY_RESULT_";

/// The length of [`c_name_bytes`] for `variant`, NUL included.
const fn c_name_len(variant: &str) -> usize {
    let bytes = variant.as_bytes();
    let mut len = C_NAME_PREFIX.len() + bytes.len() + 1;
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            len += 1;
        }
        i += 1;
    }
    len
}

/// `AMPERITY_RESULT_` + `variant` in SCREAMING_SNAKE_CASE (`_` before each inner capital, as
/// cbindgen's `rename_variants` does) + NUL.
const fn c_name_bytes<const N: usize>(variant: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let mut n = 0;
    while n < C_NAME_PREFIX.len() {
        out[n] = C_NAME_PREFIX[n];
        n += 1;
    }
    let bytes = variant.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if i > 0 && bytes[i].is_ascii_uppercase() {
            out[n] = b'_';
            n += 1;
        }
        out[n] = bytes[i].to_ascii_uppercase();
        n += 1;
        i += 1;
    }
    out
}

// The enum above is the list of result codes: cbindgen writes the header's enum from it (it
// cannot read an enum a macro generates). Everything else derives from it: `ALL` below names
// its variants once more, and the exhaustive `match` that `result_codes!` builds from that line
// makes the compiler refuse a variant missing there (or one that does not exist); each C name
// is computed from its variant by cbindgen's rule (`AMPERITY_RESULT_` + SCREAMING_SNAKE_CASE),
// which the unit test below checks against the committed header.
result_codes!(
    Ok,
    NullArgument,
    InvalidUtf8,
    InvalidConfig,
    InvalidArgument,
    BufferTooSmall,
    NoValue,
    Panic,
    Cancelled,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    ServerError,
    ApiOther,
    Transport,
    Timeout,
    Decode,
    RepeatedCursor,
    WaitTimeout,
    RunFailed,
    QueueFull,
    SenderClosed,
    Unknown,
);

/// Which kind of network failure the last `AMPERITY_RESULT_TRANSPORT` or
/// `AMPERITY_RESULT_TIMEOUT` error was. Values are stable and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_transport_kind {
    /// The last error is not a network error (or there is none).
    None = 0,
    /// The host name could not be resolved.
    Dns = 1,
    /// The TCP connection could not be made.
    Connect = 2,
    /// The TLS handshake or certificate check failed.
    Tls = 3,
    /// A connect or request timeout expired.
    Timeout = 4,
    /// The connection broke while sending or receiving (reset, closed mid-body).
    ConnectionReset = 5,
    /// The proxy refused or failed the connection.
    Proxy = 6,
    /// Anything else the HTTP stack reported.
    Other = 7,
}

/// A failure on its way to the caller: the code plus everything the last-error accessors show.
#[derive(Debug, Clone)]
pub(crate) struct LastError {
    pub code: amperity_result,
    pub message: String,
    pub http_status: u16,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub transport_kind: amperity_transport_kind,
    pub retry_after_ms: Option<u64>,
    /// The run of a wait timeout or a failed run.
    pub workflow: Option<Box<amperity_core::Workflow>>,
    /// Attempts made, for the errors of an exchange (API and network errors).
    pub attempts: Option<u32>,
}

impl LastError {
    /// A failure with a code and a message and nothing else.
    pub fn new(code: amperity_result, message: impl Into<String>) -> Self {
        LastError {
            code,
            message: message.into(),
            http_status: 0,
            request_id: None,
            trace_id: None,
            transport_kind: amperity_transport_kind::None,
            retry_after_ms: None,
            workflow: None,
            attempts: None,
        }
    }

    /// `name` was NULL.
    pub fn null(name: &str) -> Self {
        Self::new(
            amperity_result::NullArgument,
            format!("{name} must not be NULL"),
        )
    }

    /// An argument was refused.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(amperity_result::InvalidArgument, message)
    }

    /// An optional value is absent.
    pub fn no_value(message: impl Into<String>) -> Self {
        Self::new(amperity_result::NoValue, message)
    }
}

impl From<Error> for LastError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let attempts = error.attempts();
        let last = match &error {
            Error::Config { .. } => LastError::new(amperity_result::InvalidConfig, message),
            Error::InvalidArgument { .. } => {
                LastError::new(amperity_result::InvalidArgument, message)
            }
            Error::Api(api) => {
                let code = match api.kind {
                    ApiErrorKind::BadRequest => amperity_result::BadRequest,
                    ApiErrorKind::Unauthorized => amperity_result::Unauthorized,
                    ApiErrorKind::Forbidden => amperity_result::Forbidden,
                    ApiErrorKind::NotFound => amperity_result::NotFound,
                    ApiErrorKind::Conflict => amperity_result::Conflict,
                    ApiErrorKind::RateLimited => amperity_result::RateLimited,
                    ApiErrorKind::ServerError => amperity_result::ServerError,
                    _ => amperity_result::ApiOther,
                };
                LastError {
                    http_status: api.status,
                    request_id: api.request_id.clone(),
                    trace_id: api.trace_id.clone(),
                    retry_after_ms: api
                        .retry_after
                        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                    ..LastError::new(code, message)
                }
            }
            Error::Transport { kind, .. } => {
                let transport_kind = match kind {
                    TransportKind::Dns => amperity_transport_kind::Dns,
                    TransportKind::Connect => amperity_transport_kind::Connect,
                    TransportKind::Tls => amperity_transport_kind::Tls,
                    TransportKind::Timeout => amperity_transport_kind::Timeout,
                    TransportKind::ConnectionReset => amperity_transport_kind::ConnectionReset,
                    TransportKind::Proxy => amperity_transport_kind::Proxy,
                    _ => amperity_transport_kind::Other,
                };
                let code = if *kind == TransportKind::Timeout {
                    amperity_result::Timeout
                } else {
                    amperity_result::Transport
                };
                LastError {
                    transport_kind,
                    ..LastError::new(code, message)
                }
            }
            Error::Decode { .. } => LastError::new(amperity_result::Decode, message),
            Error::RepeatedCursor { .. } => {
                LastError::new(amperity_result::RepeatedCursor, message)
            }
            Error::WaitTimeout { last_workflow, .. } => LastError {
                workflow: Some(last_workflow.clone()),
                ..LastError::new(amperity_result::WaitTimeout, message)
            },
            Error::RunFailed { workflow } => LastError {
                workflow: Some(workflow.clone()),
                ..LastError::new(amperity_result::RunFailed, message)
            },
            Error::Cancelled { .. } => LastError::new(amperity_result::Cancelled, message),
            _ => LastError::new(amperity_result::Unknown, message),
        };
        LastError { attempts, ..last }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Replaces this thread's last error.
pub(crate) fn set_last_error(error: Option<LastError>) {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = error;
        }
    });
}

/// Reads this thread's last error (panics only during thread teardown, inside a guard).
fn with_last_error<R>(f: impl FnOnce(Option<&LastError>) -> R) -> R {
    LAST_ERROR.with(|slot| f(slot.borrow().as_ref()))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

/// Runs the body of an exported function that returns `amperity_result`: catches panics, turns
/// failures into their code and stores them as this thread's last error.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), LastError>) -> amperity_result {
    let error = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return amperity_result::Ok,
        Ok(Err(error)) => error,
        Err(payload) => LastError::new(
            amperity_result::Panic,
            format!(
                "panic inside the Amperity library: {}",
                panic_message(payload.as_ref())
            ),
        ),
    };
    let code = error.code;
    set_last_error(Some(error));
    code
}

/// Like [`guard`], but leaves the last error alone (for the last-error accessors themselves).
fn guard_keep(f: impl FnOnce() -> Result<(), LastError>) -> amperity_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => amperity_result::Ok,
        Ok(Err(error)) => error.code,
        Err(_) => amperity_result::Panic,
    }
}

/// Runs the body of an exported function that returns a plain value; `fallback` on panic.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Returns the code of this thread's last error, or `AMPERITY_RESULT_OK` when no call on this
/// thread has failed yet (or since `amperity_last_error_clear`).
///
/// Like errno, the last error is replaced by each failing call on the same thread and left alone
/// by successful ones, so read it right after the call that failed. None of the
/// `amperity_last_error_*` functions changes it.
#[no_mangle]
pub extern "C" fn amperity_last_error_code() -> amperity_result {
    guard_value(amperity_result::Panic, || {
        with_last_error(|e| e.map_or(amperity_result::Ok, |e| e.code))
    })
}

/// Copies the message of this thread's last error into `buf` as NUL-terminated UTF-8;
/// `*out_len` (optional, may be NULL) gets its length without the NUL.
///
/// Pass `buf = NULL`, `buf_len = 0` and `out_len` to learn the length only (then only
/// `*out_len` is written, and a NULL `out_len` gives `AMPERITY_RESULT_NULL_ARGUMENT`); a buffer
/// of length + 1 bytes holds the message. Returns `AMPERITY_RESULT_BUFFER_TOO_SMALL` (writing
/// nothing) when `buf_len` is too small, `AMPERITY_RESULT_NO_VALUE` when there is no last error.
/// Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_message(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> amperity_result {
    guard_keep(|| {
        // Refused whatever is stored (the header's contract).
        check_copy_args(buf, buf_len, out_len)?;
        with_last_error(|e| match e {
            Some(e) => unsafe { copy_to_buffer(&e.message, buf, buf_len, out_len) },
            None => Err(LastError::no_value("no last error")),
        })
    })
}

/// The HTTP status of this thread's last error when it was an API error (codes 100-199), else 0.
/// Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_http_status() -> u16 {
    guard_value(0, || with_last_error(|e| e.map_or(0, |e| e.http_status)))
}

/// Copies the `request_id` of this thread's last API error into `buf` (same buffer contract as
/// `amperity_last_error_message`). Returns `AMPERITY_RESULT_NO_VALUE` when the last error is not
/// an API error or the server sent no request id. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_request_id(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> amperity_result {
    guard_keep(|| {
        // Refused whatever is stored (the header's contract).
        check_copy_args(buf, buf_len, out_len)?;
        with_last_error(|e| match e.and_then(|e| e.request_id.as_deref()) {
            Some(id) => unsafe { copy_to_buffer(id, buf, buf_len, out_len) },
            None => Err(LastError::no_value("no request id")),
        })
    })
}

/// Copies the `trace_id` of this thread's last API error into `buf` (same buffer contract as
/// `amperity_last_error_message`). Returns `AMPERITY_RESULT_NO_VALUE` when the last error is not
/// an API error or the server sent no trace id. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_trace_id(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> amperity_result {
    guard_keep(|| {
        // Refused whatever is stored (the header's contract).
        check_copy_args(buf, buf_len, out_len)?;
        with_last_error(|e| match e.and_then(|e| e.trace_id.as_deref()) {
            Some(id) => unsafe { copy_to_buffer(id, buf, buf_len, out_len) },
            None => Err(LastError::no_value("no trace id")),
        })
    })
}

/// Stores in `*out_ms` the wait, in milliseconds, that the server asked for with `Retry-After`
/// in this thread's last API error. Returns `AMPERITY_RESULT_NO_VALUE` (writing nothing) when it
/// sent none. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_retry_after_ms(out_ms: *mut u64) -> amperity_result {
    guard_keep(|| {
        if out_ms.is_null() {
            return Err(LastError::null("out_ms"));
        }
        with_last_error(|e| match e.and_then(|e| e.retry_after_ms) {
            Some(ms) => {
                unsafe { out_ms.write(ms) };
                Ok(())
            }
            None => Err(LastError::no_value("no Retry-After")),
        })
    })
}

/// Creates an object (kind `AMPERITY_OBJECT_KIND_WORKFLOW`) of the run that this thread's last
/// error is about: the last poll of an `AMPERITY_RESULT_WAIT_TIMEOUT`, the ended run of an
/// `AMPERITY_RESULT_RUN_FAILED`. The caller frees `*out`. `AMPERITY_RESULT_NO_VALUE` (writing
/// nothing) for other errors. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_workflow(
    out: *mut *mut super::object::amperity_object,
) -> amperity_result {
    guard_keep(|| {
        check_out(out, "out")?;
        with_last_error(|e| match e.and_then(|e| e.workflow.as_deref()) {
            Some(run) => {
                let object = super::object::amperity_object::new(run.clone());
                unsafe { super::util::write_out(out, super::util::into_handle(object)) };
                Ok(())
            }
            None => Err(LastError::no_value("the last error has no workflow run")),
        })
    })
}

/// Stores in `*out_attempts` how many attempts (retries included) the call of this thread's last
/// error made, for API and network errors (`AMPERITY_RESULT_BAD_REQUEST` ...
/// `AMPERITY_RESULT_TIMEOUT`). Returns `AMPERITY_RESULT_NO_VALUE` (writing nothing) for other
/// errors. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_attempts(out_attempts: *mut u32) -> amperity_result {
    guard_keep(|| {
        if out_attempts.is_null() {
            return Err(LastError::null("out_attempts"));
        }
        with_last_error(|e| match e.and_then(|e| e.attempts) {
            Some(n) => {
                unsafe { out_attempts.write(n) };
                Ok(())
            }
            None => Err(LastError::no_value("the last error has no attempt count")),
        })
    })
}

/// Which kind of network failure this thread's last error was, or
/// `AMPERITY_TRANSPORT_KIND_NONE` when it is not a network error. Never changes the last error.
#[no_mangle]
pub extern "C" fn amperity_last_error_transport_kind() -> amperity_transport_kind {
    guard_value(amperity_transport_kind::None, || {
        with_last_error(|e| e.map_or(amperity_transport_kind::None, |e| e.transport_kind))
    })
}

/// Forgets this thread's last error: `amperity_last_error_code` returns `AMPERITY_RESULT_OK`
/// until the next failing call.
#[no_mangle]
pub extern "C" fn amperity_last_error_clear() {
    guard_value((), || set_last_error(None))
}

/// The name of a result code as a static NUL-terminated string, such as
/// `"AMPERITY_RESULT_NOT_FOUND"`; `"AMPERITY_RESULT_UNRECOGNIZED"` for a value this version does
/// not define. Never NULL; do not free.
#[no_mangle]
pub extern "C" fn amperity_result_name(code: u32) -> *const c_char {
    guard_value(c"AMPERITY_RESULT_UNRECOGNIZED".as_ptr(), || {
        amperity_result::ALL
            .iter()
            .find(|r| **r as u32 == code)
            .map_or(c"AMPERITY_RESULT_UNRECOGNIZED".as_ptr(), |r| {
                r.c_name().as_ptr().cast()
            })
    })
}

/// True when `code` is an API error (an HTTP error status: `AMPERITY_RESULT_BAD_REQUEST` through
/// `AMPERITY_RESULT_API_OTHER`).
#[no_mangle]
pub extern "C" fn amperity_result_is_api_error(code: u32) -> bool {
    (100..200).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_a_code_and_a_message() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, amperity_result::Panic);
        assert_eq!(amperity_last_error_code(), amperity_result::Panic);
        let mut len = 0usize;
        assert_eq!(
            amperity_last_error_message(std::ptr::null_mut(), 0, &mut len),
            amperity_result::Ok
        );
        let mut buf = vec![0 as c_char; len + 1];
        assert_eq!(
            amperity_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len),
            amperity_result::Ok
        );
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert!(text.to_str().unwrap().contains("boom"), "{text:?}");
        assert_eq!(guard_value(7u8, || panic!("again")), 7);
    }

    #[test]
    fn names_and_values_match_the_header() {
        // The enum block of the committed header, as cbindgen wrote it from the enum.
        let header = include_str!("../../../include/amperity.h");
        let start = header
            .find("enum amperity_result\n")
            .expect("enum amperity_result");
        let block = &header[start..];
        let block = &block[..block.find("};").expect("end of the enum")];
        let in_header: Vec<(String, u32)> = block
            .lines()
            .filter_map(|line| line.trim().strip_suffix(','))
            .filter_map(|line| line.split_once(" = "))
            .map(|(name, value)| (name.to_owned(), value.parse().expect("a value")))
            .collect();
        let ours: Vec<(String, u32)> = amperity_result::ALL
            .iter()
            .map(|r| {
                let name = std::ffi::CStr::from_bytes_with_nul(r.c_name()).unwrap();
                (name.to_str().unwrap().to_owned(), *r as u32)
            })
            .collect();
        assert_eq!(ours, in_header);
        for (name, value) in &ours {
            let named = unsafe { std::ffi::CStr::from_ptr(amperity_result_name(*value)) };
            assert_eq!(named.to_str().unwrap(), name);
        }
        let unknown = unsafe { std::ffi::CStr::from_ptr(amperity_result_name(12345)) };
        assert_eq!(unknown.to_str().unwrap(), "AMPERITY_RESULT_UNRECOGNIZED");
    }
}
