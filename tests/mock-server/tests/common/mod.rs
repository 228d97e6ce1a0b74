//! Tiny HTTP helpers over ureq for the integration tests.
#![allow(dead_code)]

use amperity_mock::{MockConfig, MockServer};
use serde_json::Value;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:.200}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Asserts an ErrorResponse with this status.
    pub fn assert_error(&self, status: u16) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(v["status"], status);
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        let rid = v["request_id"].as_str().unwrap();
        assert_eq!(rid.len(), 36);
        assert_eq!(rid.matches('-').count(), 4);
        let tid = v["trace_id"].as_str().unwrap();
        assert!(!tid.is_empty() && tid.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

pub fn agent_with(tls: Option<ureq::tls::TlsConfig>) -> ureq::Agent {
    let mut b = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)));
    if let Some(t) = tls {
        b = b.tls_config(t);
    }
    b.build().new_agent()
}

pub fn agent() -> ureq::Agent {
    agent_with(None)
}

pub const GOOD: &[(&str, &str)] = &[
    ("authorization", "Bearer mock-token"),
    ("amperity-tenant", "acme"),
    ("api-version", "2024-04-01"),
];

pub fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Resp, ureq::Error> {
    let mut b = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut resp = match body {
        Some(s) => agent.run(b.body(s.to_string()).unwrap())?,
        None => agent.run(b.body(()).unwrap())?,
    };
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(200_000_000)
        .read_to_string()?;
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// GET origin + path with the good headers plus `extra`.
pub fn get(s: &MockServer, path: &str, extra: &[(&str, &str)]) -> Resp {
    let mut h: Vec<(&str, &str)> = GOOD
        .iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)))
        .copied()
        .collect();
    h.extend_from_slice(extra);
    request(&agent(), "GET", &format!("{}{path}", s.origin()), &h, None).unwrap()
}

pub fn raw(
    s: &MockServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Resp {
    request(
        &agent(),
        method,
        &format!("{}{path}", s.origin()),
        headers,
        body,
    )
    .unwrap()
}

pub fn post_json(s: &MockServer, path: &str, body: &str) -> Resp {
    let mut h = GOOD.to_vec();
    h.push(("content-type", "application/json"));
    raw(s, "POST", path, &h, Some(body))
}

pub fn small() -> MockConfig {
    MockConfig {
        segments: 250,
        ..MockConfig::default()
    }
}

pub fn start(cfg: MockConfig) -> MockServer {
    MockServer::start(cfg).expect("server starts")
}

/// Walks a listing; returns every page's JSON.
pub fn walk(s: &MockServer, path: &str, extra: &[(&str, &str)]) -> Vec<Value> {
    let mut pages = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = path.to_string();
    loop {
        let r = get(s, &url, extra);
        assert_eq!(r.status, 200, "{url}: {}", r.body);
        let v = r.json();
        let next = v
            .get("next_token")
            .and_then(|t| t.as_str())
            .map(str::to_string);
        pages.push(v);
        assert!(pages.len() < 10_000, "listing does not end");
        match next {
            Some(t) if !t.is_empty() => url = format!("{path}{sep}next_token={t}"),
            _ => return pages,
        }
    }
}
