//! Cursor pagination edge cases.

mod common;

use amperity::*;
use amperity_mock::LastCursor;
use common::*;

fn count_all(client: &Client) -> usize {
    let mut count = 0;
    for segment in client.list_segments(PageOptions::limit(100)).items() {
        segment.unwrap();
        count += 1;
    }
    count
}

#[test]
fn every_end_of_list_form_stops_the_walk() {
    for last in [LastCursor::Absent, LastCursor::Empty, LastCursor::Null] {
        let server = server_with(|c| c.last_cursor = last);
        assert_eq!(count_all(&client(&server)), 250, "{last:?}");
        let sent = requests_to(&server, "/api/segments");
        assert_eq!(sent.len(), 3, "{last:?}");
        for request in &sent {
            if let Some(token) = query_param(request, "next_token") {
                assert!(
                    !token.is_empty() && token != "null",
                    "{last:?}: sent {token:?}"
                );
            }
        }
    }
}

#[test]
fn an_empty_page_with_a_cursor_does_not_end_the_walk() {
    let server = server();
    fault(&server, "path=/api/segments,empty_page,count=2");
    assert_eq!(count_all(&client(&server)), 250);
    assert_eq!(requests_to(&server, "/api/segments").len(), 5);
}

#[test]
fn a_repeated_cursor_is_an_error_not_an_endless_loop() {
    let server = server();
    fault(&server, "path=/api/segments,repeat_cursor,count=0");
    let mut items = client(&server)
        .list_segments(PageOptions::limit(100))
        .items();
    let mut seen = 0;
    let error = loop {
        match items.next() {
            Some(Ok(_)) => seen += 1,
            Some(Err(e)) => break e,
            None => panic!("the walk ended without noticing the repeated cursor"),
        }
    };
    assert!(matches!(error, Error::RepeatedCursor { .. }), "{error:?}");
    assert!(seen <= 200, "{seen}");
    assert!(items.next().is_none(), "the iterator ends after an error");
    assert!(requests_to(&server, "/api/segments").len() <= 3);
}

#[test]
fn with_total_is_requested_once_and_reported() {
    let server = server();
    let client = client(&server);
    let mut pager = client.list_segments(PageOptions::limit(100).with_total());
    let first = pager.next_page().unwrap().unwrap();
    assert_eq!(first.total, Some(250));
    while pager.next_page().unwrap().is_some() {}
    assert_eq!(pager.total(), Some(250));
    let sent = requests_to(&server, "/api/segments");
    assert_eq!(query_param(&sent[0], "with_total").as_deref(), Some("true"));
    assert!(sent[1..]
        .iter()
        .all(|r| query_param(r, "with_total").is_none()));
    let none = client
        .list_segments(PageOptions::limit(100))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(none.total, None);
}

#[test]
fn a_walk_resumes_from_its_cursor_after_an_error() {
    let server = server();
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let mut items = client.list_segments(PageOptions::limit(100)).items();
    let mut ids: Vec<String> = Vec::new();
    for _ in 0..100 {
        ids.push(items.next().unwrap().unwrap().id);
    }
    fault(&server, "path=/api/segments,status=503,count=1");
    let err = items.next().unwrap().unwrap_err();
    assert_eq!(err.status(), Some(503));
    let cursor = items
        .resume_cursor()
        .expect("a cursor to resume from")
        .to_owned();
    let resumed = client.list_segments(PageOptions::limit(100).starting_at(cursor));
    ids.extend(resumed.items().map(|s| s.unwrap().id));
    assert_eq!(ids.len(), 250);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 250, "nothing lost, nothing twice");
}

#[test]
fn a_pager_retries_the_same_page_after_an_error() {
    let server = server();
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let mut pager = client.list_segments(PageOptions::limit(100));
    pager.next_page().unwrap();
    let cursor = pager.resume_cursor().unwrap().to_owned();
    fault(&server, "path=/api/segments,truncated_json,count=1");
    assert!(matches!(pager.next_page(), Err(Error::Decode { .. })));
    assert_eq!(pager.resume_cursor(), Some(cursor.as_str()));
    let second = pager.next_page().unwrap().unwrap();
    assert_eq!(second.items.len(), 100);
    let sent = requests_to(&server, "/api/segments");
    assert_eq!(
        query_param(&sent[1], "next_token"),
        query_param(&sent[2], "next_token")
    );
}

#[test]
fn items_are_fetched_lazily_one_page_at_a_time() {
    let server = server();
    let client = client(&server);
    let mut items = client.list_segments(PageOptions::limit(100)).items();
    assert!(
        server.requests().is_empty(),
        "creating a walk sends nothing"
    );
    for _ in 0..100 {
        items.next().unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, "/api/segments").len(), 1);
    items.next().unwrap().unwrap();
    assert_eq!(requests_to(&server, "/api/segments").len(), 2);
}

#[test]
fn an_invalid_server_cursor_error_is_surfaced() {
    let server = server();
    let client = client(&server);
    let err = client
        .list_segments(PageOptions::limit(10).starting_at("not-a-cursor"))
        .next_page()
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let empty = client
        .list_segments(PageOptions::limit(10).starting_at(""))
        .next_page()
        .unwrap();
    assert!(
        empty.is_some(),
        "an empty starting cursor means the first page"
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| query_param(r, "next_token").as_deref() != Some("")));
}
