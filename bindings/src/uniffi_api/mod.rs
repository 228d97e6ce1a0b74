//! uniffi surface for Python, Kotlin and Swift.
//!
//! Thin conversions over the core only: a [`Client`] object built from a [`ClientConfig`]
//! record, pager objects for the lists (uniffi has no iterator type; each language's layer
//! wraps `next_page()` in its own iterator protocol), records for every model with times as
//! `SystemTime`, and one flat [`AmperityError`] enum carrying the HTTP details.
//!
//! Only signed integers cross the boundary (unsigned types become `UInt`/`ULong` in Kotlin,
//! which Java callers see as mangled accessors), and no error field is named `message` (it
//! clashes with `Throwable.message` in Kotlin).
//!
//! Every list pager also has `next_page_json()`, and every model-returning call a `*_json`
//! twin: the same data as one JSON string, which Python parses with `json.loads` far faster
//! than uniffi's interpreted field-by-field record lifting.
//!
//! C API (amperity_* symbols): see include/amperity.h.

mod client;
mod config;
mod error;
mod models;
mod pager;

pub use client::Client;
pub use config::{ClientConfig, Region};
pub use error::{AmperityError, ApiErrorKind, TransportKind};
pub use models::{
    run_state_is_terminal, run_state_name, run_state_parse, AuditEvent, AuditEventFilter, Campaign,
    CampaignFilter, DeprecationNotice, IngestFeed, IngestFile, IngestJob, IngestJobList,
    IngestJobQuery, JsonPage, JsonValue, PageOptions, QueryParam, RawMethod, RawRequest,
    RawResponse, RunMode, RunState, Segment, WaitOptions, Workflow, WorkflowError,
    WorkflowRunFilter, WorkflowRunRequest, WorkflowTaskInstance, WorkflowView,
};
pub use pager::{
    AuditEventPage, AuditEventPager, CampaignPage, CampaignPager, RawPage, RawPager, SegmentPage,
    SegmentPager, WorkflowPage, WorkflowPager,
};
