//! The one error type every operation returns, and its parts.

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to Amperity.
///
/// The variants separate what a caller reacts to differently: fix the configuration, inspect an
/// API answer (status, message, request and trace ids), retry later after a network problem, or
/// report a response that could not be understood.
///
/// ```
/// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
/// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
/// use amperity::{ApiErrorKind, Error};
///
/// match client.get_ingest_job("isj-does-not-exist") {
///     Err(Error::Api(api)) if api.kind == ApiErrorKind::NotFound => {
///         assert_eq!(api.status, 404);
///         // Quote these to Amperity Support.
///         assert!(api.request_id.is_some() && api.trace_id.is_some());
///     }
///     Err(Error::Transport { kind, .. }) => eprintln!("network trouble ({kind}); try again later"),
///     other => panic!("unexpected: {other:?}"),
/// }
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration was refused when the client was built.
    #[error("invalid configuration: {detail}")]
    Config {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// An argument of a call was refused before anything was sent (an empty id, `limit = 0`, …).
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// Amperity (or a proxy in front of it) answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request never got a complete HTTP answer: DNS, connect, TLS, timeout, reset.
    #[error("transport error ({kind}) during {operation}: {detail}")]
    Transport {
        /// Which kind of network failure.
        kind: TransportKind,
        /// The operation that was running (an Amperity operation id such as `list-segment`).
        operation: String,
        /// The underlying error, without secrets.
        detail: String,
        /// How many attempts the call made (retries included) before giving up.
        attempts: u32,
    },
    /// A successful response whose body could not be decoded (invalid, truncated or too large).
    #[error("could not decode the response of {operation}: {detail}")]
    Decode {
        /// The operation whose response was bad.
        operation: String,
        /// What the decoder said.
        detail: String,
    },
    /// The server returned a pagination cursor it had already returned in the same walk.
    #[error("{operation} returned a cursor it had already returned; stopping instead of looping forever")]
    RepeatedCursor {
        /// The operation being paginated.
        operation: String,
        /// The cursor that came back twice.
        cursor: String,
    },
    /// A workflow run did not reach a terminal state within the wait timeout.
    #[error("workflow run {workflow_id} still {last_state} after waiting {waited_ms} ms")]
    WaitTimeout {
        /// The run waited for.
        workflow_id: String,
        /// Its state at the last poll.
        last_state: String,
        /// How long the helper waited, in milliseconds.
        waited_ms: u64,
        /// The run as of the last poll.
        last_workflow: Box<crate::Workflow>,
    },
    /// A waited-for run ended failed, canceled or stopped, and the wait was asked to fail then
    /// ([`WaitOptions::fail_on_unsuccessful`](crate::WaitOptions::fail_on_unsuccessful)).
    #[error("{}", run_failed_message(workflow))]
    RunFailed {
        /// The run as it ended (verbose view), with its `error` when Amperity gave one.
        workflow: Box<crate::Workflow>,
    },
    /// The call was cancelled with [`Client::cancel`](crate::Client::cancel) (or an interrupt
    /// that a language binding turns into one) before it finished.
    #[error("{operation} was cancelled")]
    Cancelled {
        /// The operation that was running.
        operation: String,
    },
}

/// "workflow run wf-1 ended failed: amperity.task/x: it broke (attribution customer)".
fn run_failed_message(workflow: &crate::Workflow) -> String {
    let mut message = format!("workflow run {} ended {}", workflow.id, workflow.state);
    if let Some(error) = &workflow.error {
        message.push_str(&format!(": {}: {}", error.error_type, error.message));
        if let Some(attribution) = &error.attribution {
            message.push_str(&format!(" (attribution {attribution})"));
        }
    }
    message
}

impl Error {
    pub(crate) fn cancelled(operation: &str) -> Self {
        Error::Cancelled {
            operation: operation.to_owned(),
        }
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Error::Config {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid_argument(detail: impl Into<String>) -> Self {
        Error::InvalidArgument {
            detail: detail.into(),
        }
    }

    pub(crate) fn decode(operation: &str, detail: impl fmt::Display) -> Self {
        Error::Decode {
            operation: operation.to_owned(),
            detail: detail.to_string(),
        }
    }

    /// The API error inside, when this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of an API error, when this is one.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|api| api.status)
    }

    /// How many attempts (retries included) the call made, for the errors of an exchange: API
    /// and transport errors. `None` for the others.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(api) => Some(api.attempts),
            Error::Transport { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The same error with its attempt count set (the retry loop's last word).
    pub(crate) fn with_attempts(mut self, made: u32) -> Self {
        match &mut self {
            Error::Api(api) => api.attempts = made,
            Error::Transport { attempts, .. } => *attempts = made,
            _ => {}
        }
        self
    }

    /// True for a transport error of kind [`TransportKind::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        )
    }
}

/// An error answer from the API: status, classification and the ids Support asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Classification of the status.
    pub kind: ApiErrorKind,
    /// The server's message (or a snippet of a non-JSON body).
    pub message: String,
    /// `request_id` from the error body, when present.
    pub request_id: Option<String>,
    /// `trace_id` from the error body, when present.
    pub trace_id: Option<String>,
    /// The operation that failed.
    pub operation: String,
    /// The wait the server asked for in `Retry-After`, when it sent one.
    pub retry_after: Option<std::time::Duration>,
    /// How many attempts the call made (retries included) before giving up.
    pub attempts: u32,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with HTTP {} ({}): {}",
            self.operation, self.status, self.kind, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request_id {id}]")?;
        }
        if let Some(id) = &self.trace_id {
            write!(f, " [trace_id {id}]")?;
        }
        Ok(())
    }
}

/// Classification of an HTTP error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: a missing or invalid parameter, or an unsupported api-version.
    BadRequest,
    /// 401: missing, invalid or expired credentials.
    Unauthorized,
    /// 403: authenticated, but not allowed.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: conflicts with the current state.
    Conflict,
    /// 429: rate limited.
    RateLimited,
    /// 5xx: the server failed.
    ServerError,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// Classifies an HTTP status code.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            429 => Self::RateLimited,
            500..=599 => Self::ServerError,
            _ => Self::Other,
        }
    }

    /// A stable lowercase name (`bad_request`, `not_found`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::ServerError => "server_error",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which kind of network failure a [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name could not be resolved.
    Dns,
    /// The TCP connection could not be made.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// A connect or request timeout expired.
    Timeout,
    /// The connection broke while sending or receiving (reset, closed mid-body).
    ConnectionReset,
    /// The proxy refused or failed the connection.
    Proxy,
    /// Anything else the HTTP stack reported.
    Other,
}

impl TransportKind {
    /// A stable lowercase name (`dns`, `connect`, `tls`, `timeout`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::ConnectionReset => "connection_reset",
            Self::Proxy => "proxy",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
