use crate::client::Call;
use crate::{AuditEvent, Client, PageOptions, Pager, Timestamp};

/// Filters of `GET /audit-events`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditEventFilter {
    /// Events at or after this time (inclusive).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub happened_from: Option<Timestamp>,
    /// Events before this time (exclusive).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub happened_to: Option<Timestamp>,
}

impl Client {
    /// `GET /audit-events` (at most 1000 per page).
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{AuditEventFilter, PageOptions, Timestamp};
    /// let now = Timestamp::now();
    /// let last_day = AuditEventFilter {
    ///     happened_from: Some(Timestamp::from_unix(now.unix_seconds() - 86_400, 0)),
    ///     happened_to: Some(now),
    /// };
    /// for event in client.list_audit_events(last_day, PageOptions::limit(1000)).items() {
    ///     let event = event?;
    ///     assert!(event.happened_at <= now);
    /// }
    /// # Ok::<(), amperity::Error>(())
    /// ```
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
