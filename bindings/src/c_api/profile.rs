//! The Profile API: `GET /indexes`, `GET /indexes/{id}`, `GET /indexes/{id}/profiles` and
//! `GET /indexes/{index_id}/profiles/{profile_id}` (its own api-version and rate budget, see
//! `amperity_config_set_profile_api_version` and `amperity_config_set_profile_rate_limit`).

use super::client::{amperity_client, object_call};
use super::error::amperity_result;
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{ListFilter, PagedRecord, PagerOps};
use super::object::{amperity_object, amperity_object_kind, CModel, TypedText};
use super::util::arg_str;
use amperity_core::{Profile, ProfileFilter, ProfileIndex};
use std::os::raw::c_char;

impl CModel for ProfileIndex {
    const KIND: amperity_object_kind = amperity_object_kind::ProfileIndex;
    const TEXT: &'static [TypedText<Self>] = &[
        TypedText::id("id", |i| Some(&i.id)),
        TypedText::name("name", |i| Some(&i.name)),
    ];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl PagedRecord for ProfileIndex {
    const PAGER: PagerOps<Self> = pager_ops!();
}

// A profile has no name or state: its attributes are a JSON object under `attributes`.
impl CModel for Profile {
    const KIND: amperity_object_kind = amperity_object_kind::Profile;
    const TEXT: &'static [TypedText<Self>] = &[TypedText::id("id", |p| Some(&p.id))];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl PagedRecord for Profile {
    const PAGER: PagerOps<Self> = pager_ops!();
}

// Any attribute name: which ones an index filters on is the server's business. The core refuses
// the names `filter[…]` cannot carry (empty, `[`, `]`) with the first page, before any request.
impl ListFilter for ProfileFilter {
    const NAMES: Option<&'static [&'static str]> = None;

    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        Ok(filters
            .iter()
            .fold(ProfileFilter::new(), |filter, (attribute, value)| {
                filter.with(*attribute, *value)
            }))
    }
}

/// `GET /indexes` (Profile API): an iterator over the tenant's profile indexes (kind
/// `AMPERITY_OBJECT_KIND_PROFILE_INDEX`; 25 per page unless a limit is set); takes no filter (any
/// gives `AMPERITY_RESULT_INVALID_ARGUMENT`). `options` may be NULL for the defaults. No request is
/// sent until the first `amperity_iter_next` or `amperity_iter_next_page`. The caller frees
/// `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_indexes(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_indexes",
        client,
        options,
        out_iter,
        |client, (), page| {
            Ok(ObjectPages::new::<ProfileIndex, _>(
                client.list_indexes(page),
            ))
        },
    )
}

/// `GET /indexes/{index_id}` (Profile API): the index (kind `AMPERITY_OBJECT_KIND_PROFILE_INDEX`).
/// `AMPERITY_RESULT_INVALID_ARGUMENT` for an empty id, before any request;
/// `AMPERITY_RESULT_NOT_FOUND` for an unknown one. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_index(
    client: *const amperity_client,
    index_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(index_id, "index_id")? };
        Ok(amperity_object::new(client.get_index(id)?))
    })
}

/// `GET /indexes/{index_id}/profiles` (Profile API): an iterator over the profiles of an index
/// (kind `AMPERITY_OBJECT_KIND_PROFILE`; 25 per page unless a limit is set) that meet every filter
/// of `options`: each `amperity_list_options_add_filter(options, attribute, value)` is one
/// condition, the attribute equal to the value exactly (case included). Read a profile's
/// attributes with `amperity_object_get(profile, "attributes", ...)`. `options` may be NULL for
/// every profile. An empty `index_id`, or an attribute name that is empty or holds `[` or `]`,
/// fails the first `amperity_iter_next` or `amperity_iter_next_page` (and every later one) with
/// `AMPERITY_RESULT_INVALID_ARGUMENT`, before any request; an attribute the index does not filter
/// on is refused by the server (`AMPERITY_RESULT_BAD_REQUEST`). No request is sent until the first
/// `amperity_iter_next` or `amperity_iter_next_page`. The caller frees `*out_iter` with
/// `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_profiles(
    client: *const amperity_client,
    index_id: *const c_char,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_profiles",
        client,
        options,
        out_iter,
        |client, filter, page| {
            let index_id = unsafe { arg_str(index_id, "index_id")? };
            Ok(ObjectPages::new::<Profile, _>(
                client.list_profiles(index_id, filter, page),
            ))
        },
    )
}

/// `GET /indexes/{index_id}/profiles/{profile_id}` (Profile API): the profile (kind
/// `AMPERITY_OBJECT_KIND_PROFILE`). `AMPERITY_RESULT_INVALID_ARGUMENT` for an empty id, before any
/// request; `AMPERITY_RESULT_NOT_FOUND` for an unknown index or profile. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_profile(
    client: *const amperity_client,
    index_id: *const c_char,
    profile_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let index_id = unsafe { arg_str(index_id, "index_id")? };
        let profile_id = unsafe { arg_str(profile_id, "profile_id")? };
        Ok(amperity_object::new(
            client.get_profile(index_id, profile_id)?,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_api::iter::tests::documented_filters;

    #[test]
    fn the_header_says_indexes_take_no_filter() {
        assert_eq!(
            documented_filters("amperity_list_indexes"),
            Some(Vec::new())
        );
    }

    #[test]
    fn every_filter_is_one_condition_in_order() {
        let filter =
            ProfileFilter::build(&[("email", "a+b@x.com"), ("city", "Bath & Wells")]).unwrap();
        assert_eq!(
            filter,
            ProfileFilter::new()
                .with("email", "a+b@x.com")
                .with("city", "Bath & Wells")
        );
    }
}
