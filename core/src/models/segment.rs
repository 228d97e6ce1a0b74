use super::Extra;
use serde::{Deserialize, Serialize};

/// A segment (`GET /segments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct Segment {
    /// Segment id, e.g. `seg-35GMWpn6Y`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Status such as `active`; optional because the docs omit it although the spec requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}
