use crate::client::Call;
use crate::{AuditEvent, Client, PageOptions, Pager, Timestamp};

/// Filters of `GET /audit-events`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEventFilter {
    /// Events at or after this time (inclusive).
    pub happened_from: Option<Timestamp>,
    /// Events before this time (exclusive).
    pub happened_to: Option<Timestamp>,
}

impl Client {
    /// `GET /audit-events` (at most 1000 per page).
    pub fn list_audit_events(
        &self,
        filter: AuditEventFilter,
        page: PageOptions,
    ) -> Pager<AuditEvent> {
        let call = Call::get("list-events", "/audit-events")
            .param("happened_from", filter.happened_from)
            .param("happened_to", filter.happened_to);
        Pager::new(self.inner.clone(), call, page)
    }
}
