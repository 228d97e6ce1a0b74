//! Shared helpers: every test talks to its own bundled mock server over a real socket.
#![allow(dead_code)]

use amperity::{Client, ClientBuilder, RetryPolicy};
use amperity_mock::{FaultRule, MockConfig, MockServer, RecordedRequest};
use std::time::Duration;

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
