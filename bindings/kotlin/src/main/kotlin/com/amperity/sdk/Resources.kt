package com.amperity.sdk

import com.amperity.sdk.ffi.IngestJobQuery
import com.amperity.sdk.ffi.WaitObserver
import com.amperity.sdk.ffi.WaitOptions
import com.amperity.sdk.ffi.WorkflowRunRequest
import java.time.Duration
import java.time.Instant

/**
 * The workflow-run calls besides `list`: run, get, stop, wait (the base of [WorkflowRuns], whose
 * `list` is generated with the other lists in `Lists.kt`).
 */
abstract class WorkflowRunsOperations internal constructor(internal val client: Client) {
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

/** The Profile API index calls besides `list`: get (the base of [Indexes]). */
abstract class IndexesOperations internal constructor(internal val client: Client) {
    /** Fetches one index (`GET /indexes/{id}`); [NotFoundException] when unknown. */
    fun get(indexId: String): ProfileIndex = client.call { it.getIndex(indexId) }
}

/** The Profile API profile calls besides `list`: get (the base of [Profiles]). */
abstract class ProfilesOperations internal constructor(internal val client: Client) {
    /**
     * Fetches one profile of an index (`GET /indexes/{indexId}/profiles/{profileId}`);
     * [NotFoundException] when unknown.
     */
    fun get(indexId: String, profileId: String): Profile = client.call { it.getProfile(indexId, profileId) }
}
