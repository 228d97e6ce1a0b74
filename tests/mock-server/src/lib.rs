//! A bundled mock of the Amperity control-plane REST API (`/api`, versions `2024-04-01` and
//! `unstable`) for SDK tests and benchmarks.
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
//! `GET|DELETE /__mock/requests`, `POST|DELETE /__mock/faults`, `GET /__mock/health`.

#![deny(missing_docs)]

mod data;
mod fault;
mod server;
mod time;

use std::collections::VecDeque;
use std::net::TcpListener as StdTcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub use data::{DATA_TEMPLATE_IDS, WORKFLOW_STATES, WORKFLOW_TYPES};
pub use fault::{Fault, FaultRule, DEFAULT_DEPRECATION, DEFAULT_SUNSET};

/// The only API versions the mock accepts (`api-version` header or `api_version` query).
pub const API_VERSIONS: &[&str] = &["2024-04-01", "unstable"];

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
    /// The tenant (default `"acme"`); a request with another `amperity-tenant` gets 403.
    pub tenant: String,
    /// Static bearer tokens accepted (default `["mock-token"]`).
    pub tokens: Vec<String>,
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
            tenant: "acme".into(),
            tokens: vec!["mock-token".into()],
            client_id: "mock-client".into(),
            client_secret: "mock-secret".into(),
            token_ttl: Duration::from_secs(3600),
            run_step: Duration::from_millis(200),
            tls: false,
            last_cursor: LastCursor::Absent,
            faults: Vec::new(),
            port: 0,
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

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
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
