//! `stream send`: 10 000 events through faults; the report matches what the mock counted.

mod common;

use amperity_mock::{event_checksum, FaultRule};
use common::Fixture;
use std::io::Write;

#[test]
fn ten_thousand_events_with_faults_report_what_the_mock_counted() {
    let f = Fixture::with(|c| {
        c.stream_rate_limit = None;
        c.faults = vec![
            // Refused for good (never retried): these seven events fail.
            FaultRule::parse("path=/stream,status=400,count=7").unwrap(),
            // Retried until accepted.
            FaultRule::parse("path=/stream,status=503,count=40").unwrap(),
            FaultRule::parse("path=/stream,status=429,retry_after=0,count=10").unwrap(),
        ];
    });
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.ndjson");
    let failed_to = dir.path().join("failed.ndjson");
    let events: Vec<String> = (0..10_000)
        .map(|n| format!(r#"{{"order_id": "o-{n}", "n": {n}}}"#))
        .collect();
    let mut file = std::fs::File::create(&input).unwrap();
    for (n, event) in events.iter().enumerate() {
        writeln!(file, "{event}").unwrap();
        if n % 4000 == 0 {
            // Refused locally, before anything is sent: not one JSON object. And a blank line.
            writeln!(file, "[1, 2]\n").unwrap();
        }
    }
    drop(file);

    let run = f
        .run(&[
            "stream",
            "send",
            "is-orders",
            input.to_str().unwrap(),
            "--failed-to",
            failed_to.to_str().unwrap(),
            // Enough retries that no event runs out of them on the 50 retryable faults.
            "--workers",
            "16",
            "--max-retries",
            "60",
            "-o",
            "json",
        ])
        .code(10);
    let report = run.json();
    let counted = f.server.stream_events("is-orders");
    assert_eq!(report["events"], 10_003);
    assert_eq!(report["refused"], 3);
    assert_eq!(report["failed"], 7);
    assert_eq!(
        report["accepted"], counted.accepted,
        "the report matches the mock"
    );
    assert_eq!(counted.accepted, 10_000 - 7);
    assert_eq!(counted.duplicates, 0);
    assert!(report["retried"].as_u64().unwrap() >= 50, "{report}");

    let failed: Vec<String> = std::fs::read_to_string(&failed_to)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(failed.len(), 10, "7 failed and 3 refused events are kept");
    assert_eq!(failed.iter().filter(|l| l.as_str() == "[1, 2]").count(), 3);
    let delivered = events
        .iter()
        .filter(|e| !failed.contains(e))
        .map(String::as_str);
    assert_eq!(
        event_checksum(delivered),
        counted.checksum,
        "exactly the other events arrived"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&failed_to).unwrap().permissions().mode() & 0o777,
        0o600
    );

    assert!(
        run.stderr.contains("7 events failed: HTTP 400"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("amperity: delivery: 10 of 10003 events were not delivered"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_clean_send_from_stdin_exits_0_with_a_table_report() {
    let f = Fixture::new();
    let mut child = f
        .cmd()
        .args(["stream", "send", "is-small", "-o", "table"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for n in 0..25 {
        writeln!(stdin, r#"{{"n": {n}}}"#).unwrap();
    }
    drop(stdin);
    let run = common::Run::of(child.wait_with_output().unwrap()).ok();
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("accepted") && l.ends_with("25")),
        "{}",
        run.stdout
    );
    assert_eq!(f.server.stream_events("is-small").accepted, 25);
    let no_token = common::Run::of(
        f.bare()
            .env("AMPERITY_TENANT", "acme")
            .args(["stream", "send", "is-small", "/dev/null"])
            .output()
            .unwrap(),
    )
    .code(3);
    assert!(
        no_token.stderr.contains("AMPERITY_STREAM_TOKEN"),
        "{}",
        no_token.stderr
    );
}
