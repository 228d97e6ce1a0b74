use super::decode::decode_with_extra;
use super::Extra;
use crate::Timestamp;
use serde::Serialize;

/// A campaign (`GET /campaigns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct Campaign {
    /// Campaign id, e.g. `cc-21HCWon6Y`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Past or scheduled delivery time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliver_at: Option<Timestamp>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    Campaign {
        id: String = required "id",
        name: String = required "name",
        deliver_at: Option<Timestamp> = optional "deliver_at",
    }
}

/// A campaign draft (`GET /campaign-drafts`, api-version `unstable`); same shape as [`Campaign`].
pub type CampaignDraft = Campaign;
