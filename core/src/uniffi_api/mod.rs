//! The uniffi surface for Python, Kotlin and Swift (feature `uniffi`).
//!
//! The models, filters and enums are the core's own types, which derive their uniffi traits
//! where they are defined (times cross as the custom type `Timestamp`, free-form JSON as
//! `JsonValue`). This module adds only what the foreign languages need on top: a [`Client`]
//! object built from a [`ClientConfig`] record, pager objects for the lists (uniffi has no
//! iterator type; each language's layer wraps `next_page()` in its own iterator protocol), the
//! few records whose shape must differ (see `models.rs`, each with its reason), and one flat
//! [`AmperityError`] enum carrying the HTTP details.
//!
//! Only signed integers cross the boundary (unsigned types become `UInt`/`ULong` in Kotlin,
//! which Java callers see as mangled accessors), and no error field is named `message` (it
//! clashes with `Throwable.message` in Kotlin).
//!
//! Every list pager also has `next_page_json()`, and every model-returning call a `*_json`
//! twin: the same data as one JSON string, which Python parses with `json.loads` far faster
//! than uniffi's interpreted field-by-field record lifting.

// The errors cross the boundary by value (uniffi lowers them into a buffer), so the size of the
// variants that carry a `Workflow` costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

mod cancel;
mod client;
mod config;
mod error;
pub mod logging;
mod models;
mod pager;
mod stream;

pub use cancel::CancelToken;
pub use client::Client;
pub use config::ClientConfig;
pub use error::AmperityError;
pub use logging::{set_log_sink, LogLevel, LogSink};
pub use models::{
    run_state_is_terminal, run_state_name, run_state_parse, JsonPage, JsonValue, PageOptions,
    QueryParam, RawRequest, RawResponse, RequestHook, RequestInfo, WaitJsonObserver, WaitObserver,
    WaitOptions, WaitProgress, Workflow,
};
pub use pager::*;
pub use stream::{
    DeliveryReport, EventSender, FailedDelivery, SenderOptions, StreamClient, StreamConfig,
};
