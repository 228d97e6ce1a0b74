//! Paginated lists: `amperity_list_options`, the `amperity_iter` walking a list and the
//! `amperity_page` it hands out.
//!
//! Generic over the record type: a list function (in the file of its resource) names its core
//! filter ([`ListFilter`]) and hands a core pager to [`ObjectPages::new`]; the records' kind and
//! fields come from their [`CModel`] impl.

use super::client::amperity_client;
use super::error::{amperity_result, guard, LastError};
use super::object::{amperity_object, typed_id, typed_name, CModel};
use super::util::{
    arg_mut, arg_ref, arg_str, check_copy_args, check_out, copy_to_buffer, free_handle,
    into_handle, lend, opt_str, write_out, CText,
};
use amperity_core::{Page, PageOptions, Pager};
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::os::raw::c_char;
use std::sync::{Arc, Mutex};

/// Page size, total, starting cursor and filters of a list call.
///
/// Created by `amperity_list_options_new`, freed by `amperity_list_options_free`; the list
/// functions copy what they need, so options may be reused or freed right after the call.
/// Thread safety: one thread at a time (not synchronized).
#[derive(Debug, Clone, Default)]
pub struct amperity_list_options {
    limit: u32,
    with_total: bool,
    cursor: Option<String>,
    read_ahead: bool,
    filters: Vec<(String, String)>,
}

impl amperity_list_options {
    fn page_options(&self) -> PageOptions {
        PageOptions {
            limit: (self.limit > 0).then_some(self.limit),
            with_total: self.with_total,
            cursor: self.cursor.clone(),
            read_ahead: self.read_ahead,
        }
    }

    /// The filter of list function `operation`, refusing a name it does not take.
    fn filter<F: ListFilter>(&self, operation: &str) -> Result<F, LastError> {
        let filters: Vec<(&str, &str)> = self
            .filters
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        if let Some(known) = F::NAMES {
            if let Some((name, _)) = filters.iter().find(|(name, _)| !known.contains(name)) {
                return Err(LastError::invalid(if known.is_empty() {
                    format!("{operation} takes no filter, got {name:?}")
                } else {
                    format!(
                        "{operation} takes no filter {name:?}; it knows {}",
                        known.join(", ")
                    )
                }));
            }
        }
        F::build(&filters).map_err(|error| {
            let mut error = LastError::from(error);
            error.message = format!("{operation}: {}", error.message);
            error
        })
    }
}

/// One page of a list, as returned by `amperity_iter_next_page`.
///
/// Owns its items; `amperity_page_item` lends them. Freed by `amperity_page_free`. Thread
/// safety: immutable, so any number of threads may read it at once.
#[derive(Debug)]
pub struct amperity_page {
    items: Vec<amperity_object>,
    next_token: Option<CText>,
    total: Option<i64>,
    /// Where the emptied `items` buffer goes when the page is freed.
    recycle: Recycle,
}

// Freeing a page hands its (emptied) buffer of objects back to its walk for the next page. A
// page of 1000 records holds about 130 KB of objects; glibc gives a free block of more than
// 128 KB at the top of the heap back to the kernel, so a new buffer per page was faulted in again
// every time: 18 447 page faults over 5 walks of 100 pages of 1000 (`perf stat`), against 1 700
// for the same walks in Rust.
impl Drop for amperity_page {
    fn drop(&mut self) {
        self.recycle.put(std::mem::take(&mut self.items));
    }
}

/// The buffer of objects that a walk's pages pass on to the next page (see `amperity_page`).
#[derive(Debug, Clone, Default)]
struct Recycle(Arc<Mutex<Vec<amperity_object>>>);

impl Recycle {
    /// Keeps `items`' allocation (emptied) when it is larger than the one kept.
    fn put(&self, mut items: Vec<amperity_object>) {
        items.clear();
        if let Ok(mut kept) = self.0.lock() {
            if kept.capacity() < items.capacity() {
                *kept = items;
            }
        }
    }

    /// An empty buffer: the kept one, or a new one.
    fn take(&self) -> Vec<amperity_object> {
        self.0
            .lock()
            .map(|mut kept| std::mem::take(&mut *kept))
            .unwrap_or_default()
    }
}

/// What the generic walk needs of a core `Pager<T>`: its four methods as plain functions.
///
/// Written out per record type with [`pager_ops!`], where `T` is concrete: `Pager<T>` offers
/// them only for `T: serde::de::DeserializeOwned`, a bound this crate cannot name (it does not
/// depend on serde).
pub(crate) struct PagerOps<T> {
    /// `Pager::next_page`.
    pub next_page: fn(&mut Pager<T>) -> amperity_core::Result<Option<Page<T>>>,
    /// `Pager::resume_cursor`.
    pub resume_cursor: fn(&Pager<T>) -> Option<&str>,
    /// `Pager::total`.
    pub total: fn(&Pager<T>) -> Option<i64>,
    /// `Pager::is_done`.
    pub is_done: fn(&Pager<T>) -> bool,
}

/// A core record type that the list functions walk in pages (`Pager<Self>`).
pub(crate) trait PagedRecord: Sized + Send + 'static {
    /// `Pager<Self>`'s methods; always `pager_ops!()`.
    const PAGER: PagerOps<Self>;
}

/// The [`PagerOps`] of `Pager<Self>`, inside an `impl PagedRecord for ...`.
macro_rules! pager_ops {
    () => {
        $crate::c_api::iter::PagerOps {
            next_page: amperity_core::Pager::<Self>::next_page,
            resume_cursor: amperity_core::Pager::<Self>::resume_cursor,
            total: amperity_core::Pager::<Self>::total,
            is_done: amperity_core::Pager::<Self>::is_done,
        }
    };
}
pub(crate) use pager_ops;

/// A walk handing out pages of objects, whatever the record type.
trait Walk: Send {
    fn next_page(&mut self) -> Result<Option<amperity_page>, LastError>;
    /// Takes back a buffer of objects (emptied) for the next page.
    fn recycle(&self, items: Vec<amperity_object>);
    fn resume_cursor(&self) -> Option<&str>;
    fn total(&self) -> Option<i64>;
    fn is_done(&self) -> bool;
}

/// A core pager over records `T`, handing out objects of model `M` (`T` itself, or a wrapper
/// giving the records another kind).
struct Walker<T, M> {
    pager: Pager<T>,
    /// The refusal of an argument that the core checks with the first page (a raw path, a
    /// profile filter): given again by every later call.
    refused: Option<LastError>,
    recycle: Recycle,
    model: PhantomData<fn(T) -> M>,
}

impl<T: PagedRecord, M: CModel + From<T>> Walk for Walker<T, M> {
    fn next_page(&mut self) -> Result<Option<amperity_page>, LastError> {
        if let Some(refused) = &self.refused {
            return Err(refused.clone());
        }
        match (T::PAGER.next_page)(&mut self.pager) {
            Ok(page) => Ok(page.map(|page| convert::<T, M>(page, &self.recycle))),
            Err(error) => {
                let error = LastError::from(error);
                // A core pager fails and ends at once only for an argument refused before any
                // request; it would then report an empty end, not the refusal, to a retry.
                if (T::PAGER.is_done)(&self.pager) {
                    self.refused = Some(error.clone());
                }
                Err(error)
            }
        }
    }
    fn recycle(&self, items: Vec<amperity_object>) {
        self.recycle.put(items);
    }
    fn resume_cursor(&self) -> Option<&str> {
        (T::PAGER.resume_cursor)(&self.pager)
    }
    fn total(&self) -> Option<i64> {
        (T::PAGER.total)(&self.pager)
    }
    fn is_done(&self) -> bool {
        self.refused.is_none() && (T::PAGER.is_done)(&self.pager)
    }
}

/// The walk of one list function: what its endpoint function hands to [`list_call`].
pub(crate) struct ObjectPages(Box<dyn Walk>);

impl ObjectPages {
    /// Walks `pager`, wrapping each record in an object of model `M` (usually `T` itself).
    pub(crate) fn new<M: CModel + From<T>, T: PagedRecord>(pager: Pager<T>) -> Self {
        ObjectPages(Box::new(Walker::<T, M> {
            pager,
            refused: None,
            recycle: Recycle::default(),
            model: PhantomData,
        }))
    }
}

fn convert<T, M: CModel + From<T>>(page: Page<T>, recycle: &Recycle) -> amperity_page {
    let items: Vec<M> = page.items.into_iter().map(M::from).collect();
    // Every typed id and name of the page in one buffer (each record's id, then its name):
    // lending them costs one allocation per page instead of two or three per record.
    let arena = CText::arena(
        items
            .iter()
            .flat_map(|item| typed_id(item).into_iter().chain(typed_name(item))),
    );
    let mut start = 0;
    let mut lend = |text: &str| {
        let len = text.len();
        let shared = CText::Shared {
            arena: Arc::clone(&arena),
            start,
            len,
        };
        start += len + 1;
        shared
    };
    let mut objects = recycle.take();
    objects.reserve(items.len());
    objects.extend(items.into_iter().map(|item| {
        let id = typed_id(&item).map(&mut lend);
        let name = typed_name(&item).map(&mut lend);
        amperity_object::new(item).with_page_texts(id, name)
    }));
    amperity_page {
        items: objects,
        next_token: page.next_token.as_deref().map(CText::new),
        total: page.total,
        recycle: recycle.clone(),
    }
}

/// Walks a paginated list lazily, one request per page, holding at most one page.
///
/// Created by the `amperity_list_*` functions and `amperity_raw_pages` without any I/O; freed by
/// `amperity_iter_free` (free it before its client). Read items with `amperity_iter_next` or
/// whole pages with `amperity_iter_next_page`. After a failed call the iterator stays where it
/// was: calling it again retries the same page, and `amperity_iter_cursor` tells where a later
/// walk can resume. A cursor the server already returned ends the walk with
/// `AMPERITY_RESULT_REPEATED_CURSOR` instead of looping. Thread safety: one thread at a time
/// (it may move between threads, but calls on one iterator must not overlap).
pub struct amperity_iter {
    walk: Box<dyn Walk>,
    buffer: VecDeque<amperity_object>,
}

impl std::fmt::Debug for amperity_iter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("amperity_iter")
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

/// Creates list options with every setting at its default: the server's page size, no total,
/// the first page, no filter. The caller frees `*out_options` with `amperity_list_options_free`.
#[no_mangle]
pub extern "C" fn amperity_list_options_new(
    out_options: *mut *mut amperity_list_options,
) -> amperity_result {
    guard(|| {
        check_out(out_options, "out_options")?;
        unsafe { write_out(out_options, into_handle(amperity_list_options::default())) };
        Ok(())
    })
}

/// Frees list options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_list_options_free(options: *mut amperity_list_options) {
    let _ = guard(|| {
        unsafe { free_handle(options) };
        Ok(())
    });
}

/// Sets the records per page (`limit`); 0 means the server's default.
#[no_mangle]
pub extern "C" fn amperity_list_options_set_limit(
    options: *mut amperity_list_options,
    limit: u32,
) -> amperity_result {
    guard(|| {
        unsafe { arg_mut(options, "options")? }.limit = limit;
        Ok(())
    })
}

/// Asks for the total count (costly on large lists; requested with the first page only).
#[no_mangle]
pub extern "C" fn amperity_list_options_set_with_total(
    options: *mut amperity_list_options,
    with_total: bool,
) -> amperity_result {
    guard(|| {
        unsafe { arg_mut(options, "options")? }.with_total = with_total;
        Ok(())
    })
}

/// Reads ahead: while the caller works on a page, the next one is fetched on a background
/// thread (within the client's rate limit; one page beyond the current one at most). Resuming,
/// errors and cancellation work as without it; a walk freed mid-way has sent one request more.
#[no_mangle]
pub extern "C" fn amperity_list_options_set_read_ahead(
    options: *mut amperity_list_options,
    read_ahead: bool,
) -> amperity_result {
    guard(|| {
        unsafe { arg_mut(options, "options")? }.read_ahead = read_ahead;
        Ok(())
    })
}

/// Starts the walk at `cursor` (a `next_token` or `amperity_iter_cursor` value seen earlier)
/// instead of the first page. NULL or `""` starts at the first page.
#[no_mangle]
pub extern "C" fn amperity_list_options_set_cursor(
    options: *mut amperity_list_options,
    cursor: *const c_char,
) -> amperity_result {
    guard(|| {
        let options = unsafe { arg_mut(options, "options")? };
        options.cursor = unsafe { opt_str(cursor, "cursor")? }
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        Ok(())
    })
}

/// Adds a filter for the list function the options are passed to. Only NULL and UTF-8 are
/// checked here: the list function refuses a name it does not take, or a value it cannot parse,
/// with `AMPERITY_RESULT_INVALID_ARGUMENT` (and writes no iterator). Timestamps are RFC 3339 or
/// `YYYY-MM-DD`; for a name given twice the last value wins.
///
/// - `amperity_list_segments`: none.
/// - `amperity_list_indexes`: none.
/// - `amperity_list_profiles`: any attribute name of the index (such as `email`); each filter is
///   one condition (the attribute equals the value exactly), all of them must hold. An empty name
///   or one holding `[` or `]` is refused by the first `amperity_iter_next` instead.
/// - `amperity_list_campaigns`, `amperity_list_campaign_drafts`: `destination_data_template_id`.
/// - `amperity_list_audit_events`: `happened_from` (inclusive), `happened_to` (exclusive).
/// - `amperity_list_workflow_runs`: `created_from`, `created_to`, `ended_from`, `ended_to`,
///   `state` (wire value such as `succeeded`), `type` (such as `courier.group/run`).
/// - `amperity_raw_pages`: any; each filter is sent as a query parameter, repeats included.
// The names each list takes come from the core filters (`CampaignFilter::PARAMS`, ...); the
// tests of each resource file check this comment against them.
#[no_mangle]
pub extern "C" fn amperity_list_options_add_filter(
    options: *mut amperity_list_options,
    name: *const c_char,
    value: *const c_char,
) -> amperity_result {
    guard(|| {
        let options = unsafe { arg_mut(options, "options")? };
        let name = unsafe { arg_str(name, "name")? };
        let value = unsafe { arg_str(value, "value")? };
        options.filters.push((name.to_owned(), value.to_owned()));
        Ok(())
    })
}

/// How a list function reads the filters of its `amperity_list_options`.
pub(crate) trait ListFilter: Sized {
    /// The filter names the list takes, from the core; `None`: any name.
    const NAMES: Option<&'static [&'static str]>;

    /// Builds the filter from the `(name, value)` pairs in the order they were added, every
    /// name one of [`NAMES`](Self::NAMES).
    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self>;
}

/// Lists that take no filter.
impl ListFilter for () {
    const NAMES: Option<&'static [&'static str]> = Some(&[]);

    fn build(_filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        Ok(())
    }
}

/// Runs a list function named `operation`: checks the arguments, builds the filter, makes the
/// walk with `list` and writes the iterator. No I/O.
pub(crate) fn list_call<F: ListFilter>(
    operation: &str,
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
    list: impl FnOnce(&amperity_core::Client, F, PageOptions) -> Result<ObjectPages, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out_iter, "out_iter")?;
        let client = unsafe { arg_ref(client, "client")? };
        let defaults = amperity_list_options::default();
        let options = unsafe { options.as_ref() }.unwrap_or(&defaults);
        let filter = options.filter::<F>(operation)?;
        let ObjectPages(walk) = list(&client.client, filter, options.page_options())?;
        let iter = amperity_iter {
            walk,
            buffer: VecDeque::new(),
        };
        unsafe { write_out(out_iter, into_handle(iter)) };
        Ok(())
    })
}

/// Frees an iterator. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_iter_free(iter: *mut amperity_iter) {
    let _ = guard(|| {
        unsafe { free_handle(iter) };
        Ok(())
    });
}

/// Moves to the next record: on success `*out_item` is a new object the caller frees, or NULL
/// when the list is exhausted (also `AMPERITY_RESULT_OK`). Fetches a page when the current one is
/// used up (skipping empty pages). On failure nothing is written and the same call may be retried.
#[no_mangle]
pub extern "C" fn amperity_iter_next(
    iter: *mut amperity_iter,
    out_item: *mut *mut amperity_object,
) -> amperity_result {
    guard(|| {
        check_out(out_item, "out_item")?;
        let iter = unsafe { arg_mut(iter, "iter")? };
        loop {
            if let Some(item) = iter.buffer.pop_front() {
                unsafe { write_out(out_item, into_handle(item)) };
                return Ok(());
            }
            iter.walk.recycle(std::mem::take(&mut iter.buffer).into());
            match iter.walk.next_page()? {
                Some(mut page) => iter.buffer = std::mem::take(&mut page.items).into(),
                None => {
                    unsafe { write_out(out_item, std::ptr::null_mut()) };
                    return Ok(());
                }
            }
        }
    })
}

/// Fetches the next page: on success `*out_page` is a new page the caller frees with
/// `amperity_page_free`, or NULL when the list is exhausted (also `AMPERITY_RESULT_OK`). Records
/// of the current page not yet read with `amperity_iter_next` are dropped. A page may be empty
/// while the list goes on. On failure nothing is written and the same call may be retried.
#[no_mangle]
pub extern "C" fn amperity_iter_next_page(
    iter: *mut amperity_iter,
    out_page: *mut *mut amperity_page,
) -> amperity_result {
    guard(|| {
        check_out(out_page, "out_page")?;
        let iter = unsafe { arg_mut(iter, "iter")? };
        let page = iter.walk.next_page()?;
        iter.buffer.clear();
        let handle = page.map_or(std::ptr::null_mut(), into_handle);
        unsafe { write_out(out_page, handle) };
        Ok(())
    })
}

/// Copies the cursor of the next page to fetch into `buf` (same buffer contract as
/// `amperity_last_error_message`): pass it to `amperity_list_options_set_cursor` to resume this
/// walk later, after a failure too. Records of the current page still unread with
/// `amperity_iter_next` come before that cursor. `AMPERITY_RESULT_NO_VALUE` before the first page
/// and once the list is exhausted.
#[no_mangle]
pub extern "C" fn amperity_iter_cursor(
    iter: *const amperity_iter,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_copy_args(buf, buf_len, out_len)?;
        let iter = unsafe { arg_ref(iter, "iter")? };
        match iter.walk.resume_cursor() {
            Some(cursor) => unsafe { copy_to_buffer(cursor, buf, buf_len, out_len) },
            None => Err(LastError::no_value("no cursor to resume from")),
        }
    })
}

/// Stores the list's `total` in `*out_total` once a page has reported it (ask for it with
/// `amperity_list_options_set_with_total`). `AMPERITY_RESULT_NO_VALUE` until then.
#[no_mangle]
pub extern "C" fn amperity_iter_total(
    iter: *const amperity_iter,
    out_total: *mut i64,
) -> amperity_result {
    guard(|| {
        check_out(out_total, "out_total")?;
        let iter = unsafe { arg_ref(iter, "iter")? };
        let total = iter
            .walk
            .total()
            .ok_or_else(|| LastError::no_value("no total reported"))?;
        unsafe { write_out(out_total, total) };
        Ok(())
    })
}

/// Stores in `*out_done` whether the walk is over: the last page was fetched and every record
/// of it was read.
#[no_mangle]
pub extern "C" fn amperity_iter_is_done(
    iter: *const amperity_iter,
    out_done: *mut bool,
) -> amperity_result {
    guard(|| {
        check_out(out_done, "out_done")?;
        let iter = unsafe { arg_ref(iter, "iter")? };
        unsafe { write_out(out_done, iter.walk.is_done() && iter.buffer.is_empty()) };
        Ok(())
    })
}

/// Frees a page and the objects it lends. NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_page_free(page: *mut amperity_page) {
    let _ = guard(|| {
        unsafe { free_handle(page) };
        Ok(())
    });
}

/// Stores the number of records of the page in `*out_len`.
#[no_mangle]
pub extern "C" fn amperity_page_len(
    page: *const amperity_page,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out_len, "out_len")?;
        let page = unsafe { arg_ref(page, "page")? };
        unsafe { write_out(out_len, page.items.len()) };
        Ok(())
    })
}

/// Lends record `index` (0-based) of the page: `*out_item` belongs to the page and stays valid
/// until the page is freed; do not free it. `AMPERITY_RESULT_INVALID_ARGUMENT` when `index` is
/// out of range.
#[no_mangle]
pub extern "C" fn amperity_page_item(
    page: *const amperity_page,
    index: usize,
    out_item: *mut *const amperity_object,
) -> amperity_result {
    guard(|| {
        check_out(out_item, "out_item")?;
        let page = unsafe { arg_ref(page, "page")? };
        let item = page.items.get(index).ok_or_else(|| {
            LastError::invalid(format!(
                "index {index} is out of range (page length {})",
                page.items.len()
            ))
        })?;
        unsafe { write_out(out_item, item as *const amperity_object) };
        Ok(())
    })
}

/// Lends the page's `next_token` (borrowed until the page is freed; `*out_len` optional).
/// `AMPERITY_RESULT_NO_VALUE` on the last page.
#[no_mangle]
pub extern "C" fn amperity_page_next_token(
    page: *const amperity_page,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> amperity_result {
    guard(|| {
        check_out(out, "out")?;
        let page = unsafe { arg_ref(page, "page")? };
        let token = page
            .next_token
            .as_ref()
            .ok_or_else(|| LastError::no_value("the last page has no next_token"))?;
        unsafe { lend(token, out, out_len) };
        Ok(())
    })
}

/// Stores the `total` this page reported in `*out_total` (only the first page of a walk with
/// `with_total` has one). `AMPERITY_RESULT_NO_VALUE` otherwise.
#[no_mangle]
pub extern "C" fn amperity_page_total(
    page: *const amperity_page,
    out_total: *mut i64,
) -> amperity_result {
    guard(|| {
        check_out(out_total, "out_total")?;
        let page = unsafe { arg_ref(page, "page")? };
        let total = page
            .total
            .ok_or_else(|| LastError::no_value("this page reported no total"))?;
        unsafe { write_out(out_total, total) };
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    /// The filter names that the header's comment of `amperity_list_options_add_filter` gives
    /// for `list_fn` (examples in parentheses left out); `None` when it has no line for it.
    pub(crate) fn documented_filters(list_fn: &str) -> Option<Vec<String>> {
        let header = include_str!("../../../include/amperity.h");
        let end = header.find("amperity_list_options_add_filter(")?;
        let start = header[..end].rfind("/**")?;
        let comment: String = header[start..end]
            .lines()
            .map(|line| line.trim().trim_start_matches('*').trim())
            .collect::<Vec<_>>()
            .join(" ");
        let item = comment.split(" - ").find(|item| {
            item.split(':')
                .next()
                .is_some_and(|head| head.contains(&format!("`{list_fn}`")))
        })?;
        let (_, names) = item.split_once(':')?;
        let mut plain = String::new();
        let mut depth = 0;
        for c in names.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                c if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        Some(
            plain
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect(),
        )
    }
}
