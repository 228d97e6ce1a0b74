use crate::client::Call;
use crate::{Client, PageOptions, Pager, Segment};

impl Client {
    /// `GET /segments`: every segment, lazily, one page at a time.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::PageOptions;
    /// let mut count = 0;
    /// for segment in client.list_segments(PageOptions::limit(100)).items() {
    ///     let segment = segment?;
    ///     assert!(segment.id.starts_with("seg-"));
    ///     count += 1;
    /// }
    /// assert_eq!(count, 10_000);
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_segments(&self, page: PageOptions) -> Pager<Segment> {
        Pager::new(
            self.inner.clone(),
            Call::get("list-segment", "/segments"),
            page,
        )
    }
}
