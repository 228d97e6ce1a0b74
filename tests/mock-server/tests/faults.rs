mod common;

use std::time::{Duration, Instant};

use amperity_mock::{Fault, FaultRule, MockConfig, DEFAULT_DEPRECATION, DEFAULT_SUNSET};
use common::*;

fn rule(spec: &str) -> FaultRule {
    FaultRule::parse(spec).unwrap()
}

#[test]
fn status_with_retry_after_and_count() {
    let s = start(MockConfig {
        faults: vec![rule("path=/api/segments,status=429,retry_after=1,count=2")],
        ..small()
    });
    // other paths are untouched
    assert_eq!(get(&s, "/api/campaigns", &[]).status, 200);
    for _ in 0..2 {
        let r = get(&s, "/api/segments", &[]);
        r.assert_error(429);
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
}

#[test]
fn status_html_and_http_date() {
    let s = start(small());
    s.add_fault(rule(
        "status=503,html,retry_after=Wed, 21 Oct 2015 07:28:00 GMT",
    ));
    let r = get(&s, "/api/segments", &[]);
    assert_eq!(r.status, 503);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("<html>"));
    assert_eq!(
        r.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
}

#[test]
fn method_matching_and_forever() {
    let s = start(small());
    s.add_fault(FaultRule {
        path_prefix: Some("/api/workflow".into()),
        method: Some("POST".into()),
        count: 0,
        fault: Fault::Status {
            status: 500,
            retry_after: None,
            html: false,
        },
    });
    assert_eq!(get(&s, "/api/workflow/runs", &[]).status, 200);
    for _ in 0..3 {
        post_json(&s, "/api/workflow/runs", r#"{"config_id":"cg-1"}"#).assert_error(500);
    }
    s.clear_faults();
    assert_eq!(
        post_json(&s, "/api/workflow/runs", r#"{"config_id":"cg-1"}"#).status,
        201
    );
}

#[test]
fn delay() {
    let s = start(small());
    s.add_fault(rule("delay_ms=300"));
    let t = Instant::now();
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[test]
fn close_mid_body() {
    let s = start(small());
    s.add_fault(rule("close_mid_body"));
    let url = format!("{}/api/segments", s.origin());
    let res = request(&agent(), "GET", &url, GOOD, None);
    assert!(res.is_err(), "reading a cut body must fail");
    // the next request works (on a new connection)
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);

    // raw check: Content-Length is the full length, fewer bytes arrive, then EOF
    use std::io::{Read, Write};
    s.add_fault(rule("close_mid_body"));
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    write!(
        c,
        "GET /api/segments HTTP/1.1\r\nHost: x\r\nauthorization: Bearer mock-token\r\namperity-tenant: acme\r\napi-version: 2024-04-01\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = c.read_to_end(&mut all);
    let text = String::from_utf8_lossy(&all);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        body.len() < len && !body.is_empty(),
        "{} vs {len}",
        body.len()
    );
}

#[test]
fn malformed_and_truncated_json() {
    let s = start(small());
    s.add_fault(rule("malformed_json"));
    let r = get(&s, "/api/segments", &[]);
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());

    let full = get(&s, "/api/segments", &[]).body;
    s.add_fault(rule("truncated_json"));
    let r = get(&s, "/api/segments", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), full.len() / 2);
    assert!(full.starts_with(&r.body));
    assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn huge_body() {
    let s = start(small());
    s.add_fault(rule("huge_body=3000000"));
    let r = get(&s, "/api/segments", &[]);
    assert_eq!(r.status, 200);
    assert!(
        r.body.len() >= 3_000_000 && r.body.len() < 3_100_000,
        "{}",
        r.body.len()
    );
    assert!(r.json()["data"].as_array().unwrap().len() > 1000);
}

#[test]
fn repeat_cursor() {
    let s = start(small());
    let p1 = get(&s, "/api/segments?limit=10", &[]).json();
    let t2 = p1["next_token"].as_str().unwrap().to_string();
    s.add_fault(rule("repeat_cursor"));
    let p2 = get(&s, &format!("/api/segments?limit=10&next_token={t2}"), &[]).json();
    assert_eq!(p2["next_token"], t2.as_str());
    assert_eq!(p2["data"].as_array().unwrap().len(), 10);
    // first page, forever: the token of page 2 keeps coming back
    s.add_fault(rule("path=/api/segments,repeat_cursor,count=0"));
    let q1 = get(&s, "/api/segments?limit=10", &[]).json();
    assert_eq!(q1["next_token"], t2.as_str());
    let q2 = get(&s, &format!("/api/segments?limit=10&next_token={t2}"), &[]).json();
    assert_eq!(q2["next_token"], t2.as_str());
    // list-only faults do not hit non-list routes
    assert_eq!(
        get(
            &s,
            "/api/ingest/jobs?created_from=2000-01-01&created_to=2100-01-01",
            &[]
        )
        .status,
        200
    );
}

#[test]
fn empty_page_with_cursor() {
    let s = start(small());
    let p1 = get(&s, "/api/segments?limit=10", &[]).json();
    let t2 = p1["next_token"].as_str().unwrap().to_string();
    let normal = get(&s, &format!("/api/segments?limit=10&next_token={t2}"), &[]).json();
    s.add_fault(rule("empty_page"));
    let e = get(&s, &format!("/api/segments?limit=10&next_token={t2}"), &[]).json();
    assert_eq!(e["data"].as_array().unwrap().len(), 0);
    let fresh = e["next_token"].as_str().unwrap();
    assert_ne!(fresh, t2);
    let cont = get(
        &s,
        &format!("/api/segments?limit=10&next_token={fresh}"),
        &[],
    )
    .json();
    assert_eq!(cont["data"], normal["data"]);
    // a walk with an empty page in the middle still sees every record
    s.add_fault(rule("empty_page,count=3"));
    let pages = walk(&s, "/api/segments?limit=100", &[]);
    let n: usize = pages
        .iter()
        .map(|p| p["data"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 250);
    assert_eq!(pages.len(), 6);
}

#[test]
fn deprecation_headers() {
    let s = start(small());
    s.add_fault(rule("deprecation"));
    let r = get(&s, "/api/segments", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("deprecation"), Some(DEFAULT_DEPRECATION));
    assert_eq!(r.header("sunset"), Some(DEFAULT_SUNSET));
    r.json();
    assert!(get(&s, "/api/segments", &[])
        .header("deprecation")
        .is_none());
}

#[test]
fn per_request_header() {
    let s = start(small());
    let r = get(&s, "/api/segments", &[("x-mock-fault", "status=502")]);
    r.assert_error(502);
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    let r = get(&s, "/api/segments", &[("x-mock-fault", "deprecation")]);
    assert_eq!(r.header("sunset"), Some(DEFAULT_SUNSET));
    get(&s, "/api/segments", &[("x-mock-fault", "bogus")]).assert_error(400);
    // path in the header spec must match
    let r = get(
        &s,
        "/api/segments",
        &[("x-mock-fault", "path=/api/campaigns,status=500")],
    );
    assert_eq!(r.status, 200);
    // the header is recorded with the request
    let last = s.requests().pop().unwrap();
    assert!(last.headers.iter().any(|(k, _)| k == "x-mock-fault"));
}

#[test]
fn token_endpoint_faults() {
    let s = start(small());
    s.add_fault(rule("path=/api/v0/oauth2/token,status=503,retry_after=0"));
    let h = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-amperity-tenant", "acme"),
    ];
    let form = "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret";
    raw(&s, "POST", "/api/v0/oauth2/token", &h, Some(form)).assert_error(503);
    assert_eq!(
        raw(&s, "POST", "/api/v0/oauth2/token", &h, Some(form)).status,
        200
    );
}
