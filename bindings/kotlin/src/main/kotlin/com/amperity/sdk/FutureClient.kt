package com.amperity.sdk

import java.util.concurrent.Executor

/**
 * The [Client] for Java's `CompletableFuture` (no kotlinx-coroutines needed): the same resource
 * groups and methods, each call returning a [CancellableFuture] (lists: [FuturePages], one page
 * per `nextPage()`), run on [executor] (a pool of [threads] daemon threads this object owns unless
 * an executor is given). `future.cancel(true)` cancels that one native call within milliseconds
 * and frees its thread; the other calls go on.
 *
 * ```java
 * try (Client client = Client.builder("acme").token(token).build();
 *      FutureClient futures = new FutureClient(client)) {
 *     CompletableFuture<Workflow> run = futures.getWorkflowRuns().get("wf-123");
 * }
 * ```
 * Closing it shuts down the pool it owns, not the [client].
 */
class FutureClient @JvmOverloads constructor(
    /** The blocking client whose calls run on the executor. */
    val client: Client,
    executor: Executor? = null,
    threads: Int = AsyncCalls.DEFAULT_THREADS,
) : FutureResources(), AutoCloseable {
    override val calls: AsyncCalls = AsyncCalls(client, executor, threads)

    /** Where the calls run. */
    val executor: Executor get() = calls.executor

    /** Cancels every call in progress on the client (each throws [CancelledException]). */
    fun cancel() = client.cancel()

    /** Shuts down the pool this object owns (not a given executor, not the client). */
    override fun close() = calls.close()
}
