//! The `Client` object: every operation of the core, with typed results, plus JSON-text variants
//! of the model-returning calls for the Python layer. The paginated lists are declared in
//! `pager.rs`, one line each.

use super::config::ClientConfig;
use super::error::{millis_i64, AmperityError, Result};
use super::models::{
    workflow_json, PageOptions, RawRequest, RawResponse, RequestHook, WaitJsonObserver,
    WaitObserver, WaitOptions, Workflow,
};
use super::pager::RawPager;
use crate as core_api;
use crate::{
    DeprecationNotice, IngestJob, IngestJobList, IngestJobQuery, Profile, ProfileIndex,
    WorkflowRunRequest, WorkflowView,
};
use std::sync::Arc;

/// A client for one Amperity tenant: blocking, thread-safe, share one per tenant.
#[derive(Debug, uniffi::Object)]
pub struct Client {
    // The lists (`pager.rs`) call it too.
    pub(super) inner: core_api::Client,
}

/// Serialises a core result as JSON text (the `*_json` methods).
macro_rules! json {
    ($value:expr) => {
        serde_json::to_string(&$value).map_err(AmperityError::serialisation)
    };
}

#[uniffi::export]
impl Client {
    /// Validates `config` and creates the client (no request is sent).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        let inner = config.into_builder()?.build()?;
        Ok(Arc::new(Client { inner }))
    }

    /// Like `new`, calling `hook` after every HTTP exchange (each attempt and token request).
    #[uniffi::constructor]
    pub fn with_request_hook(
        config: ClientConfig,
        hook: Arc<dyn RequestHook>,
    ) -> Result<Arc<Self>> {
        let inner = config
            .into_builder()?
            .on_request(move |info| hook.on_request(info.into()))
            .build()?;
        Ok(Arc::new(Client { inner }))
    }

    /// Cancels every call in progress on this client, from any thread: each ends promptly with
    /// `AmperityError::Cancelled`, whether it sleeps or waits for the network. Later calls run
    /// normally.
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// The tenant id this client sends.
    pub fn tenant(&self) -> String {
        self.inner.tenant().to_owned()
    }

    /// The API base URL, e.g. `https://app.amperity.com/api`.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// The `api-version` header value.
    pub fn api_version(&self) -> String {
        self.inner.api_version().to_owned()
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> String {
        self.inner.user_agent().to_owned()
    }

    /// `Deprecation`/`Sunset` headers seen so far, one entry per operation (latest values).
    pub fn deprecation_notices(&self) -> Vec<DeprecationNotice> {
        self.inner.deprecation_notices().into_iter().collect()
    }

    /// Lists the ingest jobs of a time window (`GET /ingest/jobs`, not paginated).
    pub fn list_ingest_jobs(&self, query: IngestJobQuery) -> Result<IngestJobList> {
        Ok(self.inner.list_ingest_jobs(query)?)
    }

    /// Fetches one ingest job (`GET /ingest/jobs/{id}`).
    pub fn get_ingest_job(&self, job_id: String) -> Result<IngestJob> {
        Ok(self.inner.get_ingest_job(&job_id)?)
    }

    /// Fetches one Profile API index (`GET /indexes/{id}`).
    pub fn get_index(&self, index_id: String) -> Result<ProfileIndex> {
        Ok(self.inner.get_index(&index_id)?)
    }

    /// Fetches one profile of an index (`GET /indexes/{index_id}/profiles/{profile_id}`).
    pub fn get_profile(&self, index_id: String, profile_id: String) -> Result<Profile> {
        Ok(self.inner.get_profile(&index_id, &profile_id)?)
    }

    /// Starts a workflow run (`POST /workflow/runs`; never retried blindly).
    pub fn run_workflow(&self, request: WorkflowRunRequest) -> Result<Workflow> {
        Ok(self.inner.run_workflow(&request)?.into())
    }

    /// Fetches a workflow run (`GET /workflow/runs/{id}`).
    pub fn get_workflow_run(&self, workflow_id: String, view: WorkflowView) -> Result<Workflow> {
        Ok(self.inner.get_workflow_run(&workflow_id, view)?.into())
    }

    /// Asks a workflow run to stop (`POST /workflow/runs/{id}/stop`).
    pub fn stop_workflow_run(&self, workflow_id: String) -> Result<Workflow> {
        Ok(self.inner.stop_workflow_run(&workflow_id)?.into())
    }

    /// Polls a workflow run until it finishes, then returns its verbose view; a
    /// `WaitTimeout` error when it is still going after `options.timeout_ms`.
    pub fn wait_for_workflow_run(
        &self,
        workflow_id: String,
        options: WaitOptions,
    ) -> Result<Workflow> {
        Ok(self
            .inner
            .wait_for_workflow_run(&workflow_id, &options.to_core()?)?
            .into())
    }

    /// `wait_for_workflow_run`, reporting to `observer` after the first poll and whenever the
    /// state or the number of finished tasks changes.
    pub fn wait_for_workflow_run_with_progress(
        &self,
        workflow_id: String,
        options: WaitOptions,
        observer: Arc<dyn WaitObserver>,
    ) -> Result<Workflow> {
        Ok(self
            .inner
            .wait_for_workflow_run_with_progress(&workflow_id, &options.to_core()?, |p| {
                observer.on_progress(p.into())
            })?
            .into())
    }

    /// Sends a request to any endpoint through the same auth, headers, retries and errors.
    pub fn raw(&self, request: RawRequest) -> Result<RawResponse> {
        Ok(self.inner.raw(request.into())?.into())
    }

    /// Walks any `{data, next_token, total}` endpoint page by page.
    pub fn raw_pages(&self, request: RawRequest, page: PageOptions) -> Result<Arc<RawPager>> {
        let page = page.to_core()?;
        Ok(RawPager::new(self.inner.raw_pages(request.into(), page)))
    }

    /// `list_ingest_jobs` as JSON text `{"items": [...], "total": n}` (the Python fast path).
    pub fn list_ingest_jobs_json(&self, query: IngestJobQuery) -> Result<String> {
        json!(self.inner.list_ingest_jobs(query)?)
    }

    /// `get_ingest_job` as JSON text.
    pub fn get_ingest_job_json(&self, job_id: String) -> Result<String> {
        json!(self.inner.get_ingest_job(&job_id)?)
    }

    /// `run_workflow` as JSON text.
    pub fn run_workflow_json(&self, request: WorkflowRunRequest) -> Result<String> {
        json!(workflow_json(&self.inner.run_workflow(&request)?))
    }

    /// `get_workflow_run` as JSON text.
    pub fn get_workflow_run_json(&self, workflow_id: String, view: WorkflowView) -> Result<String> {
        json!(workflow_json(
            &self.inner.get_workflow_run(&workflow_id, view)?
        ))
    }

    /// `stop_workflow_run` as JSON text.
    pub fn stop_workflow_run_json(&self, workflow_id: String) -> Result<String> {
        json!(workflow_json(&self.inner.stop_workflow_run(&workflow_id)?))
    }

    /// `wait_for_workflow_run_with_progress` as JSON text, reporting JSON text.
    pub fn wait_for_workflow_run_with_progress_json(
        &self,
        workflow_id: String,
        options: WaitOptions,
        observer: Arc<dyn WaitJsonObserver>,
    ) -> Result<String> {
        let mut failed = None;
        let result = self.inner.wait_for_workflow_run_with_progress(
            &workflow_id,
            &options.to_core()?,
            |p| match serde_json::to_string(&workflow_json(&p.workflow)) {
                Ok(text) => observer.on_progress(
                    text,
                    i64::try_from(p.tasks_finished).unwrap_or(i64::MAX),
                    i64::try_from(p.tasks_total).unwrap_or(i64::MAX),
                    millis_i64(p.waited),
                ),
                Err(e) => {
                    failed = Some(AmperityError::serialisation(e));
                    false
                }
            },
        );
        if let Some(error) = failed {
            return Err(error);
        }
        json!(workflow_json(&result?))
    }

    /// `wait_for_workflow_run` as JSON text.
    pub fn wait_for_workflow_run_json(
        &self,
        workflow_id: String,
        options: WaitOptions,
    ) -> Result<String> {
        let workflow = self
            .inner
            .wait_for_workflow_run(&workflow_id, &options.to_core()?)?;
        json!(workflow_json(&workflow))
    }
}
