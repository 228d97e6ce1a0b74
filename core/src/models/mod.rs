//! Typed models of every resource the API returns, one file per resource.
//!
//! Every model accepts fields it does not know (Amperity adds fields without notice) and treats
//! fields the sources disagree on as optional. State-like strings are open enums that keep any
//! value they do not know.

mod audit;
mod campaign;
mod ingest;
mod segment;
mod state;
mod workflow;

pub use audit::AuditEvent;
pub use campaign::{Campaign, CampaignDraft};
pub use ingest::{IngestFeed, IngestFile, IngestJob, IngestJobList};
pub use segment::Segment;
pub use state::RunState;
pub use workflow::{
    RunMode, Workflow, WorkflowError, WorkflowRunRequest, WorkflowTaskInstance, WorkflowView,
};
