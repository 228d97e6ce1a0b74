//! Segments: `GET /segments`.

use super::client::amperity_client;
use super::error::amperity_result;
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{PagedRecord, PagerOps};
use super::object::{amperity_object_kind, CModel, TypedText};
use amperity_core::Segment;

impl CModel for Segment {
    const KIND: amperity_object_kind = amperity_object_kind::Segment;
    const TEXT: &'static [TypedText<Self>] = &[
        TypedText::id("id", |s| Some(&s.id)),
        TypedText::name("name", |s| Some(&s.name)),
        TypedText::state("status", |s| s.status.as_deref()),
    ];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl PagedRecord for Segment {
    const PAGER: PagerOps<Self> = pager_ops!();
}

/// `GET /segments`: an iterator over every segment (kind `AMPERITY_OBJECT_KIND_SEGMENT`); takes no
/// filter (any gives `AMPERITY_RESULT_INVALID_ARGUMENT`). `options` may be NULL for the defaults.
/// No request is sent until the first `amperity_iter_next` or `amperity_iter_next_page`. The caller
/// frees `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_segments(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_segments",
        client,
        options,
        out_iter,
        |client, (), page| Ok(ObjectPages::new::<Segment, _>(client.list_segments(page))),
    )
}

#[cfg(test)]
mod tests {
    use crate::c_api::iter::tests::documented_filters;

    #[test]
    fn the_header_says_segments_take_no_filter() {
        assert_eq!(
            documented_filters("amperity_list_segments"),
            Some(Vec::new())
        );
    }
}
