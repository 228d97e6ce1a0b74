//! The Streaming Ingest route over raw HTTP: token, X-Amperity-Tenant, content types, one JSON
//! object per request, the 1 MB limit, the rate limit, faults and the per-stream counts.

mod common;

use amperity_mock::{event_checksum, MockConfig, MockServer};
use common::*;

const TOKEN: &str = "Bearer mock-stream-token";

fn headers(content_type: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("authorization", TOKEN),
        ("x-amperity-tenant", "acme"),
        ("content-type", content_type),
    ]
}

fn post(s: &MockServer, stream: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    raw(
        s,
        "POST",
        &format!("/stream/v0/data/{stream}"),
        headers,
        Some(body),
    )
}

fn json_event(s: &MockServer, stream: &str, body: &str) -> Resp {
    post(s, stream, &headers("application/json"), body)
}

#[test]
fn one_json_object_is_accepted_and_counted() {
    let s = start(small());
    let bodies = [
        r#"{"id":1}"#,
        r#" {"id":2,"nested":{"a":[1,2]}} "#,
        r#"{"id":1}"#,
    ];
    for body in bodies {
        let r = json_event(&s, "is-AbCDefGH", body);
        assert_eq!(r.status, 202, "{}", r.body);
    }
    let events = s.stream_events("is-AbCDefGH");
    assert_eq!(events.accepted, 3);
    assert_eq!(events.duplicates, 1);
    assert_eq!(events.bodies, bodies);
    assert_eq!(events.checksum, event_checksum(bodies));
    assert_eq!(s.stream_ids(), ["is-AbCDefGH"]);
    assert_eq!(s.stream_events("is-other").accepted, 0);
    // Over the control mechanism too.
    let a = agent();
    let o = s.origin();
    let all = request(&a, "GET", &format!("{o}/__mock/streams"), &[], None)
        .unwrap()
        .json();
    assert_eq!(all["streams"]["is-AbCDefGH"]["accepted"], 3);
    assert_eq!(
        all["streams"]["is-AbCDefGH"]["checksum"],
        format!("{:016x}", events.checksum)
    );
    let one = request(
        &a,
        "GET",
        &format!("{o}/__mock/streams/is-AbCDefGH"),
        &[],
        None,
    )
    .unwrap()
    .json();
    assert_eq!(one["bodies"].as_array().unwrap().len(), 3);
    assert_eq!(
        request(&a, "DELETE", &format!("{o}/__mock/streams"), &[], None)
            .unwrap()
            .status,
        204
    );
    assert_eq!(s.stream_events("is-AbCDefGH").accepted, 0);
    // The request is recorded with the token masked.
    let recorded = s.requests().pop().unwrap();
    assert_eq!(recorded.path, "/stream/v0/data/is-AbCDefGH");
    assert!(recorded
        .headers
        .contains(&("authorization".into(), "Bearer ***".into())));
}

#[test]
fn the_streaming_token_and_the_x_amperity_tenant_header_are_required() {
    let s = start(small());
    let body = r#"{"id":1}"#;
    post(
        &s,
        "is-1",
        &[
            ("x-amperity-tenant", "acme"),
            ("content-type", "application/json"),
        ],
        body,
    )
    .assert_error(401);
    let r = post(
        &s,
        "is-1",
        &[
            ("authorization", "Bearer mock-token"),
            ("x-amperity-tenant", "acme"),
            ("content-type", "application/json"),
        ],
        body,
    );
    r.assert_error(401);
    assert!(r.body.contains("Streaming Ingest"), "{}", r.body);
    let r = post(
        &s,
        "is-1",
        &[
            ("authorization", TOKEN),
            ("amperity-tenant", "acme"),
            ("content-type", "application/json"),
        ],
        body,
    );
    r.assert_error(400);
    assert!(r.body.contains("X-Amperity-Tenant"), "{}", r.body);
    post(
        &s,
        "is-1",
        &[
            ("authorization", TOKEN),
            ("content-type", "application/json"),
        ],
        body,
    )
    .assert_error(400);
    post(
        &s,
        "is-1",
        &[
            ("authorization", TOKEN),
            ("x-amperity-tenant", "other"),
            ("content-type", "application/json"),
        ],
        body,
    )
    .assert_error(403);
    // Header names are case-insensitive.
    let r = post(
        &s,
        "is-1",
        &[
            ("Authorization", TOKEN),
            ("X-AMPERITY-TENANT", "acme"),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(s.stream_events("is-1").accepted, 1);
    // Only POST, only one stream id.
    raw(
        &s,
        "GET",
        "/stream/v0/data/is-1",
        &headers("application/json"),
        None,
    )
    .assert_error(405);
    post(&s, "is-1/extra", &headers("application/json"), body).assert_error(404);
}

#[test]
fn bodies_that_are_not_one_json_object_are_refused() {
    let s = start(small());
    for body in [
        "",
        "  ",
        "{\"a\":1}\n{\"a\":2}\n",
        "{}{}",
        "[{\"a\":1}]",
        "42",
        "\"x\"",
        "{\"a\":",
        "{} x",
    ] {
        let r = json_event(&s, "is-1", body);
        r.assert_error(400);
    }
    let r = json_event(&s, "is-1", "{\"a\":1}\n{\"a\":2}\n");
    assert!(r.body.contains("NDJSON"), "{}", r.body);
    post(&s, "is-1", &headers("text/plain"), "{}").assert_error(400);
    assert_eq!(s.stream_events("is-1").accepted, 0);
    // XML is not validated, only its size; a stream takes one payload type.
    let r = post(
        &s,
        "is-xml",
        &headers("application/xml"),
        "<records><record><a>1</a></record></records>",
    );
    assert_eq!(r.status, 202, "{}", r.body);
    json_event(&s, "is-xml", "{}").assert_error(400);
}

#[test]
fn bodies_over_the_limit_get_413() {
    let s = start(small());
    let at_limit = format!("{{\"pad\":\"{}\"}}", "x".repeat(1_000_000 - 10));
    assert_eq!(at_limit.len(), 1_000_000);
    assert_eq!(json_event(&s, "is-1", &at_limit).status, 202);
    let over = format!("{{\"pad\":\"{}\"}}", "x".repeat(1_000_000 - 9));
    json_event(&s, "is-1", &over).assert_error(413);
    let small_limit = start(MockConfig {
        stream_max_payload_bytes: 10,
        ..small()
    });
    json_event(&small_limit, "is-1", "{\"abcdefghij\":1}").assert_error(413);
}

#[test]
fn the_rate_limit_answers_429_above_it() {
    let s = start(MockConfig {
        stream_rate_limit: Some(5.0),
        ..small()
    });
    let statuses: Vec<u16> = (0..8)
        .map(|i| json_event(&s, "is-1", &format!("{{\"i\":{i}}}")).status)
        .collect();
    assert_eq!(&statuses[..5], [202; 5]);
    assert!(statuses[5..].contains(&429), "{statuses:?}");
    let unlimited = start(MockConfig {
        stream_rate_limit: None,
        ..small()
    });
    assert!(
        (0..50).all(|i| json_event(&unlimited, "is-1", &format!("{{\"i\":{i}}}")).status == 202)
    );
}

#[test]
fn faults_apply_to_the_stream_route_before_counting() {
    let s = start(small());
    s.add_fault(
        amperity_mock::FaultRule::parse("path=/stream/v0/data/is-1,status=503,count=1").unwrap(),
    );
    json_event(&s, "is-1", "{}").assert_error(503);
    assert_eq!(s.stream_events("is-1").accepted, 0);
    assert_eq!(json_event(&s, "is-1", "{}").status, 202);
    // A rule without a path applies to the stream route too.
    s.add_fault(amperity_mock::FaultRule::parse("status=500").unwrap());
    json_event(&s, "is-1", "{}").assert_error(500);
    assert_eq!(s.stream_events("is-1").accepted, 1);
}
