//! The endpoints, grouped by resource; each is a few lines on top of [`Call`](crate::client::Call).

mod audit_events;
mod campaigns;
mod ingest;
mod profile;
mod raw;
mod segments;
mod workflows;

pub use audit_events::AuditEventFilter;
pub use campaigns::CampaignFilter;
pub use ingest::IngestJobQuery;
pub use profile::{AttributeMatch, ProfileFilter};
pub use raw::{RawMethod, RawRequest, RawResponse};
pub use workflows::{WaitOptions, WaitProgress, WorkflowRunFilter, MAX_MISSED_POLLS};
