package com.amperity.sdk

import java.util.concurrent.Executor

/**
 * The [StreamClient] for Java's `CompletableFuture` (no kotlinx-coroutines needed): the same
 * sends, each returning a [CancellableFuture], and [sender] for volume, run on [executor] (a pool
 * of [threads] daemon threads this object owns unless an executor is given). The blocking
 * client's methods run there unchanged: same checks, retries, errors and results.
 * `future.cancel(true)` on a [sendJson] or [sendXml] cancels that one native send within
 * milliseconds (even in a `Retry-After` pause or a stalled response) and frees its thread; the
 * other calls go on.
 *
 * ```java
 * try (StreamClient streams = new StreamClient("acme", token);
 *      FutureStreamClient futures = new FutureStreamClient(streams)) {
 *     futures.sendJson("is-AbCDefGH", "{\"order_id\": \"o-1\"}").get();
 *     FutureEventSender sender = futures.sender("is-AbCDefGH");
 *     for (String event : events) sender.send(event).get();
 *     DeliveryReport report = sender.closeAndReport().get();
 * }
 * ```
 * Closing it shuts down the pool it owns, not the [client]; close its senders first (their
 * calls run on that pool too).
 */
class FutureStreamClient @JvmOverloads constructor(
    /** The blocking stream client whose calls run on the executor. */
    val client: StreamClient,
    executor: Executor? = null,
    threads: Int = AsyncCalls.DEFAULT_THREADS,
) : AutoCloseable {
    /** Runs the calls: the executor, and `submit` for any blocking call with a cancel token. */
    val calls: AsyncStreamCalls = AsyncStreamCalls(client, executor, threads)

    /** Where the calls run. */
    val executor: Executor get() = calls.executor

    /**
     * The async form of the blocking [StreamClient.sendJson] (same arguments and errors); the
     * future completes with `null` once the service accepted the event.
     */
    fun sendJson(streamId: String, event: String): CancellableFuture<Void?> =
        calls.submit { it.sendJson(streamId, event); null }

    /** The async form of the blocking [StreamClient.sendXml], as [sendJson]. */
    fun sendXml(streamId: String, event: String): CancellableFuture<Void?> =
        calls.submit { it.sendXml(streamId, event); null }

    /**
     * A [FutureEventSender] for volume to [streamId]: the blocking [StreamClient.sender] (same
     * arguments and checks; nothing is sent until events come) with its waits on the executor.
     */
    @JvmOverloads
    fun sender(
        streamId: String,
        format: PayloadFormat = PayloadFormat.JSON,
        queueCapacity: Int? = null,
        workers: Int? = null,
        rateLimitPerSecond: Double? = null,
        maxRetries: Int? = null,
    ): FutureEventSender =
        FutureEventSender(client.sender(streamId, format, queueCapacity, workers, rateLimitPerSecond, maxRetries), calls)

    /** Cancels every call in progress on the client and its senders, as [StreamClient.cancel]. */
    fun cancel() = client.cancel()

    /** Shuts down the pool this object owns (not a given executor, not the client). */
    override fun close() = calls.close()

    /** The client's tenant and base URL (never the token). */
    override fun toString(): String = "FutureStreamClient(client=$client)"
}

/**
 * An [EventSender] for Java's `CompletableFuture`: [send], [flush] and [closeAndReport] run the
 * blocking sender's methods on the executor of the [FutureStreamClient] that made it, so waiting
 * for queue room or for delivery holds a thread of that pool, never the caller's; [trySend]
 * never waits and runs at once.
 *
 * A sender's waits have no native cancellation: cancelling the future of a [send] or [flush]
 * stops waiting for it, not the delivery. A [send] not started yet never starts; one already
 * waiting for room keeps its pool thread until the event is queued, and the workers deliver it
 * (it is in a later report). To give up on the events themselves, cancel the client
 * ([FutureStreamClient.cancel]) or close the sender.
 */
class FutureEventSender internal constructor(
    /** The blocking sender whose calls run on the executor. */
    val sender: EventSender,
    private val calls: AsyncStreamCalls,
) {
    /** The stream this sender delivers to. */
    val streamId: String get() = sender.streamId

    /** The payload type of this sender's events. */
    val format: PayloadFormat get() = sender.format

    /**
     * The async form of the blocking [EventSender.send]: checks and queues [event], the future
     * completing with its sequence number once it is queued (after a wait for room while the
     * queue is full).
     */
    fun send(event: String): CancellableFuture<Long> = calls.submit { sender.send(event) }

    /** [EventSender.trySend], at once: throws [QueueFullException] instead of waiting. */
    fun trySend(event: String): Long = sender.trySend(event)

    /** The async form of the blocking [EventSender.flush]. */
    fun flush(): CancellableFuture<DeliveryReport> = calls.submit { sender.flush() }

    /** The async form of the blocking [EventSender.closeAndReport]. */
    fun closeAndReport(): CancellableFuture<DeliveryReport> = calls.submit { sender.closeAndReport() }

    /** What closing delivered, as [EventSender.closeReport]; `null` until the sender is closed. */
    val closeReport: DeliveryReport? get() = sender.closeReport

    /** Events queued or being delivered now. */
    val pending: Long get() = sender.pending

    /** The stream, format and pending count. */
    override fun toString(): String = "FutureEventSender(streamId=$streamId, format=$format, pending=$pending)"
}
