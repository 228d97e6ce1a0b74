//! Which failures are retried, how often, and the client-side rate limiter.

mod common;

use amperity::*;
use common::*;
use std::time::{Duration, Instant};

fn segments_page(client: &Client) -> Result<Option<Page<Segment>>> {
    client.list_segments(PageOptions::limit(5)).next_page()
}

#[test]
fn rate_limited_without_retry_after_then_success() {
    let server = server();
    fault(&server, "path=/api/segments,status=429,count=2");
    assert!(segments_page(&client(&server)).is_ok());
    assert_eq!(requests_to(&server, "/api/segments").len(), 3);
}

#[test]
fn retry_after_is_honoured() {
    let server = server();
    fault(
        &server,
        "path=/api/segments,status=429,retry_after=1,count=1",
    );
    let start = Instant::now();
    assert!(segments_page(&client(&server)).is_ok());
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(requests_to(&server, "/api/segments").len(), 2);
}

#[test]
fn a_retry_after_beyond_the_limit_returns_the_429() {
    let server = server();
    let client = builder(&server)
        .retry_policy(fast_retries().with_max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    fault(
        &server,
        "path=/api/segments,status=429,retry_after=120,count=1",
    );
    let err = segments_page(&client).unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::RateLimited);
    assert_eq!(api.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
}

#[test]
fn retries_are_exhausted_on_persistent_429() {
    let server = server();
    fault(&server, "path=/api/segments,status=429,count=0");
    let err = segments_page(&client(&server)).unwrap_err();
    assert_eq!(err.as_api().unwrap().kind, ApiErrorKind::RateLimited);
    assert_eq!(requests_to(&server, "/api/segments").len(), 3);
}

#[test]
fn server_errors_then_success() {
    for status in [500, 502, 503, 504] {
        let server = server();
        fault(
            &server,
            &format!("path=/api/segments,status={status},count=2"),
        );
        assert!(segments_page(&client(&server)).is_ok(), "{status}");
        assert_eq!(requests_to(&server, "/api/segments").len(), 3);
    }
}

#[test]
fn client_errors_are_not_retried() {
    let server = server();
    fault(&server, "path=/api/segments,status=400,count=0");
    assert!(segments_page(&client(&server)).is_err());
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
}

#[test]
fn run_workflow_is_never_retried_after_a_5xx_or_timeout() {
    let server = server();
    let client = builder(&server)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let run = WorkflowRunRequest::new("cg-1");
    fault(
        &server,
        "path=/api/workflow/runs,method=POST,status=500,count=1",
    );
    assert_eq!(client.run_workflow(&run).unwrap_err().status(), Some(500));
    assert_eq!(requests_to(&server, "/api/workflow/runs").len(), 1);
    server.clear_requests();
    fault(
        &server,
        "path=/api/workflow/runs,method=POST,delay_ms=1000,count=1",
    );
    assert!(client.run_workflow(&run).unwrap_err().is_timeout());
    assert_eq!(requests_to(&server, "/api/workflow/runs").len(), 1);
}

#[test]
fn run_workflow_is_retried_when_refused_with_429() {
    let server = server();
    fault(
        &server,
        "path=/api/workflow/runs,method=POST,status=429,count=1",
    );
    let run = client(&server)
        .run_workflow(&WorkflowRunRequest::new("cg-1"))
        .unwrap();
    assert!(run.id.starts_with("wf-"));
    assert_eq!(requests_to(&server, "/api/workflow/runs").len(), 2);
}

#[test]
fn stop_workflow_is_retried_on_503() {
    let server = server();
    let client = client(&server);
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-1"))
        .unwrap();
    let stop_path = format!("/api/workflow/runs/{}/stop", run.id);
    fault(&server, &format!("path={stop_path},status=503,count=1"));
    assert_eq!(
        client.stop_workflow_run(&run.id).unwrap().state,
        RunState::Canceled
    );
    assert_eq!(requests_to(&server, &stop_path).len(), 2);
}

#[test]
fn a_disabled_policy_makes_one_attempt() {
    let server = server();
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    fault(&server, "path=/api/segments,status=503,count=1");
    assert_eq!(segments_page(&client).unwrap_err().status(), Some(503));
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
}

#[test]
fn the_rate_limiter_paces_requests_across_threads() {
    let server = server();
    let client = builder(&server).rate_limit(Some(20.0)).build().unwrap();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let client = &client;
            scope.spawn(move || {
                for _ in 0..10 {
                    segments_page(client).unwrap();
                }
            });
        }
    });
    // 40 requests at 20/s with a burst of 20: at least one second.
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(requests_to(&server, "/api/segments").len(), 40);
}
