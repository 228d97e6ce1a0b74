use super::campaigns::unknown_param;
use crate::client::Call;
use crate::error::{Error, Result};
use crate::{AuditEvent, Client, PageOptions, Pager, Timestamp};

const HAPPENED_FROM: &str = "happened_from";
const HAPPENED_TO: &str = "happened_to";

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

impl AuditEventFilter {
    /// The query parameters this filter sets, by their wire names: the names
    /// [`from_params`](Self::from_params) takes.
    pub const PARAMS: &'static [&'static str] = &[HAPPENED_FROM, HAPPENED_TO];

    /// Builds a filter from `(name, value)` query parameters named as in
    /// [`PARAMS`](Self::PARAMS), with timestamps in RFC 3339 or `YYYY-MM-DD`; for a name given
    /// twice the last value wins (only that one is parsed).
    ///
    /// [`Error::InvalidArgument`] for a name this filter does not know or a value that is not a
    /// timestamp.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let (mut from, mut to) = (None, None);
        for (name, value) in params {
            match name {
                HAPPENED_FROM => from = Some(value),
                HAPPENED_TO => to = Some(value),
                _ => return Err(unknown_param("AuditEventFilter", name, Self::PARAMS)),
            }
        }
        Ok(AuditEventFilter {
            happened_from: timestamp_param(HAPPENED_FROM, from)?,
            happened_to: timestamp_param(HAPPENED_TO, to)?,
        })
    }
}

/// Parses the value of a timestamp query parameter (RFC 3339 or `YYYY-MM-DD`).
pub(super) fn timestamp_param(name: &str, value: Option<&str>) -> Result<Option<Timestamp>> {
    value
        .map(|text| {
            Timestamp::parse(text).map_err(|e| Error::invalid_argument(format!("{name}: {e}")))
        })
        .transpose()
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
            .param(HAPPENED_FROM, filter.happened_from)
            .param(HAPPENED_TO, filter.happened_to);
        Pager::new(self.inner.clone(), call, page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_parsed_last_value_wins() {
        let filter = AuditEventFilter::from_params([
            (HAPPENED_FROM, "not a time"),
            (HAPPENED_FROM, "2026-01-01"),
            (HAPPENED_TO, "2026-01-02T00:00:00Z"),
        ])
        .unwrap();
        assert_eq!(
            filter.happened_from,
            Some(Timestamp::parse("2026-01-01").unwrap())
        );
        assert!(filter.happened_to.is_some());
        let bad = AuditEventFilter::from_params([(HAPPENED_TO, "yesterday")]).unwrap_err();
        assert!(matches!(bad, Error::InvalidArgument { .. }));
        assert!(bad.to_string().contains(HAPPENED_TO), "{bad}");
        let unknown = AuditEventFilter::from_params([("colour", "blue")]).unwrap_err();
        assert!(
            unknown.to_string().contains("happened_from, happened_to"),
            "{unknown}"
        );
        assert_eq!(
            AuditEventFilter::from_params([]).unwrap(),
            AuditEventFilter::default()
        );
    }
}
