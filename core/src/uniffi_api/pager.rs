//! The paginated lists: one pager object per item type (uniffi has no iterator type, so each
//! list is an object with `next_page()` that each language's thin layer wraps in its own
//! iterator protocol), and one line per list endpoint in [`lists!`] below.
//!
//! The Python, Kotlin and Swift resource classes are generated from these declarations (their
//! uniffi metadata: `bindings/generate.sh`), so a new paginated endpoint is a core method plus
//! one `pager!` block (for a new item type) and one `lists!` line here.

use super::client::Client;
use super::error::{AmperityError, Result};
use super::models::{workflow_json, JsonPage, JsonValue, PageOptions, Workflow, WorkflowJson};
use crate as core_api;
use crate::{
    AuditEvent, AuditEventFilter, Campaign, CampaignFilter, Profile, ProfileFilter, ProfileIndex,
    Segment, WorkflowRunFilter,
};
use std::sync::{Arc, Mutex, MutexGuard};

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The JSON form of a page's items: the core's serde form...
fn as_is<T>(items: &[T]) -> &[T] {
    items
}

/// ...with the computed fields of a mirrored record added (`Workflow.is_finished`).
fn workflows_json(items: &[core_api::Workflow]) -> Vec<WorkflowJson<'_>> {
    items.iter().map(workflow_json).collect()
}

macro_rules! pager {
    (
        $(#[$page_doc:meta])*
        page $page:ident;
        $(#[$pager_doc:meta])*
        pager $pager:ident;
        core $core_item:ty => $item:ty, $convert:expr;
        json $json:path;
    ) => {
        $(#[$page_doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $page {
            /// The records of this page.
            pub items: Vec<$item>,
            /// Cursor of the next page; `None` on the last page.
            pub next_token: Option<String>,
            /// Total number of records, when requested with `with_total`.
            pub total: Option<i64>,
        }

        $(#[$pager_doc])*
        #[derive(uniffi::Object)]
        pub struct $pager {
            inner: Mutex<core_api::Pager<$core_item>>,
        }

        impl $pager {
            pub(crate) fn new(pager: core_api::Pager<$core_item>) -> Arc<Self> {
                Arc::new(Self {
                    inner: Mutex::new(pager),
                })
            }
        }

        #[uniffi::export]
        impl $pager {
            /// Fetches the next page, or `None` once the list is exhausted. After an error the
            /// pager stays where it was: calling again retries the same page.
            pub fn next_page(&self) -> Result<Option<$page>> {
                let page = locked(&self.inner).next_page()?;
                Ok(page.map(|page| $page {
                    items: page.items.into_iter().map($convert).collect(),
                    next_token: page.next_token,
                    total: page.total,
                }))
            }

            /// Like `next_page`, with the items as one JSON array (see `JsonPage`).
            pub fn next_page_json(&self) -> Result<Option<JsonPage>> {
                let page = locked(&self.inner).next_page()?;
                page.map(|page| {
                    Ok(JsonPage {
                        items_json: serde_json::to_string(&$json(&page.items))
                            .map_err(AmperityError::serialisation)?,
                        next_token: page.next_token,
                        total: page.total,
                    })
                })
                .transpose()
            }

            /// The cursor of the next page to fetch: pass it as `PageOptions.cursor` to resume
            /// this walk later (after an error too). `None` at the very start or once the list
            /// is exhausted.
            pub fn resume_cursor(&self) -> Option<String> {
                locked(&self.inner).resume_cursor().map(str::to_owned)
            }

            /// The `total` reported by the server (when requested with `with_total`).
            pub fn total(&self) -> Option<i64> {
                locked(&self.inner).total()
            }

            /// True once the last page has been returned.
            pub fn is_done(&self) -> bool {
                locked(&self.inner).is_done()
            }
        }
    };
}

pager! {
    /// One page of segments.
    page SegmentPage;
    /// Walks the segment list one page at a time.
    pager SegmentPager;
    core core_api::Segment => Segment, Segment::from;
    json as_is;
}

pager! {
    /// One page of campaigns or campaign drafts.
    page CampaignPage;
    /// Walks the campaign or campaign-draft list one page at a time.
    pager CampaignPager;
    core core_api::Campaign => Campaign, Campaign::from;
    json as_is;
}

pager! {
    /// One page of audit events.
    page AuditEventPage;
    /// Walks the audit-event list one page at a time.
    pager AuditEventPager;
    core core_api::AuditEvent => AuditEvent, AuditEvent::from;
    json as_is;
}

pager! {
    /// One page of workflow runs.
    page WorkflowPage;
    /// Walks the workflow-run list one page at a time.
    pager WorkflowPager;
    core core_api::Workflow => Workflow, Workflow::from;
    json workflows_json;
}

pager! {
    /// One page of Profile API indexes.
    page ProfileIndexPage;
    /// Walks the Profile API index list one page at a time.
    pager ProfileIndexPager;
    core core_api::ProfileIndex => ProfileIndex, ProfileIndex::from;
    json as_is;
}

pager! {
    /// One page of the profiles of an index.
    page ProfilePage;
    /// Walks the profiles of an index one page at a time.
    pager ProfilePager;
    core core_api::Profile => Profile, Profile::from;
    json as_is;
}

pager! {
    /// One page of a raw paginated endpoint: each item is arbitrary JSON.
    page RawPage;
    /// Walks any `{data, next_token, total}` endpoint one page at a time.
    pager RawPager;
    core serde_json::Value => JsonValue, std::convert::identity;
    json as_is;
}

/// The list endpoints of [`Client`]: `fn list_<resource>(path <id>, ..., filter <Filter>)`
/// becomes `Client::list_<resource>(<id>: String, ..., filter, page: PageOptions)`, calling the
/// core method of the same name and lazily returning its pager. The generators read these names: `list_segments` becomes
/// `client.segments.list(...)` in Python, Kotlin and Swift; the path ids become required
/// parameters and the filter's fields optional ones.
macro_rules! lists {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($(path $id:ident,)* $(filter $filter:ty)?) -> $pager:ident;
    )*) => {
        #[uniffi::export]
        impl Client {
            $(
                $(#[$doc])*
                pub fn $name(
                    &self,
                    $($id: String,)*
                    $(filter: $filter,)?
                    page: PageOptions,
                ) -> Result<Arc<$pager>> {
                    let page = page.to_core()?;
                    Ok($pager::new(self.inner.$name($(&$id,)* $(lists!(@pass filter: $filter),)? page)))
                }
            )*
        }
    };
    // Names the filter argument (a repetition needs a fragment of its own to expand over).
    (@pass $value:ident: $filter:ty) => {
        $value
    };
}

lists! {
    /// Lists segments lazily (`GET /segments`).
    fn list_segments() -> SegmentPager;
    /// Lists campaigns lazily (`GET /campaigns`).
    fn list_campaigns(filter CampaignFilter) -> CampaignPager;
    /// Lists campaign drafts lazily (`GET /campaign-drafts`; needs api-version `unstable`).
    fn list_campaign_drafts(filter CampaignFilter) -> CampaignPager;
    /// Lists audit events lazily (`GET /audit-events`; at most 1000 per page).
    fn list_audit_events(filter AuditEventFilter) -> AuditEventPager;
    /// Lists workflow runs lazily (`GET /workflow/runs`), newest first.
    fn list_workflow_runs(filter WorkflowRunFilter) -> WorkflowPager;
    /// Lists the Profile API indexes of the tenant lazily (`GET /indexes`; 25 per page unless
    /// `limit` says otherwise).
    fn list_indexes() -> ProfileIndexPager;
    /// Lists the profiles of an index that meet every condition of the filter, lazily
    /// (`GET /indexes/{id}/profiles` with `filter[<attribute>]=<value>`; exact matches, 25 per
    /// page unless `limit` says otherwise).
    fn list_profiles(path index_id, filter ProfileFilter) -> ProfilePager;
}
