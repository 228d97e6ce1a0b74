//! Retries beyond the scenario table (`tests/scenarios.tsv`, run by `scenarios.rs`, holds which
//! failures are retried and how often): the Retry-After value kept on a refused 429, the stop
//! call, the disabled policy, and the client-side rate limiter.

mod common;

use amperity::*;
use common::*;
use std::time::{Duration, Instant};

fn segments_page(client: &Client) -> Result<Option<Page<Segment>>> {
    client.list_segments(PageOptions::limit(5)).next_page()
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
fn stop_workflow_is_retried_on_503() {
    // Runs long enough to be stopped even under emulation on a loaded machine (tests/platforms.sh).
    let server = server_with(|c| c.run_step = Duration::from_secs(2));
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

#[test]
fn the_request_hook_sees_every_attempt() {
    use std::sync::{Arc, Mutex};
    let server = server();
    fault(&server, "path=/api/segments,status=503,count=1");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let seen = Arc::clone(&seen);
        builder(&server)
            .on_request(move |info| seen.lock().unwrap().push(info.clone()))
            .build()
            .unwrap()
    };
    client
        .list_segments(amperity::PageOptions::limit(5))
        .next_page()
        .unwrap();
    let seen = seen.lock().unwrap();
    let summary: Vec<_> = seen
        .iter()
        .map(|i| (i.operation.as_str(), i.method.as_str(), i.status, i.attempt))
        .collect();
    assert_eq!(
        summary,
        [
            ("list-segment", "GET", Some(503), 1),
            ("list-segment", "GET", Some(200), 2)
        ]
    );
    assert!(seen
        .iter()
        .all(|i| i.url.contains("/api/segments?") && !i.url.contains("mock-token")));
    assert!(seen[0].elapsed > std::time::Duration::ZERO);
}
