//! A client for the [Amperity](https://amperity.com) API.
//!
//! Every control-plane operation and the Profile API, typed, with the parts a hand-written HTTP
//! call gets wrong done once: configuration checked up front, static or OAuth2 client-credential
//! tokens (cached, refreshed once on 401), the required headers, typed errors carrying
//! `request_id`/`trace_id`, lazy cursor pagination that never loops, retries with capped
//! exponential backoff and full jitter (never blind retries of `POST /workflow/runs`), and
//! client-side rate limiters (one per API). Streaming Ingest, with its own credential, has its
//! own client, [`StreamClient`], and a sender for volume, [`EventSender`].
//!
//! The client is blocking and thread-safe; share one per tenant.
//!
//! ```
//! use amperity::{Client, PageOptions, WaitOptions, WorkflowRunRequest};
//! # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
//! # let secret = "mock-secret";
//!
//! let client = Client::builder("acme")
//! #   .base_url(server.base_url())
//! #   .rate_limit(None)
//!     .client_credentials("mock-client", secret)
//!     .build()?;
//!
//! // Every segment, 100 per request, one page in memory at a time.
//! for segment in client.list_segments(PageOptions::limit(100)).items() {
//!     println!("{}", segment?.name);
//! }
//!
//! // Start a courier group and wait for it.
//! let run = client.run_workflow(&WorkflowRunRequest::new("cg-123"))?;
//! # let wait = WaitOptions { poll_interval: std::time::Duration::from_millis(100), ..WaitOptions::default() };
//! let done = client.wait_for_workflow_run(&run.id, &wait)?;
//! println!("{} ended {}", done.id, done.state);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The uniffi scaffolding (feature `uniffi`) needs `unsafe` for its exported C symbols; without
// the feature the crate has none.
#![cfg_attr(not(feature = "uniffi"), forbid(unsafe_code))]
#![warn(missing_docs)]

mod api;
mod auth;
mod cancel;
mod cancel_token;
mod client;
mod config;
mod connect;
mod env;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod hook;
mod interrupt;
mod models;
mod pagination;
mod proxy;
mod rate_limit;
mod resolve;
mod retry;
mod spelling;
mod stream;
mod time;
mod transport;
#[cfg(feature = "uniffi")]
pub mod uniffi_api;

// The foreign-language surface lives in this crate (not in the FFI crate) so that the models and
// enums derive their uniffi traits where they are defined: one namespace, one crate, no mirrors.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("amperity");

pub use api::{
    AttributeMatch, AuditEventFilter, CampaignFilter, IngestJobQuery, ProfileFilter, RawMethod,
    RawRequest, RawResponse, WaitOptions, WaitProgress, WorkflowRunFilter, MAX_MISSED_POLLS,
};
pub use auth::Secret;
pub use cancel_token::CancelToken;
pub use client::Client;
pub use config::{
    ClientBuilder, Credentials, Region, DEFAULT_API_VERSION, DEFAULT_PROFILE_API_VERSION,
    DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND, DEFAULT_RATE_LIMIT_PER_SECOND,
};
pub use env::{EnvSettings, ENV_VARIABLES};
pub use error::{ApiError, ApiErrorKind, Error, Result, TransportKind};
pub use hook::RequestInfo;
pub use models::*;
pub use pagination::{Items, Page, PageOptions, Pager, Pages};
pub use retry::RetryPolicy;
pub use spelling::{respell, Spelling};
pub use stream::{
    DeliveryReport, EventSender, FailedDelivery, PayloadFormat, SendError, SenderOptions,
    StreamClient, StreamClientBuilder, DEFAULT_SENDER_MAX_RETRIES, DEFAULT_SENDER_QUEUE_CAPACITY,
    DEFAULT_SENDER_WORKERS, DEFAULT_STREAM_RATE_LIMIT_PER_SECOND, MAX_STREAM_PAYLOAD_BYTES,
};
pub use time::{Timestamp, TimestampError};
pub use transport::DeprecationNotice;

/// The `log` target of the one warning per deprecated operation (the rest of the crate logs under
/// its module paths, `amperity::…`).
pub const DEPRECATION_LOG_TARGET: &str = "amperity::deprecation";

/// The version of this crate, sent in the `User-Agent` header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
