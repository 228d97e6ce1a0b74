//! The bodies of the fuzz targets (`core/fuzz`, nightly, `cargo fuzz run <target>`), shared with
//! the stable replay test (`core/tests/fuzz_corpus.rs`), which runs every committed corpus and
//! regression input through the same code. Built with the `fuzzing` feature only; not an API.
//!
//! Each body takes bytes from outside and checks invariants, not just "no panic": a decoded
//! model serialises and decodes to the same value, a parsed time formats and parses back equal,
//! an error never quotes a secret from the configuration, a walk never follows a cursor twice.
//! A broken invariant panics, which is what a fuzzer reports.

use crate::config::ClientBuilder;
use crate::models::decode::json_body;
use crate::pagination::{decode_page, Walk};
use crate::stream::{check_event, PayloadFormat, MAX_STREAM_PAYLOAD_BYTES};
use crate::{
    AuditEvent, Campaign, Error, IngestFeed, IngestFile, IngestJob, Profile, ProfileIndex, Region,
    RunState, Segment, Timestamp, Workflow, WorkflowError, WorkflowTaskInstance,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The names of the targets, which are also the directories of their corpora.
pub const TARGETS: [&str; 7] = [
    "models",
    "error_body",
    "headers",
    "datetime",
    "cursor",
    "config",
    "stream_payload",
];

/// Runs the body of target `name` (one of [`TARGETS`]) on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "models" => models(data),
        "error_body" => error_body(data),
        "headers" => headers(data),
        "datetime" => datetime(data),
        "cursor" => cursor(data),
        "config" => config(data),
        "stream_payload" => stream_payload(data),
        other => panic!("no fuzz target {other:?}"),
    }
}

/// Splits `data` at every 0xFF byte (never part of UTF-8) into at most `max` parts.
fn parts(data: &[u8], max: usize) -> Vec<&[u8]> {
    data.splitn(max, |&b| b == 0xFF).collect()
}

/// A model decoded from `body`, serialised and decoded again, must be equal to itself.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8]) {
    if let Ok(model) = json_body::<T>(body) {
        let text = serde_json::to_vec(&model).expect("a decoded model serialises");
        let again: T = json_body(&text).unwrap_or_else(|e| {
            panic!(
                "a re-serialised model does not decode: {e}\n{}",
                String::from_utf8_lossy(&text)
            )
        });
        assert_eq!(model, again, "{}", String::from_utf8_lossy(&text));
    }
}

/// A page decoded from `body` keeps the decoder's invariants, and its items round-trip.
fn page<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8], bare: bool) {
    match decode_page::<T>("fuzz-list", body, bare) {
        Ok(page) => {
            assert!(
                page.next_token.as_deref() != Some(""),
                "an empty cursor ends the list"
            );
            for item in &page.items {
                let text = serde_json::to_vec(item).expect("an item serialises");
                round_trip::<T>(&text);
            }
        }
        Err(Error::Decode { operation, .. }) => assert_eq!(operation, "fuzz-list"),
        Err(other) => panic!("a page decodes or is a decode error, not {other:?}"),
    }
}

/// Every model and the page envelope, chosen by the first byte; the rest is the body.
pub fn models(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 16 {
        0 => round_trip::<AuditEvent>(body),
        1 => round_trip::<Campaign>(body),
        2 => round_trip::<IngestJob>(body),
        3 => round_trip::<IngestFeed>(body),
        4 => round_trip::<IngestFile>(body),
        5 => round_trip::<Profile>(body),
        6 => round_trip::<ProfileIndex>(body),
        7 => round_trip::<Segment>(body),
        8 => round_trip::<Workflow>(body),
        9 => round_trip::<WorkflowTaskInstance>(body),
        10 => round_trip::<WorkflowError>(body),
        11 => round_trip::<RunState>(body),
        12 => page::<Segment>(body, false),
        13 => page::<Workflow>(body, true),
        14 => page::<AuditEvent>(body, false),
        _ => page::<serde_json::Value>(body, which & 0x80 != 0),
    }
}

/// The statuses the error-body target picks from (first byte).
const STATUSES: [u16; 16] = [
    400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 301, 302, 307, 418, 413, 599,
];

/// The content types the error-body target picks from (second byte).
const CONTENT_TYPES: [&str; 5] = [
    "application/json",
    "text/html",
    "",
    "text/plain; charset=utf-8",
    "application/problem+json",
];

/// An error answer: status and content type from the first two bytes, then the body; the
/// bytes after a 0xFF in the body are also read as a `Location` and a request URL.
pub fn error_body(data: &[u8]) {
    let [status, content_type, body @ ..] = data else {
        return;
    };
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    let content_type = CONTENT_TYPES[usize::from(*content_type) % CONTENT_TYPES.len()];
    let retry_after = Some(Duration::from_secs(1));
    let error = crate::transport::api_error("fuzz-op", status, content_type, body, retry_after);
    assert_eq!(error.status, status);
    assert_eq!(error.kind, crate::ApiErrorKind::from_status(status));
    assert_eq!(error.retry_after, retry_after);
    assert!(!error.message.is_empty(), "an error always says something");
    // The oracle: the body as a JSON object, read with serde_json's own `Value`.
    let object = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.as_object().cloned());
    let field = |key: &str| {
        object
            .as_ref()
            .and_then(|o| o.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match field("message").filter(|m| !m.trim().is_empty()) {
        Some(message) => assert_eq!(error.message, message),
        None => {
            assert!(
                error.message == "empty response body"
                    || error
                        .message
                        .starts_with("unexpected non-JSON response body ("),
                "{:?}",
                error.message
            );
            assert!(!error.message.contains('\n'), "a snippet is one line");
            // "unexpected non-JSON response body (<media type>): " and 200 characters and "…",
            // the media type cut at 80 characters and "…" whatever the header's length.
            let bound = 40 + 81 + 201;
            assert!(
                error.message.chars().count() <= bound,
                "a snippet is short: {} chars",
                error.message.chars().count()
            );
        }
    }
    // The ids Support asks for are kept whenever the body is an object that has them.
    assert_eq!(error.request_id, field("request_id"));
    assert_eq!(error.trace_id, field("trace_id"));
    let shown = Error::Api(error).to_string();
    assert!(shown.contains("fuzz-op failed with HTTP"), "{shown}");

    // The Location of a refused redirect and the 404 hint of a request URL, from the same bytes.
    let text = String::from_utf8_lossy(body);
    let location = text.split('\u{FFFD}').next().unwrap_or_default();
    let message = crate::transport::redirect_message(Some(location));
    let target = message
        .strip_prefix("redirect refused: the server redirected to ")
        .and_then(|m| m.strip_suffix(" (redirects are not followed)"))
        .expect("the redirect message's shape");
    assert!(
        !target.contains(['?', '#']),
        "no query or fragment: {target:?}"
    );
    if let Some((_, rest)) = target.split_once("://") {
        let authority = rest.split('/').next().unwrap_or_default();
        assert!(!authority.contains('@'), "no userinfo: {target:?}");
    }
    let _ = crate::transport::not_found_hint(location, body);
}

/// An HTTP header value the way the transport reads one (`HeaderValue::to_str`): visible ASCII,
/// spaces and tabs, or nothing.
fn header_value(bytes: &[u8]) -> Option<&str> {
    bytes
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
}

/// A time that the SDK hands out: it formats and parses back equal, and converts to a
/// `SystemTime` (exactly where the platform can hold it) and milliseconds without overflow.
fn check_timestamp(t: Timestamp) {
    let text = t.to_string();
    let again = Timestamp::parse(&text)
        .unwrap_or_else(|e| panic!("{t:?} formats as {text:?}, which does not parse: {e}"));
    assert_eq!(again, t, "{text}");
    // Exactly where the platform's SystemTime holds it (Windows': from 1601), else saturated.
    match t.to_system_time_exact() {
        Some(exact) => {
            assert_eq!(SystemTime::from(t), exact);
            // Back to the nanosecond, or to the platform's resolution (Windows': 100 ns).
            let nanos = |t: Timestamp| {
                i128::from(t.unix_seconds()) * 1_000_000_000 + i128::from(t.subsec_nanos())
            };
            let lost = nanos(t) - nanos(Timestamp::from(exact));
            assert!((0..100).contains(&lost), "{t:?}: {lost} ns lost");
        }
        None => {
            let _saturated = SystemTime::from(t);
        }
    }
    let millis = t.unix_millis();
    assert_eq!(
        Timestamp::from_unix_millis(millis),
        Timestamp::from_unix(t.unix_seconds(), t.subsec_nanos() / 1_000_000 * 1_000_000)
    );
}

/// `Retry-After`, `Deprecation` and `Sunset` values (split at 0xFF: one value per header).
pub fn headers(data: &[u8]) {
    let now = UNIX_EPOCH + Duration::from_secs(1_764_547_200); // 2025-12-01T00:00:00Z
    for value in parts(data, 3).into_iter().filter_map(header_value) {
        match crate::retry::parse_retry_after(value, now) {
            Some(wait) => {
                if let Ok(secs) = value.trim().parse::<u64>() {
                    assert_eq!(wait, Duration::from_secs(secs));
                } else {
                    let when = crate::retry::parse_http_date(value.trim())
                        .expect("a Retry-After that is not seconds is a date");
                    let expected = when.duration_since(now).unwrap_or(Duration::ZERO);
                    assert_eq!(wait, expected);
                }
            }
            None => assert!(value.trim().parse::<u64>().is_err()),
        }
        if let Some(t) = crate::transport::header_time(Some(value)) {
            check_timestamp(t);
        }
        if let Some(time) = crate::retry::parse_http_date(value) {
            check_timestamp(Timestamp::from(time));
        }
    }
}

/// Every date/time form: RFC 3339, `YYYY-MM-DD`, HTTP dates, and instants from raw numbers.
pub fn datetime(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(t) = Timestamp::parse(text) {
            check_timestamp(t);
            let json = serde_json::to_string(&t).expect("a timestamp serialises");
            assert_eq!(serde_json::from_str::<Timestamp>(&json).ok(), Some(t));
        }
        if let Some(time) = crate::retry::parse_http_date(text) {
            check_timestamp(Timestamp::from(time));
        }
        let _ = text.parse::<Timestamp>();
    }
    // The public constructors, from the first 12 bytes (seconds, nanoseconds) and 8 (millis).
    if let Some(raw) = data.get(..12) {
        let secs = i64::from_le_bytes(raw[..8].try_into().expect("8 bytes"));
        let nanos = u32::from_le_bytes(raw[8..12].try_into().expect("4 bytes"));
        let t = Timestamp::from_unix(secs, nanos);
        assert!(t.subsec_nanos() < 1_000_000_000);
        let _ = (t.to_string(), t.unix_millis(), SystemTime::from(t));
        let m = Timestamp::from_unix_millis(secs);
        let _ = (m.to_string(), m.unix_millis(), SystemTime::from(m));
        if Timestamp::parse(&t.to_string()).is_ok() {
            check_timestamp(t);
        }
    }
}

/// A walk over pages: the first part (split at 0xFF) is the starting cursor, each further part
/// a page body. The walk never follows a cursor twice, stops at the first page without one, and
/// refuses a repeated cursor without moving. The cursor also goes into a request URL.
pub fn cursor(data: &[u8]) {
    let mut parts = parts(data, 64).into_iter();
    let start = parts.next().map(String::from_utf8_lossy).map(String::from);
    if let Some(start) = &start {
        let encoded = crate::transport::encode_component(start);
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{encoded}"
        );
        let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8();
        assert_eq!(decoded.as_deref().ok(), Some(start.as_str()));
    }
    let mut walk = Walk::new(start.clone());
    let mut followed: Vec<String> = start.into_iter().filter(|c| !c.is_empty()).collect();
    for body in parts {
        if walk.is_done() {
            break;
        }
        let Ok(page) = decode_page::<Segment>("fuzz-list", body, false) else {
            continue;
        };
        let before = (
            walk.cursor().map(str::to_owned),
            walk.is_done(),
            walk.total(),
        );
        let next = page.next_token.clone();
        let total = page.total;
        match walk.accept("fuzz-list", page) {
            Ok(_) => {
                let next = next.expect_none_or_new(&followed);
                assert_eq!(walk.resume_cursor(), next.as_deref());
                assert_eq!(walk.is_done(), next.is_none());
                if total.is_some() {
                    assert_eq!(walk.total(), total);
                }
                followed.extend(next);
            }
            Err(Error::RepeatedCursor { cursor, operation }) => {
                assert_eq!(operation, "fuzz-list");
                assert_eq!(Some(&cursor), next.as_ref());
                assert!(
                    followed.contains(&cursor),
                    "refused a new cursor {cursor:?}"
                );
                let after = (
                    walk.cursor().map(str::to_owned),
                    walk.is_done(),
                    walk.total(),
                );
                assert_eq!(before, after, "a refused page leaves the walk where it was");
                return;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
}

/// The check behind [`cursor`]: an accepted cursor was never followed before.
trait NewCursor {
    fn expect_none_or_new(self, followed: &[String]) -> Self;
}

impl NewCursor for Option<String> {
    fn expect_none_or_new(self, followed: &[String]) -> Self {
        if let Some(next) = &self {
            assert!(!next.is_empty());
            assert!(!followed.contains(next), "cursor {next:?} accepted twice");
        }
        self
    }
}

/// Configuration and URL validation: tenant, base URL, proxy URL, region, token URL, versions,
/// user agent, and the same through environment variables, split at 0xFF. The secret put in
/// the configuration never appears in an error.
pub fn config(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let texts: Vec<String> = parts(rest, 8)
        .into_iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let get = |i: usize| texts.get(i).map(String::as_str);
    let tenant = get(0).unwrap_or("acme");
    let secret = format!("s3cr3t-{}", get(1).unwrap_or_default());
    let mut builder = ClientBuilder::new(tenant);
    builder = if flags & 1 == 0 {
        builder.token(secret.clone())
    } else {
        builder.client_credentials("client-id", secret.clone())
    };
    if let Some(url) = get(2).filter(|_| flags & 2 != 0) {
        builder = builder.base_url(url);
    }
    if let Some(region) = get(3) {
        match Region::parse(region) {
            Some(parsed) => {
                assert_eq!(Region::parse(parsed.as_str()), Some(parsed));
                assert_eq!(region.parse::<Region>().ok(), Some(parsed));
                builder = builder.region(parsed);
            }
            None => {
                let error = region.parse::<Region>().expect_err("refused");
                assert!(error.to_string().contains("aws, azure, australia"));
            }
        }
    }
    if let Some(url) = get(4).filter(|_| flags & 4 != 0 && flags & 1 != 0) {
        builder = builder.token_url(url);
    }
    if let Some(version) = get(5).filter(|_| flags & 8 != 0) {
        builder = builder.api_version(version);
    }
    if let Some(suffix) = get(6).filter(|_| flags & 16 != 0) {
        builder = builder.user_agent_suffix(suffix);
    }
    let proxy = get(7).filter(|_| flags & 32 != 0);
    if let Some(url) = proxy {
        builder = builder.proxy(url);
    }
    // The secret is quoted by no error, unless another setting holds it too, also once quoted
    // as a message quotes it (`"r:/s3cr3t-"` holds the secret `s3cr3t-"`).
    let elsewhere = texts
        .iter()
        .enumerate()
        .any(|(i, t)| i != 1 && (t.contains(&secret) || format!("{t:?}").contains(&secret)));
    let no_secret = |message: &str| {
        assert!(
            elsewhere || !message.contains(&secret),
            "an error quotes the secret: {message}"
        )
    };
    match builder.validate() {
        Ok(config) => {
            let url = &config.base_url;
            assert!(!url.ends_with('/'), "{url}");
            let lower = url.to_ascii_lowercase();
            assert!(
                lower.starts_with("https://") || lower.starts_with("http://"),
                "{url}"
            );
            assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()));
            assert!(config.tenant.len() <= 128 && !config.tenant.is_empty());
            assert!(!config.user_agent.contains(['\r', '\n']));
            let authority = url
                .split_once("://")
                .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
            assert!(!authority.contains('@'), "{url}");
            assert!(!config.api_version.is_empty());
            if let Some(url) = proxy {
                match crate::transport::parse_proxy(url) {
                    Ok(_) => {}
                    Err(error) => {
                        let message = error.to_string();
                        no_secret(&message);
                        assert!(url.len() < 8 || !message.contains(url), "{message}");
                    }
                }
                let address = crate::proxy::address_without_credentials(url);
                assert!(!address.contains('@'), "{address}");
            }
        }
        Err(error @ Error::Config { .. }) => no_secret(&error.to_string()),
        Err(other) => panic!("a configuration is valid or a config error, not {other:?}"),
    }

    // The same values through the environment.
    let names = [
        "AMPERITY_TENANT",
        "AMPERITY_TOKEN",
        "AMPERITY_BASE_URL",
        "AMPERITY_REGION",
        "AMPERITY_TOKEN_URL",
        "AMPERITY_API_VERSION",
        "AMPERITY_CLIENT_ID",
        "AMPERITY_CLIENT_SECRET",
    ];
    let lookup = |name: &str| {
        let i = names.iter().position(|n| *n == name)?;
        match i {
            1 => Some(secret.clone()).filter(|_| flags & 64 == 0),
            7 => Some(secret.clone()).filter(|_| flags & 64 != 0),
            _ => get(i).map(str::to_owned),
        }
    };
    match crate::EnvSettings::from_lookup(lookup) {
        Ok(settings) => {
            no_secret(&format!("{settings:?}"));
            if let Err(error) = settings.into_builder().validate() {
                no_secret(&error.to_string());
            }
        }
        Err(error) => no_secret(&error.to_string()),
    }
}

/// The Streaming payload check: JSON (one object), XML, size. The first byte picks the format;
/// a JSON event that passes is exactly one JSON object, and no refusal quotes the event.
pub fn stream_payload(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(event) = std::str::from_utf8(rest) else {
        return;
    };
    // Now and then, the event padded past the size limit.
    let padded;
    let event = if which & 0x40 != 0 {
        padded = format!("{event}{}", " ".repeat(MAX_STREAM_PAYLOAD_BYTES));
        padded.as_str()
    } else {
        event
    };
    let format = if which & 1 == 0 {
        PayloadFormat::Json
    } else {
        PayloadFormat::Xml
    };
    match check_event(format, event) {
        Ok(()) => {
            assert!(event.len() <= MAX_STREAM_PAYLOAD_BYTES);
            assert!(!event.trim().is_empty());
            if format == PayloadFormat::Json {
                assert!(
                    serde_json::from_str::<serde::de::IgnoredAny>(event).is_ok(),
                    "an accepted JSON event is one JSON value"
                );
                let trimmed = event.trim_matches([' ', '\t', '\n', '\r']);
                assert!(
                    trimmed.starts_with('{') && trimmed.ends_with('}'),
                    "an accepted JSON event is an object"
                );
            }
        }
        Err(Error::InvalidArgument { detail }) => {
            if event.trim().len() >= 12 {
                assert!(!detail.contains(event.trim()), "a refusal quotes the event");
            }
            if event.len() > MAX_STREAM_PAYLOAD_BYTES {
                assert!(detail.contains("at most"), "{detail}");
            }
        }
        Err(other) => panic!("an event is accepted or an invalid argument, not {other:?}"),
    }
}
