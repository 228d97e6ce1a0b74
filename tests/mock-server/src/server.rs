//! Connection handling, routing and the API handlers.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};

use crate::data::{self, Progress, Rec, Rng, Workflow, DATA_TEMPLATE_IDS};
use crate::fault::{Fault, FaultRule};
use crate::time::{now_ms, parse as parse_time};
use crate::{lock, LastCursor, MockConfig, Recorded, RecordedRequest, API_VERSIONS};

// ---------------------------------------------------------------------------------------------
// TLS

pub(crate) fn tls_acceptor() -> std::io::Result<(tokio_rustls::TlsAcceptor, String)> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let err = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".into()])
        .map_err(|e| err(&e))?;
    let pem = ck.cert.pem();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| err(&e))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(cfg)), pem))
}

// ---------------------------------------------------------------------------------------------
// Accept loop

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let sh = shared.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let sh = sh.clone();
                        async move { Ok::<_, Infallible>(handle(sh, req).await) }
                    });
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder.timer(TokioTimer::new()).keep_alive(true);
                    match tls {
                        Some(acceptor) => {
                            if let Ok(s) = acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                    }
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Response body (supports the close-mid-body fault)

pub(crate) enum MockBody {
    Full(Option<Bytes>),
    /// Yields the bytes, waits a moment (so hyper flushes them), then fails, which makes hyper
    /// drop the connection.
    Broken(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            MockBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Broken(b, sleep) => {
                if let Some(b) = b.take() {
                    *sleep = Some(Box::pin(tokio::time::sleep(Duration::from_millis(30))));
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                if let Some(s) = sleep.as_mut() {
                    if s.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "close_mid_body fault",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            MockBody::Full(None) => SizeHint::with_exact(0),
            MockBody::Broken(..) => SizeHint::default(),
        }
    }
}

/// A response before the post-processing faults.
struct Resp {
    status: u16,
    ctype: &'static str,
    headers: Vec<(HeaderName, String)>,
    body: Bytes,
}

impl Resp {
    fn json(status: u16, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            ctype: "application/json",
            headers: Vec::new(),
            body: body.into(),
        }
    }
    fn value(status: u16, v: &Value) -> Resp {
        Resp::json(status, v.to_string())
    }
    fn empty(status: u16) -> Resp {
        Resp {
            status,
            ctype: "",
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }
    fn header(mut self, name: &'static str, v: impl Into<String>) -> Resp {
        self.headers.push((HeaderName::from_static(name), v.into()));
        self
    }
    fn into_response(self, broken: bool) -> Response<MockBody> {
        let len = self.body.len();
        let body = if broken {
            MockBody::Broken(Some(self.body.slice(..len / 2)), None)
        } else {
            MockBody::Full(Some(self.body))
        };
        let mut r = Response::new(body);
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let h = r.headers_mut();
        if !self.ctype.is_empty() {
            h.insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static(self.ctype),
            );
        }
        if broken {
            h.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.append(k, v);
            }
        }
        r
    }
}

// ---------------------------------------------------------------------------------------------
// Shared state

struct ActiveFault {
    rule: FaultRule,
    /// None = forever
    remaining: Option<u32>,
}

struct WfStore {
    /// Oldest first.
    list: Vec<Workflow>,
    index: HashMap<String, usize>,
}

struct Jobs {
    list: Vec<Rec>,
    index: HashMap<String, usize>,
}

pub(crate) struct Shared {
    cfg: MockConfig,
    start_ms: i64,
    secret: u64,
    nonce: AtomicU64,
    rng: Mutex<Rng>,
    faults: Mutex<Vec<ActiveFault>>,
    pub(crate) requests: Mutex<Recorded>,
    issued: Mutex<HashMap<String, Instant>>,
    segments: OnceLock<Vec<Rec>>,
    campaigns: OnceLock<Vec<Rec>>,
    drafts: OnceLock<Vec<Rec>>,
    audit: OnceLock<Vec<Rec>>,
    jobs: OnceLock<Jobs>,
    workflows: OnceLock<Mutex<WfStore>>,
}

impl Shared {
    pub(crate) fn new(cfg: MockConfig) -> Shared {
        let start_ms = now_ms();
        let mut h = DefaultHasher::new();
        (start_ms, std::process::id(), &cfg.tenant).hash(&mut h);
        Instant::now().hash(&mut h);
        std::thread::current().id().hash(&mut h);
        let entropy = h.finish() ^ (&cfg as *const MockConfig as u64);
        let mut rng = Rng::new(entropy);
        Shared {
            secret: rng.next_u64(),
            cfg,
            start_ms,
            nonce: AtomicU64::new(1),
            rng: Mutex::new(rng),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(VecDeque::new()),
            issued: Mutex::new(HashMap::new()),
            segments: OnceLock::new(),
            campaigns: OnceLock::new(),
            drafts: OnceLock::new(),
            audit: OnceLock::new(),
            jobs: OnceLock::new(),
            workflows: OnceLock::new(),
        }
    }

    pub(crate) fn add_fault(&self, rule: FaultRule) {
        let remaining = (rule.count != 0).then_some(rule.count);
        lock(&self.faults).push(ActiveFault { rule, remaining });
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    fn take_fault(&self, method: &str, path: &str, is_list: bool) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let pos = faults
            .iter()
            .position(|f| f.rule.matches(method, path) && (is_list || !f.rule.fault.list_only()))?;
        let fault = faults[pos].rule.fault.clone();
        if let Some(n) = faults[pos].remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                faults.remove(pos);
            }
        }
        Some(fault)
    }

    fn segments(&self) -> &[Rec] {
        self.segments
            .get_or_init(|| data::segments(self.cfg.seed, self.cfg.segments))
    }
    fn campaigns(&self, draft: bool) -> &[Rec] {
        let (cell, n) = if draft {
            (&self.drafts, self.cfg.campaign_drafts)
        } else {
            (&self.campaigns, self.cfg.campaigns)
        };
        cell.get_or_init(|| data::campaigns(self.cfg.seed, n, self.start_ms, draft))
    }
    fn audit(&self) -> &[Rec] {
        self.audit.get_or_init(|| {
            data::audit_events(
                self.cfg.seed,
                self.cfg.audit_events,
                self.start_ms,
                &self.cfg.tenant,
            )
        })
    }
    fn jobs(&self) -> &Jobs {
        self.jobs.get_or_init(|| {
            let list = data::ingest_jobs(self.cfg.seed, self.cfg.ingest_jobs, self.start_ms);
            let index = list
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect();
            Jobs { list, index }
        })
    }
    fn workflows(&self) -> std::sync::MutexGuard<'_, WfStore> {
        lock(self.workflows.get_or_init(|| {
            let list = data::workflows(self.cfg.seed, self.cfg.workflows, self.start_ms);
            let index = list
                .iter()
                .enumerate()
                .map(|(i, w)| (w.id.clone(), i))
                .collect();
            Mutex::new(WfStore { list, index })
        }))
    }

    fn error(&self, status: u16, message: &str) -> Resp {
        let (rid, tid) = {
            let mut r = lock(&self.rng);
            (r.uuid(), r.hex(32))
        };
        Resp::value(
            status,
            &json!({"status": status, "message": message, "request_id": rid, "trace_id": tid}),
        )
    }

    fn record(&self, parts: &hyper::http::request::Parts, body: &[u8]) {
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                let name = k.as_str().to_string();
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                let value = if name == "authorization" || name == "proxy-authorization" {
                    match value.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} ***"),
                        None => "***".into(),
                    }
                } else {
                    self.mask_secrets(value)
                };
                (name, value)
            })
            .collect();
        let rec = RecordedRequest {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: self.mask_secrets(mask_form(parts.uri.query().unwrap_or(""))),
            headers,
            body: self.mask_secrets(mask_form(&String::from_utf8_lossy(body))),
        };
        let mut q = lock(&self.requests);
        if q.len() >= crate::MAX_RECORDED_REQUESTS {
            q.pop_front();
        }
        q.push_back(rec);
    }

    fn mask_secrets(&self, mut s: String) -> String {
        let secrets = std::iter::once(&self.cfg.client_secret).chain(self.cfg.tokens.iter());
        for secret in secrets {
            if secret.len() >= 4 && s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), "***");
            }
        }
        s
    }

    // -- cursors ------------------------------------------------------------------------------

    fn mac(&self, payload: &str) -> u64 {
        let mut h = DefaultHasher::new();
        self.secret.hash(&mut h);
        payload.hash(&mut h);
        h.finish()
    }

    fn cursor(&self, kind: &str, offset: usize, nonce: u64, filters: &str) -> String {
        let payload = format!("{kind}|{offset}|{nonce}|{filters}");
        let mut out = String::with_capacity(payload.len() * 2 + 17);
        for b in payload.bytes() {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
        out.push('.');
        out.push_str(&format!("{:016x}", self.mac(&payload)));
        out
    }

    /// Returns (offset, filters) for a cursor this server issued for `kind`.
    fn decode_cursor(&self, kind: &str, token: &str) -> Option<(usize, String)> {
        let (hex, mac) = token.split_once('.')?;
        if hex.len() % 2 != 0 || mac.len() != 16 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect();
        let payload = String::from_utf8(bytes?).ok()?;
        if format!("{:016x}", self.mac(&payload)) != mac {
            return None;
        }
        let mut it = payload.splitn(4, '|');
        let k = it.next()?;
        let offset = it.next()?.parse().ok()?;
        let _nonce = it.next()?;
        let filters = it.next()?.to_string();
        (k == kind).then_some((offset, filters))
    }

    fn valid_token(&self, token: &str) -> bool {
        if self.cfg.tokens.iter().any(|t| t == token) {
            return true;
        }
        let mut issued = lock(&self.issued);
        match issued.get(token) {
            Some(exp) if *exp > Instant::now() => true,
            Some(_) => {
                issued.remove(token);
                false
            }
            None => false,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn mask_form(s: &str) -> String {
    if !s.contains("client_secret") && !s.contains("access_token") {
        return s.to_string();
    }
    s.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if matches!(decode(k).as_str(), "client_secret" | "access_token") => {
                format!("{k}=***")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------------------------------------
// Query strings

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hexval(b[i + 1]), hexval(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hexval(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize].to_ascii_uppercase() as char);
            out.push(HEX[(b & 15) as usize].to_ascii_uppercase() as char);
        }
    }
    out
}

struct Query(Vec<(String, String)>);

impl Query {
    fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (decode(k), decode(v)),
                    None => (decode(p), String::new()),
                })
                .collect(),
        )
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Routing

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Segments,
    Campaigns,
    Drafts,
    Audit,
    Workflows,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Segments => "seg",
            Kind::Campaigns => "cc",
            Kind::Drafts => "ccd",
            Kind::Audit => "ae",
            Kind::Workflows => "wf",
        }
    }
    fn filter_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Segments => &[],
            Kind::Campaigns | Kind::Drafts => &["destination_data_template_id"],
            Kind::Audit => &["happened_from", "happened_to"],
            Kind::Workflows => &[
                "created_from",
                "created_to",
                "ended_from",
                "ended_to",
                "state",
                "type",
            ],
        }
    }
}

enum Route {
    Token,
    List(Kind),
    WfCreate,
    WfGet(String),
    WfStop(String),
    IngestList,
    IngestGet(String),
}

/// Ok(route) / Err(status) with 404 or 405 (+ allowed methods).
fn route(method: &Method, path: &str) -> Result<Route, (u16, &'static str)> {
    let segs: Vec<&str> = match path.strip_prefix("/api/") {
        Some(rest) => rest.split('/').collect(),
        None => return Err((404, "")),
    };
    let get = |r: Route| {
        if method == Method::GET {
            Ok(r)
        } else {
            Err((405, "GET"))
        }
    };
    let post = |r: Route| {
        if method == Method::POST {
            Ok(r)
        } else {
            Err((405, "POST"))
        }
    };
    let ok_id = |s: &str| !s.is_empty();
    match segs.as_slice() {
        ["v0", "oauth2", "token"] => post(Route::Token),
        ["segments"] => get(Route::List(Kind::Segments)),
        ["campaigns"] => get(Route::List(Kind::Campaigns)),
        ["campaign-drafts"] => get(Route::List(Kind::Drafts)),
        ["audit-events"] => get(Route::List(Kind::Audit)),
        ["workflow", "runs"] => match *method {
            Method::GET => Ok(Route::List(Kind::Workflows)),
            Method::POST => Ok(Route::WfCreate),
            _ => Err((405, "GET, POST")),
        },
        ["workflow", "runs", id] if ok_id(id) => get(Route::WfGet(id.to_string())),
        ["workflow", "runs", id, "stop"] if ok_id(id) => post(Route::WfStop(id.to_string())),
        ["ingest", "jobs"] => get(Route::IngestList),
        ["ingest", "jobs", id] if ok_id(id) => get(Route::IngestGet(id.to_string())),
        _ => Err((404, "")),
    }
}

// ---------------------------------------------------------------------------------------------
// Request handling

async fn handle(sh: Arc<Shared>, req: Request<Incoming>) -> Response<MockBody> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let path = parts.uri.path();
    if path == "/__mock" || path.starts_with("/__mock/") {
        return control(&sh, &parts.method, path, &body).into_response(false);
    }
    sh.record(&parts, &body);

    let method = parts.method.as_str();
    let route = route(&parts.method, path);
    let is_list = matches!(route, Ok(Route::List(_)));
    let fault = match parts.headers.get("x-mock-fault") {
        Some(v) => match v
            .to_str()
            .map_err(|e| e.to_string())
            .and_then(FaultRule::parse)
        {
            Ok(rule) => (rule.matches(method, path) && (is_list || !rule.fault.list_only()))
                .then_some(rule.fault),
            Err(e) => {
                return sh
                    .error(400, &format!("invalid X-Mock-Fault: {e}"))
                    .into_response(false)
            }
        },
        None => sh.take_fault(method, path, is_list),
    };
    match &fault {
        Some(Fault::Status {
            status,
            retry_after,
            html,
        }) => {
            let mut r = if *html {
                html_error(*status)
            } else {
                let reason = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Injected fault");
                sh.error(*status, reason)
            };
            if let Some(ra) = retry_after {
                r = r.header("retry-after", ra.clone());
            }
            return r.into_response(false);
        }
        Some(Fault::MalformedJson) => {
            return Resp::json(
                200,
                "{\"data\": [{\"id\": \"seg-x\", \"name\": <html>Service Unavailable</html>",
            )
            .into_response(false)
        }
        Some(Fault::HugeBody { bytes }) => {
            return Resp::json(200, huge_body(*bytes)).into_response(false)
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        _ => {}
    }

    let mut resp = match route {
        Err((404, _)) => sh.error(404, &format!("no such endpoint: {} {path}", parts.method)),
        Err((status, allow)) => sh
            .error(
                status,
                &format!("method {} not allowed on {path}", parts.method),
            )
            .header("allow", allow),
        Ok(Route::Token) => token(&sh, &parts.headers, &body),
        Ok(route) => {
            let query = Query::parse(parts.uri.query().unwrap_or(""));
            match check_access(&sh, &parts.headers, &query) {
                Err(r) => r,
                Ok(version) => api(&sh, route, &query, version, &body, fault.as_ref()),
            }
        }
    };

    let broken = matches!(fault, Some(Fault::CloseMidBody));
    match fault {
        Some(Fault::TruncatedJson) => {
            resp.body = resp.body.slice(..resp.body.len() / 2);
        }
        Some(Fault::Deprecation {
            deprecation,
            sunset,
        }) => {
            resp = resp
                .header("deprecation", deprecation)
                .header("sunset", sunset);
        }
        _ => {}
    }
    resp.into_response(broken)
}

fn html_error(status: u16) -> Resp {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    Resp {
        status,
        ctype: "text/html; charset=utf-8",
        headers: Vec::new(),
        body: format!(
            "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n<body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>\n"
        )
        .into(),
    }
}

fn huge_body(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 128);
    out.extend_from_slice(b"{\"data\":[");
    let mut i = 0u64;
    while out.len() + 2 < bytes || i == 0 {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(
            format!(
                "{{\"id\":\"seg-{i:09}\",\"name\":\"Huge body filler record {i:09}\",\"status\":\"active\"}}"
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.extend_from_slice(b"]}");
    out
}

fn control(sh: &Shared, method: &Method, path: &str, body: &[u8]) -> Resp {
    match (path, method) {
        ("/__mock/health", &Method::GET) => Resp::json(200, "{\"status\":\"ok\"}"),
        ("/__mock/requests", &Method::GET) => {
            let reqs = lock(&sh.requests);
            let items: Vec<&RecordedRequest> = reqs.iter().collect();
            Resp::json(200, serde_json::to_vec(&items).unwrap_or_default())
        }
        ("/__mock/requests", &Method::DELETE) => {
            lock(&sh.requests).clear();
            Resp::empty(204)
        }
        ("/__mock/faults", &Method::POST) => {
            let spec = String::from_utf8_lossy(body);
            match FaultRule::parse(spec.trim()) {
                Ok(rule) => {
                    let text = rule.to_string();
                    sh.add_fault(rule);
                    Resp::value(201, &json!({"installed": text}))
                }
                Err(e) => sh.error(400, &format!("invalid fault spec: {e}")),
            }
        }
        ("/__mock/faults", &Method::DELETE) => {
            sh.clear_faults();
            Resp::empty(204)
        }
        ("/__mock/health", _) => sh.error(405, "method not allowed").header("allow", "GET"),
        ("/__mock/requests", _) => sh
            .error(405, "method not allowed")
            .header("allow", "GET, DELETE"),
        ("/__mock/faults", _) => sh
            .error(405, "method not allowed")
            .header("allow", "POST, DELETE"),
        _ => sh.error(404, "no such control endpoint"),
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Auth, tenant and api-version checks; returns the API version.
fn check_access(sh: &Shared, h: &HeaderMap, q: &Query) -> Result<&'static str, Resp> {
    let token = header(h, "authorization").and_then(|v| {
        let (scheme, rest) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim())
            .filter(|t| !t.is_empty())
    });
    match token {
        None => return Err(sh.error(401, "Authentication required: missing bearer token")),
        Some(t) if !sh.valid_token(t) => {
            return Err(sh.error(401, "Authentication required: invalid or expired token"))
        }
        Some(_) => {}
    }
    match header(h, "amperity-tenant") {
        None | Some("") => return Err(sh.error(400, "missing amperity-tenant header")),
        Some(t) if t != sh.cfg.tenant => {
            return Err(sh.error(403, &format!("not authorized for tenant {t}")))
        }
        Some(_) => {}
    }
    let version = header(h, "api-version").or_else(|| q.get("api_version"));
    match version {
        None | Some("") => Err(sh.error(400, "missing api-version header")),
        Some(v) => API_VERSIONS
            .iter()
            .copied()
            .find(|known| *known == v)
            .ok_or_else(|| sh.error(400, &format!("unsupported api-version: {v}"))),
    }
}

fn token(sh: &Shared, h: &HeaderMap, body: &[u8]) -> Resp {
    let form = Query::parse(&String::from_utf8_lossy(body));
    match form.get("grant_type") {
        Some("client_credentials") => {}
        Some(other) => return sh.error(400, &format!("unsupported grant_type: {other}")),
        None => return sh.error(400, "missing grant_type"),
    }
    let tenant = match header(h, "x-amperity-tenant") {
        None | Some("") => return sh.error(400, "missing X-Amperity-Tenant header"),
        Some(t) => t,
    };
    if form.get("client_id") != Some(sh.cfg.client_id.as_str())
        || form.get("client_secret") != Some(sh.cfg.client_secret.as_str())
    {
        return sh.error(401, "invalid client credentials");
    }
    if tenant != sh.cfg.tenant {
        return sh.error(
            403,
            &format!("client is not authorized for tenant {tenant}"),
        );
    }
    let token = {
        let mut r = lock(&sh.rng);
        format!("mock.{}.{}", r.b62(24), r.b62(16))
    };
    lock(&sh.issued).insert(token.clone(), Instant::now() + sh.cfg.token_ttl);
    Resp::value(
        200,
        &json!({"access_token": token, "expires_in": sh.cfg.token_ttl.as_secs(), "token_type": "Bearer"}),
    )
    .header("cache-control", "no-store")
}

// ---------------------------------------------------------------------------------------------
// API handlers

struct ListReq {
    kind: Kind,
    limit: usize,
    offset: usize,
    sent_token: Option<String>,
    with_total: bool,
    /// The filters (from the cursor when one was sent).
    filters: Query,
    filter_str: String,
}

fn with_total(sh: &Shared, q: &Query) -> Result<bool, Resp> {
    match q.get("with_total") {
        None => Ok(false),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(sh.error(400, &format!("with_total must be true or false, not {v:?}"))),
    }
}

fn list_req(sh: &Shared, kind: Kind, q: &Query) -> Result<ListReq, Resp> {
    let limit = match q.get("limit") {
        None => 100,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(sh.error(
                    400,
                    &format!("limit must be an integer from 1 to 1000, not {v:?}"),
                ))
            }
        },
    };
    let with_total = with_total(sh, q)?;
    let (offset, sent_token, filter_str) = match q.get("next_token") {
        None => {
            let s = kind
                .filter_keys()
                .iter()
                .filter_map(|k| q.get(k).map(|v| format!("{k}={}", encode(v))))
                .collect::<Vec<_>>()
                .join("&");
            (0, None, s)
        }
        Some("") => return Err(sh.error(400, "next_token must not be empty")),
        Some(t) => match sh.decode_cursor(kind.tag(), t) {
            Some((offset, filters)) => (offset, Some(t.to_string()), filters),
            None => return Err(sh.error(400, "invalid next_token")),
        },
    };
    Ok(ListReq {
        kind,
        limit,
        offset,
        sent_token,
        with_total,
        filters: Query::parse(&filter_str),
        filter_str,
    })
}

impl ListReq {
    fn window(&self, total: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(total);
        start..(start + self.limit).min(total)
    }

    fn time(&self, sh: &Shared, key: &str) -> Result<Option<i64>, Resp> {
        match self.filters.get(key) {
            None => Ok(None),
            Some(v) => parse_time(v).map(Some).ok_or_else(|| {
                sh.error(
                    400,
                    &format!("{key} must be an RFC 3339 date-time or YYYY-MM-DD, not {v:?}"),
                )
            }),
        }
    }

    /// Writes the page: `items` are the records of `window(total)`.
    fn page<'a>(
        &self,
        sh: &Shared,
        total: usize,
        items: impl Iterator<Item = &'a str>,
        fault: Option<&Fault>,
    ) -> Resp {
        let w = self.window(total);
        let mut next =
            (w.end < total).then(|| sh.cursor(self.kind.tag(), w.end, 0, &self.filter_str));
        let mut out = Vec::with_capacity(128 + w.len() * 96);
        out.extend_from_slice(b"{\"data\":[");
        match fault {
            Some(Fault::EmptyPageWithCursor) => {
                let n = sh.nonce.fetch_add(1, Ordering::Relaxed);
                next = Some(sh.cursor(self.kind.tag(), w.start, n, &self.filter_str));
            }
            _ => {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(item.as_bytes());
                }
                if let Some(Fault::RepeatCursor) = fault {
                    next = Some(self.sent_token.clone().unwrap_or_else(|| {
                        sh.cursor(self.kind.tag(), self.limit, 0, &self.filter_str)
                    }));
                }
            }
        }
        out.push(b']');
        match next {
            Some(t) => {
                out.extend_from_slice(b",\"next_token\":\"");
                out.extend_from_slice(t.as_bytes());
                out.push(b'"');
            }
            None => last_cursor(&mut out, sh.cfg.last_cursor),
        }
        if self.with_total {
            out.extend_from_slice(format!(",\"total\":{total}").as_bytes());
        }
        out.push(b'}');
        Resp::json(200, out)
    }
}

fn last_cursor(out: &mut Vec<u8>, lc: LastCursor) {
    match lc {
        LastCursor::Absent => {}
        LastCursor::Empty => out.extend_from_slice(b",\"next_token\":\"\""),
        LastCursor::Null => out.extend_from_slice(b",\"next_token\":null"),
    }
}

fn api(
    sh: &Shared,
    route: Route,
    q: &Query,
    version: &str,
    body: &[u8],
    fault: Option<&Fault>,
) -> Resp {
    let r = match route {
        Route::List(kind) => list(sh, kind, q, version, fault),
        Route::WfCreate => create_run(sh, body),
        Route::WfGet(id) => get_run(sh, &id, q),
        Route::WfStop(id) => stop_run(sh, &id),
        Route::IngestList => ingest_list(sh, q),
        Route::IngestGet(id) => match sh.jobs().index.get(&id) {
            Some(&i) => Ok(Resp::json(200, sh.jobs().list[i].json.clone())),
            None => Err(sh.error(404, &format!("ingest job {id} not found"))),
        },
        Route::Token => Err(sh.error(404, "not found")),
    };
    r.unwrap_or_else(|e| e)
}

fn list(
    sh: &Shared,
    kind: Kind,
    q: &Query,
    version: &str,
    fault: Option<&Fault>,
) -> Result<Resp, Resp> {
    if kind == Kind::Drafts && version != "unstable" {
        return Err(sh.error(400, "/campaign-drafts requires api-version: unstable"));
    }
    let lr = list_req(sh, kind, q)?;
    match kind {
        Kind::Segments => {
            let all = sh.segments();
            let w = lr.window(all.len());
            Ok(lr.page(sh, all.len(), all[w].iter().map(|r| r.json.as_str()), fault))
        }
        Kind::Campaigns | Kind::Drafts => {
            let all = sh.campaigns(kind == Kind::Drafts);
            match lr.filters.get("destination_data_template_id") {
                None => {
                    let w = lr.window(all.len());
                    Ok(lr.page(sh, all.len(), all[w].iter().map(|r| r.json.as_str()), fault))
                }
                Some(t) => {
                    let tag = DATA_TEMPLATE_IDS.iter().position(|x| *x == t);
                    let m: Vec<&Rec> = all.iter().filter(|r| Some(r.tag) == tag).collect();
                    let w = lr.window(m.len());
                    Ok(lr.page(sh, m.len(), m[w].iter().map(|r| r.json.as_str()), fault))
                }
            }
        }
        Kind::Audit => {
            let from = lr.time(sh, "happened_from")?.unwrap_or(i64::MIN);
            let to = lr.time(sh, "happened_to")?.unwrap_or(i64::MAX);
            let all = sh.audit();
            let m: Vec<&Rec> = all
                .iter()
                .filter(|r| r.at_ms >= from && r.at_ms < to)
                .collect();
            let w = lr.window(m.len());
            Ok(lr.page(sh, m.len(), m[w].iter().map(|r| r.json.as_str()), fault))
        }
        Kind::Workflows => {
            let cf = lr.time(sh, "created_from")?.unwrap_or(i64::MIN);
            let ct = lr.time(sh, "created_to")?.unwrap_or(i64::MAX);
            let ef = lr.time(sh, "ended_from")?;
            let et = lr.time(sh, "ended_to")?;
            let state = lr.filters.get("state");
            let wtype = lr.filters.get("type");
            let store = sh.workflows();
            let m: Vec<&Workflow> = store
                .list
                .iter()
                .rev()
                .filter(|w| {
                    if w.created_ms < cf || w.created_ms >= ct {
                        return false;
                    }
                    if wtype.is_some_and(|t| t != w.wtype) {
                        return false;
                    }
                    if state.is_none() && ef.is_none() && et.is_none() {
                        return true;
                    }
                    let s = w.snapshot();
                    if state.is_some_and(|st| !st.eq_ignore_ascii_case(s.state)) {
                        return false;
                    }
                    if ef.is_some() || et.is_some() {
                        match s.ended_ms {
                            None => return false,
                            Some(e) => {
                                if e < ef.unwrap_or(i64::MIN) || e >= et.unwrap_or(i64::MAX) {
                                    return false;
                                }
                            }
                        }
                    }
                    true
                })
                .collect();
            let w = lr.window(m.len());
            let items: Vec<String> = m[w]
                .iter()
                .map(|w| list_item(w.to_json(&sh.cfg.tenant, true)).to_string())
                .collect();
            Ok(lr.page(sh, m.len(), items.iter().map(String::as_str), fault))
        }
    }
}

/// Workflows in a list carry every field except `task_instances`.
fn list_item(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove("task_instances");
    }
    v
}

fn ingest_list(sh: &Shared, q: &Query) -> Result<Resp, Resp> {
    let bound = |key: &str| -> Result<i64, Resp> {
        match q.get(key) {
            None | Some("") => Err(sh.error(400, &format!("{key} is required"))),
            Some(v) => parse_time(v).ok_or_else(|| {
                sh.error(
                    400,
                    &format!("{key} must be an RFC 3339 date-time or YYYY-MM-DD, not {v:?}"),
                )
            }),
        }
    };
    let from = bound("created_from")?;
    let to = bound("created_to")?;
    let wt = with_total(sh, q)?;
    let m: Vec<&Rec> = sh
        .jobs()
        .list
        .iter()
        .filter(|r| r.at_ms >= from && r.at_ms < to)
        .collect();
    let mut out = Vec::with_capacity(256 + m.len() * 1024);
    out.extend_from_slice(b"{\"data\":[");
    for (i, r) in m.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(r.json.as_bytes());
    }
    out.push(b']');
    last_cursor(&mut out, sh.cfg.last_cursor);
    if wt {
        out.extend_from_slice(format!(",\"total\":{}", m.len()).as_bytes());
    }
    out.push(b'}');
    Ok(Resp::json(200, out))
}

fn get_run(sh: &Shared, id: &str, q: &Query) -> Result<Resp, Resp> {
    let verbose = match q.get("view") {
        None | Some("overview") => false,
        Some("verbose") => true,
        Some(v) => {
            return Err(sh.error(400, &format!("view must be overview or verbose, not {v:?}")))
        }
    };
    let store = sh.workflows();
    match store.index.get(id) {
        Some(&i) => Ok(Resp::value(
            200,
            &store.list[i].to_json(&sh.cfg.tenant, verbose),
        )),
        None => Err(sh.error(404, &format!("workflow {id} not found"))),
    }
}

fn stop_run(sh: &Shared, id: &str) -> Result<Resp, Resp> {
    let mut store = sh.workflows();
    let i = match store.index.get(id) {
        Some(&i) => i,
        None => return Err(sh.error(404, &format!("workflow {id} not found"))),
    };
    let w = &mut store.list[i];
    let snap = w.snapshot();
    if snap.ended_ms.is_some() {
        return Err(sh.error(
            409,
            &format!("workflow {id} has already ended (state {})", snap.state),
        ));
    }
    let now = now_ms().max(w.created_ms);
    let live = matches!(w.progress, Progress::Live { .. });
    if live && snap.phase == 0 {
        w.tasks.clear();
    }
    for t in &mut w.tasks {
        if live || t.ended_ms.is_none() {
            t.state = "canceled";
            t.ended_ms = Some(now);
        }
    }
    w.progress = Progress::Fixed {
        state: "canceled",
        ended_ms: Some(now),
    };
    Ok(Resp::value(200, &w.to_json(&sh.cfg.tenant, true)))
}

fn create_run(sh: &Shared, body: &[u8]) -> Result<Resp, Resp> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| sh.error(400, &format!("request body is not valid JSON: {e}")))?;
    let obj = match v {
        Value::Object(m) => m,
        _ => return Err(sh.error(400, "request body must be a JSON object")),
    };
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for (k, v) in &obj {
        if !matches!(
            k.as_str(),
            "config_id" | "range_from" | "range_to" | "run_mode"
        ) {
            return Err(sh.error(400, &format!("unknown field: {k}")));
        }
        match v.as_str() {
            Some(s) => {
                fields.insert(k.as_str(), s);
            }
            None => return Err(sh.error(400, &format!("{k} must be a string"))),
        }
    }
    let config_id = match fields.get("config_id") {
        Some(c) if !c.is_empty() => *c,
        _ => return Err(sh.error(400, "config_id is required")),
    };
    for k in ["range_from", "range_to"] {
        if let Some(v) = fields.get(k) {
            if parse_time(v).is_none() {
                return Err(sh.error(
                    400,
                    &format!("{k} must be an RFC 3339 date-time or YYYY-MM-DD"),
                ));
            }
        }
    }
    if fields.contains_key("range_to") && !fields.contains_key("range_from") {
        return Err(sh.error(400, "range_to is only valid together with range_from"));
    }
    if let (Some(f), Some(t)) = (fields.get("range_from"), fields.get("range_to")) {
        if parse_time(t) <= parse_time(f) {
            return Err(sh.error(400, "range_to must be after range_from"));
        }
    }
    if let Some(m) = fields.get("run_mode") {
        if !matches!(*m, "source" | "refresh" | "full") {
            return Err(sh.error(400, "run_mode must be source, refresh or full"));
        }
    }
    let (wtype, name) = if config_id.starts_with("og-") {
        (
            "amperity.orchestration.orchestration/run",
            format!("Orchestration group {config_id}"),
        )
    } else if config_id.starts_with("cc-") {
        ("campaign.send", format!("Send campaign {config_id}"))
    } else {
        (
            "courier.group/run",
            format!("Courier group {config_id} run"),
        )
    };
    let created = now_ms();
    let fail = config_id.starts_with("cg-fail");
    let mut store = sh.workflows();
    let wf = {
        let mut r = lock(&sh.rng);
        let id = r.dated_id("wf", created);
        let mut task = data::new_task(&mut r, created + 1, wtype, "scheduled", None);
        task.label = format!("Run {config_id}");
        Workflow {
            id,
            wtype,
            name,
            created_ms: created,
            principal: (
                "api-key|ak-mock".into(),
                "Mock API key".into(),
                "api@example.com".into(),
            ),
            launched_version: format!("etv-{}", r.b62(9)),
            current_version: format!("etv-{}", r.b62(9)),
            warn_after_ms: None,
            tasks: vec![task],
            error: fail.then(|| {
                json!({
                    "type": "amperity.workflow.task.courier/fetch",
                    "message": format!("Courier group {config_id} failed: no files matched the input pattern"),
                    "attribution": "customer",
                    "data": {"error": {"message": "No files found for the requested range.", "data": null}},
                })
            }),
            progress: Progress::Live {
                started: Instant::now(),
                step_ms: sh.cfg.run_step.as_millis() as u64,
                fail,
            },
        }
    };
    let resp = Resp::value(201, &wf.to_json(&sh.cfg.tenant, true));
    let idx = store.list.len();
    store.index.insert(wf.id.clone(), idx);
    store.list.push(wf);
    Ok(resp)
}
