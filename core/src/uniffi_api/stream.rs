//! Streaming Ingest for the foreign languages: a `StreamClient` object built from a
//! `StreamConfig` record, single sends, and the `EventSender` for volume.

use super::config::millis;
use super::error::{AmperityError, Result};
use crate as core_api;
use crate::{PayloadFormat, RetryPolicy, SendError};
use std::sync::Arc;

/// Everything a [`StreamClient`] is built from. Unset optional fields take the core's defaults
/// (10 s connect timeout, 60 s request timeout, the default retry policy).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamConfig {
    /// The tenant id, sent as `X-Amperity-Tenant`.
    pub tenant: String,
    /// The Streaming Ingest token (of a Streaming Ingest Write Access key), not the API token.
    pub token: String,
    /// Base URL, `https://{tenant}.amperity.com` when unset; `http://` only for loopback hosts.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Time allowed to open a connection, in milliseconds.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<i64>,
    /// Time allowed for one attempt of a request, in milliseconds.
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<i64>,
    /// Total attempts of a single send, the first included (1 disables retries).
    #[uniffi(default = None)]
    pub max_attempts: Option<i32>,
    /// Client-side rate limit in requests per second shared by every sender of the client:
    /// 1000 (the documented limit) by default, `None` turns it off.
    // A literal (uniffi needs one): `default_stream_rate_limit_matches_the_core` checks it.
    #[uniffi(default = Some(1000.0))]
    pub rate_limit_per_second: Option<f64>,
    /// Extra trusted root certificates (PEM) on top of the bundled Mozilla roots.
    #[uniffi(default = [])]
    pub extra_root_certs_pem: Vec<String>,
    /// A PEM file of extra trusted root certificates, read when the client is built.
    #[uniffi(default = None)]
    pub ca_file: Option<String>,
    /// Verify servers with the operating system's trust store instead of the bundled roots.
    #[uniffi(default = false)]
    pub platform_verifier: bool,
    /// Proxy URL; the `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` environment applies when unset.
    #[uniffi(default = None)]
    pub proxy: Option<String>,
    /// Product token appended to the `User-Agent` (each language layer sets its own).
    #[uniffi(default = None)]
    pub user_agent_suffix: Option<String>,
}

impl StreamConfig {
    fn into_builder(self) -> Result<core_api::StreamClientBuilder> {
        let mut builder = core_api::StreamClient::builder(self.tenant)
            .token(self.token)
            .rate_limit(self.rate_limit_per_second)
            .platform_verifier(self.platform_verifier);
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(ms) = self.connect_timeout_ms {
            builder = builder.connect_timeout(millis(ms, "connect_timeout_ms")?);
        }
        if let Some(ms) = self.request_timeout_ms {
            builder = builder.request_timeout(millis(ms, "request_timeout_ms")?);
        }
        if let Some(attempts) = self.max_attempts {
            let max_attempts = u32::try_from(attempts).map_err(|_| {
                AmperityError::config(format!("max_attempts must be at least 1, got {attempts}"))
            })?;
            builder = builder.retry_policy(RetryPolicy {
                max_attempts,
                ..RetryPolicy::default()
            });
        }
        for pem in self.extra_root_certs_pem {
            builder = builder.add_root_certificate_pem(pem);
        }
        if let Some(path) = self.ca_file {
            builder = builder.ca_file(path);
        }
        if let Some(proxy) = self.proxy {
            builder = builder.proxy(proxy);
        }
        if let Some(suffix) = self.user_agent_suffix {
            builder = builder.user_agent_suffix(suffix);
        }
        Ok(builder)
    }
}

/// Settings of an [`EventSender`]. A mirror of the core's `SenderOptions`: sizes cross as signed
/// integers (unsigned ones become `UInt`/`ULong` in Kotlin).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SenderOptions {
    /// The payload format of every event (a stream takes one; JSON when unset).
    #[uniffi(default = None)]
    pub format: Option<PayloadFormat>,
    /// Events queued before `send` blocks and `try_send` fails with `QueueFull` (default 1000).
    #[uniffi(default = None)]
    pub queue_capacity: Option<i32>,
    /// Worker threads delivering events, 1 to 256 (default 8).
    #[uniffi(default = None)]
    pub workers: Option<i32>,
    /// An extra cap for this sender in requests per second (the client's shared limit applies
    /// too).
    #[uniffi(default = None)]
    pub rate_limit_per_second: Option<f64>,
    /// Retries of an event after its first attempt, at most 99 (default 4).
    #[uniffi(default = None)]
    pub max_retries: Option<i32>,
}

impl SenderOptions {
    fn to_core(&self) -> Result<core_api::SenderOptions> {
        let mut options = core_api::SenderOptions {
            format: self.format.unwrap_or_default(),
            rate_limit: self.rate_limit_per_second,
            ..core_api::SenderOptions::default()
        };
        let count = |value: i32, what: &str| {
            usize::try_from(value).map_err(|_| {
                AmperityError::invalid_argument(format!("{what} must not be negative, got {value}"))
            })
        };
        if let Some(capacity) = self.queue_capacity {
            options.queue_capacity = count(capacity, "queue_capacity")?;
        }
        if let Some(workers) = self.workers {
            options.workers = count(workers, "workers")?;
        }
        if let Some(retries) = self.max_retries {
            options.max_retries = u32::try_from(count(retries, "max_retries")?).unwrap_or(u32::MAX);
        }
        Ok(options)
    }
}

/// An event that could not be delivered, with its last error and payload.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FailedDelivery {
    /// Its sequence number, as `send` returned it.
    pub sequence: i64,
    /// The last error (its `attempts` say how many were made).
    pub error: AmperityError,
    /// The event, to send again or keep elsewhere.
    pub payload: String,
}

/// What a sender delivered since its previous report (reports are incremental: every event is
/// in exactly one, as accepted or failed).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeliveryReport {
    /// Events the service accepted (202).
    pub accepted: i64,
    /// Events that failed for good, in the order they failed.
    pub failed: Vec<FailedDelivery>,
    /// Retry attempts made over all events of the report.
    pub retried: i64,
}

impl From<core_api::DeliveryReport> for DeliveryReport {
    fn from(report: core_api::DeliveryReport) -> Self {
        DeliveryReport {
            accepted: i64::try_from(report.accepted).unwrap_or(i64::MAX),
            retried: i64::try_from(report.retried).unwrap_or(i64::MAX),
            failed: report
                .failed
                .into_iter()
                .map(|failed| FailedDelivery {
                    sequence: i64::try_from(failed.sequence).unwrap_or(i64::MAX),
                    error: failed.error.into(),
                    payload: failed.payload,
                })
                .collect(),
        }
    }
}

impl From<SendError> for AmperityError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Refused(error) => error.into(),
            SendError::QueueFull { capacity } => AmperityError::QueueFull {
                capacity: i64::try_from(capacity).unwrap_or(i64::MAX),
            },
            SendError::Closed => AmperityError::SenderClosed {},
        }
    }
}

/// A client of the Streaming Ingest API (`POST /stream/v0/data/{stream-id}` on the tenant's
/// host) with its own token: blocking, thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct StreamClient {
    pub(super) inner: core_api::StreamClient,
}

#[uniffi::export]
impl StreamClient {
    /// Validates `config` and creates the client (no request is sent).
    #[uniffi::constructor]
    pub fn new(config: StreamConfig) -> Result<Arc<Self>> {
        let inner = config.into_builder()?.build()?;
        Ok(Arc::new(StreamClient { inner }))
    }

    /// Sends one JSON object (202 is success; retried on 429 and 5xx). Refused locally, without
    /// a request: over 1 MB, empty, or anything but exactly one JSON object (NDJSON included).
    pub fn send_json(&self, stream_id: String, event: String) -> Result<()> {
        Ok(self.inner.send_json(&stream_id, &event)?)
    }

    /// Sends one XML document (not validated locally, as the service does not either).
    pub fn send_xml(&self, stream_id: String, event: String) -> Result<()> {
        Ok(self.inner.send_xml(&stream_id, &event)?)
    }

    /// A sender for volume to `stream_id`: a bounded queue and worker threads.
    pub fn sender(&self, stream_id: String, options: SenderOptions) -> Result<Arc<EventSender>> {
        let sender = self.inner.sender(&stream_id, options.to_core()?)?;
        Ok(Arc::new(EventSender { inner: sender }))
    }

    /// Cancels every call in progress on this client (single sends and senders' requests).
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// The base URL, e.g. `https://acme.amperity.com`.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}

/// Delivers events to one stream from a bounded queue with worker threads; thread-safe.
/// `close()` delivers everything still queued; dropping the object closes it too.
#[derive(Debug, uniffi::Object)]
pub struct EventSender {
    inner: core_api::EventSender,
}

#[uniffi::export]
impl EventSender {
    /// Queues an event and returns its sequence number, waiting while the queue is full.
    /// Refused locally (invalid event) or `SenderClosed` after `close()`.
    pub fn send(&self, event: String) -> Result<i64> {
        let sequence = self.inner.send(&event)?;
        Ok(i64::try_from(sequence).unwrap_or(i64::MAX))
    }

    /// Like `send`, failing with `QueueFull` instead of waiting.
    pub fn try_send(&self, event: String) -> Result<i64> {
        let sequence = self.inner.try_send(&event)?;
        Ok(i64::try_from(sequence).unwrap_or(i64::MAX))
    }

    /// Waits until every event queued so far is delivered or failed, and reports them.
    pub fn flush(&self) -> DeliveryReport {
        self.inner.flush().into()
    }

    /// Stops taking events, delivers everything still queued, stops the workers and reports.
    pub fn close(&self) -> DeliveryReport {
        self.inner.close().into()
    }

    /// Events queued or in flight.
    pub fn pending(&self) -> i64 {
        i64::try_from(self.inner.pending()).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_stream_rate_limit_matches_the_core() {
        let source = include_str!("stream.rs");
        let literal = format!(
            "#[uniffi(default = Some({:?}))]\n    pub rate_limit_per_second:",
            crate::DEFAULT_STREAM_RATE_LIMIT_PER_SECOND
        );
        assert!(source.contains(&literal), "expected {literal} in stream.rs");
    }
}
