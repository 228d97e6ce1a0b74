use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// State of a workflow, task or ingest feed: the documented values plus any other.
///
/// Amperity documents display names in Title Case ("In progress") and sends lowercase on the
/// wire; the spelling of multi-word states is undocumented, so parsing ignores case and treats
/// spaces, `_` and `-` alike. Unknown values are kept in [`RunState::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum RunState {
    /// Scheduled, not started.
    Scheduled,
    /// Started.
    Started,
    /// In progress.
    InProgress,
    /// Running.
    Running,
    /// Running, some tasks failed.
    RunningWithFailures,
    /// Finalizing (tasks).
    Finalizing,
    /// Stopping.
    Stopping,
    /// Stopped (terminal).
    Stopped,
    /// Canceling.
    Canceling,
    /// Canceled (terminal).
    Canceled,
    /// Paused.
    Paused,
    /// Waiting for a retry (tasks).
    UpForRetry,
    /// Succeeded (terminal).
    Succeeded,
    /// Failed (terminal).
    Failed,
    /// Skipped (terminal, tasks and feeds).
    Skipped,
    /// A value this SDK does not know yet, exactly as received.
    Other {
        /// The state as the server sent it.
        value: String,
    },
}

impl RunState {
    /// Parses a wire or display value; never fails.
    pub fn parse(value: &str) -> Self {
        let norm: String = value
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        match norm.as_str() {
            "scheduled" => Self::Scheduled,
            "started" => Self::Started,
            "in-progress" => Self::InProgress,
            "running" => Self::Running,
            "running-with-failures" => Self::RunningWithFailures,
            "finalizing" => Self::Finalizing,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            "canceling" | "cancelling" => Self::Canceling,
            "canceled" | "cancelled" => Self::Canceled,
            "paused" => Self::Paused,
            "up-for-retry" => Self::UpForRetry,
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            "skipped" => Self::Skipped,
            _ => Self::Other {
                value: value.to_owned(),
            },
        }
    }

    /// The lowercase wire form (unknown values as received).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Started => "started",
            Self::InProgress => "in-progress",
            Self::Running => "running",
            Self::RunningWithFailures => "running-with-failures",
            Self::Finalizing => "finalizing",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Canceling => "canceling",
            Self::Canceled => "canceled",
            Self::Paused => "paused",
            Self::UpForRetry => "up-for-retry",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Other { value } => value,
        }
    }

    /// True for the ends that are not a failure: succeeded and skipped.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Skipped)
    }

    /// True for states a run does not leave: succeeded, failed, canceled, stopped, skipped.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Canceled | Self::Stopped | Self::Skipped
        )
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for RunState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RunState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RunState;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a state string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RunState, E> {
                Ok(RunState::parse(v))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parsing() {
        assert_eq!(RunState::parse("In progress"), RunState::InProgress);
        assert_eq!(RunState::parse("in_progress"), RunState::InProgress);
        assert_eq!(RunState::parse("Succeeded"), RunState::Succeeded);
        assert_eq!(RunState::parse("cancelled"), RunState::Canceled);
        assert_eq!(
            RunState::parse("warping"),
            RunState::Other {
                value: "warping".into()
            }
        );
        assert!(RunState::parse("failed").is_terminal());
        assert!(!RunState::parse("running").is_terminal());
    }
}
