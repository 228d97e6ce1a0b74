use crate::client::Call;
use crate::{Client, PageOptions, Pager, Segment};

impl Client {
    /// `GET /segments`: every segment, lazily, one page at a time.
    pub fn list_segments(&self, page: PageOptions) -> Pager<Segment> {
        Pager::new(
            self.inner.clone(),
            Call::get("list-segment", "/segments"),
            page,
        )
    }
}
