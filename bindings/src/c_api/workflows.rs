//! Workflow runs: `GET /workflow/runs`, `POST /workflow/runs`, `GET /workflow/runs/{id}`,
//! `POST /workflow/runs/{id}/stop`, and waiting for a run to finish.

use super::client::{amperity_client, object_call};
use super::error::{amperity_result, LastError};
use super::iter::{amperity_iter, amperity_list_options, list_call, pager_ops, ObjectPages};
use super::iter::{ListFilter, PagedRecord, PagerOps};
use super::object::{amperity_object, amperity_object_kind, CModel, TypedText};
use super::util::{arg_str, opt_str, timestamp};
use amperity_core::{
    RunMode, WaitOptions, Workflow, WorkflowRunFilter, WorkflowRunRequest, WorkflowView,
};
use std::os::raw::{c_char, c_void};
use std::time::Duration;

/// What a courier-group run does (`run_mode` of `amperity_run_workflow`). Values are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_run_mode {
    /// Leave `run_mode` out: the group's scheduled mode applies.
    Default = 0,
    /// Pull data and refresh domain tables only.
    Source = 1,
    /// Everything except downstream sends.
    Refresh = 2,
    /// Pull, refresh, Stitch, databases, then downstream activations.
    Full = 3,
}

/// How much of a workflow run `amperity_get_workflow_run` returns. Values are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_workflow_view {
    /// id, name, state, tenant, type and times (the server's default).
    Overview = 0,
    /// Every field, including task instances and the error.
    Verbose = 1,
}

impl CModel for Workflow {
    const KIND: amperity_object_kind = amperity_object_kind::Workflow;
    const TEXT: &'static [TypedText<Self>] = &[
        TypedText::id("id", |w| Some(&w.id)),
        TypedText::name("name", |w| Some(&w.name)),
        TypedText::state("state", |w| Some(w.state.as_str())),
    ];

    fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    fn is_finished(&self) -> Option<bool> {
        Some(Workflow::is_finished(self))
    }
}

impl PagedRecord for Workflow {
    const PAGER: PagerOps<Self> = pager_ops!();
}

impl ListFilter for WorkflowRunFilter {
    const NAMES: Option<&'static [&'static str]> = Some(WorkflowRunFilter::PARAMS);

    fn build(filters: &[(&str, &str)]) -> amperity_core::Result<Self> {
        WorkflowRunFilter::from_params(filters.iter().copied())
    }
}

/// `GET /workflow/runs`: an iterator over workflow runs (kind `AMPERITY_OBJECT_KIND_WORKFLOW`);
/// filters `created_from`, `created_to`, `ended_from`, `ended_to` (every `_from` inclusive, every
/// `_to` exclusive; timestamps), `state` and `type` (another filter or a time that is not a
/// timestamp gives `AMPERITY_RESULT_INVALID_ARGUMENT`). `options` may be NULL for the defaults. No
/// request is sent until the first `amperity_iter_next` or `amperity_iter_next_page`. The caller
/// frees `*out_iter` with `amperity_iter_free`.
#[no_mangle]
pub extern "C" fn amperity_list_workflow_runs(
    client: *const amperity_client,
    options: *const amperity_list_options,
    out_iter: *mut *mut amperity_iter,
) -> amperity_result {
    list_call(
        "amperity_list_workflow_runs",
        client,
        options,
        out_iter,
        |client, filter, page| {
            Ok(ObjectPages::new::<Workflow, _>(
                client.list_workflow_runs(filter, page),
            ))
        },
    )
}

/// `POST /workflow/runs`: starts `config_id` (a courier group `cg-...`, orchestration group
/// `og-...` or campaign `cc-...`) and returns the run (kind `AMPERITY_OBJECT_KIND_WORKFLOW`).
///
/// `range_from`/`range_to` (optional, may be NULL; RFC 3339 or `YYYY-MM-DD`) set a courier
/// group's data range, `range_to` only with `range_from`. `run_mode` is an `amperity_run_mode`
/// value. `AMPERITY_RESULT_INVALID_ARGUMENT`, before any request, for an empty `config_id`, a
/// bad timestamp, `range_to` without `range_from` or not after it, or an unknown `run_mode`.
/// Not idempotent: retried only on 429 or when no connection could be opened; after a
/// timeout or 5xx the run may or may not exist. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_run_workflow(
    client: *const amperity_client,
    config_id: *const c_char,
    range_from: *const c_char,
    range_to: *const c_char,
    run_mode: u32,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let config_id = unsafe { arg_str(config_id, "config_id")? };
        let from = unsafe { opt_str(range_from, "range_from")? }
            .map(|t| timestamp(t, "range_from"))
            .transpose()?;
        let to = unsafe { opt_str(range_to, "range_to")? }
            .map(|t| timestamp(t, "range_to"))
            .transpose()?;
        let mut request = WorkflowRunRequest::new(config_id);
        match (from, to) {
            (Some(from), to) => request = request.range(from, to),
            (None, Some(_)) => {
                return Err(LastError::invalid(
                    "range_to is only valid together with range_from",
                ))
            }
            (None, None) => {}
        }
        request.run_mode = match run_mode {
            m if m == amperity_run_mode::Default as u32 => None,
            m if m == amperity_run_mode::Source as u32 => Some(RunMode::Source),
            m if m == amperity_run_mode::Refresh as u32 => Some(RunMode::Refresh),
            m if m == amperity_run_mode::Full as u32 => Some(RunMode::Full),
            other => return Err(LastError::invalid(format!("unknown run mode {other}"))),
        };
        let run = client.run_workflow(&request)?;
        Ok(amperity_object::new(run))
    })
}

/// `GET /workflow/runs/{workflow_id}` with `view` an `amperity_workflow_view` value: the run
/// (kind `AMPERITY_OBJECT_KIND_WORKFLOW`). `AMPERITY_RESULT_INVALID_ARGUMENT` for an unknown
/// `view` or an empty id. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_get_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    view: u32,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let view = match view {
            v if v == amperity_workflow_view::Overview as u32 => WorkflowView::Overview,
            v if v == amperity_workflow_view::Verbose as u32 => WorkflowView::Verbose,
            other => return Err(LastError::invalid(format!("unknown view {other}"))),
        };
        let run = client.get_workflow_run(id, view)?;
        Ok(amperity_object::new(run))
    })
}

/// `POST /workflow/runs/{workflow_id}/stop`: cancels a run and returns it (kind
/// `AMPERITY_OBJECT_KIND_WORKFLOW`). The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_stop_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let run = client.stop_workflow_run(id)?;
        Ok(amperity_object::new(run))
    })
}

/// Polls a run every `poll_interval_ms` (0: 5000) until it reaches a terminal state or has an
/// end time, and returns its verbose view (kind `AMPERITY_OBJECT_KIND_WORKFLOW`; a failed run is
/// a success of this call, check its state). `AMPERITY_RESULT_WAIT_TIMEOUT` when `timeout_ms`
/// (0: one hour) passes first. Blocks the calling thread. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_wait_for_workflow_run(
    client: *const amperity_client,
    workflow_id: *const c_char,
    poll_interval_ms: u64,
    timeout_ms: u64,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        let mut options = WaitOptions::default();
        if poll_interval_ms > 0 {
            options.poll_interval = Duration::from_millis(poll_interval_ms);
        }
        if timeout_ms > 0 {
            options.timeout = Duration::from_millis(timeout_ms);
        }
        let run = client.wait_for_workflow_run(id, &options)?;
        Ok(amperity_object::new(run))
    })
}

/// Flag of `amperity_wait_for_workflow_run_with`: fail with `AMPERITY_RESULT_RUN_FAILED` when
/// the run ends failed, canceled or stopped (`amperity_last_error_workflow` gives the run).
pub const AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL: u32 = 1;

/// Progress callback of `amperity_wait_for_workflow_run_with`, called on the waiting thread after
/// the first poll and whenever the run's state or its number of finished tasks changes.
/// `workflow` (kind `AMPERITY_OBJECT_KIND_WORKFLOW`, verbose view) is lent for the duration of the
/// call only. Return true to go on waiting, false to stop (the wait then fails with
/// `AMPERITY_RESULT_CANCELLED`; the run itself goes on).
pub type amperity_wait_progress_fn = Option<
    unsafe extern "C" fn(
        workflow: *const amperity_object,
        tasks_finished: usize,
        tasks_total: usize,
        waited_ms: u64,
        user_data: *mut c_void,
    ) -> bool,
>;

/// `amperity_wait_for_workflow_run` with options: `flags` is 0 or
/// `AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL` (other bits: `AMPERITY_RESULT_INVALID_ARGUMENT`), and
/// `progress` (may be NULL) is called with `user_data` as described at
/// `amperity_wait_progress_fn` (the polls then use the verbose view). On a timeout or a failed
/// run, `amperity_last_error_workflow` gives the run. The caller frees `*out`.
#[no_mangle]
pub extern "C" fn amperity_wait_for_workflow_run_with(
    client: *const amperity_client,
    workflow_id: *const c_char,
    poll_interval_ms: u64,
    timeout_ms: u64,
    flags: u32,
    progress: amperity_wait_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut amperity_object,
) -> amperity_result {
    object_call(client, out, |client| {
        let id = unsafe { arg_str(workflow_id, "workflow_id")? };
        if flags & !AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL != 0 {
            return Err(LastError::from(amperity_core::Error::InvalidArgument {
                detail: format!("unknown wait flags {flags:#x}"),
            }));
        }
        let mut options = WaitOptions::default();
        if poll_interval_ms > 0 {
            options.poll_interval = Duration::from_millis(poll_interval_ms);
        }
        if timeout_ms > 0 {
            options.timeout = Duration::from_millis(timeout_ms);
        }
        options.fail_on_unsuccessful = flags & AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL != 0;
        let run = match progress {
            None => client.wait_for_workflow_run(id, &options)?,
            Some(callback) => client.wait_for_workflow_run_with_progress(id, &options, |p| {
                // The object lives for this call only: the callback borrows it.
                let workflow = amperity_object::new(p.workflow.clone());
                let waited_ms = u64::try_from(p.waited.as_millis()).unwrap_or(u64::MAX);
                unsafe {
                    callback(
                        &workflow,
                        p.tasks_finished,
                        p.tasks_total,
                        waited_ms,
                        user_data,
                    )
                }
            })?,
        };
        Ok(amperity_object::new(run))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_api::iter::tests::documented_filters;

    #[test]
    fn the_header_names_the_core_filters() {
        let names: Vec<String> = WorkflowRunFilter::PARAMS
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            documented_filters("amperity_list_workflow_runs"),
            Some(names)
        );
    }
}
