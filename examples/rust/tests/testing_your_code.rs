// tests/segments.rs of your crate, with `amperity-mock = "0.1"` in [dev-dependencies].
use amperity::{Client, PageOptions, Segment};
use amperity_mock::{FaultRule, MockServer, DEFAULT_TOKEN};

#[test]
fn segments_survive_a_503() {
    let mock = MockServer::start(Default::default()).unwrap(); // port 0; stops when dropped
    mock.add_fault(FaultRule::parse("path=/api/segments,status=503").unwrap());
    let builder = Client::builder("acme").base_url(mock.base_url());
    let client = builder.token(DEFAULT_TOKEN).build().unwrap();
    let pages = client.list_segments(PageOptions::limit(1000)).items();
    let segments: Vec<Segment> = pages.collect::<Result<_, _>>().unwrap();
    assert_eq!(segments.len(), 10_000);
    assert_eq!(mock.request_count("GET", "/api/segments"), 11); // 10 pages + 1 retry
}
