use super::decode::model_with_extra;
use crate::Timestamp;

model_with_extra! {
    /// An audit event (`GET /audit-events`).
    ///
    /// A production tenant also sees its sandboxes' events. The principal and session fields are
    /// optional here although the spec requires them: non-human principals may lack some.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct AuditEvent {
        /// Event id, e.g. `ae-Ab1cDeFg`.
        event_id: String = required,
        /// Namespaced type with a leading colon, e.g. `:amperity.alert.audience/created`; open set.
        event_type: String = required,
        /// Tenant the event happened in (may be a sandbox).
        tenant: String = required,
        /// Production tenant id of the family.
        #[serde(skip_serializing_if = "Option::is_none")]
        tenant_family: Option<String> = optional,
        /// When it happened.
        happened_at: Timestamp = required,
        /// Who did it, e.g. `google-apps|user@socktown.com` or an API key.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_id: Option<String> = optional,
        /// Friendly name of the principal.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_name: Option<String> = optional,
        /// Email of the principal.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal_email: Option<String> = optional,
        /// Id of the object acted on, e.g. `seg-35GMWpn6Y`.
        #[serde(skip_serializing_if = "Option::is_none")]
        object_id: Option<String> = optional,
        /// Composed description of the object.
        #[serde(skip_serializing_if = "Option::is_none")]
        object_name: Option<String> = optional,
        /// Client IP address.
        #[serde(skip_serializing_if = "Option::is_none")]
        origin_ip: Option<String> = optional,
        /// Client user agent.
        #[serde(skip_serializing_if = "Option::is_none")]
        user_agent: Option<String> = optional,
        /// Session id.
        #[serde(skip_serializing_if = "Option::is_none")]
        session_id: Option<String> = optional,
    }
}
