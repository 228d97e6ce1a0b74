//! Campaigns: `GET /campaigns` and `GET /campaign-drafts`.

use super::client::amperity_client;
use super::error::amperity_result;
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{ListFilter, PagedRecord, PagerOps};
use super::object::{amperity_object_kind, CModel, TypedText};
use amperity_core::{Campaign, CampaignDraft, CampaignFilter};

impl CModel for Campaign {
    const KIND: amperity_object_kind = amperity_object_kind::Campaign;
    const TEXT: &'static [TypedText<Self>] = &[
        TypedText::id("id", |c| Some(&c.id)),
        TypedText::name("name", |c| Some(&c.name)),
    ];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl PagedRecord for Campaign {
    const PAGER: PagerOps<Self> = pager_ops!();
}

/// A record of `GET /campaign-drafts`: the core's `CampaignDraft` is a `Campaign`, the C API
/// gives it its own kind.
#[derive(Debug)]
pub(crate) struct Draft(CampaignDraft);

impl From<CampaignDraft> for Draft {
    fn from(draft: CampaignDraft) -> Self {
        Draft(draft)
    }
}

impl CModel for Draft {
    const KIND: amperity_object_kind = amperity_object_kind::CampaignDraft;
    const TEXT: &'static [TypedText<Self>] = &[
        TypedText::id("id", |d| Some(&d.0.id)),
        TypedText::name("name", |d| Some(&d.0.name)),
    ];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(&self.0)
    }
}

impl ListFilter for CampaignFilter {
    const NAMES: Option<&'static [&'static str]> = Some(CampaignFilter::PARAMS);

    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        CampaignFilter::from_params(filters.iter().copied())
    }
}

/// `GET /campaigns`: an iterator over campaigns (kind `AMPERITY_OBJECT_KIND_CAMPAIGN`); filter
/// `destination_data_template_id` (another gives `AMPERITY_RESULT_INVALID_ARGUMENT`). `options` may
/// be NULL for the defaults. No request is sent until the first `amperity_iter_next` or
/// `amperity_iter_next_page`. The caller frees `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_campaigns(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_campaigns",
        client,
        options,
        out_iter,
        |client, filter, page| {
            Ok(ObjectPages::new::<Campaign, _>(
                client.list_campaigns(filter, page),
            ))
        },
    )
}

/// `GET /campaign-drafts`: an iterator over campaign drafts (kind
/// `AMPERITY_OBJECT_KIND_CAMPAIGN_DRAFT`); Amperity serves it only with api-version `unstable`.
/// Filter `destination_data_template_id` (another gives `AMPERITY_RESULT_INVALID_ARGUMENT`).
/// `options` may be NULL for the defaults. No request is sent until the first `amperity_iter_next`
/// or `amperity_iter_next_page`. The caller frees `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_campaign_drafts(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_campaign_drafts",
        client,
        options,
        out_iter,
        |client, filter, page| {
            Ok(ObjectPages::new::<Draft, _>(
                client.list_campaign_drafts(filter, page),
            ))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_api::iter::tests::documented_filters;

    #[test]
    fn the_header_names_the_core_filters() {
        let names: Vec<String> = CampaignFilter::PARAMS
            .iter()
            .map(|n| n.to_string())
            .collect();
        for list_fn in ["amperity_list_campaigns", "amperity_list_campaign_drafts"] {
            assert_eq!(
                documented_filters(list_fn),
                Some(names.clone()),
                "{list_fn}"
            );
        }
    }
}
