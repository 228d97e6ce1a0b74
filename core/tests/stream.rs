//! Streaming Ingest against the mock: headers, local refusals, retries, and the sender (volume
//! from several producer threads, flush and close reports, back-pressure, nothing lost).

mod common;

use amperity::*;
use amperity_mock::{event_checksum, MockServer};
use common::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const STREAM_TOKEN: &str = "mock-stream-token";

/// A stream client for the mock: its streaming token, fast retries, no client-side rate limit.
fn stream_builder(server: &MockServer) -> StreamClientBuilder {
    StreamClient::builder("acme")
        .base_url(server.origin())
        .token(STREAM_TOKEN)
        .retry_policy(fast_retries())
        .rate_limit(None)
}

fn stream_client(server: &MockServer) -> StreamClient {
    stream_builder(server).build().unwrap()
}

fn stream_path(stream_id: &str) -> String {
    format!("/stream/v0/data/{stream_id}")
}

fn event(producer: usize, n: usize) -> String {
    format!(r#"{{"producer":{producer},"n":{n},"email":"p{producer}.{n}@example.com"}}"#)
}

#[test]
fn events_are_posted_with_the_streaming_headers() {
    let server = server();
    let streams = stream_client(&server);
    streams
        .send_json("is-AbCDefGH", r#"{"order_id":"o-1","total":12.5}"#)
        .unwrap();
    streams
        .send_xml("is-Xml", "<records><record><id>1</id></record></records>")
        .unwrap();

    let sent = requests_to(&server, &stream_path("is-AbCDefGH"));
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, "POST");
    assert_eq!(header(request, "x-amperity-tenant"), Some("acme"));
    assert_eq!(header(request, "amperity-tenant"), None);
    assert_eq!(header(request, "api-version"), None);
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(header(request, "authorization"), Some("Bearer ***"));
    assert!(header(request, "user-agent")
        .unwrap()
        .starts_with("amperity-rust/"));
    assert_eq!(request.body, r#"{"order_id":"o-1","total":12.5}"#);
    let xml = &requests_to(&server, &stream_path("is-Xml"))[0];
    assert_eq!(header(xml, "content-type"), Some("application/xml"));
    assert_eq!(server.stream_events("is-AbCDefGH").accepted, 1);
    assert_eq!(server.stream_events("is-Xml").accepted, 1);

    // The stream id is one path segment, percent-encoded.
    streams.send_json("is/../x y", "{}").unwrap();
    assert_eq!(
        server.requests().pop().unwrap().path,
        "/stream/v0/data/is%2F..%2Fx%20y"
    );
    assert_eq!(server.stream_events("is/../x y").accepted, 1);
}

#[test]
fn the_default_base_url_is_the_tenant_host() {
    let streams = StreamClient::builder("acme-sb-1")
        .token("t")
        .build()
        .unwrap();
    assert_eq!(streams.base_url(), "https://acme-sb-1.amperity.com");
    assert_eq!(streams.tenant(), "acme-sb-1");
    assert!(streams.user_agent().starts_with("amperity-rust/"));
}

#[test]
fn the_token_never_shows_in_debug_or_errors() {
    let server = server();
    const SECRET: &str = "S3CRET-streaming-token";
    let builder = stream_builder(&server).token(SECRET);
    assert!(!format!("{builder:?}").contains(SECRET));
    let streams = builder.build().unwrap();
    assert!(!format!("{streams:?}").contains(SECRET));
    let error = streams.send_json("is-1", "{}").unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.attempts(), Some(1), "a 401 is not retried");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    let sender = streams.sender("is-1", SenderOptions::default()).unwrap();
    sender.send("{}").unwrap();
    let report = sender.close();
    assert_eq!(report.failed.len(), 1);
    assert!(!format!("{report:?} {sender:?}").contains(SECRET));
    assert!(server
        .requests()
        .iter()
        .all(|r| !format!("{r:?}").contains(SECRET)));
    // A control-plane token is not a streaming token.
    let wrong = stream_builder(&server).token("mock-token").build().unwrap();
    let api = wrong.send_json("is-1", "{}").unwrap_err();
    assert!(api.to_string().contains("Streaming Ingest"), "{api}");
}

#[test]
fn refusals_happen_locally_and_send_nothing() {
    let server = server();
    let streams = stream_client(&server);
    let too_big = format!("{{\"p\":\"{}\"}}", "x".repeat(MAX_STREAM_PAYLOAD_BYTES));
    let refused = [
        streams.send_json("is-1", &too_big).unwrap_err(),
        streams.send_xml("is-1", &too_big).unwrap_err(),
        streams
            .send_json("is-1", "{\"a\":1}\n{\"a\":2}\n")
            .unwrap_err(),
        streams.send_json("is-1", "[{\"a\":1}]").unwrap_err(),
        streams.send_json("is-1", "{\"a\":").unwrap_err(),
        streams.send_json("is-1", "").unwrap_err(),
        streams.send_json("", "{}").unwrap_err(),
        streams.send_xml("is-1", "  ").unwrap_err(),
    ];
    for error in &refused {
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    }
    assert!(refused[0].to_string().contains("1 MB"), "{}", refused[0]);
    assert!(refused[2].to_string().contains("NDJSON"), "{}", refused[2]);

    let sender = streams.sender("is-1", SenderOptions::default()).unwrap();
    for bad in [too_big.as_str(), "{}{}", "42"] {
        match sender.send(bad) {
            Err(SendError::Refused(Error::InvalidArgument { .. })) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(sender.try_send(bad), Err(SendError::Refused(_))));
    }
    assert_eq!(sender.pending(), 0);
    let report = sender.close();
    assert_eq!((report.accepted, report.failed.len()), (0, 0));
    assert!(server.requests().is_empty());
    assert!(matches!(
        streams.sender("", SenderOptions::default()),
        Err(Error::InvalidArgument { .. })
    ));
    let no_workers = SenderOptions {
        workers: 0,
        ..SenderOptions::default()
    };
    assert!(matches!(
        streams.sender("is-1", no_workers),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn throttling_and_unavailability_are_retried_then_succeed() {
    let server = server();
    let streams = stream_client(&server);
    let path = stream_path("is-1");
    fault(&server, &format!("path={path},status=429,count=1"));
    fault(&server, &format!("path={path},status=503,count=1"));
    streams.send_json("is-1", "{\"a\":1}").unwrap();
    assert_eq!(requests_to(&server, &path).len(), 3);
    assert_eq!(server.stream_events("is-1").accepted, 1);

    // Retry-After is honoured (the backoff alone would be milliseconds).
    fault(
        &server,
        &format!("path={path},status=429,retry_after=1,count=1"),
    );
    let start = Instant::now();
    streams.send_json("is-1", "{\"a\":2}").unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );

    // 500 and 504 too, and a connection cut after the event was taken: delivered again
    // (at least once), which the mock counts as a duplicate.
    fault(&server, &format!("path={path},status=500,count=1"));
    fault(&server, &format!("path={path},status=504,count=1"));
    streams.send_json("is-1", "{\"a\":3}").unwrap();
    fault(&server, &format!("path={path},close_mid_body,count=1"));
    streams.send_json("is-1", "{\"a\":4}").unwrap();
    let events = server.stream_events("is-1");
    assert_eq!((events.accepted, events.duplicates), (5, 1));
}

#[test]
fn refusals_by_the_service_are_not_retried() {
    let server = server();
    let streams = stream_client(&server);
    let path = stream_path("is-1");
    for status in [400, 401, 413] {
        server.clear_requests();
        fault(&server, &format!("path={path},status={status},count=1"));
        let error = streams.send_json("is-1", "{}").unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.attempts(), Some(1));
        assert_eq!(requests_to(&server, &path).len(), 1, "{status}");
    }
    // The service's own 413 (its limit lowered below ours).
    let strict = server_with(|c| c.stream_max_payload_bytes = 8);
    let error = stream_client(&strict)
        .send_json("is-1", "{\"a\":12345}")
        .unwrap_err();
    assert_eq!(error.status(), Some(413));
    assert_eq!(requests_to(&strict, &path).len(), 1);
}

#[test]
fn ten_thousand_events_from_four_producers_arrive_once_each() {
    // The defaults on both sides: the client's shared 1000/s bucket, the mock's 1000/s limit.
    let server = server();
    let streams = stream_builder(&server)
        .rate_limit(Some(DEFAULT_STREAM_RATE_LIMIT_PER_SECOND))
        .build()
        .unwrap();
    let sender = streams
        .sender("is-volume", SenderOptions::default())
        .unwrap();
    let start = Instant::now();
    let sequences: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|producer| {
                let sender = &sender;
                scope.spawn(move || {
                    (0..2500)
                        .map(|n| sender.send(&event(producer, n)).unwrap())
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let report = sender.flush();
    let elapsed = start.elapsed();
    let all_sequences: HashSet<u64> = sequences.into_iter().flatten().collect();
    assert_eq!(all_sequences, (0..10_000).collect::<HashSet<u64>>());
    assert!(report.failed.is_empty(), "{:?}", report.failed.first());
    assert_eq!(report.accepted, 10_000);

    let events = server.stream_events("is-volume");
    assert_eq!(events.accepted, 10_000);
    assert_eq!(events.duplicates, 0);
    let expected: Vec<String> = (0..4)
        .flat_map(|p| (0..2500).map(move |n| event(p, n)))
        .collect();
    assert_eq!(
        events.checksum,
        event_checksum(expected.iter().map(String::as_str))
    );
    let received: HashSet<&str> = events.bodies.iter().map(String::as_str).collect();
    assert_eq!(received, expected.iter().map(String::as_str).collect());
    // Every request the mock saw is an accepted event or a retry the report counted.
    let requests = requests_to(&server, &stream_path("is-volume")).len() as u64;
    assert_eq!(requests, report.accepted + report.retried);
    // 10 000 at 1000/s with a burst of 1000: at least 9 s.
    assert!(elapsed >= Duration::from_millis(8500), "{elapsed:?}");
    println!(
        "10 000 events in {elapsed:?} ({:.0} events/s), {} retries",
        10_000.0 / elapsed.as_secs_f64(),
        report.retried
    );

    let last = sender.close();
    assert_eq!(
        (last.accepted, last.failed.len()),
        (0, 0),
        "reports are incremental"
    );
}

#[test]
fn close_delivers_everything_still_queued() {
    let server = server();
    let path = stream_path("is-slow");
    fault(&server, &format!("path={path},delay_ms=10,count=0"));
    let streams = stream_client(&server);
    let options = SenderOptions {
        workers: 4,
        ..SenderOptions::default()
    };
    let sender = streams.sender("is-slow", options).unwrap();
    for n in 0..200 {
        assert_eq!(sender.send(&event(0, n)).unwrap(), n as u64);
    }
    assert!(sender.pending() > 100, "{}", sender.pending());
    let report = sender.close();
    assert_eq!(report.accepted, 200);
    assert_eq!(sender.pending(), 0);
    assert_eq!(server.stream_events("is-slow").accepted, 200);
    assert!(matches!(sender.send("{}"), Err(SendError::Closed)));
    assert!(matches!(sender.try_send("{}"), Err(SendError::Closed)));
    assert_eq!(
        sender.close().accepted,
        0,
        "a second close has nothing left"
    );

    // Dropping a sender closes it the same way.
    let dropped = streams
        .sender("is-dropped", SenderOptions::default())
        .unwrap();
    for n in 0..50 {
        dropped.send(&event(1, n)).unwrap();
    }
    drop(dropped);
    assert_eq!(server.stream_events("is-dropped").accepted, 50);
}

#[test]
fn a_full_queue_pushes_back() {
    let server = server();
    let path = stream_path("is-stalled");
    fault(&server, &format!("path={path},delay_ms=400,count=0"));
    let streams = stream_client(&server);
    let options = SenderOptions {
        workers: 1,
        queue_capacity: 3,
        ..SenderOptions::default()
    };
    let sender = streams.sender("is-stalled", options).unwrap();
    // The only worker takes the first event and stalls on the slow mock...
    sender.try_send(&event(0, 0)).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    // ...so three more fill the queue, and the next one does not fit.
    for n in 1..4 {
        sender.try_send(&event(0, n)).unwrap();
    }
    let full = sender.try_send(&event(0, 4)).unwrap_err();
    assert!(
        matches!(full, SendError::QueueFull { capacity: 3 }),
        "{full:?}"
    );
    assert!(full.to_string().contains("queue is full"), "{full}");
    assert_eq!(sender.pending(), 4);
    // `send` waits for room instead: until the first delivery ends.
    let start = Instant::now();
    assert_eq!(sender.send(&event(0, 4)).unwrap(), 4);
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    let report = sender.close();
    assert_eq!(report.accepted, 5);
    assert_eq!(server.stream_events("is-stalled").accepted, 5);
}

#[test]
fn failures_are_reported_with_their_payload() {
    let server = server();
    let path = stream_path("is-1");
    let streams = stream_client(&server);
    let options = SenderOptions {
        workers: 1,
        max_retries: 2,
        ..SenderOptions::default()
    };
    let sender = streams.sender("is-1", options).unwrap();
    fault(&server, &format!("path={path},status=400,count=1"));
    for n in 0..3 {
        sender.send(&event(0, n)).unwrap();
    }
    let report = sender.flush();
    assert_eq!((report.accepted, report.retried), (2, 0));
    assert_eq!(report.delivered_or_failed(), 3);
    let failed = &report.failed[0];
    assert_eq!(
        (failed.sequence, failed.payload.as_str()),
        (0, event(0, 0).as_str())
    );
    assert_eq!(failed.error.status(), Some(400));
    assert!(
        !format!("{failed:?}").contains("example.com"),
        "the payload is not shown"
    );

    // Unavailable for good: the sender's own retries (2) run out.
    fault(&server, &format!("path={path},status=503,count=0"));
    sender.send(&event(0, 3)).unwrap();
    let report = sender.flush();
    assert_eq!((report.accepted, report.retried), (0, 2));
    assert_eq!(report.failed[0].sequence, 3);
    assert_eq!(report.failed[0].error.attempts(), Some(3));
    server.clear_faults();
    sender.send(&event(0, 4)).unwrap();
    assert_eq!(sender.close().accepted, 1);
}

#[test]
fn a_sender_can_have_its_own_rate_limit_and_xml() {
    let server = server();
    let streams = stream_client(&server);
    let options = SenderOptions {
        rate_limit: Some(20.0),
        format: PayloadFormat::Xml,
        ..SenderOptions::default()
    };
    let sender = streams.sender("is-xml", options).unwrap();
    let start = Instant::now();
    for n in 0..30 {
        sender
            .send(&format!("<records><record><n>{n}</n></record></records>"))
            .unwrap();
    }
    let report = sender.close();
    // A burst of 20, then 10 more at 20/s.
    assert!(
        start.elapsed() >= Duration::from_millis(450),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(report.accepted, 30);
    let sent = requests_to(&server, &stream_path("is-xml"));
    assert!(sent
        .iter()
        .all(|r| header(r, "content-type") == Some("application/xml")));
}

#[test]
fn cancel_ends_deliveries_in_progress() {
    let server = server();
    let path = stream_path("is-1");
    fault(&server, &format!("path={path},delay_ms=3000,count=1"));
    let streams = stream_client(&server);
    let sender = streams
        .sender(
            "is-1",
            SenderOptions {
                workers: 1,
                ..SenderOptions::default()
            },
        )
        .unwrap();
    sender.send("{}").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    streams.cancel();
    let report = sender.flush();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(report.failed.len(), 1);
    assert!(
        matches!(report.failed[0].error, Error::Cancelled { .. }),
        "{:?}",
        report.failed[0]
    );
    // The client works on afterwards.
    sender.send("{\"after\":true}").unwrap();
    assert_eq!(sender.close().accepted, 1);
}

#[test]
fn the_client_rate_limit_is_shared_by_its_senders() {
    let server = server();
    let streams = stream_builder(&server)
        .rate_limit(Some(20.0))
        .build()
        .unwrap();
    let a = streams.sender("is-a", SenderOptions::default()).unwrap();
    let b = streams.sender("is-b", SenderOptions::default()).unwrap();
    let start = Instant::now();
    for n in 0..15 {
        a.send(&event(0, n)).unwrap();
        b.send(&event(1, n)).unwrap();
    }
    let (ra, rb) = (a.close(), b.close());
    // 30 requests on one 20/s budget: a burst of 20, then 10 more.
    assert!(
        start.elapsed() >= Duration::from_millis(450),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(ra.accepted + rb.accepted, 30);
}
