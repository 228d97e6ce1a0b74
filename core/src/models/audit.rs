use super::decode::decode_with_extra;
use super::Extra;
use crate::Timestamp;
use serde::Serialize;

/// An audit event (`GET /audit-events`).
///
/// A production tenant also sees its sandboxes' events. The principal and session fields are
/// optional here although the spec requires them: non-human principals may lack some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct AuditEvent {
    /// Event id, e.g. `ae-Ab1cDeFg`.
    pub event_id: String,
    /// Namespaced type with a leading colon, e.g. `:amperity.alert.audience/created`; open set.
    pub event_type: String,
    /// Tenant the event happened in (may be a sandbox).
    pub tenant: String,
    /// Production tenant id of the family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_family: Option<String>,
    /// When it happened.
    pub happened_at: Timestamp,
    /// Who did it, e.g. `google-apps|user@socktown.com` or an API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Friendly name of the principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// Email of the principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_email: Option<String>,
    /// Id of the object acted on, e.g. `seg-35GMWpn6Y`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// Composed description of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_name: Option<String>,
    /// Client IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_ip: Option<String>,
    /// Client user agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}

decode_with_extra! {
    AuditEvent {
        event_id: String = required "event_id",
        event_type: String = required "event_type",
        tenant: String = required "tenant",
        tenant_family: Option<String> = optional "tenant_family",
        happened_at: Timestamp = required "happened_at",
        principal_id: Option<String> = optional "principal_id",
        principal_name: Option<String> = optional "principal_name",
        principal_email: Option<String> = optional "principal_email",
        object_id: Option<String> = optional "object_id",
        object_name: Option<String> = optional "object_name",
        origin_ip: Option<String> = optional "origin_ip",
        user_agent: Option<String> = optional "user_agent",
        session_id: Option<String> = optional "session_id",
    }
}
