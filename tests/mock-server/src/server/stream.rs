//! The Streaming Ingest endpoint, `POST /stream/v0/data/{stream-id}`: its own bearer tokens, the
//! `X-Amperity-Tenant` header (not `Amperity-Tenant`), no api-version, one JSON object (or an
//! XML document) of at most 1 MB per request, a 1000 requests/s budget; 202 when accepted. What
//! each stream accepted is kept for the tests ([`StreamEvents`]).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Instant;

use hyper::header::HeaderMap;
use serde::de::IgnoredAny;

use super::response::Resp;
use super::state::Shared;
use crate::{fnv1a, lock, StreamEvents, MAX_KEPT_STREAM_BODIES};

/// What one stream accepted.
#[derive(Default)]
struct StreamLog {
    events: StreamEvents,
    /// Hashes of the accepted bodies (to count duplicates).
    seen: HashSet<u64>,
    /// The content type of the first accepted event: a stream takes one payload type.
    content_type: Option<&'static str>,
}

/// A token bucket: `rate` per second, bursts of `rate` (at least 1).
struct Bucket {
    rate: f64,
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn try_take(&mut self) -> bool {
        let now = Instant::now();
        let burst = self.rate.max(1.0);
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(burst);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Every stream's log, the bodies kept so far and the rate limiter.
pub(crate) struct StreamStore {
    logs: Mutex<HashMap<String, StreamLog>>,
    kept: Mutex<usize>,
    bucket: Option<Mutex<Bucket>>,
}

impl StreamStore {
    pub(crate) fn new(rate: Option<f64>) -> Self {
        StreamStore {
            logs: Mutex::new(HashMap::new()),
            kept: Mutex::new(0),
            bucket: rate.filter(|r| r.is_finite() && *r > 0.0).map(|rate| {
                Mutex::new(Bucket {
                    rate,
                    tokens: rate.max(1.0),
                    updated: Instant::now(),
                })
            }),
        }
    }

    fn accept(
        &self,
        stream_id: &str,
        content_type: &'static str,
        body: &str,
    ) -> Result<(), String> {
        let mut logs = lock(&self.logs);
        let log = logs.entry(stream_id.to_owned()).or_default();
        match log.content_type {
            Some(taken) if taken != content_type => {
                return Err(format!(
                    "stream {stream_id} takes {taken}; each stream takes one payload type"
                ))
            }
            _ => log.content_type = Some(content_type),
        }
        let hash = fnv1a(body.as_bytes());
        log.events.accepted += 1;
        log.events.checksum = log.events.checksum.wrapping_add(hash);
        if !log.seen.insert(hash) {
            log.events.duplicates += 1;
        }
        let mut kept = lock(&self.kept);
        if *kept < MAX_KEPT_STREAM_BODIES {
            *kept += 1;
            log.events.bodies.push(body.to_owned());
        }
        Ok(())
    }

    fn within_rate(&self) -> bool {
        self.bucket.as_ref().is_none_or(|b| lock(b).try_take())
    }
}

impl Shared {
    pub(crate) fn stream_events(&self, stream_id: &str) -> StreamEvents {
        lock(&self.streams.logs)
            .get(stream_id)
            .map(|log| log.events.clone())
            .unwrap_or_default()
    }

    pub(crate) fn stream_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = lock(&self.streams.logs).keys().cloned().collect();
        ids.sort();
        ids
    }

    pub(crate) fn clear_streams(&self) {
        lock(&self.streams.logs).clear();
        *lock(&self.streams.kept) = 0;
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Checks order: 401 token, 400/403 tenant, 429 rate, 413 size, 400 content type, 400 body;
/// then 202.
pub(super) fn ingest(sh: &Shared, stream_id: &str, h: &HeaderMap, body: &[u8]) -> Resp {
    let token = header(h, "authorization").and_then(|v| {
        let (scheme, rest) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim())
            .filter(|t| !t.is_empty())
    });
    match token {
        None => return sh.error(401, "Authentication required: missing bearer token"),
        Some(t) if sh.cfg.stream_tokens.iter().any(|known| known == t) => {}
        Some(t) if sh.valid_token(t) => {
            return sh.error(
                401,
                "Authentication required: this is not a Streaming Ingest token (use the token of a Streaming Ingest Write Access key)",
            )
        }
        Some(_) => return sh.error(401, "Authentication required: invalid or expired token"),
    }
    match header(h, "x-amperity-tenant") {
        None | Some("") if header(h, "amperity-tenant").is_some() => {
            return sh.error(
                400,
                "missing X-Amperity-Tenant header: the Streaming API reads X-Amperity-Tenant, not Amperity-Tenant",
            )
        }
        None | Some("") => return sh.error(400, "missing X-Amperity-Tenant header"),
        Some(t) if t != sh.cfg.tenant => {
            return sh.error(403, &format!("not authorized for tenant {t}"))
        }
        Some(_) => {}
    }
    if !sh.streams.within_rate() {
        let rate = sh.cfg.stream_rate_limit.unwrap_or_default();
        return sh.error(
            429,
            &format!(
                "too many requests: the Streaming API takes at most {rate} requests per second"
            ),
        );
    }
    let max = sh.cfg.stream_max_payload_bytes;
    if body.len() > max {
        return sh.error(
            413,
            &format!(
                "payload too large: {} bytes, the Streaming API takes at most {max} bytes",
                body.len()
            ),
        );
    }
    let media_type = header(h, "content-type")
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let content_type = match media_type.as_deref() {
        Some("application/json") => "application/json",
        Some("application/xml") => "application/xml",
        _ => {
            return sh.error(
                400,
                "Content-Type must be application/json or application/xml",
            )
        }
    };
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(_) => return sh.error(400, "the body is not valid UTF-8"),
    };
    if text.trim().is_empty() {
        return sh.error(400, "the body is empty: send one event per request");
    }
    if content_type == "application/json" {
        if let Err(problem) = one_json_object(text) {
            return sh.error(400, &problem);
        }
    }
    match sh.streams.accept(stream_id, content_type, text) {
        Ok(()) => Resp::json(202, "{\"status\":202,\"message\":\"Accepted\"}"),
        Err(problem) => sh.error(400, &problem),
    }
}

/// `Ok` when `text` is exactly one JSON object (NDJSON is not accepted).
fn one_json_object(text: &str) -> Result<(), String> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(format!("the body is not valid JSON: {e}")),
        None => return Err("the body is empty: send one event per request".into()),
    }
    if values.next().is_some() {
        return Err(
            "the body holds more than one JSON value; NDJSON is not accepted: send one JSON object per request"
                .into(),
        );
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{') => Ok(()),
        Some(b'[') => Err("the body is a JSON array: send one JSON object per request".into()),
        _ => Err("the body must be a JSON object".into()),
    }
}
