//! The opt-in request hook: one call per HTTP exchange, for metrics and tracing.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One HTTP exchange, as the request hook sees it. Never holds a secret: the bearer token and
/// client secret travel in headers and bodies, which are not part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestInfo {
    /// The operation, e.g. `list-segment` (`oauth2-token` for a token request).
    pub operation: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL requested (the base URL never has credentials; the query holds filters and
    /// cursors only).
    pub url: String,
    /// The HTTP status, or `None` when no answer came (a network failure or a cancel).
    pub status: Option<u16>,
    /// Which attempt of the call this was: 1, then 2 for the first retry, …
    pub attempt: u32,
    /// Time from sending the request to the end of its answer (or of the failure).
    pub elapsed: Duration,
    /// The `request_id` of the answer (its `X-Request-Id` header, or an error body's), when
    /// there is one.
    pub request_id: Option<String>,
}

/// A request hook (see [`ClientBuilder::on_request`](crate::ClientBuilder::on_request)).
#[derive(Clone)]
pub(crate) struct RequestHook(pub Arc<dyn Fn(&RequestInfo) + Send + Sync>);

impl fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestHook")
    }
}

thread_local! {
    // The attempt number of the exchange in progress on this thread (set by the retry loop).
    static ATTEMPT: Cell<u32> = const { Cell::new(1) };
}

/// Runs `f` as attempt `attempt` (restoring the outer attempt number afterwards, for the token
/// request that one attempt may make).
pub(crate) fn as_attempt<T>(attempt: u32, f: impl FnOnce() -> T) -> T {
    let outer = ATTEMPT.with(|a| a.replace(attempt));
    let result = f();
    ATTEMPT.with(|a| a.set(outer));
    result
}

/// The attempt number of the exchange in progress on this thread.
pub(crate) fn current_attempt() -> u32 {
    ATTEMPT.with(Cell::get)
}
