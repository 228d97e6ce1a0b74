//! The one table of exit statuses, and the error type every command returns.

use amperity::{ApiErrorKind, Error, TransportKind};
use std::fmt;

/// Why the tool stopped: each kind has one exit status, documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// An error the table has no better kind for: an API error such as 400, 409 or 5xx, or an
    /// answer that could not be decoded.
    Failure,
    /// The command line or an argument was refused (also an argument the core refused).
    Usage,
    /// The configuration is incomplete or refused: tenant, credentials, config file.
    Config,
    /// The credentials were refused (401) or lack the permission (403).
    Auth,
    /// The resource does not exist (404).
    NotFound,
    /// Rate limited (429) after the retries.
    RateLimited,
    /// No complete answer from the network (DNS, connect, TLS, reset, proxy).
    Transport,
    /// A network timeout, or a wait that ran out of time.
    Timeout,
    /// A workflow run ended failed, canceled or stopped.
    RunFailed,
    /// `stream send`: some events were refused or not delivered.
    Delivery,
    /// Interrupted (Ctrl-C): the call in progress was cancelled.
    Cancelled,
}

/// Every kind with its status, its name and what it means: the `--help` and README table.
pub const EXIT_TABLE: &[(ExitKind, u8, &str, &str)] = &[
    (
        ExitKind::Failure,
        1,
        "failure",
        "an API error without a kind below (400, 409, 5xx), an undecodable answer",
    ),
    (
        ExitKind::Usage,
        2,
        "usage",
        "the command line or an argument was refused",
    ),
    (
        ExitKind::Config,
        3,
        "configuration",
        "tenant, credentials or config file missing or refused",
    ),
    (
        ExitKind::Auth,
        4,
        "auth",
        "credentials refused (401) or not allowed (403)",
    ),
    (ExitKind::NotFound, 5, "not found", "no such resource (404)"),
    (
        ExitKind::RateLimited,
        6,
        "rate limited",
        "still 429 after the retries",
    ),
    (
        ExitKind::Transport,
        7,
        "transport",
        "DNS, connect, TLS, proxy or connection failure",
    ),
    (
        ExitKind::Timeout,
        8,
        "timeout",
        "a network timeout, or `--wait` ran out of time",
    ),
    (
        ExitKind::RunFailed,
        9,
        "run failed",
        "the workflow run ended failed, canceled or stopped",
    ),
    (
        ExitKind::Delivery,
        10,
        "delivery",
        "stream send: some events were refused or not delivered",
    ),
    (
        ExitKind::Cancelled,
        130,
        "cancelled",
        "interrupted with Ctrl-C; the call in progress was cancelled",
    ),
];

impl ExitKind {
    fn row(self) -> &'static (ExitKind, u8, &'static str, &'static str) {
        EXIT_TABLE
            .iter()
            .find(|row| row.0 == self)
            .unwrap_or(&EXIT_TABLE[0])
    }

    /// The process exit status.
    pub fn code(self) -> u8 {
        self.row().1
    }

    /// The short name printed before an error message.
    pub fn name(self) -> &'static str {
        self.row().2
    }

    /// The kind of a core error.
    pub fn of(error: &Error) -> ExitKind {
        match error {
            Error::Config { .. } => ExitKind::Config,
            Error::InvalidArgument { .. } => ExitKind::Usage,
            Error::Api(api) => match api.kind {
                ApiErrorKind::Unauthorized | ApiErrorKind::Forbidden => ExitKind::Auth,
                ApiErrorKind::NotFound => ExitKind::NotFound,
                ApiErrorKind::RateLimited => ExitKind::RateLimited,
                _ => ExitKind::Failure,
            },
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            } => ExitKind::Timeout,
            Error::Transport { .. } => ExitKind::Transport,
            Error::WaitTimeout { .. } => ExitKind::Timeout,
            Error::RunFailed { .. } => ExitKind::RunFailed,
            Error::Cancelled { .. } => ExitKind::Cancelled,
            _ => ExitKind::Failure,
        }
    }
}

/// The exit-status table as help text.
pub fn table_text() -> String {
    let mut text = String::from("Exit status:\n  0    success\n");
    for (_, code, name, meaning) in EXIT_TABLE {
        text.push_str(&format!("  {code:<4} {name}: {meaning}\n"));
    }
    text
}

/// A command's failure: a kind (its exit status) and a one-line message without secrets.
#[derive(Debug)]
pub struct CliError {
    /// Decides the exit status.
    pub kind: ExitKind,
    /// What went wrong, in one line (with the request id when the API gave one).
    pub message: String,
    /// stdout was closed by its reader (`amperity … | head`): not an error, exit 0 quietly.
    pub broken_pipe: bool,
}

impl CliError {
    /// An error of `kind`.
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            broken_pipe: false,
        }
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitKind::Usage, message)
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ExitKind::Config, message)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line: a multi-line message (a server's HTML page, say) is folded.
        let folded: Vec<&str> = self.message.split_whitespace().collect();
        write!(f, "{}: {}", self.kind.name(), folded.join(" "))
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::new(ExitKind::of(&error), error.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError {
            broken_pipe: error.kind() == std::io::ErrorKind::BrokenPipe,
            ..CliError::new(ExitKind::Failure, error.to_string())
        }
    }
}

/// The result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_distinct_status() {
        let mut codes: Vec<u8> = EXIT_TABLE.iter().map(|row| row.1).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EXIT_TABLE.len());
        assert_eq!(ExitKind::Cancelled.code(), 130);
        assert_eq!(ExitKind::Usage.code(), 2);
    }

    #[test]
    fn messages_are_one_line() {
        let error = CliError::new(ExitKind::Failure, "a\n  b\tc");
        assert_eq!(error.to_string(), "failure: a b c");
    }
}
