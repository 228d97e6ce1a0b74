package com.amperity.sdk.coroutines

import com.amperity.sdk.AsyncCalls
import com.amperity.sdk.AsyncStreamCalls
import com.amperity.sdk.DeliveryReport
import com.amperity.sdk.EventSender
import com.amperity.sdk.PayloadFormat
import com.amperity.sdk.QueueFullException
import com.amperity.sdk.StreamClient
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext

/**
 * The [StreamClient] for coroutines: [sendJson] and [sendXml] as suspend functions and [sender]
 * for volume ([CoroutineEventSender]), every call run on [dispatcher]: a pool of [threads]
 * daemon threads this object owns, unless a dispatcher is given (then the caller owns it). The
 * blocking client's methods run there unchanged: same checks, retries, errors and results.
 * Cancelling the coroutine of a send (`job.cancel()`, `withTimeout`) cancels that one native
 * send within milliseconds, even in a `Retry-After` pause, a rate-limiter wait or a stalled
 * response, and frees its thread; the other calls go on.
 *
 * ```kotlin
 * StreamClient(tenant = "acme", token = System.getenv("AMPERITY_STREAM_TOKEN")).use { streams ->
 *     CoroutineStreamClient(streams).use { async ->
 *         async.sendJson("is-AbCDefGH", """{"order_id": "o-1", "total": 12.5}""")
 *         val sender = async.sender("is-AbCDefGH")
 *         sender.use { for (order in orders) it.send(order.toJson()) } // suspends while the queue is full
 *         println(sender.closeReport) // what closing delivered
 *     }
 * }
 * ```
 *
 * Like [CoroutineClient], this class needs kotlinx-coroutines; Java code uses
 * [com.amperity.sdk.FutureStreamClient]. Closing it shuts down the pool it owns, not the
 * [client]; close its senders first (their calls run on that pool too).
 */
class CoroutineStreamClient(
    /** The blocking stream client whose calls run on the dispatcher. */
    val client: StreamClient,
    dispatcher: CoroutineDispatcher? = null,
    threads: Int = AsyncCalls.DEFAULT_THREADS,
) : AutoCloseable {
    /** Runs the calls: the executor, and `submit` for any blocking call with a cancel token. */
    val calls: AsyncStreamCalls = AsyncStreamCalls(client, dispatcher?.asExecutor(), threads)

    /** Where the calls run. */
    val dispatcher: CoroutineDispatcher = dispatcher ?: calls.executor.asCoroutineDispatcher()

    /** The async form of the blocking [StreamClient.sendJson] (same arguments and errors). */
    suspend fun sendJson(streamId: String, event: String): Unit = calls.submit { it.sendJson(streamId, event) }.await()

    /** The async form of the blocking [StreamClient.sendXml] (same arguments and errors). */
    suspend fun sendXml(streamId: String, event: String): Unit = calls.submit { it.sendXml(streamId, event) }.await()

    /**
     * A [CoroutineEventSender] for volume to [streamId]: the blocking [StreamClient.sender] (same
     * arguments and checks; nothing is sent until events come) with its waits on the dispatcher.
     */
    fun sender(
        streamId: String,
        format: PayloadFormat = PayloadFormat.JSON,
        queueCapacity: Int? = null,
        workers: Int? = null,
        rateLimitPerSecond: Double? = null,
        maxRetries: Int? = null,
    ): CoroutineEventSender =
        CoroutineEventSender(client.sender(streamId, format, queueCapacity, workers, rateLimitPerSecond, maxRetries), calls)

    /** Cancels every call in progress on the client and its senders, as [StreamClient.cancel]. */
    fun cancel() = client.cancel()

    /** Shuts down the pool this object owns (not a given dispatcher, not the client). */
    override fun close() = calls.close()

    /** The client's tenant and base URL (never the token). */
    override fun toString(): String = "CoroutineStreamClient(client=$client)"
}

/**
 * An [EventSender] for coroutines: [send], [flush] and [closeAndReport] suspend while the
 * blocking sender's methods run on the dispatcher of the [CoroutineStreamClient] that made it,
 * so waiting for queue room or for delivery holds a thread of that pool, never the caller's;
 * [trySend] never waits and runs at once. [use] closes the sender when its block ends.
 *
 * A sender's waits have no native cancellation: cancelling a coroutine suspended in [send] or
 * [flush] stops its wait (it throws `CancellationException`), not the delivery. A [send] not
 * started yet never starts; one already waiting for room keeps its pool thread until the event
 * is queued, and the workers deliver it (it is in a later report). To give up on the events
 * themselves, cancel the client ([CoroutineStreamClient.cancel]) or close the sender.
 */
class CoroutineEventSender internal constructor(
    /** The blocking sender whose calls run on the dispatcher. */
    val sender: EventSender,
    private val calls: AsyncStreamCalls,
) {
    /** The stream this sender delivers to. */
    val streamId: String get() = sender.streamId

    /** The payload type of this sender's events. */
    val format: PayloadFormat get() = sender.format

    /**
     * The async form of the blocking [EventSender.send]: checks and queues [event], suspending
     * while the queue is full; returns its sequence number.
     */
    suspend fun send(event: String): Long = calls.submit { sender.send(event) }.await()

    /** [EventSender.trySend], at once: throws [QueueFullException] instead of waiting. */
    fun trySend(event: String): Long = sender.trySend(event)

    /** The async form of the blocking [EventSender.flush]. */
    suspend fun flush(): DeliveryReport = calls.submit { sender.flush() }.await()

    /** The async form of the blocking [EventSender.closeAndReport]. */
    suspend fun closeAndReport(): DeliveryReport = calls.submit { sender.closeAndReport() }.await()

    /**
     * Runs [block] with this sender, then closes it ([closeAndReport], its report then in
     * [closeReport]) even when [block] throws or is cancelled: the close waits until everything
     * queued is delivered or failed. Returns what [block] returned.
     */
    suspend fun <R> use(block: suspend (CoroutineEventSender) -> R): R {
        var failure: Throwable? = null
        try {
            return block(this)
        } catch (e: Throwable) {
            failure = e
            throw e
        } finally {
            try {
                withContext(NonCancellable) { closeAndReport() }
            } catch (e: Throwable) {
                if (failure == null) throw e
                failure.addSuppressed(e)
            }
        }
    }

    /** What closing delivered, as [EventSender.closeReport]; `null` until the sender is closed. */
    val closeReport: DeliveryReport? get() = sender.closeReport

    /** Events queued or being delivered now. */
    val pending: Long get() = sender.pending

    /** The stream, format and pending count. */
    override fun toString(): String = "CoroutineEventSender(streamId=$streamId, format=$format, pending=$pending)"
}
