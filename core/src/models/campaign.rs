use super::decode::model_with_extra;
use crate::Timestamp;

model_with_extra! {
    /// A campaign (`GET /campaigns`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Campaign {
        /// Campaign id, e.g. `cc-21HCWon6Y`.
        id: String = required,
        /// Display name.
        name: String = required,
        /// Past or scheduled delivery time.
        #[serde(skip_serializing_if = "Option::is_none")]
        deliver_at: Option<Timestamp> = optional,
    }
}

/// A campaign draft (`GET /campaign-drafts`, api-version `unstable`); same shape as [`Campaign`].
pub type CampaignDraft = Campaign;
