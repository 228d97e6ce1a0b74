package com.amperity.sdk

import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executor
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.ThreadFactory
import java.util.concurrent.atomic.AtomicInteger
import com.amperity.sdk.ffi.CancelToken as FfiCancelToken
import com.amperity.sdk.ffi.Client as FfiClient

/**
 * The cancel token of the call running on this thread: while it is set, [Client.native] is a
 * view of the native client carrying it (one view per client and call), so every operation of
 * the blocking API, and the pagers it opens, carry the token without a change of their own.
 */
internal object CallToken {
    private class Scope(val token: FfiCancelToken) {
        var client: FfiClient? = null
        var view: FfiClient? = null
    }

    private val current = ThreadLocal<Scope?>()

    /** [inner], or its view carrying the token of the call running on this thread. */
    fun view(inner: FfiClient): FfiClient {
        val scope = current.get() ?: return inner
        if (scope.client !== inner) {
            scope.view = inner.withCancelToken(scope.token)
            scope.client = inner
        }
        return scope.view!!
    }

    /** The cancel token of the call running on this thread (a [StreamClient]'s sends read it). */
    fun token(): FfiCancelToken? = current.get()?.token

    /** Runs [block] with [token] carried by the calls it makes on this thread. */
    fun <T> with(token: FfiCancelToken, block: () -> T): T {
        val previous = current.get()
        current.set(Scope(token))
        try {
            return block()
        } finally {
            current.set(previous)
        }
    }
}

/**
 * A [CompletableFuture] of one call of [AsyncCalls] or [AsyncStreamCalls]: [cancel] also cancels
 * the native call, which ends within milliseconds (even in a `Retry-After` pause, a rate-limiter
 * wait, a wait's polls or a stalled response) and frees its thread; the other calls of the client
 * go on. The calls of an [EventSender] have no native cancellation: cancelling their future stops
 * the wait for them, and the call keeps its thread until it returns.
 */
class CancellableFuture<T> internal constructor(private val token: FfiCancelToken) : CompletableFuture<T>() {
    override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
        // The future first: the native call, once cancelled, completes it with CancelledException
        // from its thread, which must not win the race against this cancel.
        val cancelled = super.cancel(mayInterruptIfRunning)
        token.cancel()
        return cancelled
    }

    override fun <U> newIncompleteFuture(): CompletableFuture<U> = CompletableFuture()
}

/**
 * The executor of an async client and how one call runs on it: with a cancel token of its own,
 * carried by the blocking calls it makes ([CallToken]), completing a [CancellableFuture]. Owns a
 * pool of [threads] daemon threads unless an [executor] is given. Shared by [AsyncCalls] (a
 * [Client]'s calls) and [AsyncStreamCalls] (a [StreamClient]'s and its senders').
 */
internal class CallPool(executor: Executor?, threads: Int) : AutoCloseable {
    private val owned: ExecutorService? =
        if (executor == null) {
            if (threads < 1) throw invalidArgument("threads must be at least 1, got $threads")
            Executors.newFixedThreadPool(threads, daemonThreads())
        } else {
            null
        }

    /** Where the calls run: the given executor, or the pool this object owns. */
    val executor: Executor = executor ?: owned!!

    /** Runs [block] on the executor, carrying [token]. */
    fun <T> submit(token: FfiCancelToken, block: () -> T): CancellableFuture<T> {
        val future = CancellableFuture<T>(token)
        try {
            executor.execute {
                if (future.isDone) return@execute // cancelled before it started
                try {
                    future.complete(CallToken.with(token, block))
                } catch (e: Throwable) {
                    future.completeExceptionally(e)
                }
            }
        } catch (e: RejectedExecutionException) {
            future.completeExceptionally(IllegalStateException("the Amperity executor is shut down", e))
        }
        return future
    }

    /** Shuts down the pool this object owns (running calls finish); not a given executor. */
    override fun close() {
        owned?.shutdown()
    }

    private companion object {
        private val pools = AtomicInteger()

        private fun daemonThreads(): ThreadFactory {
            val pool = pools.incrementAndGet()
            val count = AtomicInteger()
            return ThreadFactory { runnable ->
                Thread(runnable, "amperity-async-$pool-${count.incrementAndGet()}").apply { isDaemon = true }
            }
        }
    }
}

/**
 * Runs calls of a blocking [Client] on an executor, each with a cancel token of its own: the
 * machinery of [FutureClient] (Java's `CompletableFuture`) and of the coroutine API
 * (`com.amperity.sdk.coroutines`). Owns a pool of [threads] daemon threads unless an [executor]
 * is given (then the caller owns and shuts down that executor).
 */
class AsyncCalls @JvmOverloads constructor(
    /** The blocking client whose calls run here. */
    val client: Client,
    executor: Executor? = null,
    threads: Int = DEFAULT_THREADS,
) : AutoCloseable {
    private val pool = CallPool(executor, threads)

    /** Where the calls run: the given executor, or the pool this object owns. */
    val executor: Executor get() = pool.executor

    /** Runs [block] with [client] on the executor, with a new cancel token. */
    fun <T> submit(block: (Client) -> T): CancellableFuture<T> = submit(FfiCancelToken(), block)

    /** Runs [block] with [client] on the executor, carrying [token] (shared by a walk's pages). */
    internal fun <T> submit(token: FfiCancelToken, block: (Client) -> T): CancellableFuture<T> =
        pool.submit(token) { block(client) }

    /** Walks the list made by [list] page by page, each page fetched on the executor. */
    fun <T> pages(list: (Client) -> PagedList<T>): FuturePages<T> = FuturePages(this, list)

    /** Shuts down the pool this object owns (running calls finish); not a given executor. */
    override fun close() = pool.close()

    companion object {
        /** Threads of the pool an [AsyncCalls] owns when no executor is given: calls in flight. */
        const val DEFAULT_THREADS: Int = 16
    }
}

/**
 * Runs calls of a blocking [StreamClient], and of the [EventSender]s it made, on an executor:
 * the machinery of [FutureStreamClient] and `com.amperity.sdk.coroutines.CoroutineStreamClient`,
 * as [AsyncCalls] is for a [Client]. Each call has a cancel token of its own, which the client's
 * sends ([StreamClient.sendJson], [StreamClient.sendXml]) carry: cancelling the future of a send
 * ends that one request within milliseconds and frees its thread. A sender's calls have no
 * native cancellation: cancelling their future stops the wait, not the call (see
 * [FutureEventSender]). Owns a pool of [threads] daemon threads unless an [executor] is given
 * (then the caller owns and shuts down that executor).
 */
class AsyncStreamCalls @JvmOverloads constructor(
    /** The blocking stream client whose calls run here. */
    val client: StreamClient,
    executor: Executor? = null,
    threads: Int = AsyncCalls.DEFAULT_THREADS,
) : AutoCloseable {
    private val pool = CallPool(executor, threads)

    /** Where the calls run: the given executor, or the pool this object owns. */
    val executor: Executor get() = pool.executor

    /** Runs [block] with [client] on the executor, with a new cancel token. */
    fun <T> submit(block: (StreamClient) -> T): CancellableFuture<T> = pool.submit(FfiCancelToken()) { block(client) }

    /** Shuts down the pool this object owns (running calls finish); not a given executor. */
    override fun close() = pool.close()
}

/**
 * A list walked asynchronously, one page per [nextPage] (fetched on the executor of its
 * [AsyncCalls]). Every page carries the walk's cancel token: cancelling the future of a page
 * cancels its request, after which the walk stops and [resumeCursor] tells where a new walk
 * (`cursor = ...`) starts. Not for concurrent use: ask for a page once the previous one came.
 */
class FuturePages<T> internal constructor(
    private val calls: AsyncCalls,
    private val list: (Client) -> PagedList<T>,
) : AutoCloseable {
    private val token = FfiCancelToken()

    @Volatile
    private var iterator: PageIterator<T>? = null

    /** The next page, or `null` once the list is exhausted. */
    fun nextPage(): CancellableFuture<Page<T>?> =
        calls.submit(token) { client ->
            val pages = iterator ?: list(client).pages().also { iterator = it }
            if (pages.hasNext()) pages.next() else null
        }

    /** The cursor of the next page to fetch (see [PageIterator.resumeCursor]). */
    val resumeCursor: String? get() = iterator?.resumeCursor

    /** The `total` the server reported, once a page asked `withTotal = true` came. */
    val total: Long? get() = iterator?.total

    /** Cancels the page in flight, if any, and releases the native pager. */
    override fun close() {
        token.cancel()
        iterator?.close()
    }
}
