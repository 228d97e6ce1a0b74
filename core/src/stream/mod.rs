//! Streaming Ingest: events posted one per request to `POST /stream/v0/data/{stream-id}` on the
//! tenant's own host, with a Streaming Ingest token, for one-off sends ([`StreamClient`]) and
//! for volume ([`EventSender`]).

mod sender;

pub use sender::{
    DeliveryReport, EventSender, FailedDelivery, SendError, SenderOptions,
    DEFAULT_SENDER_MAX_RETRIES, DEFAULT_SENDER_QUEUE_CAPACITY, DEFAULT_SENDER_WORKERS,
};

use crate::auth::Secret;
use crate::client::path_with_id;
use crate::config::{check_header_value, ClientBuilder, Config, Credentials};
use crate::error::{Error, Result};
use crate::rate_limit::RateLimiter;
use crate::retry::{RetryClass, RetryPolicy};
use crate::transport::{HttpRequest, Method, Transport};
use serde::de::IgnoredAny;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The largest event the Streaming API takes, in bytes of the request body: its documented
/// 1 MB, read as 1 000 000 bytes (larger events are refused locally, before anything is sent;
/// the service answers 413).
pub const MAX_STREAM_PAYLOAD_BYTES: usize = 1_000_000;

/// The default client-side rate limit of a [`StreamClient`], in requests per second: the
/// Streaming API's documented limit (each sandbox has its own).
pub const DEFAULT_STREAM_RATE_LIMIT_PER_SECOND: f64 = 1000.0;

/// The operation name of a Streaming Ingest request (in errors and the request hook).
const OPERATION: &str = "stream-ingest";

/// The payload type of a stream; each stream takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PayloadFormat {
    /// `application/json`: exactly one JSON object per event (NDJSON is not accepted).
    #[default]
    Json,
    /// `application/xml`, e.g. `<records><record>…</record></records>`; Amperity does not
    /// validate XML when it accepts it, so neither does this client.
    Xml,
}

impl PayloadFormat {
    /// The `Content-Type` of the requests.
    pub fn content_type(self) -> &'static str {
        match self {
            PayloadFormat::Json => "application/json",
            PayloadFormat::Xml => "application/xml",
        }
    }
}

/// Refuses, with [`Error::InvalidArgument`], an event the Streaming API would refuse: larger
/// than [`MAX_STREAM_PAYLOAD_BYTES`], empty, or (JSON) anything but exactly one JSON object.
/// The messages never quote the event.
pub(crate) fn check_event(format: PayloadFormat, event: &str) -> Result<()> {
    if event.len() > MAX_STREAM_PAYLOAD_BYTES {
        return Err(Error::invalid_argument(format!(
            "the event is {} bytes; the Streaming API takes at most {MAX_STREAM_PAYLOAD_BYTES} bytes (1 MB) per request",
            event.len()
        )));
    }
    if event.trim().is_empty() {
        return Err(Error::invalid_argument("the event is empty"));
    }
    if format == PayloadFormat::Json {
        check_one_json_object(event)?;
    }
    Ok(())
}

fn check_one_json_object(event: &str) -> Result<()> {
    let mut values = serde_json::Deserializer::from_str(event).into_iter::<IgnoredAny>();
    if let Some(Err(error)) = values.next() {
        return Err(Error::invalid_argument(format!(
            "the event is not valid JSON: {error}"
        )));
    }
    if values.next().is_some() {
        return Err(Error::invalid_argument(
            "the event holds more than one JSON value (NDJSON is not accepted): send one JSON object per event",
        ));
    }
    match event.trim_start().as_bytes().first() {
        Some(b'{') => Ok(()),
        Some(b'[') => Err(Error::invalid_argument(
            "the event is a JSON array: send one JSON object per event",
        )),
        _ => Err(Error::invalid_argument(
            "the event is a JSON value but not an object: send one JSON object per event",
        )),
    }
}

/// A client of the Streaming Ingest API for one tenant, with its own credential (the token of
/// a Streaming Ingest Write Access key, which covers every stream of the tenant).
///
/// Each request carries `Authorization: Bearer …`, `X-Amperity-Tenant: {tenant}` (this API's
/// header; the control plane's `Amperity-Tenant` is not read) and the event's `Content-Type`;
/// no `api-version`. A 202 is success. Failures are retried with capped exponential backoff and
/// full jitter (429, 500, 502, 503, 504 and network failures; `Retry-After` honoured), never
/// 400, 401 or 413. Delivery is at least once: the API has no idempotency key, so a retry after
/// a timeout or a connection cut after the service took the event delivers it twice. All
/// requests of one client, its [`EventSender`]s' included, share one rate limiter (default 1000
/// requests/s, the documented limit).
///
/// Cheap to clone (clones share the connection pool and the rate limiter) and safe to use from
/// many threads at once.
///
/// ```
/// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
/// use amperity::StreamClient;
///
/// let streams = StreamClient::builder("acme")
/// #   .base_url(server.origin())
///     .token("mock-stream-token")
///     .build()?;
/// streams.send_json("is-AbCDefGH", r#"{"order_id": "o-1", "total": 12.5}"#)?;
///
/// // Refused locally, before anything is sent: NDJSON, arrays, over 1 MB.
/// assert!(streams.send_json("is-AbCDefGH", "{\"a\":1}\n{\"a\":2}").is_err());
/// # assert_eq!(server.stream_events("is-AbCDefGH").accepted, 1);
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Clone)]
pub struct StreamClient {
    inner: Arc<StreamInner>,
}

pub(crate) struct StreamInner {
    config: Config,
    token: Secret,
    transport: Transport,
    limiter: Option<RateLimiter>,
}

impl std::fmt::Debug for StreamClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("StreamClient")
            .field("tenant", &c.tenant)
            .field("base_url", &c.base_url)
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

impl StreamClient {
    /// Starts configuring a Streaming Ingest client for `tenant` (a sandbox is just another
    /// tenant id, with its own rate budget).
    pub fn builder(tenant: impl Into<String>) -> StreamClientBuilder {
        StreamClientBuilder::new(tenant)
    }

    /// `POST /stream/v0/data/{stream-id}` with one JSON object as `application/json`.
    ///
    /// Refused with [`Error::InvalidArgument`], without a request, when `event` is larger than
    /// [`MAX_STREAM_PAYLOAD_BYTES`], empty, invalid JSON, or not exactly one JSON object
    /// (NDJSON, several values, an array, a scalar), or when `stream_id` is empty.
    pub fn send_json(&self, stream_id: &str, event: &str) -> Result<()> {
        self.send(stream_id, PayloadFormat::Json, event)
    }

    /// `POST /stream/v0/data/{stream-id}` with an XML document as `application/xml`.
    ///
    /// Refused with [`Error::InvalidArgument`], without a request, when `event` is larger than
    /// [`MAX_STREAM_PAYLOAD_BYTES`] or empty, or when `stream_id` is empty. The XML itself is
    /// not checked: Amperity accepts it unparsed (a 202 does not promise it parses).
    pub fn send_xml(&self, stream_id: &str, event: &str) -> Result<()> {
        self.send(stream_id, PayloadFormat::Xml, event)
    }

    fn send(&self, stream_id: &str, format: PayloadFormat, event: &str) -> Result<()> {
        let url = self.inner.url(stream_id)?;
        check_event(format, event)?;
        let policy = &self.inner.config.retry;
        self.inner
            .deliver(&url, format, event.as_bytes(), policy, None)
            .0
    }

    /// A sender for volume on `stream_id`: a bounded queue drained by worker threads (see
    /// [`EventSender`] and [`SenderOptions`]).
    ///
    /// [`Error::InvalidArgument`] for an empty stream id or options out of range (no workers, no
    /// queue, a rate limit that is not a positive number, more than 99 retries), or when the
    /// worker threads cannot be started.
    pub fn sender(&self, stream_id: &str, options: SenderOptions) -> Result<EventSender> {
        let url = self.inner.url(stream_id)?;
        EventSender::start(Arc::clone(&self.inner), stream_id, url, options)
    }

    /// Cancels every request in progress on this client and its senders, from any thread: each
    /// ends with [`Error::Cancelled`] promptly (a sender reports its events as failed). Requests
    /// started afterwards run normally.
    pub fn cancel(&self) {
        self.inner.transport.cancel();
    }

    /// The tenant id this client sends in `X-Amperity-Tenant`.
    pub fn tenant(&self) -> &str {
        &self.inner.config.tenant
    }

    /// The base URL, e.g. `https://acme.amperity.com` (requests go to
    /// `{base_url}/stream/v0/data/{stream-id}`).
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &str {
        &self.inner.config.user_agent
    }
}

impl StreamInner {
    /// The request URL of a stream; refuses an empty id.
    fn url(&self, stream_id: &str) -> Result<String> {
        let path = path_with_id("/stream/v0/data", stream_id, "", "stream id")?;
        Ok(format!("{}{path}", self.config.base_url))
    }

    /// Posts one event with retries under `policy`, pacing every attempt with the client's rate
    /// limiter (and `extra_limiter`, a sender's own); returns the result with the number of
    /// attempts made.
    fn deliver(
        &self,
        url: &str,
        format: PayloadFormat,
        event: &[u8],
        policy: &RetryPolicy,
        extra_limiter: Option<&RateLimiter>,
    ) -> (Result<()>, u32) {
        let mut attempts = 0;
        let result =
            self.transport
                .retrying_with(policy, OPERATION, RetryClass::Idempotent, || {
                    attempts += 1;
                    let wait = [self.limiter.as_ref(), extra_limiter]
                        .into_iter()
                        .flatten()
                        .map(RateLimiter::reserve)
                        .max()
                        .unwrap_or_default();
                    self.transport.sleep(wait, OPERATION)?;
                    let authorization = format!("Bearer {}", self.token.expose());
                    let headers = [
                        ("Authorization", authorization.as_str()),
                        ("X-Amperity-Tenant", self.config.tenant.as_str()),
                    ];
                    let request = HttpRequest {
                        operation: OPERATION,
                        method: Method::Post,
                        url,
                        headers: &headers,
                        body: Some((format.content_type(), event)),
                    };
                    self.transport.send_once(&request).map(|_| ())
                });
        (result, attempts)
    }
}

/// Builds a [`StreamClient`]; every setting is checked by [`build`](Self::build), in any order.
/// The transport settings (timeouts, proxy, trust, user agent, retries, request hook) mean what
/// they mean on [`ClientBuilder`].
///
/// ```
/// use amperity::{Error, StreamClient};
/// use std::time::Duration;
///
/// let streams = StreamClient::builder("acme-sb-12345")
///     .token("streaming-token")
///     .request_timeout(Duration::from_secs(10))
///     .rate_limit(Some(500.0))
///     .build()?;
/// assert_eq!(streams.base_url(), "https://acme-sb-12345.amperity.com");
///
/// let refused = StreamClient::builder("acme").build();
/// assert!(matches!(refused, Err(Error::Config { .. })));
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct StreamClientBuilder {
    tenant: String,
    base_url: Option<String>,
    token: Option<Secret>,
    /// The shared settings, validated by the control-plane builder's own checks.
    transport: ClientBuilder,
}

impl StreamClientBuilder {
    fn new(tenant: impl Into<String>) -> Self {
        let tenant = tenant.into();
        StreamClientBuilder {
            transport: ClientBuilder::new(tenant.clone())
                .rate_limit(Some(DEFAULT_STREAM_RATE_LIMIT_PER_SECOND)),
            tenant,
            base_url: None,
            token: None,
        }
    }

    /// The Streaming Ingest token (of a Streaming Ingest Write Access key); required.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Overrides the base URL, `https://{tenant}.amperity.com` by default (the Streaming API
    /// always lives on the tenant's host, on AWS too). `http://` only for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// Time allowed for one attempt of a request (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.request_timeout(timeout);
        self
    }

    /// Appends a product token to the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.transport = self.transport.user_agent_suffix(suffix);
        self
    }

    /// The retry policy of [`send_json`](StreamClient::send_json) and
    /// [`send_xml`](StreamClient::send_xml), and the backoff of every sender (which sets its own
    /// number of retries); default: 3 attempts, full jitter, 20 s cap.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self
    }

    /// Client-side rate limit in requests per second, shared by every thread and sender of the
    /// client (default 1000, the documented limit); `None` turns it off.
    pub fn rate_limit(mut self, requests_per_second: Option<f64>) -> Self {
        self.transport = self.transport.rate_limit(requests_per_second);
        self
    }

    /// Trusts one more root certificate (PEM) on top of the bundled Mozilla roots.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<String>) -> Self {
        self.transport = self.transport.add_root_certificate_pem(pem);
        self
    }

    /// Trusts the root certificates of a PEM file too (read when the client is built: a regular
    /// file of at most 16 MiB); `SSL_CERT_FILE`, when set, is read the same way.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.transport = self.transport.ca_file(path);
        self
    }

    /// Verifies servers with the operating system's trust store instead of the bundled roots.
    pub fn platform_verifier(mut self, enabled: bool) -> Self {
        self.transport = self.transport.platform_verifier(enabled);
        self
    }

    /// Sends every request through this proxy (HTTP CONNECT or SOCKS); without it, the
    /// environment decides as for [`ClientBuilder::proxy`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.proxy(url);
        self
    }

    /// Calls `hook` after every HTTP exchange (operation `stream-ingest`); see
    /// [`ClientBuilder::on_request`]. It runs on the sending thread (a sender's worker).
    pub fn on_request(
        mut self,
        hook: impl Fn(&crate::RequestInfo) + Send + Sync + 'static,
    ) -> Self {
        self.transport = self.transport.on_request(hook);
        self
    }

    /// Validates the configuration and creates the client.
    pub fn build(self) -> Result<StreamClient> {
        let token = self.token.ok_or_else(|| {
            Error::config(
                "no streaming token: set the token of a Streaming Ingest Write Access key",
            )
        })?;
        if token.expose().trim().is_empty() {
            return Err(Error::config("the streaming token is empty"));
        }
        check_header_value(token.expose(), "streaming token", false)?;
        let base_url = self
            .base_url
            .unwrap_or_else(|| format!("https://{}.amperity.com", self.tenant));
        let config = self
            .transport
            .base_url(base_url)
            .credentials(Credentials::Token(token.clone()))
            .validate()?;
        let transport = Transport::new(&config)?;
        let limiter = config.rate_limit.map(RateLimiter::new);
        Ok(StreamClient {
            inner: Arc::new(StreamInner {
                config,
                token,
                transport,
                limiter,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(format: PayloadFormat, event: &str) -> String {
        match check_event(format, event) {
            Err(Error::InvalidArgument { detail }) => detail,
            other => panic!("{event:?}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn exactly_one_json_object_per_event() {
        for ok in ["{}", " {\"a\": [1, {\"b\": null}]}\n", "{\"s\":\"}{\"}"] {
            assert!(check_event(PayloadFormat::Json, ok).is_ok(), "{ok:?}");
        }
        assert!(refusal(PayloadFormat::Json, "{\"a\":1}\n{\"a\":2}\n").contains("NDJSON"));
        assert!(refusal(PayloadFormat::Json, "{}{}").contains("more than one"));
        assert!(refusal(PayloadFormat::Json, "[{\"a\":1}]").contains("array"));
        assert!(refusal(PayloadFormat::Json, "42").contains("not an object"));
        assert!(refusal(PayloadFormat::Json, "{\"secret\":").contains("not valid JSON"));
        assert!(!refusal(PayloadFormat::Json, "{\"secret\": hunter2}").contains("hunter2"));
        assert!(refusal(PayloadFormat::Json, " \n").contains("empty"));
        assert!(refusal(PayloadFormat::Xml, "").contains("empty"));
        assert!(check_event(PayloadFormat::Xml, "<records><record/></records>").is_ok());
        assert!(check_event(PayloadFormat::Xml, "not even xml").is_ok());
    }

    #[test]
    fn the_size_limit_is_one_million_bytes() {
        let pad = |n: usize| format!("{{\"p\":\"{}\"}}", "x".repeat(n - 8));
        assert_eq!(
            pad(MAX_STREAM_PAYLOAD_BYTES).len(),
            MAX_STREAM_PAYLOAD_BYTES
        );
        assert!(check_event(PayloadFormat::Json, &pad(MAX_STREAM_PAYLOAD_BYTES)).is_ok());
        let over = refusal(PayloadFormat::Json, &pad(MAX_STREAM_PAYLOAD_BYTES + 1));
        assert!(
            over.contains("1000001 bytes") && over.contains("1 MB"),
            "{over}"
        );
        let xml = "<a>".to_owned() + &"x".repeat(MAX_STREAM_PAYLOAD_BYTES) + "</a>";
        assert!(refusal(PayloadFormat::Xml, &xml).contains("at most 1000000 bytes"));
    }

    #[test]
    fn builder_settings_are_checked() {
        let ok = StreamClient::builder("acme").token("t").build().unwrap();
        assert_eq!(ok.base_url(), "https://acme.amperity.com");
        let refused = |b: StreamClientBuilder| match b.build() {
            Err(Error::Config { detail }) => detail,
            other => panic!("{other:?}"),
        };
        assert!(refused(StreamClient::builder("acme")).contains("no streaming token"));
        assert!(refused(StreamClient::builder("acme").token(" ")).contains("empty"));
        assert!(refused(StreamClient::builder("acme").token("a\r\nb")).contains("streaming token"));
        assert!(refused(StreamClient::builder("ac me").token("t")).contains("tenant id"));
        assert!(refused(
            StreamClient::builder("acme")
                .token("t")
                .base_url("http://example.com")
        )
        .contains("http://"));
        assert!(refused(
            StreamClient::builder("acme")
                .token("t")
                .rate_limit(Some(0.0))
        )
        .contains("rate limit"));
    }
}
