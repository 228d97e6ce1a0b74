//! Audit events: `GET /audit-events`.

use super::client::amperity_client;
use super::error::amperity_result;
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{ListFilter, PagedRecord, PagerOps};
use super::object::{amperity_object_kind, CModel, TypedText};
use amperity_core::{AuditEvent, AuditEventFilter};

impl CModel for AuditEvent {
    const KIND: amperity_object_kind = amperity_object_kind::AuditEvent;
    const TEXT: &'static [TypedText<Self>] = &[TypedText::id("event_id", |e| Some(&e.event_id))];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

impl PagedRecord for AuditEvent {
    const PAGER: PagerOps<Self> = pager_ops!();
}

impl ListFilter for AuditEventFilter {
    const NAMES: Option<&'static [&'static str]> = Some(AuditEventFilter::PARAMS);

    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        AuditEventFilter::from_params(filters.iter().copied())
    }
}

/// `GET /audit-events`: an iterator over audit events (kind `AMPERITY_OBJECT_KIND_AUDIT_EVENT`; at
/// most 1000 per page); filters `happened_from` (inclusive) and `happened_to` (exclusive),
/// timestamps (another filter or a value that is not a timestamp gives
/// `AMPERITY_RESULT_INVALID_ARGUMENT`). `options` may be NULL for the defaults. No request is sent
/// until the first `amperity_iter_next` or `amperity_iter_next_page`. The caller frees `*out_iter`
/// with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_audit_events(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_audit_events",
        client,
        options,
        out_iter,
        |client, filter, page| {
            Ok(ObjectPages::new::<AuditEvent, _>(
                client.list_audit_events(filter, page),
            ))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_api::iter::tests::documented_filters;

    #[test]
    fn the_header_names_the_core_filters() {
        let names: Vec<String> = AuditEventFilter::PARAMS
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            documented_filters("amperity_list_audit_events"),
            Some(names)
        );
    }
}
