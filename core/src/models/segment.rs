use super::decode::decode_with_extra;
use super::Extra;
use serde::Serialize;

/// A segment (`GET /segments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct Segment {
    /// Segment id, e.g. `seg-35GMWpn6Y`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Status such as `active`; optional because the docs omit it although the spec requires it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    Segment {
        id: String = required "id",
        name: String = required "name",
        status: Option<String> = optional "status",
    }
}
