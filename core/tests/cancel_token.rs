//! Per-call cancellation (`CancelToken`) over real sockets: a stalled response, a `Retry-After`
//! pause, the rate limiter, a wait's polls and a walk with read-ahead; each cancelled call ends
//! within 100 ms, while other calls on the same client (in flight at the same time, or on a
//! connection the cancelled call used before) go on.

mod common;

use amperity::{CancelToken, Client, Error, PageOptions, RetryPolicy};
use common::cancelling::{self, Cancel};
use common::*;
use std::time::{Duration, Instant};

// The promise of the issue: a cancelled call returns within 100 ms (`Cancel::Token.promptly()`).
fn cancel_token_during<T: Send + 'static>(
    client: &Client,
    call: impl FnOnce(Client) -> Result<T, Error> + Send + 'static,
) -> (Result<T, Error>, Duration) {
    cancelling::cancel_during(Cancel::Token, client, call)
}

fn assert_cancelled<T: std::fmt::Debug>(result: Result<T, Error>, latency: Duration, what: &str) {
    cancelling::assert_cancelled(Cancel::Token, result, latency, what)
}

/// A list call on another thread without a token: it must succeed despite the cancels.
fn bystander(client: &Client) -> std::thread::JoinHandle<Result<usize, Error>> {
    let client = client.clone();
    std::thread::spawn(move || {
        let page = client.list_campaigns(Default::default(), PageOptions::limit(5));
        Ok(page.items().collect::<Result<Vec<_>, _>>()?.len())
    })
}

#[test]
fn a_stalled_response_is_abandoned_and_a_parallel_call_goes_on() {
    let server = server();
    fault(&server, "path=/api/segments,delay_ms=20000,count=1");
    // The bystander's first page is slow too: it is in flight during the cancel.
    fault(&server, "path=/api/campaigns,delay_ms=800,count=1");
    let client = client(&server);
    let other = bystander(&client);
    let (result, latency) = cancel_token_during(&client, |client| {
        client.list_segments(PageOptions::limit(10)).next_page()
    });
    assert_cancelled(result, latency, "stalled response");
    assert_eq!(other.join().unwrap().unwrap(), 30);
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
    // The client goes on.
    let page = client.list_segments(PageOptions::limit(10)).next_page();
    assert_eq!(page.unwrap().unwrap().items.len(), 10);
}

#[test]
fn a_hanging_connect_is_abandoned_and_a_parallel_call_goes_on() {
    let Some(unanswered) = UnansweredListener::start() else {
        return no_hanging_connect();
    };
    let server = server();
    fault(&server, "path=/api/campaigns,delay_ms=800,count=1");
    let client = client(&server);
    let other = bystander(&client);
    let hanging = unanswered
        .builder()
        .connect_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let (result, latency) = cancel_token_during(&hanging, |client| {
        client.list_segments(PageOptions::limit(10)).next_page()
    });
    assert_cancelled(result, latency, "hanging connect");
    assert_eq!(other.join().unwrap().unwrap(), 30);
}

#[test]
fn a_connect_that_gets_no_answer_still_times_out() {
    let Some(unanswered) = UnansweredListener::start() else {
        return no_hanging_connect();
    };
    let client = unanswered
        .builder()
        .connect_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::new(
            1,
            Duration::from_millis(1),
            Duration::from_millis(1),
        ))
        .rate_limit(None)
        .build()
        .unwrap();
    let started = Instant::now();
    match client.list_segments(PageOptions::limit(10)).next_page() {
        Err(Error::Transport { kind, .. }) => {
            assert_eq!(kind, amperity::TransportKind::Timeout)
        }
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[test]
fn a_retry_after_pause_is_cut_short_without_another_request() {
    cancelling::retry_after_pause(Cancel::Token);
}

#[test]
fn a_rate_limiter_wait_is_cut_short() {
    cancelling::rate_limiter_wait(Cancel::Token);
}

#[test]
fn a_wait_for_a_run_is_cancelled_between_polls() {
    cancelling::wait_between_polls(Cancel::Token, bystander, |other| {
        assert_eq!(other.join().unwrap().unwrap(), 30)
    });
}

#[test]
fn a_cancelled_token_refuses_calls_before_any_request() {
    let server = server();
    let client = client(&server);
    let token = CancelToken::new();
    token.cancel();
    let result = client
        .with_cancel_token(&token)
        .list_segments(PageOptions::limit(1))
        .next_page();
    assert!(matches!(result, Err(Error::Cancelled { .. })), "{result:?}");
    let result = token.run(|| client.list_segments(PageOptions::limit(1)).next_page());
    assert!(matches!(result, Err(Error::Cancelled { .. })), "{result:?}");
    assert!(requests_to(&server, "/api/segments").is_empty());
    assert!(client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .is_ok());
}

#[test]
fn a_late_cancel_never_shuts_a_connection_another_call_took_from_the_pool() {
    let server = server();
    let client = client(&server);
    let token = CancelToken::new();
    // The token's call ends and leaves its connection in the pool.
    client
        .with_cancel_token(&token)
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    // Another call takes that connection and waits for a slow answer while the token cancels.
    fault(&server, "path=/api/campaigns,delay_ms=600,count=1");
    let other = bystander(&client);
    std::thread::sleep(Duration::from_millis(200));
    token.cancel();
    assert_eq!(other.join().unwrap().unwrap(), 30);
}

#[test]
fn a_cancelled_walk_with_read_ahead_resumes_from_its_cursor() {
    let server = server();
    let client = client(&server);
    let token = CancelToken::new();
    let mut pager = client
        .list_segments(PageOptions::limit(100).read_ahead())
        .with_cancel_token(&token);
    let first = pager.next_page().unwrap().unwrap();
    // A read-ahead is in flight (and stalls) when the token cancels: the second page's, or the
    // third's when the second was already read.
    fault(&server, "path=/api/segments,delay_ms=20000,count=1");
    let worker = std::thread::spawn(move || loop {
        match pager.next_page() {
            Ok(Some(_)) => continue,
            other => {
                return (
                    other.map(|page| page.map(|p| p.items.len())),
                    Instant::now(),
                    pager,
                )
            }
        }
    });
    std::thread::sleep(Duration::from_millis(400));
    let cancelled_at = Instant::now();
    token.cancel();
    let (result, returned_at, pager) = worker.join().unwrap();
    assert_cancelled(result, returned_at - cancelled_at, "walk with read-ahead");
    let cursor = pager.resume_cursor().map(str::to_owned).expect("a cursor");
    // The same walk goes on with a new token, and so does a new walk from the cursor.
    let mut pager = pager.with_cancel_token(&CancelToken::new());
    let again = pager.next_page().unwrap().unwrap();
    let resumed = client
        .list_segments(PageOptions::limit(100).starting_at(cursor))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(again.items, resumed.items);
    assert_ne!(again.items[0].id, first.items[0].id);
}

#[test]
fn a_token_carried_by_run_reaches_the_read_ahead_thread() {
    let server = server();
    let client = client(&server);
    let token = CancelToken::new();
    fault(&server, "path=/api/segments,delay_ms=20000,count=1");
    let worker = {
        let (client, token) = (client.clone(), token.clone());
        std::thread::spawn(move || {
            token.run(|| {
                client
                    .list_segments(PageOptions::limit(100).read_ahead())
                    .next_page()
            })
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let cancelled_at = Instant::now();
    token.cancel();
    let result = worker.join().unwrap();
    assert_cancelled(result, cancelled_at.elapsed(), "run scope");
}
