use crate::client::Call;
use crate::{Campaign, CampaignDraft, Client, PageOptions, Pager};

/// Filters of `GET /campaigns` and `GET /campaign-drafts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CampaignFilter {
    /// Only campaigns that use this destination data template (`ptg-…`).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub destination_data_template_id: Option<String>,
}

impl CampaignFilter {
    fn apply(self, call: Call) -> Call {
        call.param(
            "destination_data_template_id",
            self.destination_data_template_id.filter(|s| !s.is_empty()),
        )
    }
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
