//! The Profile API endpoints (`api-version: 2025-07-31`): the index list and an index, the
//! profile list of an index (with `filter[<attribute>]=<value>`, exact match, ANDed) and a
//! profile. Unknown ids answer 404 with the documented "The requested entity does not exist.".

use super::lists::list_req_filtered;
use super::query::{encode, Query};
use super::response::Resp;
use super::routes::Kind;
use super::state::Shared;
use crate::fault::Fault;
use crate::profiles::IndexData;

/// The Profile API's 404 message (its spec's example).
pub(crate) const NOT_FOUND_MESSAGE: &str = "The requested entity does not exist.";

/// The Profile API's 404: `{status, message, request_id}` (no `trace_id`, as in its spec's
/// example).
fn not_found(sh: &Shared) -> Resp {
    sh.error_without_trace(404, NOT_FOUND_MESSAGE)
}

fn find<'a>(sh: &'a Shared, index_id: &str) -> Result<&'a IndexData, Resp> {
    sh.profile_indexes()
        .iter()
        .find(|index| index.id == index_id)
        .ok_or_else(|| not_found(sh))
}

pub(super) fn list_indexes(sh: &Shared, q: &Query, fault: Option<&Fault>) -> Result<Resp, Resp> {
    let lr = list_req_filtered(sh, Kind::Indexes, q, String::new())?;
    let all = sh.profile_indexes();
    let w = lr.window(all.len());
    Ok(lr.page(sh, all.len(), all[w].iter().map(|i| i.json.as_str()), fault))
}

pub(super) fn get_index(sh: &Shared, index_id: &str) -> Result<Resp, Resp> {
    Ok(Resp::json(200, find(sh, index_id)?.json.clone()))
}

/// `(attribute, value)` for each `filter[<attribute>]=<value>` of a first page, in order; 400
/// for any other `filter…` parameter.
fn conditions(sh: &Shared, q: &Query) -> Result<Vec<(String, String)>, Resp> {
    let mut out = Vec::new();
    for (key, value) in q.pairs() {
        if !key.starts_with("filter") {
            continue;
        }
        match key
            .strip_prefix("filter[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            Some(attribute) if !attribute.is_empty() && !attribute.contains(['[', ']']) => {
                out.push((attribute.to_owned(), value.to_owned()))
            }
            _ => {
                return Err(sh.error(
                    400,
                    &format!("invalid filter parameter {key:?}: use filter[<attribute>]=<value>"),
                ))
            }
        }
    }
    Ok(out)
}

pub(super) fn list_profiles(
    sh: &Shared,
    index_id: &str,
    q: &Query,
    fault: Option<&Fault>,
) -> Result<Resp, Resp> {
    let index = find(sh, index_id)?;
    // The cursor carries the index and the first page's filters (a cursor of another index or
    // listing is refused like any foreign cursor).
    let mut first = format!("index={}", encode(index_id));
    if q.get("next_token").is_none() {
        for (attribute, value) in conditions(sh, q)? {
            first.push_str(&format!(
                "&{}={}",
                encode(&format!("filter[{attribute}]")),
                encode(&value)
            ));
        }
    }
    let lr = list_req_filtered(sh, Kind::Profiles, q, first)?;
    if lr.filters.get("index") != Some(index_id) {
        return Err(sh.error(400, "invalid next_token"));
    }
    let wanted = conditions(sh, &lr.filters)?;
    for (attribute, _) in &wanted {
        if !index.filter_fields.contains(&attribute.as_str()) {
            return Err(sh.error(
                400,
                &format!(
                    "{attribute} is not a filter field of index {index_id}; its filter fields are: {}",
                    index.filter_fields.join(", ")
                ),
            ));
        }
    }
    let matching: Vec<&str> = index
        .profiles
        .iter()
        .filter(|p| {
            wanted
                .iter()
                .all(|(a, v)| p.filter_values.get(a.as_str()) == Some(v))
        })
        .map(|p| p.json.as_str())
        .collect();
    let w = lr.window(matching.len());
    Ok(lr.page(sh, matching.len(), matching[w].iter().copied(), fault))
}

pub(super) fn get_profile(sh: &Shared, index_id: &str, profile_id: &str) -> Result<Resp, Resp> {
    let index = find(sh, index_id)?;
    match index.by_id.get(profile_id) {
        Some(&i) => Ok(Resp::json(200, index.profiles[i].json.clone())),
        None => Err(not_found(sh)),
    }
}
