package com.amperity.sdk.coroutines

import com.amperity.sdk.AsyncCalls
import com.amperity.sdk.CancelledException
import com.amperity.sdk.Client
import com.amperity.sdk.Page
import com.amperity.sdk.PagedList
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.FlowCollector
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.future.await

/**
 * The [Client] for coroutines: the same resource groups and methods as suspend functions
 * (`client.workflowRuns.get(id)`, `client.workflowRuns.wait(id, onProgress = ...)`) and lists as
 * [PagedFlow]s (`client.segments.list(limit = 100).collect { ... }`, `.pages()`), every call run on
 * [dispatcher]: a pool of [threads] daemon threads this object owns, unless a dispatcher is given
 * (then the caller owns it). Cancelling the coroutine (`job.cancel()`, `withTimeout`) cancels that
 * one native call within milliseconds, even in a `Retry-After` pause, a rate-limiter wait, a
 * wait's polls or a stalled response, and frees its thread; the other calls go on.
 *
 * This package is the only part of the SDK that needs kotlinx-coroutines (an optional
 * dependency of the artifact); Java code uses [com.amperity.sdk.FutureClient] instead.
 * Closing it shuts down the pool it owns, not the [client].
 */
class CoroutineClient(
    /** The blocking client whose calls run on the dispatcher. */
    val client: Client,
    dispatcher: CoroutineDispatcher? = null,
    threads: Int = AsyncCalls.DEFAULT_THREADS,
) : AsyncResources(), AutoCloseable {
    override val calls: AsyncCalls = AsyncCalls(client, dispatcher?.asExecutor(), threads)

    /** Where the calls run. */
    val dispatcher: CoroutineDispatcher = dispatcher ?: calls.executor.asCoroutineDispatcher()

    /** Cancels every call in progress on the client (each throws [CancelledException]). */
    fun cancel() = client.cancel()

    /** Shuts down the pool this object owns (not a given dispatcher, not the client). */
    override fun close() = calls.close()
}

/**
 * A list as a cold [Flow] of its items: each collection walks the list from its start, one page
 * in memory at a time, each page fetched on the client's dispatcher; [pages] gives the pages
 * themselves (with `nextToken` to resume from). Cancelling the collecting coroutine cancels the
 * page request in flight.
 */
class PagedFlow<T> internal constructor(
    private val calls: AsyncCalls,
    private val list: (Client) -> PagedList<T>,
) : Flow<T> {
    override suspend fun collect(collector: FlowCollector<T>) {
        pages().collect { page -> for (item in page.items) collector.emit(item) }
    }

    /** The pages of the list, from its start, as a cold [Flow]. */
    fun pages(): Flow<Page<T>> = flow {
        calls.pages(list).use { pages ->
            while (true) {
                val page = pages.nextPage().await() ?: break
                emit(page)
            }
        }
    }
}
