//! Shared helpers: every test talks to its own bundled mock server over a real socket.
#![allow(dead_code)]

use amperity::{Client, ClientBuilder, RetryPolicy};
use amperity_mock::{FaultRule, MockConfig, MockServer, RecordedRequest};
use std::time::Duration;

pub mod cancelling;

/// A mock with small data sets (fast to start) unless the test says otherwise.
pub fn small_config() -> MockConfig {
    MockConfig {
        segments: 250,
        campaigns: 30,
        campaign_drafts: 12,
        audit_events: 300,
        workflows: 60,
        ingest_jobs: 20,
        run_step: Duration::from_millis(40),
        ..MockConfig::default()
    }
}

pub fn server() -> MockServer {
    MockServer::start(small_config()).expect("mock server starts")
}

pub fn server_with(edit: impl FnOnce(&mut MockConfig)) -> MockServer {
    let mut config = small_config();
    edit(&mut config);
    MockServer::start(config).expect("mock server starts")
}

/// Retries that keep tests fast: 3 attempts, 1–10 ms backoff.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(10))
}

/// A builder pointed at the mock with fast retries and no rate limit, without credentials.
pub fn bare_builder(server: &MockServer) -> ClientBuilder {
    Client::builder("acme")
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .rate_limit(None)
}

/// [`bare_builder`] with the static token.
pub fn builder(server: &MockServer) -> ClientBuilder {
    bare_builder(server).token("mock-token")
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

pub fn fault(server: &MockServer, spec: &str) {
    server.add_fault(FaultRule::parse(spec).expect("valid fault spec"));
}

/// Requests the mock received on `path` (exact path match).
pub fn requests_to(server: &MockServer, path: &str) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

pub fn header<'a>(request: &'a RecordedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The value of query parameter `name` in a recorded request.
pub fn query_param(request: &RecordedRequest, name: &str) -> Option<String> {
    request.query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.to_owned())
    })
}

/// The bearer token of [`tls_server`].
pub const TLS_TOKEN: &str = "very-secret-bearer-token";

/// A mock serving TLS (self-signed) that accepts only [`TLS_TOKEN`].
pub fn tls_server() -> MockServer {
    server_with(|c| {
        c.tls = true;
        c.tokens = vec![TLS_TOKEN.into()];
    })
}

/// A builder for [`tls_server`]: its token, its certificate trusted, no proxy yet.
pub fn tls_builder(server: &MockServer) -> ClientBuilder {
    bare_builder(server)
        .token(TLS_TOKEN)
        .add_root_certificate_pem(server.ca_cert_pem().unwrap())
}

/// A listener on 127.0.0.1 that never accepts, with its accept queue filled: a connect to it
/// gets no answer (the kernel drops the SYN) until the connect timeout. Keep the value alive for
/// as long as connects must hang.
pub struct UnansweredListener {
    pub address: std::net::SocketAddr,
    _listener: std::net::TcpListener,
    _queued: Vec<std::net::TcpStream>,
}

impl UnansweredListener {
    /// `None` where the system answers every connect (the accept queue never fills), so that a
    /// test can say so instead of passing without its condition.
    pub fn start() -> Option<UnansweredListener> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let mut queued = Vec::new();
        for _ in 0..4096 {
            match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
                Ok(stream) => queued.push(stream),
                Err(_) => {
                    return Some(UnansweredListener {
                        address,
                        _listener: listener,
                        _queued: queued,
                    })
                }
            }
        }
        None
    }

    /// The base URL of the API on this listener.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.address)
    }

    /// A client builder pointed at this listener: a token, no rate limit, the default retries.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder("acme")
            .base_url(self.base_url())
            .token("mock-token")
            .rate_limit(None)
    }
}

/// What a hanging-connect test does where [`UnansweredListener::start`] found no way to make one:
/// fails on Linux (where it must work), says so elsewhere.
pub fn no_hanging_connect() {
    if cfg!(target_os = "linux") {
        panic!("the accept queue of a 127.0.0.1 listener never filled: no hanging connect");
    }
    println!("skipped: this system answers every connect to a listener that does not accept");
}
