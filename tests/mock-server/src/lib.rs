//! A bundled mock of the Amperity REST APIs for SDK tests and benchmarks: the control plane
//! (`/api`, versions `2024-04-01` and `unstable`), the Profile API (`/api/indexes…`, version
//! `2025-07-31`) and the Streaming Ingest API (`POST /stream/v0/data/{stream-id}`).
//!
//! ```no_run
//! use amperity_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::default()).unwrap();
//! let base = server.base_url(); // http://127.0.0.1:PORT/api
//! # let _ = base;
//! server.shutdown();
//! ```
//!
//! The server binds `127.0.0.1` only, speaks HTTP/1.1 with keep-alive (TCP_NODELAY on every
//! accepted socket), optionally over TLS with a fresh self-signed certificate, and runs on its
//! own background thread with a single-threaded tokio runtime. Data sets are generated
//! deterministically from [`MockConfig::seed`] (timestamps relative to the server start) and
//! lazily, on first use. Besides the API it serves control endpoints under `/__mock/`:
//! `GET|DELETE /__mock/requests`, `GET /__mock/requests/count?method=M&path=PREFIX`
//! (`{"count": N}`, as [`MockServer::request_count`]), `POST|DELETE /__mock/faults`, `GET /__mock/health`,
//! `GET|DELETE /__mock/streams` and `GET /__mock/streams/{stream-id}` (what the Streaming
//! Ingest endpoint accepted, see [`StreamEvents`]), `GET /__mock/chaos` (what the chaos mode
//! injected, see [`Chaos`] and [`ChaosStats`]) and `GET /__mock/workflow-posts` (the
//! `POST /workflow/runs` requests per `config_id`, see [`WorkflowPosts`]).

#![deny(missing_docs)]

mod chaos;
mod data;
mod fault;
mod profiles;
mod server;
mod time;

use std::collections::VecDeque;
use std::net::TcpListener as StdTcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub use chaos::{Chaos, ChaosStats, CHAOS_KINDS, DEFAULT_CHAOS_STALL};
pub use data::{DATA_TEMPLATE_IDS, WORKFLOW_STATES, WORKFLOW_TYPES};
pub use fault::{Fault, FaultRule, DEFAULT_DEPRECATION, DEFAULT_SUNSET};
pub use profiles::{
    CUSTOMERS_INDEX_ID, CUSTOMER_FILTER_FIELDS, EMPTY_INDEX_ID, LOYALTY_FILTER_FIELDS,
    LOYALTY_INDEX_ID, LOYALTY_TIERS,
};

/// The tenant id the mock serves by default ([`MockConfig::tenant`]).
pub const DEFAULT_TENANT: &str = "acme";

/// The static bearer token the mock accepts by default ([`MockConfig::tokens`]).
pub const DEFAULT_TOKEN: &str = "mock-token";

/// The Streaming Ingest token the mock accepts by default ([`MockConfig::stream_tokens`]).
pub const DEFAULT_STREAM_TOKEN: &str = "mock-stream-token";

/// The only API versions the mock accepts on control-plane routes (`api-version` header or
/// `api_version` query).
pub const API_VERSIONS: &[&str] = &["2024-04-01", "unstable"];

/// The only API version the mock accepts on Profile API routes (`/api/indexes…`).
pub const PROFILE_API_VERSIONS: &[&str] = &["2025-07-31"];

/// At most this many accepted stream event bodies are kept, over all streams (later ones are
/// still counted and summed into the checksum, see [`StreamEvents`]).
pub const MAX_KEPT_STREAM_BODIES: usize = 100_000;

/// What the Streaming Ingest endpoint accepted (202) on one stream, for tests that check that
/// nothing was lost or duplicated ([`MockServer::stream_events`], `GET /__mock/streams/{id}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamEvents {
    /// Events accepted.
    pub accepted: u64,
    /// Accepted events whose body equals an earlier accepted body of the stream (a retry of a
    /// request the mock had already accepted, say after a `close_mid_body` fault).
    pub duplicates: u64,
    /// [`event_checksum`] of every accepted body (order-independent).
    pub checksum: u64,
    /// The accepted bodies in arrival order (see [`MAX_KEPT_STREAM_BODIES`]).
    pub bodies: Vec<String>,
}

/// An order-independent checksum of event bodies: the wrapping sum of their 64-bit FNV-1a
/// hashes (what [`StreamEvents::checksum`] holds; `GET /__mock/streams` shows it as 16 hex
/// digits).
pub fn event_checksum<'a>(bodies: impl IntoIterator<Item = &'a str>) -> u64 {
    bodies
        .into_iter()
        .fold(0u64, |sum, body| sum.wrapping_add(fnv1a(body.as_bytes())))
}

/// 64-bit FNV-1a.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The `POST /workflow/runs` requests the mock received, by the `config_id` of their body
/// (`GET /__mock/workflow-posts`): a caller that uses one `config_id` per call checks that no
/// call was sent twice. Requests answered with a 429 fault (refused, so safe to send again) are
/// counted apart. Kept for every request, whatever [`MAX_RECORDED_REQUESTS`] drops.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkflowPosts {
    /// Every `POST /workflow/runs` received.
    pub posts: u64,
    /// Those answered with a 429 fault.
    pub refused: u64,
    /// Distinct `config_id`s.
    pub config_ids: u64,
    /// The most requests not refused with one `config_id`.
    pub max_per_config_id: u64,
    /// The `config_id`s with more than one request not refused (at most 100).
    pub repeated: Vec<String>,
}

/// At most this many requests are kept for [`MockServer::requests`] (oldest dropped first), so
/// load tests do not grow memory without bound.
pub const MAX_RECORDED_REQUESTS: usize = 100_000;

/// How the last page of a listing ends (the docs contradict themselves on this).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LastCursor {
    /// `next_token` is not in the body.
    #[default]
    Absent,
    /// `"next_token": ""`.
    Empty,
    /// `"next_token": null`.
    Null,
}

impl LastCursor {
    /// Parses `absent`, `empty` or `null`.
    pub fn parse(s: &str) -> Result<LastCursor, String> {
        match s.to_ascii_lowercase().as_str() {
            "absent" => Ok(LastCursor::Absent),
            "empty" => Ok(LastCursor::Empty),
            "null" => Ok(LastCursor::Null),
            other => Err(format!(
                "last cursor must be absent, empty or null, not {other}"
            )),
        }
    }
}

/// Everything a [`MockServer`] is started with. Build it with `..Default::default()`.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Seed of the generated data (default 42).
    pub seed: u64,
    /// Number of segments (default 10 000). Every 10th one omits `status`; every 25th one has a
    /// field the SDK does not model (`created_by`).
    pub segments: usize,
    /// Number of campaigns (default 250).
    pub campaigns: usize,
    /// Number of campaign drafts (default 40; `api-version: unstable` only).
    pub campaign_drafts: usize,
    /// Number of audit events (default 5 000), spread over the 7 days before start, newest first.
    pub audit_events: usize,
    /// Number of generated workflows (default 500), covering every state in [`WORKFLOW_STATES`].
    pub workflows: usize,
    /// Number of ingest jobs (default 60), started within the 7 days before start.
    pub ingest_jobs: usize,
    /// Number of customer profiles of the Profile API index [`CUSTOMERS_INDEX_ID`] (default
    /// 3 000; every 7th is also in [`LOYALTY_INDEX_ID`]).
    pub profiles: usize,
    /// The tenant (default `"acme"`); a request with another `amperity-tenant` gets 403.
    pub tenant: String,
    /// Static bearer tokens accepted (default `["mock-token"]`) by the control plane and the
    /// Profile API.
    pub tokens: Vec<String>,
    /// Streaming Ingest tokens accepted by `POST /stream/v0/data/{stream-id}` (default
    /// `["mock-stream-token"]`); the control-plane tokens are refused there (401).
    pub stream_tokens: Vec<String>,
    /// Requests per second the Streaming Ingest endpoint takes before answering 429 (a token
    /// bucket with a burst of one second's worth; default `Some(1000.0)`, `None` = no limit).
    pub stream_rate_limit: Option<f64>,
    /// Largest Streaming Ingest body accepted, in bytes (default 1 000 000, the documented
    /// 1 MB); larger bodies get 413.
    pub stream_max_payload_bytes: usize,
    /// OAuth client id for `POST /api/v0/oauth2/token` (default `"mock-client"`).
    pub client_id: String,
    /// OAuth client secret (default `"mock-secret"`).
    pub client_secret: String,
    /// Lifetime of issued OAuth tokens (default 3600 s).
    pub token_ttl: Duration,
    /// Time a created run spends in each state (default 200 ms).
    pub run_step: Duration,
    /// Serve HTTPS with a fresh self-signed certificate (default false).
    pub tls: bool,
    /// How the last page of a listing ends (default [`LastCursor::Absent`]).
    pub last_cursor: LastCursor,
    /// Scenario faults installed at start.
    pub faults: Vec<FaultRule>,
    /// Port to bind on 127.0.0.1; 0 = ephemeral (default).
    pub port: u16,
    /// Added before answering every API and stream request (default zero): the network and
    /// service time of a real deployment, for the read-ahead benchmark and tests.
    pub latency: Duration,
    /// Chaos mode: a seeded random fault on a share of the requests no fault rule matched
    /// (default `None`; `--chaos SEED:RATE[:STALL_MS]`).
    pub chaos: Option<Chaos>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            seed: 42,
            segments: 10_000,
            campaigns: 250,
            campaign_drafts: 40,
            audit_events: 5_000,
            workflows: 500,
            ingest_jobs: 60,
            profiles: 3_000,
            tenant: DEFAULT_TENANT.into(),
            tokens: vec![DEFAULT_TOKEN.into()],
            stream_tokens: vec![DEFAULT_STREAM_TOKEN.into()],
            stream_rate_limit: Some(1000.0),
            stream_max_payload_bytes: 1_000_000,
            client_id: "mock-client".into(),
            client_secret: "mock-secret".into(),
            token_ttl: Duration::from_secs(3600),
            run_step: Duration::from_millis(200),
            tls: false,
            last_cursor: LastCursor::Absent,
            faults: Vec::new(),
            port: 0,
            latency: Duration::ZERO,
            chaos: None,
        }
    }
}

/// One API request as the mock received it (control requests under `/__mock/` are not kept).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Request path, e.g. `/api/segments`.
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
    /// Headers in arrival order, names lowercase. `Authorization` is masked as `Bearer ***`.
    pub headers: Vec<(String, String)>,
    /// Body as (lossy) UTF-8; `client_secret` values are masked as `***`.
    pub body: String,
}

/// A running mock server. Stops on [`MockServer::shutdown`] or when dropped.
pub struct MockServer {
    shared: Arc<server::Shared>,
    port: u16,
    origin: String,
    ca_pem: Option<String>,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MockServer {
    /// Binds 127.0.0.1 (`config.port`, 0 = ephemeral), starts serving on a background thread
    /// and returns once the socket is listening. Data sets are generated lazily.
    pub fn start(mut config: MockConfig) -> std::io::Result<MockServer> {
        let std_listener = StdTcpListener::bind(("127.0.0.1", config.port))?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let (acceptor, ca_pem) = if config.tls {
            let (a, pem) = server::tls_acceptor()?;
            (Some(a), Some(pem))
        } else {
            (None, None)
        };
        let origin = format!(
            "{}://127.0.0.1:{port}",
            if config.tls { "https" } else { "http" }
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _guard = rt.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let faults = std::mem::take(&mut config.faults);
        let shared = Arc::new(server::Shared::new(config));
        for f in faults {
            shared.add_fault(f);
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sh = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("amperity-mock-{port}"))
            .spawn(move || {
                rt.block_on(server::serve(listener, sh, acceptor, rx));
                // Dropping the runtime cancels every connection task.
                drop(rt);
            })?;
        Ok(MockServer {
            shared,
            port,
            origin,
            ca_pem,
            stop: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// `http://127.0.0.1:PORT` (or `https://…` with TLS).
    pub fn origin(&self) -> String {
        self.origin.clone()
    }

    /// [`origin`](Self::origin) + `/api`.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.origin)
    }

    /// [`origin`](Self::origin) + `/api/v0/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}/api/v0/oauth2/token", self.origin)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The self-signed certificate (PEM; SANs `127.0.0.1` and `localhost`) when TLS is on.
    /// Trust it as a root certificate.
    pub fn ca_cert_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Installs a fault rule (after the ones already installed; the first matching rule wins).
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.add_fault(rule);
    }

    /// Removes every installed fault rule.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// The API requests received so far, oldest first (not `/__mock/*`).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).iter().cloned().collect()
    }

    /// How many API requests with this method (any case; `""` = any) and a path starting with
    /// `path_prefix` the mock received: a record-free expectation such as "two run requests".
    ///
    /// ```
    /// use amperity_mock::{MockConfig, MockServer};
    /// let server = MockServer::start(MockConfig::default()).unwrap();
    /// assert_eq!(server.request_count("POST", "/api/workflows"), 0);
    /// ```
    pub fn request_count(&self, method: &str, path_prefix: &str) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| method.is_empty() || r.method.eq_ignore_ascii_case(method))
            .filter(|r| r.path.starts_with(path_prefix))
            .count()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// What the Streaming Ingest endpoint accepted on `stream_id` so far (all zero and empty
    /// for a stream that received nothing).
    pub fn stream_events(&self, stream_id: &str) -> StreamEvents {
        self.shared.stream_events(stream_id)
    }

    /// The ids of the streams that accepted at least one event, sorted.
    pub fn stream_ids(&self) -> Vec<String> {
        self.shared.stream_ids()
    }

    /// What the chaos mode injected so far (all zero without [`MockConfig::chaos`]).
    pub fn chaos_stats(&self) -> ChaosStats {
        self.shared.chaos_stats()
    }

    /// The TCP connections accepted so far (`GET /__mock/connections`): how well a client reuses
    /// its connections.
    pub fn connections_accepted(&self) -> u64 {
        self.shared
            .connections
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The `POST /workflow/runs` requests received so far, by `config_id`.
    pub fn workflow_posts(&self) -> WorkflowPosts {
        self.shared.workflow_posts()
    }

    /// Forgets what every stream accepted.
    pub fn clear_streams(&self) {
        self.shared.clear_streams();
    }

    /// Stops the server and waits for its thread (open connections are dropped).
    pub fn shutdown(self) {
        drop(self)
    }

    fn stop_now(&self) {
        if let Some(tx) = lock(&self.stop).take() {
            let _ = tx.send(());
        }
        if let Some(t) = lock(&self.thread).take() {
            let _ = t.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

pub(crate) type Recorded = VecDeque<RecordedRequest>;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn server_is_send_sync() {
        assert_send_sync::<MockServer>();
    }
}
