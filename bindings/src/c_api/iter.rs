//! Paginated lists: `amperity_list_options`, the `amperity_iter` walking a list and the
//! `amperity_page` it hands out.

use super::client::{amperity_client, timestamp};
use super::error::{amperity_result, guard, LastError};
use super::object::{amperity_object, amperity_object_kind, RecordId, ToObject};
use super::util::{
    arg_mut, arg_ref, arg_str, check_out, copy_to_buffer, free_handle, into_handle, lend, opt_str,
    write_out, CText,
};
use amperity_core::{
    AuditEvent, AuditEventFilter, Campaign, CampaignFilter, PageOptions, Pager, RawRequest,
    Segment, Workflow, WorkflowRunFilter,
};
use serde_json::Value;
use std::collections::VecDeque;
use std::os::raw::c_char;
use std::sync::Arc;

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
    filters: Vec<(String, String)>,
}

impl amperity_list_options {
    fn page_options(&self) -> PageOptions {
        PageOptions {
            limit: (self.limit > 0).then_some(self.limit),
            with_total: self.with_total,
            cursor: self.cursor.clone(),
        }
    }

    /// The filters, refusing a name the endpoint does not know.
    fn filters(&self, operation: &str, known: &[&str]) -> Result<Vec<(&str, &str)>, LastError> {
        self.filters
            .iter()
            .map(|(name, value)| {
                if known.contains(&name.as_str()) {
                    Ok((name.as_str(), value.as_str()))
                } else if known.is_empty() {
                    Err(LastError::invalid(format!(
                        "{operation} takes no filter, got {name:?}"
                    )))
                } else {
                    Err(LastError::invalid(format!(
                        "{operation} takes no filter {name:?}; it knows {}",
                        known.join(", ")
                    )))
                }
            })
            .collect()
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
}

enum AnyPager {
    Segments(Pager<Segment>),
    Campaigns(Pager<Campaign>, amperity_object_kind),
    AuditEvents(Pager<AuditEvent>),
    Workflows(Pager<Workflow>),
    Raw(Pager<Value>),
}

fn convert<T: ToObject + RecordId>(
    page: amperity_core::Page<T>,
    kind: amperity_object_kind,
) -> Result<amperity_page, LastError> {
    // Every id of the page in one buffer: lending ids costs one allocation per page.
    let arena = CText::arena(page.items.iter().map(RecordId::id_text));
    let mut start = 0;
    Ok(amperity_page {
        items: page
            .items
            .into_iter()
            .map(|item| {
                let len = item.id_text().len();
                let id = CText::Shared {
                    arena: Arc::clone(&arena),
                    start,
                    len,
                };
                start += len + 1;
                item.into_object(kind).with_id(Some(id))
            })
            .collect(),
        next_token: page.next_token.as_deref().map(CText::new),
        total: page.total,
    })
}

impl AnyPager {
    fn next_page(&mut self) -> Result<Option<amperity_page>, LastError> {
        use amperity_object_kind as K;
        match self {
            AnyPager::Segments(p) => p.next_page()?.map(|pg| convert(pg, K::Segment)),
            AnyPager::Campaigns(p, kind) => p.next_page()?.map(|pg| convert(pg, *kind)),
            AnyPager::AuditEvents(p) => p.next_page()?.map(|pg| convert(pg, K::AuditEvent)),
            AnyPager::Workflows(p) => p.next_page()?.map(|pg| convert(pg, K::Workflow)),
            AnyPager::Raw(p) => p.next_page()?.map(|pg| {
                Ok(amperity_page {
                    items: pg
                        .items
                        .into_iter()
                        .map(amperity_object::from_value)
                        .collect(),
                    next_token: pg.next_token.as_deref().map(CText::new),
                    total: pg.total,
                })
            }),
        }
        .transpose()
    }

    fn resume_cursor(&self) -> Option<&str> {
        match self {
            AnyPager::Segments(p) => p.resume_cursor(),
            AnyPager::Campaigns(p, _) => p.resume_cursor(),
            AnyPager::AuditEvents(p) => p.resume_cursor(),
            AnyPager::Workflows(p) => p.resume_cursor(),
            AnyPager::Raw(p) => p.resume_cursor(),
        }
    }

    fn total(&self) -> Option<i64> {
        match self {
            AnyPager::Segments(p) => p.total(),
            AnyPager::Campaigns(p, _) => p.total(),
            AnyPager::AuditEvents(p) => p.total(),
            AnyPager::Workflows(p) => p.total(),
            AnyPager::Raw(p) => p.total(),
        }
    }

    fn is_done(&self) -> bool {
        match self {
            AnyPager::Segments(p) => p.is_done(),
            AnyPager::Campaigns(p, _) => p.is_done(),
            AnyPager::AuditEvents(p) => p.is_done(),
            AnyPager::Workflows(p) => p.is_done(),
            AnyPager::Raw(p) => p.is_done(),
        }
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
    pager: AnyPager,
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

/// Adds a filter. Each list function names the filters it takes and refuses others with
/// `AMPERITY_RESULT_INVALID_ARGUMENT`; timestamps are RFC 3339 or `YYYY-MM-DD`; for a name given
/// twice the last value wins.
///
/// - `amperity_list_segments`: none.
/// - `amperity_list_campaigns`, `amperity_list_campaign_drafts`: `destination_data_template_id`.
/// - `amperity_list_audit_events`: `happened_from` (inclusive), `happened_to` (exclusive).
/// - `amperity_list_workflow_runs`: `created_from`, `created_to`, `ended_from`, `ended_to`,
///   `state` (wire value such as `succeeded`), `type` (such as `courier.group/run`).
/// - `amperity_raw_pages`: any; each filter is sent as a query parameter, repeats included.
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

/// Runs a list call: checks arguments, builds the pager, writes the iterator.
fn list_call(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
    f: impl FnOnce(
        &amperity_core::Client,
        &amperity_list_options,
        PageOptions,
    ) -> Result<AnyPager, LastError>,
) -> amperity_result {
    guard(|| {
        check_out(out_iter, "out_iter")?;
        let client = unsafe { arg_ref(client, "client")? };
        let defaults = amperity_list_options::default();
        let options = unsafe { options.as_ref() }.unwrap_or(&defaults);
        let pager = f(&client.client, options, options.page_options())?;
        let iter = amperity_iter {
            pager,
            buffer: VecDeque::new(),
        };
        unsafe { write_out(out_iter, into_handle(iter)) };
        Ok(())
    })
}

/// The last value given for filter `name`.
fn last<'a>(filters: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    filters
        .iter()
        .rev()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

/// `GET /segments`: an iterator over every segment (kind `AMPERITY_OBJECT_KIND_SEGMENT`).
/// `options` may be NULL for the defaults. The caller frees `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_list_segments(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        options.filters("amperity_list_segments", &[])?;
        Ok(AnyPager::Segments(client.list_segments(page)))
    })
}

fn campaign_filter(
    options: &amperity_list_options,
    operation: &str,
) -> Result<CampaignFilter, LastError> {
    let filters = options.filters(operation, &["destination_data_template_id"])?;
    Ok(CampaignFilter {
        destination_data_template_id: last(&filters, "destination_data_template_id")
            .map(str::to_owned),
    })
}

/// `GET /campaigns`: an iterator over campaigns (kind `AMPERITY_OBJECT_KIND_CAMPAIGN`); filter
/// `destination_data_template_id`. `options` may be NULL. The caller frees `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_list_campaigns(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        let filter = campaign_filter(options, "amperity_list_campaigns")?;
        Ok(AnyPager::Campaigns(
            client.list_campaigns(filter, page),
            amperity_object_kind::Campaign,
        ))
    })
}

/// `GET /campaign-drafts`: an iterator over campaign drafts (kind
/// `AMPERITY_OBJECT_KIND_CAMPAIGN_DRAFT`); Amperity serves it only with api-version `unstable`.
/// Filter `destination_data_template_id`. `options` may be NULL. The caller frees `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_list_campaign_drafts(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        let filter = campaign_filter(options, "amperity_list_campaign_drafts")?;
        Ok(AnyPager::Campaigns(
            client.list_campaign_drafts(filter, page),
            amperity_object_kind::CampaignDraft,
        ))
    })
}

/// `GET /audit-events`: an iterator over audit events (kind `AMPERITY_OBJECT_KIND_AUDIT_EVENT`;
/// at most 1000 per page); filters `happened_from` (inclusive) and `happened_to` (exclusive).
/// `options` may be NULL. The caller frees `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_list_audit_events(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        let filters = options.filters(
            "amperity_list_audit_events",
            &["happened_from", "happened_to"],
        )?;
        let time = |name: &str| last(&filters, name).map(|t| timestamp(t, name)).transpose();
        let filter = AuditEventFilter {
            happened_from: time("happened_from")?,
            happened_to: time("happened_to")?,
        };
        Ok(AnyPager::AuditEvents(
            client.list_audit_events(filter, page),
        ))
    })
}

/// `GET /workflow/runs`: an iterator over workflow runs (kind `AMPERITY_OBJECT_KIND_WORKFLOW`);
/// filters `created_from`, `created_to`, `ended_from`, `ended_to` (every `_from` inclusive,
/// every `_to` exclusive), `state` and `type`. `options` may be NULL. The caller frees
/// `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_list_workflow_runs(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        let filters = options.filters(
            "amperity_list_workflow_runs",
            &[
                "created_from",
                "created_to",
                "ended_from",
                "ended_to",
                "state",
                "type",
            ],
        )?;
        let time = |name: &str| last(&filters, name).map(|t| timestamp(t, name)).transpose();
        let filter = WorkflowRunFilter {
            created_from: time("created_from")?,
            created_to: time("created_to")?,
            ended_from: time("ended_from")?,
            ended_to: time("ended_to")?,
            state: last(&filters, "state").map(str::to_owned),
            workflow_type: last(&filters, "type").map(str::to_owned),
        };
        Ok(AnyPager::Workflows(client.list_workflow_runs(filter, page)))
    })
}

/// Walks any paginated GET endpoint (`{"data": [...], "next_token": ...}`) that the SDK does not
/// model yet: `path` as in `amperity_raw_get`; every filter of `options` is sent as a query
/// parameter. Items have kind `AMPERITY_OBJECT_KIND_JSON`. A path that is refused fails the
/// first `amperity_iter_next`/`amperity_iter_next_page` call with
/// `AMPERITY_RESULT_INVALID_ARGUMENT`. The caller frees `*out_iter`.
#[no_mangle]
pub extern "C" fn amperity_raw_pages(
    client: *const amperity_client,
    path: *const c_char,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(client, options, out_iter, |client, options, page| {
        let path = unsafe { arg_str(path, "path")? };
        let mut request = RawRequest::get(path);
        request.query = options.filters.clone();
        Ok(AnyPager::Raw(client.raw_pages(request, page)))
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
            match iter.pager.next_page()? {
                Some(page) => iter.buffer = page.items.into(),
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
        let page = iter.pager.next_page()?;
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
        check_out(out_len, "out_len")?;
        let iter = unsafe { arg_ref(iter, "iter")? };
        match iter.pager.resume_cursor() {
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
            .pager
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
        unsafe { write_out(out_done, iter.pager.is_done() && iter.buffer.is_empty()) };
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
