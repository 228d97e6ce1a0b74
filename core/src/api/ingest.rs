use crate::client::{path_with_id, Call};
use crate::error::{Error, Result};
use crate::pagination::decode_page;
use crate::{Client, IngestJob, IngestJobList, Timestamp};

/// The window of `GET /ingest/jobs`: jobs whose `started_at` falls in `[created_from, created_to)`.
/// Amperity keeps only the previous 7 days.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IngestJobQuery {
    /// Inclusive start.
    pub created_from: Timestamp,
    /// Exclusive end.
    pub created_to: Timestamp,
    /// Ask for `total`.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub with_total: bool,
}

impl IngestJobQuery {
    /// Jobs started in `[from, to)`.
    pub fn new(from: Timestamp, to: Timestamp) -> Self {
        IngestJobQuery {
            created_from: from,
            created_to: to,
            with_total: false,
        }
    }
}

impl Client {
    /// `GET /ingest/jobs`: every job of the window in one response (the endpoint does not
    /// paginate).
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{IngestJobQuery, Timestamp};
    /// let now = Timestamp::now();
    /// let week = IngestJobQuery::new(Timestamp::from_unix(now.unix_seconds() - 7 * 86_400, 0), now);
    /// for job in client.list_ingest_jobs(week)?.items {
    ///     let again = client.get_ingest_job(&job.id)?;
    ///     assert_eq!(again.workflow_id, job.workflow_id);
    /// }
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_ingest_jobs(&self, query: IngestJobQuery) -> Result<IngestJobList> {
        if query.created_to <= query.created_from {
            return Err(Error::invalid_argument(
                "created_to must be after created_from",
            ));
        }
        let call = Call::get("list-ingest-jobs", "/ingest/jobs")
            .param("created_from", Some(query.created_from))
            .param("created_to", Some(query.created_to))
            .param("with_total", query.with_total.then_some("true"));
        let response = self.inner.execute(&call)?;
        let page = decode_page::<IngestJob>(&call.operation, &response.body, false)?;
        Ok(IngestJobList {
            items: page.items,
            total: page.total,
        })
    }

    /// `GET /ingest/jobs/{job-id}`.
    pub fn get_ingest_job(&self, job_id: &str) -> Result<IngestJob> {
        let path = path_with_id("/ingest/jobs", job_id, "", "job id")?;
        self.inner.execute_json(&Call::get("get-ingest-job", path))
    }
}
