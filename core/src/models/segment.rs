use super::decode::model_with_extra;

model_with_extra! {
    /// A segment (`GET /segments`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Segment {
        /// Segment id, e.g. `seg-35GMWpn6Y`.
        id: String = required,
        /// Display name.
        name: String = required,
        /// Status such as `active`; optional because the docs omit it although the spec
        /// requires it.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<String> = optional,
    }
}
