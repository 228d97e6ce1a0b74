//! Fault rules and their text syntax (`--fault`, `X-Mock-Fault`, `POST /__mock/faults`).

use std::fmt;
use std::time::Duration;

/// Default `Deprecation` header value used by the `deprecation` fault.
pub const DEFAULT_DEPRECATION: &str = "Tue, 1 Sep 2026 23:59:59 GMT";
/// Default `Sunset` header value used by the `deprecation` fault.
pub const DEFAULT_SUNSET: &str = "Wed, 1 Dec 2027 23:59:59 GMT";

/// A scenario fault: which requests it hits, how often, and what goes wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// Matched as a prefix of the request path (e.g. `"/api/segments"`); `None` = any API path
    /// (`/api/…` and the Streaming Ingest `/stream/…`).
    pub path_prefix: Option<String>,
    /// HTTP method to match (case-insensitive); `None` = any.
    pub method: Option<String>,
    /// How many matching requests it hits; 0 = every one, forever.
    pub count: u32,
    /// What happens to a matching request.
    pub fault: Fault,
}

/// What a [`FaultRule`] does to a request it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an error body in the documented JSON shape (or an HTML page
    /// when `html`), with a `Retry-After` header when `retry_after` is set.
    Status {
        /// HTTP status code.
        status: u16,
        /// `Retry-After` header value (seconds or an HTTP date).
        retry_after: Option<String>,
        /// Send an HTML page (as a gateway would) instead of the JSON error body.
        html: bool,
    },
    /// Sleep this long, then answer normally.
    Delay(Duration),
    /// Send headers with the real `Content-Length`, half of the body, then close the connection.
    CloseMidBody,
    /// Close the connection after reading the request, before sending any response byte (the
    /// request may or may not have been acted on, as after a proxy or load-balancer reset).
    Reset,
    /// Send headers with the real `Content-Length` and half of the body, then stall this long
    /// (longer than the client's read timeout) before closing the connection.
    Stall(Duration),
    /// 200 with a body that is not JSON.
    MalformedJson,
    /// 200, valid HTTP, body is the real JSON cut in half (`Content-Length` matches the cut body).
    TruncatedJson,
    /// 200 with a syntactically valid JSON list body of about this many bytes.
    HugeBody {
        /// Approximate body size in bytes.
        bytes: usize,
    },
    /// A list page whose `next_token` equals the `next_token` the request sent (on a first page,
    /// the token of page 2, so with `count=0` the listing never ends).
    RepeatCursor,
    /// A list page with `"data": []` but a fresh `next_token` that continues at the same offset.
    EmptyPageWithCursor,
    /// Answer normally, plus `Deprecation` and `Sunset` headers.
    Deprecation {
        /// `Deprecation` header value.
        deprecation: String,
        /// `Sunset` header value.
        sunset: String,
    },
}

impl Fault {
    /// True for faults that only make sense on a paginated list response.
    pub(crate) fn list_only(&self) -> bool {
        matches!(self, Fault::RepeatCursor | Fault::EmptyPageWithCursor)
    }
}

const VALUE_KEYS_WITH_COMMAS: &[&str] = &["retry_after", "deprecation", "sunset"];

impl FaultRule {
    /// Parses the fault spec syntax: comma-separated `key=value` pairs or bare flags, e.g.
    /// `path=/api/segments,status=429,retry_after=1,count=2`.
    ///
    /// Keys: `path`, `method`, `count` (default 1; 0 = forever) and exactly one fault:
    /// `status=N` (with optional `retry_after=SECS|HTTP-DATE` and `html`), `delay_ms=N`,
    /// `close_mid_body`, `reset`, `stall_ms=N`, `malformed_json`, `truncated_json`, `huge_body=BYTES`,
    /// `repeat_cursor`, `empty_page`, `deprecation[=VALUE]` (optional `sunset=VALUE`).
    /// Values of `retry_after`, `deprecation` and `sunset` may contain commas (HTTP dates).
    pub fn parse(spec: &str) -> Result<FaultRule, String> {
        // Split on commas, re-joining pieces that continue an HTTP-date value.
        let mut items: Vec<(String, Option<String>)> = Vec::new();
        for raw in spec.split(',') {
            let piece = raw.trim();
            if let Some((k, _)) = items.last() {
                let continues = VALUE_KEYS_WITH_COMMAS.contains(&k.as_str())
                    && !piece.contains('=')
                    && !is_flag(piece)
                    && !piece.is_empty();
                if continues {
                    if let Some((_, Some(v))) = items.last_mut() {
                        v.push(',');
                        v.push_str(raw);
                        continue;
                    }
                }
            }
            if piece.is_empty() {
                continue;
            }
            match piece.split_once('=') {
                Some((k, v)) => items.push((k.trim().to_ascii_lowercase(), Some(v.trim().into()))),
                None => items.push((piece.to_ascii_lowercase(), None)),
            }
        }
        if items.is_empty() {
            return Err("empty fault spec".into());
        }
        let mut path_prefix = None;
        let mut method = None;
        let mut count = 1u32;
        let mut retry_after = None;
        let mut html = false;
        let mut sunset = None;
        let mut faults: Vec<Fault> = Vec::new();
        for (key, value) in items {
            let need = |v: &Option<String>| -> Result<String, String> {
                match v {
                    Some(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(format!("`{key}` needs a value")),
                }
            };
            let no_value = |v: &Option<String>| -> Result<(), String> {
                match v {
                    None => Ok(()),
                    Some(_) => Err(format!("`{key}` takes no value")),
                }
            };
            match key.as_str() {
                "path" => {
                    let p = need(&value)?;
                    if !p.starts_with('/') {
                        return Err(format!("path must start with '/': {p}"));
                    }
                    path_prefix = Some(p);
                }
                "method" => method = Some(need(&value)?.to_ascii_uppercase()),
                "count" => {
                    count = need(&value)?
                        .parse()
                        .map_err(|_| "count must be a non-negative integer".to_string())?
                }
                "status" => {
                    let s: u16 = need(&value)?
                        .parse()
                        .map_err(|_| "status must be an integer".to_string())?;
                    if !(100..=599).contains(&s) {
                        return Err(format!("status out of range: {s}"));
                    }
                    faults.push(Fault::Status {
                        status: s,
                        retry_after: None,
                        html: false,
                    });
                }
                "retry_after" => retry_after = Some(need(&value)?),
                "html" => {
                    html = match value.as_deref() {
                        None | Some("true") | Some("1") => true,
                        Some("false") | Some("0") => false,
                        Some(v) => return Err(format!("bad html value: {v}")),
                    }
                }
                "delay_ms" => {
                    let ms: u64 = need(&value)?
                        .parse()
                        .map_err(|_| "delay_ms must be an integer".to_string())?;
                    faults.push(Fault::Delay(Duration::from_millis(ms)));
                }
                "close_mid_body" => {
                    no_value(&value)?;
                    faults.push(Fault::CloseMidBody)
                }
                "reset" => {
                    no_value(&value)?;
                    faults.push(Fault::Reset)
                }
                "stall_ms" => {
                    let ms: u64 = need(&value)?
                        .parse()
                        .map_err(|_| "stall_ms must be an integer".to_string())?;
                    faults.push(Fault::Stall(Duration::from_millis(ms)));
                }
                "malformed_json" => {
                    no_value(&value)?;
                    faults.push(Fault::MalformedJson)
                }
                "truncated_json" => {
                    no_value(&value)?;
                    faults.push(Fault::TruncatedJson)
                }
                "huge_body" => {
                    let bytes: usize = need(&value)?
                        .parse()
                        .map_err(|_| "huge_body must be a byte count".to_string())?;
                    faults.push(Fault::HugeBody { bytes });
                }
                "repeat_cursor" => {
                    no_value(&value)?;
                    faults.push(Fault::RepeatCursor)
                }
                "empty_page" => {
                    no_value(&value)?;
                    faults.push(Fault::EmptyPageWithCursor)
                }
                "deprecation" => faults.push(Fault::Deprecation {
                    deprecation: value
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(|| DEFAULT_DEPRECATION.into()),
                    sunset: String::new(),
                }),
                "sunset" => sunset = Some(need(&value)?),
                other => return Err(format!("unknown fault spec key `{other}`")),
            }
        }
        if faults.len() != 1 {
            return Err(format!(
                "a fault spec needs exactly one fault, found {}",
                faults.len()
            ));
        }
        let mut fault = faults.pop().unwrap_or(Fault::MalformedJson);
        match &mut fault {
            Fault::Status {
                retry_after: r,
                html: h,
                ..
            } => {
                *r = retry_after.take();
                *h = html;
            }
            Fault::Deprecation { sunset: s, .. } => {
                *s = sunset.take().unwrap_or_else(|| DEFAULT_SUNSET.into());
            }
            _ => {}
        }
        if retry_after.is_some() || (html && !matches!(fault, Fault::Status { .. })) {
            return Err("retry_after and html only go with status".into());
        }
        if sunset.is_some() {
            return Err("sunset only goes with deprecation".into());
        }
        Ok(FaultRule {
            path_prefix,
            method,
            count,
            fault,
        })
    }

    /// True when this rule applies to a request with this method and path.
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        let path_ok = match &self.path_prefix {
            Some(p) => path.starts_with(p.as_str()),
            None => path == "/api" || path.starts_with("/api/") || path.starts_with("/stream/"),
        };
        let method_ok = match &self.method {
            Some(m) => m.eq_ignore_ascii_case(method),
            None => true,
        };
        path_ok && method_ok
    }
}

fn is_flag(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "html"
            | "close_mid_body"
            | "reset"
            | "malformed_json"
            | "truncated_json"
            | "repeat_cursor"
            | "empty_page"
            | "deprecation"
    )
}

impl fmt::Display for FaultRule {
    /// Formats the rule back into the spec syntax accepted by [`FaultRule::parse`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path_prefix {
            write!(f, "path={p},")?;
        }
        if let Some(m) = &self.method {
            write!(f, "method={m},")?;
        }
        write!(f, "count={},", self.count)?;
        match &self.fault {
            Fault::Status {
                status,
                retry_after,
                html,
            } => {
                write!(f, "status={status}")?;
                if let Some(r) = retry_after {
                    write!(f, ",retry_after={r}")?;
                }
                if *html {
                    write!(f, ",html")?;
                }
                Ok(())
            }
            Fault::Delay(d) => write!(f, "delay_ms={}", d.as_millis()),
            Fault::CloseMidBody => write!(f, "close_mid_body"),
            Fault::Reset => write!(f, "reset"),
            Fault::Stall(d) => write!(f, "stall_ms={}", d.as_millis()),
            Fault::MalformedJson => write!(f, "malformed_json"),
            Fault::TruncatedJson => write!(f, "truncated_json"),
            Fault::HugeBody { bytes } => write!(f, "huge_body={bytes}"),
            Fault::RepeatCursor => write!(f, "repeat_cursor"),
            Fault::EmptyPageWithCursor => write!(f, "empty_page"),
            Fault::Deprecation {
                deprecation,
                sunset,
            } => write!(f, "deprecation={deprecation},sunset={sunset}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_examples() {
        let r = FaultRule::parse("path=/api/segments,status=429,retry_after=1,count=2").unwrap();
        assert_eq!(r.path_prefix.as_deref(), Some("/api/segments"));
        assert_eq!(r.count, 2);
        assert_eq!(
            r.fault,
            Fault::Status {
                status: 429,
                retry_after: Some("1".into()),
                html: false
            }
        );
        let r =
            FaultRule::parse("status=503,retry_after=Wed, 21 Oct 2015 07:28:00 GMT,html").unwrap();
        assert_eq!(
            r.fault,
            Fault::Status {
                status: 503,
                retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
                html: true
            }
        );
        let r = FaultRule::parse("deprecation,method=get").unwrap();
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(
            r.fault,
            Fault::Deprecation {
                deprecation: DEFAULT_DEPRECATION.into(),
                sunset: DEFAULT_SUNSET.into()
            }
        );
        let r = FaultRule::parse("delay_ms=300,count=0").unwrap();
        assert_eq!(r.fault, Fault::Delay(Duration::from_millis(300)));
        assert_eq!(r.count, 0);
        assert_eq!(
            FaultRule::parse("huge_body=20000000").unwrap().fault,
            Fault::HugeBody { bytes: 20_000_000 }
        );
        assert_eq!(
            FaultRule::parse("stall_ms=2500").unwrap().fault,
            Fault::Stall(Duration::from_millis(2500))
        );
        for s in [
            "close_mid_body",
            "reset",
            "stall_ms=1500",
            "malformed_json",
            "truncated_json",
            "repeat_cursor",
            "empty_page",
        ] {
            let r = FaultRule::parse(s).unwrap();
            assert_eq!(FaultRule::parse(&r.to_string()).unwrap(), r);
        }
    }

    #[test]
    fn rejects_bad_specs() {
        for s in [
            "",
            "path=/api",
            "status=abc",
            "status=503,delay_ms=4",
            "bogus=1",
            "retry_after=3",
            "close_mid_body=1",
            "malformed_json,html",
            "status=99",
            "count=-1,status=500",
        ] {
            assert!(FaultRule::parse(s).is_err(), "{s}");
        }
    }
}
