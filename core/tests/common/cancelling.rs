//! The cancel tests' shared scenarios (`cancel.rs`: the whole client, `cancel_token.rs`: one
//! call's token): each runs a call that would wait long, cancels it the given way and checks
//! that it returned `Cancelled` promptly, without sending what it was waiting to send.

use super::*;
use amperity::{CancelToken, Error, PageOptions, WaitOptions, WorkflowRunRequest};
use std::time::Instant;

/// How a test cancels the call it runs.
#[derive(Clone, Copy, Debug)]
pub enum Cancel {
    /// `Client::cancel`: every call of the client.
    Client,
    /// A `CancelToken` given to this call only (`Client::with_cancel_token`).
    Token,
}

impl Cancel {
    /// How long after the cancel the call must have returned.
    pub fn promptly(self) -> Duration {
        match self {
            Cancel::Client => Duration::from_millis(1000),
            Cancel::Token => Duration::from_millis(100),
        }
    }
}

/// Runs `call` on another thread, cancels it `how` after a pause (200 ms for the client, 300 ms
/// for a token), and returns the call's result with the time from the cancel to its return.
pub fn cancel_during<T: Send + 'static>(
    how: Cancel,
    client: &Client,
    call: impl FnOnce(Client) -> Result<T, Error> + Send + 'static,
) -> (Result<T, Error>, Duration) {
    let token = CancelToken::new();
    let worker = {
        let client = match how {
            Cancel::Client => client.clone(),
            Cancel::Token => client.with_cancel_token(&token),
        };
        std::thread::spawn(move || {
            let result = call(client);
            (result, Instant::now())
        })
    };
    let pause = match how {
        Cancel::Client => 200,
        Cancel::Token => 300,
    };
    std::thread::sleep(Duration::from_millis(pause));
    let cancelled_at = Instant::now();
    match how {
        Cancel::Client => client.cancel(),
        Cancel::Token => token.cancel(),
    }
    let (result, returned_at) = worker.join().expect("the call does not panic");
    (result, returned_at.saturating_duration_since(cancelled_at))
}

/// The call ended with `Cancelled` within `how.promptly()`; prints the latency.
pub fn assert_cancelled<T: std::fmt::Debug>(
    how: Cancel,
    result: Result<T, Error>,
    latency: Duration,
    what: &str,
) {
    match result {
        Err(Error::Cancelled { operation }) => assert!(!operation.is_empty()),
        other => panic!("{what}: expected Cancelled, got {other:?}"),
    }
    println!(
        "{what}: returned {:.1} ms after the cancel ({how:?})",
        latency.as_secs_f64() * 1000.0
    );
    assert!(latency < how.promptly(), "{what}: {latency:?}");
}

/// A page request asleep on a 30 s `Retry-After` is cut short, and not sent again.
pub fn retry_after_pause(how: Cancel) {
    let server = server();
    fault(
        &server,
        "path=/api/segments,status=429,retry_after=30,count=1",
    );
    let client = builder(&server)
        .retry_policy(
            RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(10))
                .with_max_retry_after(Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    let (result, latency) = cancel_during(how, &client, |client| {
        client.list_segments(PageOptions::limit(10)).next_page()
    });
    assert_cancelled(how, result, latency, "Retry-After pause");
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
}

/// A request waiting 10 s for the rate limiter's next token is cut short, and never sent.
pub fn rate_limiter_wait(how: Cancel) {
    let server = server();
    let client = builder(&server).rate_limit(Some(0.1)).build().unwrap();
    // The first request takes the only token; the second would wait 10 s for the next.
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    let (result, latency) = cancel_during(how, &client, |client| {
        client.list_segments(PageOptions::limit(1)).next_page()
    });
    assert_cancelled(how, result, latency, "rate limiter");
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
}

/// A wait for a run that takes minutes, polling every 30 s, is cancelled between polls.
/// `during` starts on the client first (a bystander call, for a token), and `check` gets what it
/// returned once the wait is cancelled, while the mock still serves.
pub fn wait_between_polls<R>(
    how: Cancel,
    during: impl FnOnce(&Client) -> R,
    check: impl FnOnce(R),
) {
    let server = server_with(|config| config.run_step = Duration::from_secs(60));
    let client = client(&server);
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-123"))
        .unwrap();
    let meanwhile = during(&client);
    let (result, latency) = cancel_during(how, &client, move |client| {
        let options = WaitOptions {
            poll_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(3600),
            ..WaitOptions::default()
        };
        client.wait_for_workflow_run(&run.id, &options)
    });
    assert_cancelled(how, result, latency, "workflow wait");
    check(meanwhile);
}
