package com.amperity.sdk

import com.amperity.sdk.ffi.AuditEventFilter
import com.amperity.sdk.ffi.Client as FfiClient
import com.amperity.sdk.ffi.AuditEventPager
import com.amperity.sdk.ffi.CampaignFilter
import com.amperity.sdk.ffi.CampaignPager
import com.amperity.sdk.ffi.IngestJobQuery
import com.amperity.sdk.ffi.RunState
import com.amperity.sdk.ffi.SegmentPager
import com.amperity.sdk.ffi.WaitObserver
import com.amperity.sdk.ffi.WaitOptions
import com.amperity.sdk.ffi.WorkflowPager
import com.amperity.sdk.ffi.WorkflowRunFilter
import com.amperity.sdk.ffi.WorkflowRunRequest
import java.time.Duration
import java.time.Instant

/** The segment endpoints of a [Client]. */
class Segments internal constructor(private val client: Client) {
    /**
     * Lists segments lazily (`GET /segments`): nothing is sent until iteration, then one request
     * per page.
     *
     * @param limit records per page (the server's default when `null`); at least 1.
     * @param withTotal ask for `total` (costly on large lists).
     * @param cursor start from this cursor (a `nextToken` or `resumeCursor` seen earlier).
     */
    @JvmOverloads
    fun list(limit: Int? = null, withTotal: Boolean = false, cursor: String? = null): PagedList<Segment> {
        val options = pageOptions(limit, withTotal, cursor)
        return PagedList { segmentHandle(ffi { client.native.listSegments(options) }, client.native) }
    }
}

/** The campaign (or campaign-draft) endpoints of a [Client]. */
class Campaigns internal constructor(private val client: Client, private val drafts: Boolean) {
    /**
     * Lists campaigns (`GET /campaigns`) or drafts (`GET /campaign-drafts`) lazily.
     *
     * @param destinationDataTemplateId only campaigns using this destination data template.
     * @param limit records per page (the server's default when `null`); at least 1.
     * @param withTotal ask for `total`.
     * @param cursor start from this cursor.
     */
    @JvmOverloads
    fun list(
        destinationDataTemplateId: String? = null,
        limit: Int? = null,
        withTotal: Boolean = false,
        cursor: String? = null,
    ): PagedList<Campaign> {
        val options = pageOptions(limit, withTotal, cursor)
        val filter = CampaignFilter(destinationDataTemplateId)
        return PagedList {
            campaignHandle(
                ffi {
                    if (drafts) client.native.listCampaignDrafts(filter, options)
                    else client.native.listCampaigns(filter, options)
                },
                client.native,
            )
        }
    }
}

/** The audit-event endpoint of a [Client]. */
class AuditEvents internal constructor(private val client: Client) {
    /**
     * Lists audit events lazily (`GET /audit-events`).
     *
     * @param happenedFrom events at or after this instant.
     * @param happenedTo events before this instant.
     * @param limit records per page (at most 1000 are returned per page); at least 1.
     * @param withTotal ask for `total`.
     * @param cursor start from this cursor.
     */
    @JvmOverloads
    fun list(
        happenedFrom: Instant? = null,
        happenedTo: Instant? = null,
        limit: Int? = null,
        withTotal: Boolean = false,
        cursor: String? = null,
    ): PagedList<AuditEvent> {
        val options = pageOptions(limit, withTotal, cursor)
        val filter = AuditEventFilter(happenedFrom, happenedTo)
        return PagedList { auditHandle(ffi { client.native.listAuditEvents(filter, options) }, client.native) }
    }
}

/** The workflow-run endpoints of a [Client]. */
class WorkflowRuns internal constructor(private val client: Client) {
    /**
     * Lists workflow runs lazily (`GET /workflow/runs`), newest first.
     *
     * @param createdFrom runs created at or after this instant.
     * @param createdTo runs created before this instant.
     * @param endedFrom runs ended at or after this instant.
     * @param endedTo runs ended before this instant.
     * @param state only runs in this state.
     * @param workflowType only runs of this type, e.g. `courier.group/run`.
     * @param limit records per page; at least 1.
     * @param withTotal ask for `total`.
     * @param cursor start from this cursor.
     */
    @JvmOverloads
    fun list(
        createdFrom: Instant? = null,
        createdTo: Instant? = null,
        endedFrom: Instant? = null,
        endedTo: Instant? = null,
        state: RunState? = null,
        workflowType: String? = null,
        limit: Int? = null,
        withTotal: Boolean = false,
        cursor: String? = null,
    ): PagedList<Workflow> {
        val options = pageOptions(limit, withTotal, cursor)
        val filter = WorkflowRunFilter(
            createdFrom = createdFrom,
            createdTo = createdTo,
            endedFrom = endedFrom,
            endedTo = endedTo,
            state = state?.wireName,
            workflowType = workflowType,
        )
        return PagedList { workflowHandle(ffi { client.native.listWorkflowRuns(filter, options) }, client.native) }
    }

    /**
     * Starts a workflow run (`POST /workflow/runs`; never retried blindly).
     *
     * @param configId what to run: a courier group (`cg-...`), orchestration group (`og-...`) or
     *   campaign (`cc-...`).
     * @param rangeFrom courier groups: inclusive start of the data range.
     * @param rangeTo courier groups: exclusive end of the data range; only with [rangeFrom].
     * @param runMode courier groups: what the run does (the scheduled mode when `null`).
     */
    @JvmOverloads
    fun run(
        configId: String,
        rangeFrom: Instant? = null,
        rangeTo: Instant? = null,
        runMode: RunMode? = null,
    ): Workflow = client.call { it.runWorkflow(WorkflowRunRequest(configId, rangeFrom, rangeTo, runMode)) }

    /** Fetches a workflow run (`GET /workflow/runs/{id}`); [NotFoundException] when unknown. */
    @JvmOverloads
    fun get(workflowId: String, view: WorkflowView = WorkflowView.OVERVIEW): Workflow =
        client.call { it.getWorkflowRun(workflowId, view) }

    /**
     * Asks a workflow run to stop (`POST /workflow/runs/{id}/stop`); [ConflictException] when it
     * has already ended.
     */
    fun stop(workflowId: String): Workflow = client.call { it.stopWorkflowRun(workflowId) }

    /**
     * Polls a workflow run until it finishes and returns its verbose view (a failed run is
     * returned, not thrown, unless [failOnUnsuccessful]: check its `state`). Blocks the calling
     * thread; `Thread.interrupt()` ends it with [InterruptedException].
     *
     * @param pollInterval time between polls (greater than zero).
     * @param timeout give up after this long with a [WaitTimeoutException] (which has the last
     *   workflow seen).
     * @param failOnUnsuccessful throw [RunFailedException] when the run ends failed, canceled or
     *   stopped.
     * @param onProgress called after the first poll and whenever the state or the number of
     *   finished tasks changes (the polls then use the verbose view); what it throws ends the
     *   wait and is rethrown.
     */
    @JvmOverloads
    fun wait(
        workflowId: String,
        pollInterval: Duration = Duration.ofSeconds(5),
        timeout: Duration = Duration.ofHours(1),
        failOnUnsuccessful: Boolean = false,
        onProgress: ((WaitProgress) -> Unit)? = null,
    ): Workflow {
        // Negative values go to the core as they are: it refuses them as invalid arguments.
        val options = WaitOptions(saturatingMillis(pollInterval), saturatingMillis(timeout), failOnUnsuccessful)
        if (onProgress == null) return client.call { it.waitForWorkflowRun(workflowId, options) }
        val observer = ProgressObserver(onProgress)
        try {
            return client.call { it.waitForWorkflowRunWithProgress(workflowId, options, observer) }
        } catch (e: CancelledException) {
            observer.thrown?.let { throw it }
            throw e
        }
    }
}

/** The native observer: calls the user's callback; what it throws ends the wait and is rethrown. */
private class ProgressObserver(private val callback: (WaitProgress) -> Unit) : WaitObserver {
    @Volatile
    var thrown: Throwable? = null

    override fun onProgress(progress: WaitProgress): Boolean =
        try {
            callback(progress)
            true
        } catch (e: Throwable) {
            thrown = e
            false
        }
}

/** The ingest-job endpoints of a [Client]. */
class IngestJobs internal constructor(private val client: Client) {
    /**
     * Lists the ingest jobs started in `[createdFrom, createdTo)` (`GET /ingest/jobs`; the
     * endpoint is not paginated and only covers the last 7 days).
     */
    @JvmOverloads
    fun list(createdFrom: Instant, createdTo: Instant, withTotal: Boolean = false): IngestJobList =
        client.call { it.listIngestJobs(IngestJobQuery(createdFrom, createdTo, withTotal)) }

    /** Fetches one ingest job (`GET /ingest/jobs/{id}`); [NotFoundException] when unknown. */
    fun get(jobId: String): IngestJob = client.call { it.getIngestJob(jobId) }
}

private fun segmentHandle(pager: SegmentPager, owner: FfiClient) = PagerHandle(
    owner = owner,
    nextPage = { pager.nextPage()?.let { Page(it.items, it.nextToken, it.total) } },
    resumeCursor = pager::resumeCursor,
    total = pager::total,
    close = pager::close,
)

private fun campaignHandle(pager: CampaignPager, owner: FfiClient) = PagerHandle(
    owner = owner,
    nextPage = { pager.nextPage()?.let { Page(it.items, it.nextToken, it.total) } },
    resumeCursor = pager::resumeCursor,
    total = pager::total,
    close = pager::close,
)

private fun auditHandle(pager: AuditEventPager, owner: FfiClient) = PagerHandle(
    owner = owner,
    nextPage = { pager.nextPage()?.let { Page(it.items, it.nextToken, it.total) } },
    resumeCursor = pager::resumeCursor,
    total = pager::total,
    close = pager::close,
)

private fun workflowHandle(pager: WorkflowPager, owner: FfiClient) = PagerHandle(
    owner = owner,
    nextPage = { pager.nextPage()?.let { Page(it.items, it.nextToken, it.total) } },
    resumeCursor = pager::resumeCursor,
    total = pager::total,
    close = pager::close,
)
