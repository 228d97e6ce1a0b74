//! A real SIGINT to the child cancels the call in progress: exit 130 within 200 ms.

mod common;

use common::Fixture;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Waits until the mock has seen a request to `path`, so the child is inside the call.
fn wait_for_request(f: &Fixture, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f.server.requests().iter().any(|r| r.path.starts_with(path)) {
        assert!(Instant::now() < deadline, "no request to {path}");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(50));
}

/// Sends SIGINT and returns the exit status and how long the child took to exit.
fn interrupt(mut child: Child) -> (Option<i32>, Duration, String) {
    let start = Instant::now();
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    let took = start.elapsed();
    eprintln!("SIGINT to exit: {took:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), took, stderr)
}

fn spawn(f: &Fixture, args: &[&str]) -> Child {
    f.cmd()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn ctrl_c_during_a_request_exits_130_at_once() {
    let f = Fixture::new();
    f.server
        .add_fault(amperity_mock::FaultRule::parse("path=/api/segments,delay_ms=10000").unwrap());
    let child = spawn(&f, &["segments", "list"]);
    wait_for_request(&f, "/api/segments");
    let (code, took, stderr) = interrupt(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < Duration::from_millis(200), "took {took:?}");
    assert!(stderr.contains("cancelled"), "{stderr}");
}

#[test]
fn ctrl_c_during_a_wait_exits_130_at_once() {
    let f = Fixture::with(|c| c.run_step = Duration::from_secs(30));
    let child = spawn(
        &f,
        &[
            "workflow",
            "runs",
            "run",
            "cg-1",
            "--wait",
            "--poll-interval",
            "10",
        ],
    );
    wait_for_request(&f, "/api/workflow/runs/");
    let (code, took, stderr) = interrupt(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < Duration::from_millis(200), "took {took:?}");
}

#[test]
fn ctrl_c_during_a_stream_send_exits_130_at_once() {
    let f = Fixture::new();
    f.server
        .add_fault(amperity_mock::FaultRule::parse("path=/stream,delay_ms=10000,count=0").unwrap());
    let mut child = f
        .cmd()
        .args(["stream", "send", "is-1", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"{\"n\": 1}\n{\"n\": 2}\n").unwrap();
    wait_for_request(&f, "/stream/");
    let (code, took, stderr) = interrupt(child);
    drop(stdin);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(took < Duration::from_millis(200), "took {took:?}");
}
