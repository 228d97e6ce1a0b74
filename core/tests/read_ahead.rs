//! Read-ahead (`PageOptions::read_ahead`): the same records in the same order, the next page
//! requested while the caller works on the current one (the time saved is measured by
//! `tests/bench.sh`, latency shape), resumable, errors where they belong.

use amperity::{Client, PageOptions};
use amperity_mock::{FaultRule, MockConfig, MockServer};
use std::time::{Duration, Instant};

fn slow_mock(latency_ms: u64) -> MockServer {
    MockServer::start(MockConfig {
        segments: 200,
        latency: Duration::from_millis(latency_ms),
        ..MockConfig::default()
    })
    .unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder("acme")
        .base_url(server.base_url())
        .token("mock-token")
        .rate_limit(None)
        .build()
        .unwrap()
}

fn walk(client: &Client, options: PageOptions, work: Duration) -> (Vec<String>, Duration) {
    let start = Instant::now();
    let mut ids = Vec::new();
    let mut pager = client.list_segments(options);
    while let Some(page) = pager.next_page().unwrap() {
        std::thread::sleep(work);
        ids.extend(page.items.into_iter().map(|s| s.id));
    }
    (ids, start.elapsed())
}

#[test]
fn read_ahead_returns_the_same_records_and_fetches_while_the_caller_works() {
    let server = slow_mock(20);
    let client = client(&server);
    let (plain, _) = walk(&client, PageOptions::limit(20), Duration::ZERO);
    let (ahead, _) = walk(&client, PageOptions::limit(20).read_ahead(), Duration::ZERO);
    assert_eq!(plain.len(), 200);
    assert_eq!(plain, ahead);
    // One request per page either way (no page is fetched twice).
    assert_eq!(server.requests().len(), 2 * 10);

    // While the caller holds page 1, page 2 is requested without being asked for.
    server.clear_requests();
    let mut pager = client.list_segments(PageOptions::limit(20).read_ahead());
    pager.next_page().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.requests().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        server.requests().len(),
        2,
        "the second page was not read ahead"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.requests().len(), 2, "at most one page is read ahead");
    let second = pager.next_page().unwrap().unwrap();
    assert_eq!(second.items.len(), 20);
}

#[test]
fn read_ahead_resumes_and_reports_errors_where_they_belong() {
    let server = slow_mock(0);
    let client = client(&server);
    let mut pager = client.list_segments(PageOptions::limit(50).read_ahead());
    let first = pager.next_page().unwrap().unwrap();
    assert_eq!(first.items.len(), 50);
    // The second page is being fetched in the background; the resume cursor is still its cursor.
    let cursor = pager.resume_cursor().unwrap().to_owned();
    assert_eq!(first.next_token.as_deref(), Some(cursor.as_str()));
    let resumed: Vec<_> = client
        .list_segments(PageOptions::limit(50).starting_at(cursor))
        .items()
        .map(|s| s.unwrap().id)
        .collect();
    let rest: Vec<_> = pager.items().map(|s| s.unwrap().id).collect();
    assert_eq!(resumed, rest);
    assert_eq!(rest.len(), 150);

    // A failed read-ahead surfaces when its page is asked for; asking again retries that page.
    let mut pager = client.list_segments(PageOptions::limit(50).read_ahead());
    pager.next_page().unwrap();
    server.add_fault(FaultRule::parse("path=/api/segments,status=400,count=1").unwrap());
    // Let the background request meet the fault... unless it already ran: then the fault hits
    // the next one. Either way every record arrives exactly once.
    let mut ids = Vec::new();
    let mut errors = 0;
    while !pager.is_done() {
        match pager.next_page() {
            Ok(Some(page)) => ids.extend(page.items.into_iter().map(|s| s.id)),
            Ok(None) => break,
            Err(error) => {
                errors += 1;
                assert!(error.to_string().contains("400"), "{error}");
            }
        }
    }
    assert_eq!(errors, 1);
    assert_eq!(ids.len(), 150);
}
