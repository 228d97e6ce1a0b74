use crate::client::Call;
use crate::error::{Error, Result};
use crate::{Campaign, CampaignDraft, Client, PageOptions, Pager};

const DESTINATION_DATA_TEMPLATE_ID: &str = "destination_data_template_id";

/// Filters of `GET /campaigns` and `GET /campaign-drafts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CampaignFilter {
    /// Only campaigns that use this destination data template (`ptg-…`).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub destination_data_template_id: Option<String>,
}

impl CampaignFilter {
    /// The query parameters this filter sets, by their wire names: the names
    /// [`from_params`](Self::from_params) takes.
    pub const PARAMS: &'static [&'static str] = &[DESTINATION_DATA_TEMPLATE_ID];

    /// Builds a filter from `(name, value)` query parameters named as in
    /// [`PARAMS`](Self::PARAMS); for a name given twice the last value wins.
    ///
    /// [`Error::InvalidArgument`] for a name this filter does not know.
    ///
    /// ```
    /// use amperity::CampaignFilter;
    /// let filter = CampaignFilter::from_params([("destination_data_template_id", "ptg-1")])?;
    /// assert_eq!(filter.destination_data_template_id.as_deref(), Some("ptg-1"));
    /// assert!(CampaignFilter::from_params([("colour", "blue")]).is_err());
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut filter = CampaignFilter::default();
        for (name, value) in params {
            match name {
                DESTINATION_DATA_TEMPLATE_ID => {
                    filter.destination_data_template_id = Some(value.to_owned())
                }
                _ => return Err(unknown_param("CampaignFilter", name, Self::PARAMS)),
            }
        }
        Ok(filter)
    }

    fn apply(self, call: Call) -> Call {
        call.param(
            DESTINATION_DATA_TEMPLATE_ID,
            self.destination_data_template_id.filter(|s| !s.is_empty()),
        )
    }
}

/// The error of a `from_params` for a name the filter does not know.
pub(super) fn unknown_param(filter: &str, name: &str, known: &[&str]) -> Error {
    Error::invalid_argument(format!(
        "{filter} takes no parameter {name:?}; it knows {}",
        known.join(", ")
    ))
}

impl Client {
    /// `GET /campaigns`.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{CampaignFilter, PageOptions};
    /// let first = client.list_campaigns(CampaignFilter::default(), PageOptions::limit(10)).next_page()?;
    /// assert_eq!(first.unwrap().items.len(), 10);
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_campaigns(&self, filter: CampaignFilter, page: PageOptions) -> Pager<Campaign> {
        let call = filter.apply(Call::get("list-campaign", "/campaigns"));
        Pager::new(self.inner.clone(), call, page)
    }

    /// `GET /campaign-drafts`; Amperity serves it only with `api_version("unstable")`.
    pub fn list_campaign_drafts(
        &self,
        filter: CampaignFilter,
        page: PageOptions,
    ) -> Pager<CampaignDraft> {
        let call = filter.apply(Call::get("list-campaign-draft", "/campaign-drafts"));
        Pager::new(self.inner.clone(), call, page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_to_the_query() {
        let pairs: Vec<(&str, &str)> = CampaignFilter::PARAMS.iter().map(|n| (*n, "x")).collect();
        let filter = CampaignFilter::from_params(pairs).unwrap();
        let call = filter.apply(Call::get("test", "/campaigns"));
        let sent: Vec<&str> = call.query.iter().map(|(n, _)| n.as_ref()).collect();
        assert_eq!(sent, CampaignFilter::PARAMS);
        let last = CampaignFilter::from_params([
            (DESTINATION_DATA_TEMPLATE_ID, "ptg-1"),
            (DESTINATION_DATA_TEMPLATE_ID, "ptg-2"),
        ])
        .unwrap();
        assert_eq!(last.destination_data_template_id.as_deref(), Some("ptg-2"));
        let error = CampaignFilter::from_params([("colour", "blue")]).unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
        assert!(error.to_string().contains(DESTINATION_DATA_TEMPLATE_ID));
    }
}
