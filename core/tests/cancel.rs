//! `Client::cancel` over real sockets: a stalled response, a `Retry-After` pause, the rate
//! limiter, a wait's polls; each cancelled call ends promptly, the next call works and a
//! cancelled walk resumes from its cursor.

mod common;

use amperity::{Client, Error, PageOptions};
use common::cancelling::{self, Cancel};
use common::*;
use std::time::Duration;

fn cancel_during<T: Send + 'static>(
    client: &Client,
    call: impl FnOnce(Client) -> Result<T, Error> + Send + 'static,
) -> (Result<T, Error>, Duration) {
    cancelling::cancel_during(Cancel::Client, client, call)
}

fn assert_cancelled<T: std::fmt::Debug>(result: Result<T, Error>, latency: Duration, what: &str) {
    cancelling::assert_cancelled(Cancel::Client, result, latency, what)
}

#[test]
fn a_stalled_response_is_abandoned_and_the_next_call_works() {
    let server = server();
    fault(&server, "path=/api/segments,delay_ms=20000,count=1");
    let client = client(&server);
    let (result, latency) = cancel_during(&client, |client| {
        client.list_segments(PageOptions::limit(10)).next_page()
    });
    assert_cancelled(result, latency, "stalled response");
    let page = client
        .list_segments(PageOptions::limit(10))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(page.items.len(), 10);
    assert_eq!(requests_to(&server, "/api/segments").len(), 2);
}

#[test]
fn a_hanging_connect_is_abandoned() {
    let Some(unanswered) = UnansweredListener::start() else {
        return no_hanging_connect();
    };
    let client = unanswered
        .builder()
        .connect_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let (result, latency) = cancel_during(&client, |client| {
        client.list_segments(PageOptions::limit(10)).next_page()
    });
    assert_cancelled(result, latency, "hanging connect");
    assert!(latency < Duration::from_millis(100), "{latency:?}");
}

#[test]
fn a_retry_after_pause_is_cut_short_without_another_request() {
    cancelling::retry_after_pause(Cancel::Client);
}

#[test]
fn a_rate_limiter_wait_is_cut_short() {
    cancelling::rate_limiter_wait(Cancel::Client);
}

#[test]
fn a_wait_for_a_run_is_cancelled_between_polls() {
    cancelling::wait_between_polls(Cancel::Client, |_| (), |_| ());
}

#[test]
fn a_cancelled_walk_resumes_from_its_cursor() {
    let server = server();
    let client = client(&server);
    let mut pager = client.list_segments(PageOptions::limit(100));
    let first = pager.next_page().unwrap().unwrap();
    fault(&server, "path=/api/segments,delay_ms=20000,count=1");
    let worker = std::thread::spawn(move || {
        let result = pager.next_page();
        (result.map(|page| page.map(|p| p.items.len())), pager)
    });
    std::thread::sleep(Duration::from_millis(200));
    client.cancel();
    let (result, mut pager) = worker.join().unwrap();
    assert!(matches!(result, Err(Error::Cancelled { .. })), "{result:?}");
    let cursor = pager.resume_cursor().map(str::to_owned);
    assert!(cursor.is_some());
    // The same pager fetches the page again, and so does a new one from the cursor.
    let again = pager.next_page().unwrap().unwrap();
    let resumed = client
        .list_segments(PageOptions::limit(100).starting_at(cursor.unwrap()))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(again.items, resumed.items);
    assert_ne!(again.items[0].id, first.items[0].id);
}
