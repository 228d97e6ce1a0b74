//! The one error type of the uniffi surface: a small flat enum carrying the HTTP details.

use super::models::Workflow;
use crate::{ApiErrorKind, Error, TransportKind};
use std::fmt;

/// Everything that can go wrong when talking to Amperity.
///
/// No variant has a field named `message` (it would clash with `Throwable.message` in Kotlin):
/// the human-readable text is `detail`, and the error's string form reads like the core's.
// `export(Display)`: the foreign error's string form (Swift `description`, Kotlin `toString`,
// Python `str`) is this type's `Display` text, the core's wording, not a generated dump.
#[derive(Debug, Clone, PartialEq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum AmperityError {
    /// Amperity (or a proxy in front of it) answered with an error status.
    Api {
        /// HTTP status code.
        status: i32,
        /// Classification of the status.
        kind: ApiErrorKind,
        /// The server's message (or a snippet of a non-JSON body).
        detail: String,
        /// `request_id` from the error body, when present.
        request_id: Option<String>,
        /// `trace_id` from the error body, when present.
        trace_id: Option<String>,
        /// The operation that failed, e.g. `list-segment`.
        operation: String,
        /// The wait the server asked for in `Retry-After`, in milliseconds, when it sent one.
        retry_after_ms: Option<i64>,
        /// How many attempts the call made (retries included) before giving up.
        attempts: i32,
    },
    /// The request never got a complete HTTP answer: DNS, connect, TLS, reset, proxy.
    Transport {
        /// Which kind of network failure.
        kind: TransportKind,
        /// The operation that was running.
        operation: String,
        /// The underlying error, without secrets.
        detail: String,
        /// How many attempts the call made (retries included) before giving up.
        attempts: i32,
    },
    /// A connect or request timeout expired (after any retries).
    Timeout {
        /// The operation that was running.
        operation: String,
        /// The underlying error.
        detail: String,
        /// How many attempts the call made (retries included) before giving up.
        attempts: i32,
    },
    /// A successful response whose body could not be decoded (invalid, truncated or too large).
    Decode {
        /// The operation whose response was bad.
        operation: String,
        /// What the decoder said.
        detail: String,
    },
    /// The client configuration was refused.
    Config {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// An argument of a call was refused before anything was sent.
    InvalidArgument {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// The server returned a pagination cursor it had already returned in the same walk.
    RepeatedCursor {
        /// The operation being paginated.
        operation: String,
        /// The cursor that came back twice.
        cursor: String,
    },
    /// A workflow run did not reach a terminal state within the wait timeout.
    WaitTimeout {
        /// The run waited for.
        workflow_id: String,
        /// Its state at the last poll.
        last_state: String,
        /// How long the helper waited, in milliseconds.
        waited_ms: i64,
        /// The run as of the last poll.
        last_workflow: Workflow,
    },
    /// A waited-for run ended failed, canceled or stopped (`fail_on_unsuccessful`).
    RunFailed {
        /// The run as it ended, with its `error` when Amperity gave one.
        workflow: Workflow,
        /// The core's message ("workflow run … ended failed: type: message (attribution …)").
        detail: String,
    },
    /// The call was cancelled (`Client.cancel()`, or an interrupt the language turns into one).
    Cancelled {
        /// The operation that was running.
        operation: String,
    },
    /// An event sender's queue is full (`try_send` only; `send` waits instead).
    QueueFull {
        /// The queue's capacity.
        capacity: i64,
    },
    /// The event sender was closed; it takes no more events.
    SenderClosed {},
    /// An error this version of the bindings does not classify (a newer core variant).
    Other {
        /// The error's description.
        detail: String,
    },
}

impl std::error::Error for AmperityError {}

impl fmt::Display for AmperityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api {
                status,
                kind,
                detail,
                request_id,
                trace_id,
                operation,
                ..
            } => {
                let kind = kind.as_str();
                write!(f, "{operation} failed with HTTP {status} ({kind}): {detail}")?;
                if let Some(id) = request_id {
                    write!(f, " [request_id {id}]")?;
                }
                if let Some(id) = trace_id {
                    write!(f, " [trace_id {id}]")?;
                }
                Ok(())
            }
            Self::Transport {
                kind,
                operation,
                detail,
                ..
            } => write!(
                f,
                "transport error ({}) during {operation}: {detail}",
                kind.as_str()
            ),
            Self::Timeout {
                operation, detail, ..
            } => {
                write!(f, "timed out during {operation}: {detail}")
            }
            Self::Decode { operation, detail } => {
                write!(f, "could not decode the response of {operation}: {detail}")
            }
            Self::Config { detail } => write!(f, "invalid configuration: {detail}"),
            Self::InvalidArgument { detail } => write!(f, "invalid argument: {detail}"),
            Self::RepeatedCursor { operation, .. } => write!(
                f,
                "{operation} returned a cursor it had already returned; stopping instead of looping forever"
            ),
            Self::RunFailed { detail, .. } => f.write_str(detail),
            Self::WaitTimeout {
                workflow_id,
                last_state,
                waited_ms,
                ..
            } => write!(
                f,
                "workflow run {workflow_id} still {last_state} after waiting {waited_ms} ms"
            ),
            Self::Cancelled { operation } => write!(f, "{operation} was cancelled"),
            // The core's SendError texts.
            Self::QueueFull { capacity } => write!(
                f,
                "{}",
                crate::SendError::QueueFull {
                    capacity: usize::try_from(*capacity).unwrap_or(usize::MAX)
                }
            ),
            Self::SenderClosed {} => write!(f, "{}", crate::SendError::Closed),
            Self::Other { detail } => f.write_str(detail),
        }
    }
}

/// The core's message for `error`, word for word as Rust and C show it (for languages whose
/// generated error classes do not carry the `Display` text, such as Python's).
#[uniffi::export]
pub fn error_message(error: AmperityError) -> String {
    error.to_string()
}

/// [`error_message`] with the names of settings and arguments in `spelling` (Kotlin and Swift
/// pass `Camel`: `clientId needs a clientSecret`) for configuration and argument errors; every
/// other message is [`error_message`]'s, word for word.
#[uniffi::export]
pub fn error_message_spelled(error: AmperityError, spelling: crate::Spelling) -> String {
    match error {
        AmperityError::Config { .. } | AmperityError::InvalidArgument { .. } => {
            crate::respell(&error.to_string(), spelling)
        }
        other => other.to_string(),
    }
}

/// Milliseconds as `i64`, saturating.
pub(crate) fn millis_i64(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl From<Error> for AmperityError {
    fn from(error: Error) -> Self {
        match error {
            Error::Config { detail } => Self::Config { detail },
            Error::InvalidArgument { detail } => Self::InvalidArgument { detail },
            Error::Api(api) => Self::Api {
                status: i32::from(api.status),
                kind: api.kind,
                detail: api.message,
                request_id: api.request_id,
                trace_id: api.trace_id,
                operation: api.operation,
                retry_after_ms: api.retry_after.map(millis_i64),
                attempts: i32::try_from(api.attempts).unwrap_or(i32::MAX),
            },
            Error::Transport {
                kind: TransportKind::Timeout,
                operation,
                detail,
                attempts,
            } => Self::Timeout {
                operation,
                detail,
                attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
            },
            Error::Transport {
                kind,
                operation,
                detail,
                attempts,
            } => Self::Transport {
                kind,
                operation,
                detail,
                attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
            },
            Error::Decode { operation, detail } => Self::Decode { operation, detail },
            Error::RepeatedCursor { operation, cursor } => {
                Self::RepeatedCursor { operation, cursor }
            }
            Error::WaitTimeout {
                workflow_id,
                last_state,
                waited_ms,
                last_workflow,
            } => Self::WaitTimeout {
                workflow_id,
                last_state,
                waited_ms: i64::try_from(waited_ms).unwrap_or(i64::MAX),
                last_workflow: (*last_workflow).into(),
            },
            error @ Error::RunFailed { .. } => {
                let detail = error.to_string();
                let Error::RunFailed { workflow } = error else {
                    unreachable!("matched above")
                };
                Self::RunFailed {
                    workflow: (*workflow).into(),
                    detail,
                }
            }
            Error::Cancelled { operation } => Self::Cancelled { operation },
        }
    }
}

impl AmperityError {
    /// An `InvalidArgument` error with this detail.
    pub(crate) fn invalid_argument(detail: impl Into<String>) -> Self {
        Self::InvalidArgument {
            detail: detail.into(),
        }
    }

    /// An `Other` error for a result that could not be serialised as JSON text.
    pub(crate) fn serialisation(error: serde_json::Error) -> Self {
        Self::Other {
            detail: format!("could not serialise a result as JSON: {error}"),
        }
    }

    /// A `Config` error with this detail.
    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::Config {
            detail: detail.into(),
        }
    }
}

/// Result alias of the uniffi surface.
pub type Result<T, E = AmperityError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_get_their_own_variant() {
        let core = Error::Transport {
            kind: TransportKind::Timeout,
            operation: "list-segment".into(),
            detail: "timed out reading response".into(),
            attempts: 3,
        };
        assert_eq!(
            AmperityError::from(core),
            AmperityError::Timeout {
                operation: "list-segment".into(),
                detail: "timed out reading response".into(),
                attempts: 3,
            }
        );
        let reset = Error::Transport {
            kind: TransportKind::ConnectionReset,
            operation: "op".into(),
            detail: "reset".into(),
            attempts: 1,
        };
        assert!(matches!(
            AmperityError::from(reset),
            AmperityError::Transport {
                kind: TransportKind::ConnectionReset,
                ..
            }
        ));
    }

    #[test]
    fn display_reads_like_the_core() {
        let error = AmperityError::Api {
            status: 404,
            kind: ApiErrorKind::NotFound,
            detail: "workflow wf-1 not found".into(),
            request_id: Some("req-1".into()),
            trace_id: None,
            operation: "get-workflow".into(),
            retry_after_ms: None,
            attempts: 1,
        };
        assert_eq!(
            error.to_string(),
            "get-workflow failed with HTTP 404 (not_found): workflow wf-1 not found [request_id req-1]"
        );
        let last_workflow = serde_json::from_str(
            r#"{"id":"wf-1","state":"running","type":"t","name":"n","tenant":"acme","created_at":"2024-06-19T14:57:00Z"}"#,
        )
        .unwrap();
        let wait = Error::WaitTimeout {
            workflow_id: "wf-1".into(),
            last_state: "running".into(),
            waited_ms: u64::MAX,
            last_workflow: Box::new(last_workflow),
        };
        assert!(matches!(
            AmperityError::from(wait),
            AmperityError::WaitTimeout {
                waited_ms: i64::MAX,
                ..
            }
        ));
    }
}
