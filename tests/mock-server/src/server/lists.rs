//! The list endpoints: the cursor-paginated lists (segments, campaigns, campaign drafts, audit
//! events, workflow runs) with their paging and filter parameters, and the ingest-job list.

use std::sync::atomic::Ordering;

use serde_json::Value;

use super::query::{encode, Query};
use super::response::Resp;
use super::routes::Kind;
use super::state::Shared;
use crate::data::{Rec, Workflow, DATA_TEMPLATE_IDS};
use crate::fault::Fault;
use crate::time::parse as parse_time;
use crate::LastCursor;

pub(super) struct ListReq {
    kind: Kind,
    limit: usize,
    offset: usize,
    sent_token: Option<String>,
    with_total: bool,
    /// The filters (from the cursor when one was sent).
    pub(super) filters: Query,
    filter_str: String,
}

fn with_total(sh: &Shared, q: &Query) -> Result<bool, Resp> {
    match q.get("with_total") {
        None => Ok(false),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(sh.error(400, &format!("with_total must be true or false, not {v:?}"))),
    }
}

fn list_req(sh: &Shared, kind: Kind, q: &Query) -> Result<ListReq, Resp> {
    let first_filters = kind
        .filter_keys()
        .iter()
        .filter_map(|k| q.get(k).map(|v| format!("{k}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&");
    list_req_filtered(sh, kind, q, first_filters)
}

/// The paging parameters of a list request; `first_filters` (a query string) are the filters
/// of a first page, which its cursors carry on to the next pages.
pub(super) fn list_req_filtered(
    sh: &Shared,
    kind: Kind,
    q: &Query,
    first_filters: String,
) -> Result<ListReq, Resp> {
    let limit = match q.get("limit") {
        None => kind.default_limit(),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(sh.error(
                    400,
                    &format!("limit must be an integer from 1 to 1000, not {v:?}"),
                ))
            }
        },
    };
    let with_total = with_total(sh, q)?;
    let (offset, sent_token, filter_str) = match q.get("next_token") {
        None => (0, None, first_filters),
        Some("") => return Err(sh.error(400, "next_token must not be empty")),
        Some(t) => match sh.decode_cursor(kind.tag(), t) {
            Some((offset, filters)) => (offset, Some(t.to_string()), filters),
            None => return Err(sh.error(400, "invalid next_token")),
        },
    };
    Ok(ListReq {
        kind,
        limit,
        offset,
        sent_token,
        with_total,
        filters: Query::parse(&filter_str),
        filter_str,
    })
}

impl ListReq {
    pub(super) fn window(&self, total: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(total);
        start..(start + self.limit).min(total)
    }

    fn time(&self, sh: &Shared, key: &str) -> Result<Option<i64>, Resp> {
        match self.filters.get(key) {
            None => Ok(None),
            Some(v) => parse_time(v).map(Some).ok_or_else(|| {
                sh.error(
                    400,
                    &format!("{key} must be an RFC 3339 date-time or YYYY-MM-DD, not {v:?}"),
                )
            }),
        }
    }

    /// Writes the page: `items` are the records of `window(total)`.
    pub(super) fn page<'a>(
        &self,
        sh: &Shared,
        total: usize,
        items: impl Iterator<Item = &'a str>,
        fault: Option<&Fault>,
    ) -> Resp {
        let w = self.window(total);
        let mut next =
            (w.end < total).then(|| sh.cursor(self.kind.tag(), w.end, 0, &self.filter_str));
        let mut out = Vec::with_capacity(128 + w.len() * 96);
        out.extend_from_slice(b"{\"data\":[");
        match fault {
            Some(Fault::EmptyPageWithCursor) => {
                let n = sh.nonce.fetch_add(1, Ordering::Relaxed);
                next = Some(sh.cursor(self.kind.tag(), w.start, n, &self.filter_str));
            }
            _ => {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(item.as_bytes());
                }
                if let Some(Fault::RepeatCursor) = fault {
                    next = Some(self.sent_token.clone().unwrap_or_else(|| {
                        sh.cursor(self.kind.tag(), self.limit, 0, &self.filter_str)
                    }));
                }
            }
        }
        out.push(b']');
        match next {
            Some(t) => {
                out.extend_from_slice(b",\"next_token\":\"");
                out.extend_from_slice(t.as_bytes());
                out.push(b'"');
            }
            None => last_cursor(&mut out, sh.cfg.last_cursor),
        }
        if self.with_total {
            out.extend_from_slice(format!(",\"total\":{total}").as_bytes());
        }
        out.push(b'}');
        Resp::json(200, out)
    }
}

fn last_cursor(out: &mut Vec<u8>, lc: LastCursor) {
    match lc {
        LastCursor::Absent => {}
        LastCursor::Empty => out.extend_from_slice(b",\"next_token\":\"\""),
        LastCursor::Null => out.extend_from_slice(b",\"next_token\":null"),
    }
}

pub(super) fn list(
    sh: &Shared,
    kind: Kind,
    q: &Query,
    version: &str,
    fault: Option<&Fault>,
) -> Result<Resp, Resp> {
    if kind == Kind::Drafts && version != "unstable" {
        return Err(sh.error(400, "/campaign-drafts requires api-version: unstable"));
    }
    let lr = list_req(sh, kind, q)?;
    match kind {
        // Served by `profile.rs` (their filters are `filter[…]`).
        Kind::Indexes | Kind::Profiles => Err(sh.error(404, "not found")),
        Kind::Segments => {
            let all = sh.segments();
            let w = lr.window(all.len());
            Ok(lr.page(sh, all.len(), all[w].iter().map(|r| r.json.as_str()), fault))
        }
        Kind::Campaigns | Kind::Drafts => {
            let all = sh.campaigns(kind == Kind::Drafts);
            match lr.filters.get("destination_data_template_id") {
                None => {
                    let w = lr.window(all.len());
                    Ok(lr.page(sh, all.len(), all[w].iter().map(|r| r.json.as_str()), fault))
                }
                Some(t) => {
                    let tag = DATA_TEMPLATE_IDS.iter().position(|x| *x == t);
                    let m: Vec<&Rec> = all.iter().filter(|r| Some(r.tag) == tag).collect();
                    let w = lr.window(m.len());
                    Ok(lr.page(sh, m.len(), m[w].iter().map(|r| r.json.as_str()), fault))
                }
            }
        }
        Kind::Audit => {
            let from = lr.time(sh, "happened_from")?.unwrap_or(i64::MIN);
            let to = lr.time(sh, "happened_to")?.unwrap_or(i64::MAX);
            let all = sh.audit();
            let m: Vec<&Rec> = all
                .iter()
                .filter(|r| r.at_ms >= from && r.at_ms < to)
                .collect();
            let w = lr.window(m.len());
            Ok(lr.page(sh, m.len(), m[w].iter().map(|r| r.json.as_str()), fault))
        }
        Kind::Workflows => {
            let cf = lr.time(sh, "created_from")?.unwrap_or(i64::MIN);
            let ct = lr.time(sh, "created_to")?.unwrap_or(i64::MAX);
            let ef = lr.time(sh, "ended_from")?;
            let et = lr.time(sh, "ended_to")?;
            let state = lr.filters.get("state");
            let wtype = lr.filters.get("type");
            let store = sh.workflows();
            let m: Vec<&Workflow> = store
                .list
                .iter()
                .rev()
                .filter(|w| {
                    if w.created_ms < cf || w.created_ms >= ct {
                        return false;
                    }
                    if wtype.is_some_and(|t| t != w.wtype) {
                        return false;
                    }
                    if state.is_none() && ef.is_none() && et.is_none() {
                        return true;
                    }
                    let s = w.snapshot();
                    if state.is_some_and(|st| !st.eq_ignore_ascii_case(s.state)) {
                        return false;
                    }
                    if ef.is_some() || et.is_some() {
                        match s.ended_ms {
                            None => return false,
                            Some(e) => {
                                if e < ef.unwrap_or(i64::MIN) || e >= et.unwrap_or(i64::MAX) {
                                    return false;
                                }
                            }
                        }
                    }
                    true
                })
                .collect();
            let w = lr.window(m.len());
            let items: Vec<String> = m[w]
                .iter()
                .map(|w| list_item(w.to_json(&sh.cfg.tenant, true)).to_string())
                .collect();
            Ok(lr.page(sh, m.len(), items.iter().map(String::as_str), fault))
        }
    }
}

/// Workflows in a list carry every field except `task_instances`.
fn list_item(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove("task_instances");
    }
    v
}

pub(super) fn ingest_list(sh: &Shared, q: &Query) -> Result<Resp, Resp> {
    let bound = |key: &str| -> Result<i64, Resp> {
        match q.get(key) {
            None | Some("") => Err(sh.error(400, &format!("{key} is required"))),
            Some(v) => parse_time(v).ok_or_else(|| {
                sh.error(
                    400,
                    &format!("{key} must be an RFC 3339 date-time or YYYY-MM-DD, not {v:?}"),
                )
            }),
        }
    };
    let from = bound("created_from")?;
    let to = bound("created_to")?;
    let wt = with_total(sh, q)?;
    let m: Vec<&Rec> = sh
        .jobs()
        .list
        .iter()
        .filter(|r| r.at_ms >= from && r.at_ms < to)
        .collect();
    let mut out = Vec::with_capacity(256 + m.len() * 1024);
    out.extend_from_slice(b"{\"data\":[");
    for (i, r) in m.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(r.json.as_bytes());
    }
    out.push(b']');
    last_cursor(&mut out, sh.cfg.last_cursor);
    if wt {
        out.extend_from_slice(format!(",\"total\":{}", m.len()).as_bytes());
    }
    out.push(b'}');
    Ok(Resp::json(200, out))
}
