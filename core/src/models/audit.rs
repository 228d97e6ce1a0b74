use super::Extra;
use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// An audit event (`GET /audit-events`).
///
/// A production tenant also sees its sandboxes' events. The principal and session fields are
/// optional here although the spec requires them: non-human principals may lack some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_family: Option<String>,
    /// When it happened.
    pub happened_at: Timestamp,
    /// Who did it, e.g. `google-apps|user@socktown.com` or an API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Friendly name of the principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// Email of the principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_email: Option<String>,
    /// Id of the object acted on, e.g. `seg-35GMWpn6Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// Composed description of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_name: Option<String>,
    /// Client IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_ip: Option<String>,
    /// Client user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Session id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Fields of the response this SDK does not model yet, exactly as received (forward
    /// compatibility: what Amperity adds is kept, not dropped).
    #[serde(flatten)]
    pub extra: Extra,
}
