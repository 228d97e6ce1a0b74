//! Routing: the API endpoints (`Route`, with `Kind` for the cursor-paginated lists), `route()`
//! from method and path, and `api()`, which runs the handler of a route.

use hyper::Method;

use super::lists::{ingest_list, list};
use super::profile::{get_index, get_profile, list_indexes, list_profiles};
use super::query::decode_segment;
use super::query::Query;
use super::response::Resp;
use super::state::Shared;
use super::workflows::{create_run, get_run, stop_run};
use crate::fault::Fault;

/// Where the Streaming Ingest API takes events: `POST /stream/v0/data/{stream-id}`.
pub(super) const STREAM_PATH: &str = "/stream/v0/data/";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Segments,
    Campaigns,
    Drafts,
    Audit,
    Workflows,
    /// Profile API: `GET /indexes`.
    Indexes,
    /// Profile API: `GET /indexes/{id}/profiles` (filters from `filter[…]`, see `profile.rs`).
    Profiles,
}

impl Kind {
    pub(super) fn tag(self) -> &'static str {
        match self {
            Kind::Segments => "seg",
            Kind::Campaigns => "cc",
            Kind::Drafts => "ccd",
            Kind::Audit => "ae",
            Kind::Workflows => "wf",
            Kind::Indexes => "idx",
            Kind::Profiles => "prof",
        }
    }
    /// The page size without `limit`: the Profile API documents 25, the control plane nothing.
    pub(super) fn default_limit(self) -> usize {
        match self {
            Kind::Indexes | Kind::Profiles => 25,
            _ => 100,
        }
    }
    pub(super) fn filter_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Segments | Kind::Indexes | Kind::Profiles => &[],
            Kind::Campaigns | Kind::Drafts => &["destination_data_template_id"],
            Kind::Audit => &["happened_from", "happened_to"],
            Kind::Workflows => &[
                "created_from",
                "created_to",
                "ended_from",
                "ended_to",
                "state",
                "type",
            ],
        }
    }
}

pub(super) enum Route {
    Token,
    List(Kind),
    WfCreate,
    WfGet(String),
    WfStop(String),
    IngestList,
    IngestGet(String),
    IndexGet(String),
    ProfileList(String),
    ProfileGet(String, String),
    /// `POST /stream/v0/data/{stream-id}` (Streaming Ingest API, outside `/api`).
    StreamIngest(String),
}

impl Route {
    /// True for the Profile API routes (`api-version: 2025-07-31`).
    pub(super) fn is_profile(&self) -> bool {
        matches!(
            self,
            Route::List(Kind::Indexes)
                | Route::IndexGet(_)
                | Route::ProfileList(_)
                | Route::ProfileGet(..)
        )
    }

    /// True for the cursor-paginated lists.
    pub(super) fn is_list(&self) -> bool {
        matches!(self, Route::List(_) | Route::ProfileList(_))
    }
}

/// Ok(route) / Err(status) with 404 or 405 (+ allowed methods).
pub(super) fn route(method: &Method, path: &str) -> Result<Route, (u16, &'static str)> {
    if let Some(stream_id) = path.strip_prefix(STREAM_PATH) {
        if stream_id.is_empty() || stream_id.contains('/') {
            return Err((404, ""));
        }
        return match *method {
            Method::POST => Ok(Route::StreamIngest(decode_segment(stream_id))),
            _ => Err((405, "POST")),
        };
    }
    let segs: Vec<&str> = match path.strip_prefix("/api/") {
        Some(rest) => rest.split('/').collect(),
        None => return Err((404, "")),
    };
    let get = |r: Route| {
        if method == Method::GET {
            Ok(r)
        } else {
            Err((405, "GET"))
        }
    };
    let post = |r: Route| {
        if method == Method::POST {
            Ok(r)
        } else {
            Err((405, "POST"))
        }
    };
    let ok_id = |s: &str| !s.is_empty();
    match segs.as_slice() {
        ["v0", "oauth2", "token"] => post(Route::Token),
        ["segments"] => get(Route::List(Kind::Segments)),
        ["campaigns"] => get(Route::List(Kind::Campaigns)),
        ["campaign-drafts"] => get(Route::List(Kind::Drafts)),
        ["audit-events"] => get(Route::List(Kind::Audit)),
        ["workflow", "runs"] => match *method {
            Method::GET => Ok(Route::List(Kind::Workflows)),
            Method::POST => Ok(Route::WfCreate),
            _ => Err((405, "GET, POST")),
        },
        ["workflow", "runs", id] if ok_id(id) => get(Route::WfGet(id.to_string())),
        ["workflow", "runs", id, "stop"] if ok_id(id) => post(Route::WfStop(id.to_string())),
        ["ingest", "jobs"] => get(Route::IngestList),
        ["ingest", "jobs", id] if ok_id(id) => get(Route::IngestGet(id.to_string())),
        ["indexes"] => get(Route::List(Kind::Indexes)),
        ["indexes", id] if ok_id(id) => get(Route::IndexGet(decode_segment(id))),
        ["indexes", id, "profiles"] if ok_id(id) => get(Route::ProfileList(decode_segment(id))),
        ["indexes", id, "profiles", p] if ok_id(id) && ok_id(p) => {
            get(Route::ProfileGet(decode_segment(id), decode_segment(p)))
        }
        _ => Err((404, "")),
    }
}

pub(super) fn api(
    sh: &Shared,
    route: Route,
    q: &Query,
    version: &str,
    body: &[u8],
    fault: Option<&Fault>,
) -> Resp {
    let r = match route {
        Route::List(Kind::Indexes) => list_indexes(sh, q, fault),
        Route::List(kind) => list(sh, kind, q, version, fault),
        Route::IndexGet(id) => get_index(sh, &id),
        Route::ProfileList(id) => list_profiles(sh, &id, q, fault),
        Route::ProfileGet(id, profile) => get_profile(sh, &id, &profile),
        Route::WfCreate => create_run(sh, body),
        Route::WfGet(id) => get_run(sh, &id, q),
        Route::WfStop(id) => stop_run(sh, &id),
        Route::IngestList => ingest_list(sh, q),
        Route::IngestGet(id) => match sh.jobs().index.get(&id) {
            Some(&i) => Ok(Resp::json(200, sh.jobs().list[i].json.clone())),
            None => Err(sh.error(404, &format!("ingest job {id} not found"))),
        },
        Route::Token | Route::StreamIngest(_) => Err(sh.error(404, "not found")),
    };
    r.unwrap_or_else(|e| e)
}
