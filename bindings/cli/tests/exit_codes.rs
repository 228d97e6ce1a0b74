//! One exit status per error kind, and one readable error line on stderr.

mod common;

use common::Fixture;
use std::time::Duration;

fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("amperity: "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0]
}

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::new();
    f.run(&["segments", "list", "--limit", "0"]).code(2);
    f.run(&["no-such-command"]).code(2);
    f.run(&["workflow", "runs", "get"]).code(2);
    let run = f.run(&["raw", "PUT", "/segments"]).code(2);
    assert!(one_line(&run.stderr).contains("GET or POST"));
    let run = f
        .run(&["workflow", "runs", "list", "--created-from", "yesterday"])
        .code(2);
    assert!(
        one_line(&run.stderr).contains("created_from"),
        "{}",
        run.stderr
    );
    let run = f
        .run(&["profiles", "list", "idx-1", "--where", "email"])
        .code(2);
    assert!(one_line(&run.stderr).contains("KEY=VALUE"));
}

#[test]
fn configuration_errors_exit_3() {
    let f = Fixture::new();
    let run = common::Run::of(f.bare().args(["segments", "list"]).output().unwrap()).code(3);
    assert!(
        one_line(&run.stderr).contains("AMPERITY_TENANT is not set"),
        "{}",
        run.stderr
    );
    let run = common::Run::of(
        f.bare()
            .env("AMPERITY_TENANT", "acme")
            .args(["segments", "list"])
            .output()
            .unwrap(),
    )
    .code(3);
    assert!(
        one_line(&run.stderr).contains("configuration"),
        "{}",
        run.stderr
    );
    let run = f.run(&["--region", "mars", "segments", "list"]).code(3);
    assert!(one_line(&run.stderr).contains("AMPERITY_REGION"));
}

#[test]
fn api_errors_map_to_their_status_with_the_request_id() {
    let f = Fixture::new();
    let run = f.run(&["workflow", "runs", "get", "wf-nope"]).code(5);
    let line = one_line(&run.stderr);
    assert!(
        line.starts_with("amperity: not found: ") && line.contains("request_id"),
        "{line}"
    );

    let run = common::Run::of(
        f.cmd()
            .env("AMPERITY_TOKEN", "wrong")
            .args(["segments", "list"])
            .output()
            .unwrap(),
    )
    .code(4);
    assert!(
        one_line(&run.stderr).starts_with("amperity: auth: "),
        "{}",
        run.stderr
    );

    f.server.add_fault(
        amperity_mock::FaultRule::parse("path=/api/segments,status=429,retry_after=0,count=0")
            .unwrap(),
    );
    let run = f.run(&["segments", "list"]).code(6);
    assert!(one_line(&run.stderr).contains("HTTP 429"));
    f.server.clear_faults();

    f.server.add_fault(
        amperity_mock::FaultRule::parse("path=/api/segments,status=400,count=1").unwrap(),
    );
    f.run(&["segments", "list"]).code(1);
}

#[test]
fn transport_errors_exit_7_and_wait_timeouts_8() {
    let f = Fixture::with(|c| c.run_step = Duration::from_secs(5));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api", closed.local_addr().unwrap());
    drop(closed);
    let run = f.run(&["--base-url", &url, "segments", "list"]).code(7);
    assert!(
        one_line(&run.stderr).starts_with("amperity: transport: "),
        "{}",
        run.stderr
    );

    let run = f
        .run(&[
            "workflow",
            "runs",
            "run",
            "cg-1",
            "--wait",
            "--poll-interval",
            "0.05",
            "--timeout",
            "0.2",
        ])
        .code(8);
    assert!(
        one_line(&run.stderr).contains("after waiting"),
        "{}",
        run.stderr
    );
}

#[test]
fn verbose_logs_each_request_without_secrets() {
    let f = Fixture::new();
    f.server.add_fault(
        amperity_mock::FaultRule::parse("path=/api/segments,status=503,count=1").unwrap(),
    );
    let run = f
        .run(&[
            "--verbose",
            "segments",
            "list",
            "--limit",
            "3",
            "-o",
            "ndjson",
        ])
        .ok();
    assert!(run.stderr.contains("list-segment"), "{}", run.stderr);
    assert!(run.stderr.contains("retrying"), "{}", run.stderr);
    let quiet = f
        .run(&["segments", "list", "--limit", "3", "-o", "ndjson"])
        .ok();
    assert!(!quiet.stderr.contains("list-segment"), "{}", quiet.stderr);
}
