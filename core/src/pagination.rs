//! Cursor pagination: pages, a pager that walks them lazily, and an item iterator over it.

use crate::client::{Call, Inner};
use crate::error::{Error, Result};
use crate::models::decode::json_body;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::sync::Arc;

/// How to page through a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// Records per page (`limit`); the server's default when `None`. Must be at least 1.
    pub limit: Option<u32>,
    /// Ask for `total` (costly on large lists; requested on the first page only).
    pub with_total: bool,
    /// Start from this cursor (a `next_token` seen earlier) instead of the first page.
    pub cursor: Option<String>,
    /// Read ahead: while the caller works on a page, fetch the next one on a background thread
    /// (within the client's rate limit), so a walk over a slow network waits less. At most one
    /// page is held beyond the current one; resuming, errors and cancellation work as without
    /// it (a failed read-ahead is reported when its page is asked for). A walk abandoned
    /// mid-way has sent one request more.
    pub read_ahead: bool,
}

impl PageOptions {
    /// Options with this page size.
    pub fn limit(limit: u32) -> Self {
        PageOptions {
            limit: Some(limit),
            ..Self::default()
        }
    }

    /// Also asks for the total count.
    pub fn with_total(mut self) -> Self {
        self.with_total = true;
        self
    }

    /// Resumes from a cursor.
    pub fn starting_at(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Fetches the next page in the background while the caller works on the current one (see
    /// [`read_ahead`](Self::read_ahead)).
    pub fn read_ahead(mut self) -> Self {
        self.read_ahead = true;
        self
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Cursor of the next page; `None` on the last page.
    pub next_token: Option<String>,
    /// Total number of records, when requested with `with_total`.
    pub total: Option<i64>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Vec<T>,
    #[serde(default)]
    next_token: Option<String>,
    #[serde(default)]
    total: Option<i64>,
}

/// Decodes `{data, next_token?, total?}`; an absent, null or empty cursor ends the list. With
/// `accept_bare_object`, an object without the envelope that decodes as `T` is a one-item page
/// (the list-workflows docs example has that shape).
pub(crate) fn decode_page<T: DeserializeOwned>(
    operation: &str,
    body: &[u8],
    accept_bare_object: bool,
) -> Result<Page<T>> {
    let envelope = match json_body::<Envelope<T>>(body) {
        Ok(envelope) => envelope,
        Err(error) => {
            let bare_object =
                accept_bare_object && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            match bare_object.then(|| json_body::<T>(body)) {
                Some(Ok(item)) => Envelope {
                    data: vec![item],
                    next_token: None,
                    total: None,
                },
                _ => return Err(Error::decode(operation, error)),
            }
        }
    };
    Ok(Page {
        items: envelope.data,
        next_token: envelope.next_token.filter(|t| !t.is_empty()),
        total: envelope.total,
    })
}

/// Walks a paginated list one page at a time; holds no page itself.
///
/// Created by the `list_*` methods of [`Client`](crate::Client) without any I/O. Call
/// [`next_page`](Self::next_page) for pages, or iterate [`items`](Self::items) /
/// [`pages`](Self::pages). After an error the pager stays where it was: calling `next_page`
/// again retries the same page, and [`resume_cursor`](Self::resume_cursor) tells where to start a
/// new walk later. A cursor the server already returned ends the walk with
/// [`Error::RepeatedCursor`].
///
/// ```
/// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
/// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
/// use amperity::PageOptions;
///
/// let mut pager = client.list_segments(PageOptions::limit(100).with_total());
/// let first = pager.next_page()?.expect("a first page");
/// assert_eq!(first.items.len(), 100);
/// assert_eq!(pager.total(), Some(10_000));
///
/// // Later (another process, after an error...): continue where this walk stopped.
/// let cursor = pager.resume_cursor().expect("more pages").to_owned();
/// let rest = client.list_segments(PageOptions::limit(100).starting_at(cursor));
/// assert_eq!(rest.items().count(), 9_900);
/// # Ok::<(), amperity::Error>(())
/// ```
pub struct Pager<T> {
    inner: Arc<Inner>,
    call: Call,
    limit: Option<u32>,
    with_total: bool,
    /// Where the walk stands: the cursor to follow, the cursors followed, done or not.
    walk: Walk,
    invalid: Option<Error>,
    accept_bare_object: bool,
    read_ahead: bool,
    /// The page being fetched in the background (read-ahead), with the cursor it asks for.
    ahead: Option<ReadAhead<T>>,
    _items: PhantomData<fn() -> T>,
}

/// The cursor bookkeeping of a walk, apart from any I/O: which cursor comes next, which were
/// followed already (a cursor seen twice ends the walk instead of looping), and whether the
/// list is exhausted.
pub(crate) struct Walk {
    cursor: Option<String>,
    /// Hashes of every cursor already followed (8 bytes a page, so a long walk stays flat).
    seen: HashSet<u64>,
    hasher: RandomState,
    started: bool,
    done: bool,
    total: Option<i64>,
}

impl Walk {
    /// A walk from the first page, or from `cursor` (an empty cursor is the first page).
    pub(crate) fn new(cursor: Option<String>) -> Self {
        Walk {
            cursor: cursor.filter(|c| !c.is_empty()),
            seen: HashSet::new(),
            hasher: RandomState::new(),
            started: false,
            done: false,
            total: None,
        }
    }

    /// Checks a fetched page against the walk (a cursor seen before ends it, and leaves the walk
    /// where it was) and moves on.
    pub(crate) fn accept<T>(&mut self, operation: &str, page: Page<T>) -> Result<Page<T>> {
        if let Some(next) = &page.next_token {
            if self.cursor.as_ref() == Some(next) || self.seen.contains(&self.hasher.hash_one(next))
            {
                return Err(Error::RepeatedCursor {
                    operation: operation.to_owned(),
                    cursor: next.clone(),
                });
            }
        }
        self.started = true;
        if page.total.is_some() {
            self.total = page.total;
        }
        if let Some(previous) = self.cursor.take() {
            self.seen.insert(self.hasher.hash_one(&previous));
        }
        self.cursor = page.next_token.clone();
        self.done = self.cursor.is_none();
        Ok(page)
    }

    /// The cursor the next page request carries (`None` for the first page).
    pub(crate) fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// See [`Pager::resume_cursor`].
    pub(crate) fn resume_cursor(&self) -> Option<&str> {
        if self.done {
            None
        } else {
            self.cursor.as_deref()
        }
    }

    /// True once a page has been accepted.
    pub(crate) fn started(&self) -> bool {
        self.started
    }

    /// True once the last page has been accepted.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// The last `total` a page reported.
    pub(crate) fn total(&self) -> Option<i64> {
        self.total
    }
}

/// A page fetched on a background thread.
struct ReadAhead<T> {
    cursor: Option<String>,
    thread: std::thread::JoinHandle<Result<Page<T>>>,
}

/// One page request: what a walk asks for next.
struct PageRequest<'a> {
    inner: &'a Inner,
    call: &'a Call,
    limit: Option<u32>,
    with_total: bool,
    cursor: Option<&'a str>,
    accept_bare_object: bool,
}

impl PageRequest<'_> {
    fn fetch<T: DeserializeOwned>(&self) -> Result<Page<T>> {
        let limit = self.limit.map(|l| l.to_string());
        let mut extra: Vec<(&str, &str)> = Vec::with_capacity(3);
        if let Some(limit) = &limit {
            extra.push(("limit", limit));
        }
        if self.with_total {
            extra.push(("with_total", "true"));
        }
        if let Some(cursor) = self.cursor {
            extra.push(("next_token", cursor));
        }
        let response = self.inner.execute_with(self.call, &extra)?;
        decode_page::<T>(
            &self.call.operation,
            &response.body,
            self.accept_bare_object,
        )
    }
}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("operation", &self.call.operation)
            .field("cursor", &self.walk.cursor)
            .field("done", &self.walk.done)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Pager<T> {
    pub(crate) fn new(inner: Arc<Inner>, call: Call, options: PageOptions) -> Self {
        let invalid =
            (options.limit == Some(0)).then(|| Error::invalid_argument("limit must be at least 1"));
        Pager {
            inner,
            call,
            limit: options.limit,
            with_total: options.with_total,
            walk: Walk::new(options.cursor),
            invalid,
            accept_bare_object: false,
            read_ahead: options.read_ahead,
            ahead: None,
            _items: PhantomData,
        }
    }

    /// A pager whose first page is `error` (an argument refused before any request).
    pub(crate) fn failed(inner: Arc<Inner>, error: Error) -> Self {
        let mut pager = Pager::new(
            inner,
            Call::get("invalid-request", "/"),
            PageOptions::default(),
        );
        pager.invalid = Some(error);
        pager
    }

    /// This walk with `token` carried by each of its page requests (and their read-ahead) from
    /// now on: `token.cancel()` ends the page in flight with
    /// [`Error::Cancelled`](crate::Error::Cancelled) and leaves the walk where it was, to resume
    /// (here with another token, or from [`resume_cursor`](Self::resume_cursor)).
    pub fn with_cancel_token(mut self, token: &crate::CancelToken) -> Self {
        self.inner = Arc::new(self.inner.with_token(Some(token.clone())));
        self
    }

    /// Also accepts a bare record instead of the `{data: …}` envelope (see [`decode_page`]).
    pub(crate) fn accepting_bare_object(mut self) -> Self {
        self.accept_bare_object = true;
        self
    }

    /// Fetches the next page, or `Ok(None)` when the list is exhausted.
    pub fn next_page(&mut self) -> Result<Option<Page<T>>> {
        if let Some(error) = self.invalid.take() {
            self.walk.done = true;
            return Err(error);
        }
        if self.walk.done {
            return Ok(None);
        }
        let page = match self.ahead.take() {
            Some(ahead) if ahead.cursor.as_deref() == self.walk.cursor() => {
                ahead.thread.join().unwrap_or_else(|_| {
                    Err(Error::Transport {
                        kind: crate::TransportKind::Other,
                        operation: self.call.operation.to_string(),
                        detail: "the read-ahead request ended abnormally".into(),
                        attempts: 0,
                    })
                })
            }
            _ => self.request().fetch(),
        }?;
        let page = self.walk.accept(&self.call.operation, page)?;
        if self.read_ahead && !self.walk.done {
            self.read_next_page_ahead();
        }
        Ok(Some(page))
    }

    /// The request of the next page from where the walk stands.
    fn request(&self) -> PageRequest<'_> {
        PageRequest {
            inner: &self.inner,
            call: &self.call,
            limit: self.limit,
            with_total: self.with_total && !self.walk.started(),
            cursor: self.walk.cursor(),
            accept_bare_object: self.accept_bare_object,
        }
    }

    /// Starts fetching the next page on a background thread; it owns copies of what it sends.
    fn read_next_page_ahead(&mut self) {
        let (inner, call) = (self.inner.clone(), self.call.clone());
        let cursor = self.walk.cursor.clone();
        let request = self.request();
        let (limit, with_total, bare) = (
            request.limit,
            request.with_total,
            request.accept_bare_object,
        );
        let thread_cursor = cursor.clone();
        // The tokens this thread carries (`CancelToken::run`) go along to the read-ahead.
        let tokens = crate::cancel_token::current();
        // No thread (the system refused one): the next page is fetched when asked for.
        self.ahead = std::thread::Builder::new()
            .name("amperity-read-ahead".into())
            .spawn(move || {
                let _scopes: Vec<_> = tokens.iter().map(crate::CancelToken::enter).collect();
                let request = PageRequest {
                    inner: &inner,
                    call: &call,
                    limit,
                    with_total,
                    cursor: thread_cursor.as_deref(),
                    accept_bare_object: bare,
                };
                request.fetch()
            })
            .ok()
            .map(|thread| ReadAhead { cursor, thread });
    }

    /// The cursor of the next page to fetch: pass it as [`PageOptions::cursor`] to resume this
    /// walk later (after an error too). `None` at the very start or once the list is exhausted.
    pub fn resume_cursor(&self) -> Option<&str> {
        self.walk.resume_cursor()
    }

    /// True once the last page has been returned.
    pub fn is_done(&self) -> bool {
        self.walk.is_done()
    }

    /// The `total` reported by the server (when requested with `with_total`).
    pub fn total(&self) -> Option<i64> {
        self.walk.total()
    }

    /// An iterator over the records, fetching one page at a time.
    pub fn items(self) -> Items<T> {
        Items {
            pager: self,
            buffer: Vec::new().into_iter(),
            failed: false,
        }
    }

    /// An iterator over the pages.
    pub fn pages(self) -> Pages<T> {
        Pages {
            pager: self,
            failed: false,
        }
    }
}

/// Iterator over the pages of a [`Pager`]; ends after the first error (see
/// [`resume_cursor`](Self::resume_cursor) to continue).
pub struct Pages<T> {
    pager: Pager<T>,
    failed: bool,
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    /// Where to resume after an error; see [`Pager::resume_cursor`].
    pub fn resume_cursor(&self) -> Option<&str> {
        self.pager.resume_cursor()
    }

    /// The pager underneath (for example to retry after an error).
    pub fn into_pager(self) -> Pager<T> {
        self.pager
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for Pages<T> {
    type Item = Result<Page<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = self.pager.next_page().transpose();
        self.failed = matches!(result, Some(Err(_)));
        result
    }
}

/// Iterator over the records of a [`Pager`], holding one page in memory; ends after the first
/// error (see [`resume_cursor`](Self::resume_cursor) to continue).
pub struct Items<T> {
    pager: Pager<T>,
    buffer: std::vec::IntoIter<T>,
    failed: bool,
}

impl<T: DeserializeOwned + Send + 'static> Items<T> {
    /// Where to resume after an error: the page that failed. See [`Pager::resume_cursor`].
    pub fn resume_cursor(&self) -> Option<&str> {
        self.pager.resume_cursor()
    }

    /// The `total` reported by the server, once the first page has been fetched.
    pub fn total(&self) -> Option<i64> {
        self.pager.total()
    }

    /// The pager underneath (the rest of the current page is dropped).
    pub fn into_pager(self) -> Pager<T> {
        self.pager
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for Items<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            if self.failed {
                return None;
            }
            match self.pager.next_page() {
                Ok(Some(page)) => self.buffer = page.items.into_iter(),
                Ok(None) => return None,
                Err(error) => {
                    self.failed = true;
                    return Some(Err(error));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(next_token: Option<&str>) -> Page<u8> {
        Page {
            items: vec![1],
            next_token: next_token.map(str::to_owned),
            total: None,
        }
    }

    #[test]
    fn a_walk_follows_each_cursor_once_and_a_refusal_leaves_it_in_place() {
        let mut walk = Walk::new(Some(String::new()));
        assert_eq!(
            walk.cursor(),
            None,
            "an empty starting cursor is the first page"
        );
        walk.accept("op", page(Some("a"))).unwrap();
        walk.accept("op", page(Some("b"))).unwrap();
        assert_eq!(walk.resume_cursor(), Some("b"));
        for repeated in ["a", "b"] {
            match walk.accept("op", page(Some(repeated))) {
                Err(Error::RepeatedCursor { cursor, .. }) => assert_eq!(cursor, repeated),
                other => panic!("{other:?}"),
            }
            assert_eq!((walk.cursor(), walk.is_done()), (Some("b"), false));
        }
        walk.accept("op", page(None)).unwrap();
        assert!(walk.is_done() && walk.resume_cursor().is_none());
    }

    #[test]
    fn envelopes() {
        let p: Page<serde_json::Value> =
            decode_page("op", br#"{"data":[1,2],"next_token":"a","total":5}"#, false).unwrap();
        assert_eq!(
            (p.items.len(), p.next_token.as_deref(), p.total),
            (2, Some("a"), Some(5))
        );
        let p: Page<serde_json::Value> =
            decode_page("op", br#"{"data":[],"next_token":""}"#, false).unwrap();
        assert_eq!(p.next_token, None);
        let p: Page<serde_json::Value> =
            decode_page("op", br#"{"data":[],"next_token":null}"#, false).unwrap();
        assert_eq!(p.next_token, None);
        assert!(matches!(
            decode_page::<serde_json::Value>("op", br#"{"data":[1,"#, true),
            Err(Error::Decode { .. })
        ));
        let bare: Page<serde_json::Value> = decode_page("op", br#"{"id":"wf-1"}"#, true).unwrap();
        assert_eq!(bare.items.len(), 1);
        assert!(decode_page::<serde_json::Value>("op", br#"{"id":"wf-1"}"#, false).is_err());
        assert!(matches!(
            decode_page::<u32>("op", b"[1]", true),
            Err(Error::Decode { .. })
        ));
    }
}
