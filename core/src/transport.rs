//! One HTTP exchange, and the retry loop around it: ureq agent, status mapping, error bodies.

use crate::cancel::{CallGuard, Canceller};
use crate::config::Config;
use crate::error::{ApiError, ApiErrorKind, Error, Result, TransportKind};
use crate::retry::{parse_retry_after, RetryClass, RetryPolicy};
use std::collections::HashSet;
use std::sync::{Mutex, RwLock};
use std::time::Duration;
use std::time::SystemTime;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::Agent;

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// One request, ready to send (URL complete, headers besides the agent's own); borrows
/// everything so a retry or a page costs no copies.
pub(crate) struct HttpRequest<'a> {
    pub operation: &'a str,
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'static str, &'a str)],
    /// Content type and body (POST only).
    pub body: Option<(&'static str, &'a [u8])>,
}

/// A 2xx answer.
pub(crate) struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// `Deprecation` / `Sunset` headers seen on an operation's response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeprecationNotice {
    /// The operation that answered with the headers (for example `list-segment`).
    pub operation: String,
    /// The `Deprecation` header value, when sent.
    pub deprecation: Option<String>,
    /// The `Sunset` header value, when sent.
    pub sunset: Option<String>,
    /// When the operation is (or was) deprecated: the `Deprecation` header as a time, when it is
    /// one (RFC 9745 `@<unix seconds>`, or an HTTP date as older drafts sent).
    pub deprecated_at: Option<crate::Timestamp>,
    /// When the operation stops working: the `Sunset` header's HTTP date, when it parses.
    pub sunset_at: Option<crate::Timestamp>,
}

/// A `Deprecation` or `Sunset` header value as a time: `@<unix seconds>` or an HTTP date.
pub(crate) fn header_time(value: Option<&str>) -> Option<crate::Timestamp> {
    let value = value?.trim();
    if let Some(seconds) = value.strip_prefix('@') {
        return seconds
            .parse::<i64>()
            .ok()
            .map(|s| crate::Timestamp::from_unix(s, 0))
            // Beyond the years 0000-9999 it is no time a language's date type could hold.
            .filter(crate::Timestamp::is_rfc3339_range);
    }
    crate::retry::parse_http_date(value).map(crate::Timestamp::from)
}

/// The shared HTTP machinery of a client.
pub(crate) struct Transport {
    /// Replaced by a fresh agent (same settings) when the client is cancelled: the old one is
    /// shut down, which ends the requests in flight on it.
    agent: RwLock<Agent>,
    agent_config: ureq::config::Config,
    canceller: Canceller,
    retry: RetryPolicy,
    max_response_bytes: u64,
    deprecations: Mutex<Vec<DeprecationNotice>>,
    request_hook: Option<crate::hook::RequestHook>,
    /// `host:port` of the proxy in use (never its credentials), for error messages.
    proxy_address: Option<String>,
}

/// The operating system's trust store, where this build has the platform verifier.
#[cfg(feature = "platform-verifier")]
fn platform_verifier_roots() -> Result<RootCerts> {
    Ok(RootCerts::PlatformVerifier)
}

/// Builds without the `platform-verifier` feature (Apple targets linked without Apple's SDK).
#[cfg(not(feature = "platform-verifier"))]
fn platform_verifier_roots() -> Result<RootCerts> {
    Err(Error::config(
        "this build of the SDK has no platform verifier (it was built without the `platform-verifier` feature): use the bundled roots or extra root certificates",
    ))
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        let mut tls = TlsConfig::builder();
        if config.platform_verifier {
            tls = tls.root_certs(platform_verifier_roots()?);
        } else if !config.extra_root_certs_pem.is_empty() {
            tls = tls.root_certs(root_certs_with(&config.extra_root_certs_pem)?);
        }
        let proxy_url = crate::proxy::proxy_url(config, |name| std::env::var(name).ok());
        let proxy_address = proxy_url
            .as_deref()
            .map(crate::proxy::address_without_credentials);
        let proxy = proxy_url.as_deref().map(parse_proxy).transpose()?;
        let agent_config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.request_timeout))
            .user_agent(config.user_agent.as_str())
            .accept("application/json")
            .max_redirects(0)
            .max_redirects_will_error(false)
            .proxy(proxy)
            .tls_config(tls.build())
            .build();
        // ureq resolves the host before every request, pooled connection or not; see
        // `resolve::CachingResolver` for why lookups are cached.
        Ok(Transport {
            agent: RwLock::new(new_agent(agent_config.clone())),
            agent_config,
            canceller: Canceller::default(),
            retry: config.retry.clone(),
            max_response_bytes: config.max_response_bytes,
            deprecations: Mutex::new(Vec::new()),
            request_hook: config.request_hook.clone(),
            proxy_address,
        })
    }

    /// Ends every call in progress on this client: sleeping calls wake up, and the connections
    /// in use are shut down (the agent is replaced by a fresh one for the calls that follow).
    pub(crate) fn cancel(&self) {
        self.canceller.cancel();
        let fresh = new_agent(self.agent_config.clone());
        let old = std::mem::replace(
            &mut *self.agent.write().unwrap_or_else(|e| e.into_inner()),
            fresh,
        );
        old.shutdown();
    }

    /// Marks the span of one call on this thread (see [`Canceller::begin`]).
    pub(crate) fn begin_call(&self) -> CallGuard {
        self.canceller.begin()
    }

    /// `Err(Error::Cancelled)` when the call in progress on this thread was cancelled.
    pub(crate) fn check_cancelled(&self, operation: &str) -> Result<()> {
        if self.canceller.is_cancelled() {
            Err(Error::cancelled(operation))
        } else {
            Ok(())
        }
    }

    /// Sleeps, unless the call is cancelled first.
    pub(crate) fn sleep(&self, duration: Duration, operation: &str) -> Result<()> {
        if self.canceller.sleep(duration) {
            Ok(())
        } else {
            Err(Error::cancelled(operation))
        }
    }

    fn agent(&self) -> Agent {
        self.agent.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs `attempt` until it succeeds, fails in a way `class` must not retry, or the policy's
    /// attempts are used up; sleeps the policy's backoff between attempts. A cancel ends it.
    pub(crate) fn retrying<T>(
        &self,
        operation: &str,
        class: RetryClass,
        attempt: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        self.retrying_with(&self.retry, operation, class, attempt)
    }

    /// [`retrying`](Self::retrying) with another policy than the client's (a stream sender's
    /// own number of retries).
    pub(crate) fn retrying_with<T>(
        &self,
        policy: &RetryPolicy,
        operation: &str,
        class: RetryClass,
        mut attempt: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        let _call = self.begin_call();
        let mut made = 0;
        loop {
            self.check_cancelled(operation)?;
            made += 1;
            let error = match crate::hook::as_attempt(made, &mut attempt) {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            match policy.delay_for(class, &error, made) {
                Some(delay) => {
                    log::debug!("attempt {made} failed ({error}); retrying in {delay:?}");
                    self.sleep(delay, operation)?;
                }
                None => return Err(error.with_attempts(made)),
            }
        }
    }

    pub(crate) fn send_with_retries(
        &self,
        request: &HttpRequest<'_>,
        class: RetryClass,
    ) -> Result<HttpResponse> {
        self.retrying(request.operation, class, || self.send_once(request))
    }

    /// One exchange; a non-2xx status becomes [`Error::Api`]. Reported to the request hook.
    pub(crate) fn send_once(&self, request: &HttpRequest<'_>) -> Result<HttpResponse> {
        let Some(hook) = &self.request_hook else {
            return self.exchange(request).map(|(response, _)| response);
        };
        let start = std::time::Instant::now();
        let result = self.exchange(request);
        let (status, request_id) = match &result {
            Ok((response, request_id)) => (Some(response.status), request_id.clone()),
            Err(Error::Api(api)) => (Some(api.status), api.request_id.clone()),
            Err(_) => (None, None),
        };
        (hook.0)(&crate::RequestInfo {
            operation: request.operation.to_owned(),
            method: match request.method {
                Method::Get => "GET",
                Method::Post => "POST",
            }
            .to_owned(),
            url: request.url.to_owned(),
            status,
            attempt: crate::hook::current_attempt(),
            elapsed: start.elapsed(),
            request_id,
        });
        result.map(|(response, _)| response)
    }

    /// The exchange itself, with the answer's `X-Request-Id` header.
    fn exchange(&self, request: &HttpRequest<'_>) -> Result<(HttpResponse, Option<String>)> {
        let operation = request.operation;
        log::debug!("{operation}: {:?} {}", request.method, request.url);
        let agent = self.agent();
        let result = match request.method {
            Method::Get => {
                let mut builder = agent.get(request.url);
                for (name, value) in request.headers {
                    builder = builder.header(*name, *value);
                }
                builder.call()
            }
            Method::Post => {
                let mut builder = agent.post(request.url);
                for (name, value) in request.headers {
                    builder = builder.header(*name, *value);
                }
                match request.body {
                    Some((content_type, body)) => {
                        builder.header("Content-Type", content_type).send(body)
                    }
                    None => builder.send_empty(),
                }
            }
        };
        let mut response = result.map_err(|e| self.transport_error(operation, e))?;
        let status = response.status().as_u16();
        self.note_deprecation(operation, response.headers());
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body =
            read_body(response.body_mut(), self.max_response_bytes).map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(limit) => Error::decode(
                    operation,
                    format!("the response body is larger than the {limit}-byte limit"),
                ),
                other => self.transport_error(operation, other),
            })?;
        if (200..300).contains(&status) {
            let request_id = response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            Ok((HttpResponse { status, body }, request_id))
        } else {
            let mut error = api_error(operation, status, &content_type, &body, retry_after);
            if (300..400).contains(&status) {
                // Redirects are never followed (the bearer token would go along): say so, and
                // where it pointed, without a query that may carry secrets.
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok());
                error.message = redirect_message(location);
            }
            // A token URL is configured on its own (any host and path): no base URL hint there.
            if status == 404 && operation != crate::auth::TOKEN_OPERATION {
                if let Some(hint) = not_found_hint(request.url, &body) {
                    error.message.push_str(hint);
                }
            }
            Err(Error::Api(error))
        }
    }

    fn note_deprecation(&self, operation: &str, headers: &ureq::http::HeaderMap) {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (deprecation, sunset) = (read("deprecation"), read("sunset"));
        if deprecation.is_none() && sunset.is_none() {
            return;
        }
        let mut seen = self.deprecations.lock().unwrap_or_else(|e| e.into_inner());
        let (deprecated_at, sunset_at) = (
            header_time(deprecation.as_deref()),
            header_time(sunset.as_deref()),
        );
        if let Some(known) = seen.iter_mut().find(|n| n.operation == operation) {
            known.deprecation = deprecation;
            known.sunset = sunset;
            known.deprecated_at = deprecated_at;
            known.sunset_at = sunset_at;
            return;
        }
        // Its own target, so that each language's bridge can turn it into its deprecation
        // warning (Python's `DeprecationWarning`).
        log::warn!(
            target: crate::DEPRECATION_LOG_TARGET,
            "Amperity marks {operation} as deprecated (Deprecation: {}, Sunset: {}); plan a migration",
            deprecation.as_deref().unwrap_or("-"),
            sunset.as_deref().unwrap_or("-")
        );
        seen.push(DeprecationNotice {
            operation: operation.to_owned(),
            deprecation,
            sunset,
            deprecated_at,
            sunset_at,
        });
    }

    /// Maps a ureq error; behind a proxy, failing to connect means failing to reach the proxy.
    /// A request that failed because the client was cancelled is [`Error::Cancelled`].
    fn transport_error(&self, operation: &str, error: ureq::Error) -> Error {
        if self.canceller.is_cancelled() {
            return Error::cancelled(operation);
        }
        let mapped = transport_error(operation, error);
        match (mapped, &self.proxy_address) {
            (
                Error::Transport {
                    kind: TransportKind::Connect | TransportKind::Dns,
                    operation,
                    detail,
                    attempts,
                },
                Some(address),
            ) => Error::Transport {
                kind: TransportKind::Proxy,
                operation,
                detail: format!("could not reach the proxy at {address}: {detail}"),
                attempts,
            },
            (other, _) => other,
        }
    }

    pub(crate) fn deprecations(&self) -> Vec<DeprecationNotice> {
        self.deprecations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The whole body, at most `limit` bytes. In one allocation when the server says how long it
/// is (up to 8 MiB ahead): `read_to_vec` starts empty and doubles, a dozen reallocations and
/// copies for a page of 1000 records.
fn read_body(body: &mut ureq::Body, limit: u64) -> Result<Vec<u8>, ureq::Error> {
    use std::io::Read;
    const MAX_AHEAD: u64 = 8 << 20;
    let ahead = body.content_length().unwrap_or(0).min(limit).min(MAX_AHEAD);
    let mut buf = Vec::with_capacity(usize::try_from(ahead).unwrap_or(0));
    body.with_config()
        .limit(limit)
        .reader()
        .read_to_end(&mut buf)
        .map_err(ureq::Error::from)?;
    Ok(buf)
}

fn new_agent(config: ureq::config::Config) -> Agent {
    // ureq resolves the host before every request, pooled connection or not; see
    // `resolve::CachingResolver` for why lookups are cached.
    Agent::with_parts(
        config,
        crate::interrupt::TrackingConnector::default(),
        crate::resolve::CachingResolver::default(),
    )
}

/// The last extra PEMs of this process and the roots built from them. The clients of a process
/// nearly always share them (`SSL_CERT_FILE` above all), and parsing a system bundle of ~150
/// certificates took about 0.6 ms per client; comparing the texts takes a few microseconds.
static LAST_ROOTS: Mutex<Option<(LabelledPems, RootCerts)>> = Mutex::new(None);

/// PEM texts, each with where it came from.
type LabelledPems = Vec<(String, String)>;

/// The bundled roots plus every extra PEM (each labelled with where it came from, for errors),
/// reused when the PEM texts are the same as the last client's.
fn root_certs_with(extra_pems: &[(String, String)]) -> Result<RootCerts> {
    let mut last = LAST_ROOTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((pems, roots)) = last.as_ref() {
        if pems.as_slice() == extra_pems {
            return Ok(roots.clone());
        }
    }
    let roots = parse_root_certs(extra_pems)?;
    *last = Some((extra_pems.to_vec(), roots.clone()));
    Ok(roots)
}

fn parse_root_certs(extra_pems: &[(String, String)]) -> Result<RootCerts> {
    let mut certs: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    for (source, pem) in extra_pems {
        let before = certs.len();
        for item in ureq::tls::parse_pem(pem.as_bytes()) {
            match item {
                Ok(PemItem::Certificate(cert)) => certs.push(cert),
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::config(format!(
                        "invalid root certificate PEM in {source}: {e}"
                    )))
                }
            }
        }
        if certs.len() == before {
            return Err(Error::config(format!("{source} holds no certificate")));
        }
    }
    let mut seen = HashSet::new();
    certs.retain(|c| seen.insert(c.der().to_vec()));
    Ok(RootCerts::from(certs))
}

/// The proxy of a proxy URL, or a configuration error that does not quote it.
pub(crate) fn parse_proxy(url: &str) -> Result<ureq::Proxy> {
    ureq::Proxy::new(url)
        .map_err(|e| Error::config(format!("invalid proxy URL: {}", redact_url_error(&e))))
}

/// A proxy URL may carry credentials; never echo it.
fn redact_url_error(error: &ureq::Error) -> String {
    match error {
        ureq::Error::InvalidProxyUrl => "not a valid proxy URL".to_owned(),
        other => other.to_string(),
    }
}

fn transport_error(operation: &str, error: ureq::Error) -> Error {
    use std::io::ErrorKind as Io;
    let kind = match &error {
        ureq::Error::Timeout(_) => TransportKind::Timeout,
        ureq::Error::HostNotFound => TransportKind::Dns,
        ureq::Error::ConnectionFailed => TransportKind::Connect,
        ureq::Error::Io(io)
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>()) =>
        {
            TransportKind::Tls
        }
        ureq::Error::Io(io) => match io.kind() {
            Io::ConnectionRefused | Io::AddrNotAvailable => TransportKind::Connect,
            Io::TimedOut | Io::WouldBlock => TransportKind::Timeout,
            Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe | Io::UnexpectedEof => {
                TransportKind::ConnectionReset
            }
            _ => TransportKind::Other,
        },
        ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::TlsRequired => TransportKind::Tls,
        ureq::Error::ConnectProxyFailed(_) | ureq::Error::InvalidProxyUrl => TransportKind::Proxy,
        ureq::Error::Protocol(_) | ureq::Error::BodyStalled => TransportKind::ConnectionReset,
        _ => TransportKind::Other,
    };
    Error::Transport {
        kind,
        operation: operation.to_owned(),
        detail: error.to_string(),
        attempts: 1,
    }
}

/// The fields of Amperity's error body (`{"status", "message", "request_id", "trace_id"}`).
struct ErrorBody {
    /// The message, when it is a string with something in it.
    message: Option<String>,
    request_id: Option<String>,
    trace_id: Option<String>,
}

impl ErrorBody {
    /// Reads the fields of a JSON object body one by one, so that one field of an unexpected
    /// type (a `message` object, a numeric `status` string) or a repeated key does not lose the
    /// others: the ids are what Support asks for. `None` when the body is not a JSON object.
    fn parse(body: &[u8]) -> Option<ErrorBody> {
        let serde_json::Value::Object(fields) = serde_json::from_slice(body).ok()? else {
            return None;
        };
        let text = |key: &str| {
            fields
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        Some(ErrorBody {
            message: text("message").filter(|m| !m.trim().is_empty()),
            request_id: text("request_id"),
            trace_id: text("trace_id"),
        })
    }
}

pub(crate) fn api_error(
    operation: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
    retry_after: Option<std::time::Duration>,
) -> ApiError {
    let (message, request_id, trace_id) = match ErrorBody::parse(body) {
        Some(ErrorBody {
            message: Some(message),
            request_id,
            trace_id,
        }) => (message, request_id, trace_id),
        Some(ErrorBody {
            request_id,
            trace_id,
            ..
        }) => (snippet(body, content_type), request_id, trace_id),
        None => (snippet(body, content_type), None, None),
    };
    ApiError {
        status,
        kind: ApiErrorKind::from_status(status),
        message,
        request_id,
        trace_id,
        operation: operation.to_owned(),
        retry_after,
        attempts: 1,
    }
}

/// What a 404 most likely means when it does not look like a missing resource: a request path
/// without an `/api` segment (a base URL missing its `/api` suffix), or a body that is not
/// Amperity's error shape (a web page or another service answered). Streaming Ingest paths
/// (`/stream/…`) have no `/api` segment by design.
pub(crate) fn not_found_hint(url: &str, body: &[u8]) -> Option<&'static str> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |start| &after_scheme[start..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let streaming = path.starts_with("/stream/");
    if !streaming && !segments.any(|s| s == "api") {
        return Some(
            " (hint: the request URL has no /api segment; the base URL probably lacks its /api \
             suffix, e.g. https://acme.amperity.com/api rather than https://acme.amperity.com)",
        );
    }
    let amperity_shape = matches!(
        ErrorBody::parse(body),
        Some(ErrorBody {
            message: Some(_),
            ..
        })
    );
    (!amperity_shape).then_some(
        " (hint: this 404 is not an Amperity API error response; check that the base URL points \
         at the Amperity API, e.g. https://app.amperity.com/api)",
    )
}

/// The message of a refused redirect: where it pointed, without query, fragment or userinfo.
pub(crate) fn redirect_message(location: Option<&str>) -> String {
    match location {
        Some(location) => {
            let target = location.split(['?', '#']).next().unwrap_or_default();
            let target = match target.split_once("://") {
                Some((scheme, rest)) => match rest.split_once('/') {
                    Some((authority, path)) => format!(
                        "{scheme}://{}/{path}",
                        authority.rsplit_once('@').map_or(authority, |(_, host)| host)
                    ),
                    None => format!(
                        "{scheme}://{}",
                        rest.rsplit_once('@').map_or(rest, |(_, host)| host)
                    ),
                },
                None => target.to_owned(),
            };
            format!("redirect refused: the server redirected to {target} (redirects are not followed)")
        }
        None => "redirect refused: the server answered with a redirect without a Location (redirects are not followed)".to_owned(),
    }
}

/// A short, single-line excerpt of a body that is not the documented error JSON.
pub(crate) fn snippet(body: &[u8], content_type: &str) -> String {
    if body.is_empty() {
        return "empty response body".to_owned();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let lower = text.to_ascii_lowercase();
    let title = lower
        .find("<title>")
        .and_then(|start| {
            lower[start..]
                .find("</title>")
                .map(|end| (start + 7, start + end))
        })
        .map(|(a, b)| text[a..b].to_string());
    let basis = title.unwrap_or_else(|| text.to_string());
    let mut flat: String = basis.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        flat = flat.chars().take(200).collect::<String>() + "…";
    }
    // The media type only (parameters dropped), at most 80 characters: the header is the
    // server's to fill, and a message is no place for kilobytes of it.
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    let kind = match media_type.char_indices().nth(80) {
        _ if media_type.is_empty() => "unknown content type".to_owned(),
        Some((cut, _)) => format!("{}…", &media_type[..cut]),
        None => media_type.to_owned(),
    };
    format!("unexpected non-JSON response body ({kind}): {flat}")
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_component_into(&mut out, value);
    out
}

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// [`encode_component`], appending to `out`.
pub(crate) fn encode_component_into(out: &mut String, value: &str) {
    out.extend(percent_encoding::utf8_percent_encode(value, NOT_UNRESERVED));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_quote_the_media_type_only_and_briefly() {
        let body = b"<html><title>Bad Gateway</title></html>";
        assert_eq!(
            snippet(body, "text/html; charset=utf-8"),
            "unexpected non-JSON response body (text/html): Bad Gateway"
        );
        assert_eq!(
            snippet(body, " ; x=y"),
            "unexpected non-JSON response body (unknown content type): Bad Gateway"
        );
        let long = format!("text/{}", "x".repeat(5000));
        let message = snippet(body, &long);
        assert!(message.len() < 400, "{message}");
        assert!(
            message.contains(&format!("({}…)", &long[..80])),
            "{message}"
        );
    }

    #[test]
    fn encodes() {
        assert_eq!(
            encode_component("wf-1/../x y?&="),
            "wf-1%2F..%2Fx%20y%3F%26%3D"
        );
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn redirects_say_where_they_pointed_without_secrets() {
        assert_eq!(
            redirect_message(Some("https://user:pw@login.example.com/sso/start?token=abc#x")),
            "redirect refused: the server redirected to https://login.example.com/sso/start (redirects are not followed)"
        );
        assert_eq!(
            redirect_message(Some("/api/v2/segments?cursor=1")),
            "redirect refused: the server redirected to /api/v2/segments (redirects are not followed)"
        );
        assert!(redirect_message(None).contains("without a Location"));
    }

    #[test]
    fn error_bodies_keep_their_ids_whatever_else_they_hold() {
        // Found by fuzzing (core/fuzz/regressions/error_body): a repeated key or a `message` that
        // is not a string made the whole body undecodable, and the request and trace ids were
        // lost with it.
        let repeated = api_error(
            "op",
            404,
            "application/json",
            br#"{"message":"not found","request_id":"a","request_id":"r1","trace_id":"t1"}"#,
            None,
        );
        assert_eq!(repeated.message, "not found");
        assert_eq!(
            repeated.request_id.as_deref(),
            Some("r1"),
            "the last one, as JSON parsers do"
        );
        let object = api_error(
            "op",
            500,
            "application/json",
            br#"{"message":{"detail":"boom"},"request_id":"r1","trace_id":"t1"}"#,
            None,
        );
        assert!(
            object
                .message
                .starts_with("unexpected non-JSON response body"),
            "{}",
            object.message
        );
        assert_eq!(
            (object.request_id.as_deref(), object.trace_id.as_deref()),
            (Some("r1"), Some("t1"))
        );
        let blank = api_error(
            "op",
            400,
            "application/json",
            br#" {"message":" ","request_id":"r"}"#,
            None,
        );
        assert!(
            blank.message.contains(r#""request_id":"r""#),
            "{}",
            blank.message
        );
        assert_eq!(blank.request_id.as_deref(), Some("r"));
        let array = api_error("op", 400, "application/json", br#"["m","r","t"]"#, None);
        assert_eq!((array.request_id, array.trace_id), (None, None));
    }

    #[test]
    fn deprecation_times_stay_within_rfc_3339() {
        // Found by fuzzing (core/fuzz/regressions/headers): `@<seconds>` far out made a
        // `deprecated_at` that displayed as a year no date type of the bindings holds.
        assert_eq!(header_time(Some("@99999999999999")), None);
        assert_eq!(header_time(Some("@-9223372036854775808")), None);
        let t = header_time(Some(" @1735689600 ")).unwrap();
        assert_eq!(t.to_string(), "2025-01-01T00:00:00Z");
        let date = header_time(Some("Tue, 1 Sep 2024 23:59:59 GMT")).unwrap();
        assert_eq!(date.to_string(), "2024-09-01T23:59:59Z");
    }

    #[test]
    fn error_bodies() {
        let e = api_error(
            "op",
            404,
            "application/json",
            br#"{"status":404,"message":"nope","request_id":"r1","trace_id":"t1"}"#,
            None,
        );
        assert_eq!(
            (
                e.message.as_str(),
                e.request_id.as_deref(),
                e.trace_id.as_deref()
            ),
            ("nope", Some("r1"), Some("t1"))
        );
        assert_eq!(e.kind, ApiErrorKind::NotFound);
        let html = api_error(
            "op",
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            None,
        );
        assert!(html.message.contains("502 Bad Gateway"), "{}", html.message);
        let html_ids = api_error(
            "op",
            502,
            "text/html",
            b"<p>{\"request_id\":\"r\"}</p>",
            None,
        );
        assert_eq!(html_ids.request_id, None);
        assert!(html.message.contains("text/html"));
        assert_eq!(html.kind, ApiErrorKind::ServerError);
    }
}
