package com.amperity.sdk

import com.amperity.sdk.ffi.SenderOptions
import com.amperity.sdk.ffi.StreamConfig
import java.time.Duration
import com.amperity.sdk.ffi.CancelToken as FfiCancelToken
import com.amperity.sdk.ffi.DeliveryReport as FfiDeliveryReport
import com.amperity.sdk.ffi.EventSender as FfiEventSender
import com.amperity.sdk.ffi.StreamClient as FfiStreamClient

/** The payload type of a stream (each stream takes one): JSON (one object per event) or XML. */
typealias PayloadFormat = com.amperity.sdk.ffi.PayloadFormat

/**
 * A client of the Streaming Ingest API: `POST /stream/v0/data/{streamId}` on the tenant's host,
 * with the Streaming Ingest token (of a Streaming Ingest Write Access key, not the API token).
 * Blocking, thread-safe and [AutoCloseable]; nothing is sent until the first call.
 *
 * ```kotlin
 * StreamClient(tenant = "acme", token = System.getenv("AMPERITY_STREAM_TOKEN")).use { streams ->
 *     streams.sendJson("is-AbCDefGH", """{"order_id": "o-1", "total": 12.5}""")
 *     streams.sender("is-AbCDefGH").use { sender ->
 *         for (order in orders) sender.send(order.toJson())
 *     } // close(): everything queued is delivered first
 * }
 * ```
 *
 * Each request carries `X-Amperity-Tenant` (no `api-version`); a 202 is success. Failures are
 * retried with capped exponential backoff and full jitter (429, 5xx and network failures), never
 * 400, 401 or 413. Delivery is at least once: the API has no idempotency key, so a retry after a
 * timeout may deliver an event twice. Every request of the client, its senders' included, shares
 * one rate limiter. Invalid settings throw [ConfigurationException].
 *
 * @param tenant the tenant id, sent as `X-Amperity-Tenant` (a sandbox is just another tenant id).
 * @param token the Streaming Ingest token.
 * @param baseUrl `https://{tenant}.amperity.com` when `null` (`http://` only to loopback hosts).
 * @param connectTimeout time allowed to open a connection (10 s when `null`).
 * @param requestTimeout time allowed for one attempt of a request (60 s when `null`).
 * @param maxAttempts attempts of a single [sendJson]/[sendXml], the first included (3 when
 *   `null`; 1 disables retries). Senders set their own retries ([sender]'s `maxRetries`).
 * @param rateLimitPerSecond client-side rate limit shared by every sender and thread of this
 *   client: 1000 requests/s (the documented limit) by default, `null` turns it off.
 * @param extraRootCertificatesPem extra trusted root certificates (PEM) on top of the bundled roots.
 * @param caFile a PEM file of extra trusted root certificates, read when the client is built.
 * @param platformVerifier verify servers with the operating system's trust store instead of the
 *   bundled roots.
 * @param proxy proxy URL; the `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` environment applies when `null`.
 * @param userAgentSuffix extra product token after `amperity-kotlin/<version>` in `User-Agent`.
 */
class StreamClient @JvmOverloads constructor(
    tenant: String,
    token: String,
    baseUrl: String? = null,
    connectTimeout: Duration? = null,
    requestTimeout: Duration? = null,
    maxAttempts: Int? = null,
    rateLimitPerSecond: Double? = DEFAULT_STREAM_RATE_LIMIT_PER_SECOND,
    extraRootCertificatesPem: List<String> = emptyList(),
    caFile: String? = null,
    platformVerifier: Boolean = false,
    proxy: String? = null,
    userAgentSuffix: String? = null,
) : AutoCloseable {
    private val inner: FfiStreamClient = ffi {
        NativeLogging.sync()
        FfiStreamClient(
            StreamConfig(
                tenant = tenant,
                token = token,
                baseUrl = baseUrl,
                connectTimeoutMs = connectTimeout?.let { millis(it, "connectTimeout") },
                requestTimeoutMs = requestTimeout?.let { millis(it, "requestTimeout") },
                maxAttempts = maxAttempts,
                rateLimitPerSecond = rateLimitPerSecond,
                extraRootCertsPem = extraRootCertificatesPem,
                caFile = caFile,
                platformVerifier = platformVerifier,
                proxy = proxy,
                userAgentSuffix = listOfNotNull(Amperity.USER_AGENT_PRODUCT, userAgentSuffix).joinToString(" "),
            ),
        )
    }

    @Volatile
    private var closed = false

    /** The native client; throws [IllegalStateException] once this client is closed. */
    private val native: FfiStreamClient
        get() {
            check(!closed) { "this Amperity stream client is closed" }
            return inner
        }

    /** The tenant id this client sends in `X-Amperity-Tenant`. */
    val tenant: String = tenant

    /** The base URL, e.g. `https://acme.amperity.com` (requests go to `{baseUrl}/stream/v0/data/{id}`). */
    val baseUrl: String = inner.baseUrl()

    /**
     * Sends one JSON object and waits for the service's 202 (retried on 429 and 5xx).
     *
     * Refused locally with [InvalidArgumentException], without a request, when [event] is over
     * 1 MB (1 000 000 bytes), empty, invalid JSON or not exactly one JSON object (NDJSON, an
     * array, a scalar), or [streamId] is empty. Interrupting the thread cancels the call
     * ([InterruptedException]).
     *
     * @param streamId the stream's id, e.g. `is-AbCDefGH`.
     * @param event the event as JSON text.
     */
    fun sendJson(streamId: String, event: String): Unit = call { client, token ->
        if (token == null) client.sendJson(streamId, event) else client.sendJsonWithToken(streamId, event, token)
    }

    /**
     * Sends one XML document and waits for the 202, as [sendJson] does. The XML is not checked
     * locally (the service accepts it unparsed); over 1 MB or empty is refused.
     *
     * @param streamId the stream's id.
     * @param event the XML document.
     */
    fun sendXml(streamId: String, event: String): Unit = call { client, token ->
        if (token == null) client.sendXml(streamId, event) else client.sendXmlWithToken(streamId, event, token)
    }

    /**
     * A sender for volume to [streamId]: a bounded queue drained by worker threads that share
     * this client's rate limiter and retry with backoff (see [EventSender]). The sender keeps
     * working after this client is closed; close the sender itself.
     *
     * @param streamId the stream's id.
     * @param format the payload type of every event ([PayloadFormat.JSON] by default).
     * @param queueCapacity events queued before [EventSender.send] waits (1000 when `null`).
     * @param workers worker threads, 1 to 256 (8 when `null`).
     * @param rateLimitPerSecond an extra cap for this sender in requests per second (the
     *   client's shared limit applies too).
     * @param maxRetries retries of an event after its first attempt, at most 99 (4 when `null`).
     * @throws InvalidArgumentException for an empty stream id or options out of range.
     */
    @JvmOverloads
    fun sender(
        streamId: String,
        format: PayloadFormat = PayloadFormat.JSON,
        queueCapacity: Int? = null,
        workers: Int? = null,
        rateLimitPerSecond: Double? = null,
        maxRetries: Int? = null,
    ): EventSender {
        val options = SenderOptions(
            format = format,
            queueCapacity = queueCapacity,
            workers = workers,
            rateLimitPerSecond = rateLimitPerSecond,
            maxRetries = maxRetries,
        )
        return EventSender(ffi { native.sender(streamId, options) }, streamId, format)
    }

    /**
     * Cancels every request in progress on this client and its senders, from any thread: single
     * sends throw [CancelledException] promptly, a sender reports its in-flight events as failed.
     * Requests started afterwards run normally.
     */
    fun cancel() {
        native.cancel()
    }

    /**
     * Releases the native client. Calls made afterwards throw [IllegalStateException]; calls
     * running on other threads finish first, and senders made by this client go on working.
     * Idempotent.
     */
    override fun close() {
        if (!closed) {
            closed = true
            inner.close()
        }
    }

    /** The tenant and base URL (never the token). */
    override fun toString(): String = "StreamClient(tenant=$tenant, baseUrl=$baseUrl)"

    /**
     * Runs a send of the native client, with the cancel token of the async call running on this
     * thread (an [AsyncStreamCalls] call), if any: interrupting the thread then cancels that token
     * only, else every call of the client.
     */
    private inline fun <T> call(block: (FfiStreamClient, FfiCancelToken?) -> T): T {
        val client = native
        val token = CallToken.token()
        return interruptible(token?.let { it::cancel } ?: client::cancel) { ffi { block(client, token) } }
    }
}

/**
 * Delivers events to one stream from a bounded queue with worker threads; thread-safe (share
 * it between producer threads) and [AutoCloseable]. Made by [StreamClient.sender].
 *
 * [send] checks the event at once (a refused event throws and is not queued), then queues it,
 * waiting while the queue is full, so producers cannot outrun the service by more than the
 * queue; [trySend] throws [QueueFullException] instead of waiting. [flush] waits until
 * everything sent before it is delivered or failed. [closeAndReport] (or [close], e.g. through
 * `use { }`) stops taking events, delivers everything still queued and stops the workers.
 *
 * Reports are incremental: [flush] and [closeAndReport] each return what finished since the
 * previous report, so every event is in exactly one report, as accepted or failed:
 *
 * ```kotlin
 * val sender = streams.sender("is-AbCDefGH", workers = 8)
 * sender.use { for (event in events) it.send(event) }
 * val report = sender.closeReport!!      // what close() delivered
 * for (failure in report.failed) retryLater(failure.payload, failure.error)
 * ```
 *
 * The blocking calls ([send], [flush], [closeAndReport]) are not cancelled by interrupting the
 * thread: [StreamClient.cancel] ends the requests in flight instead.
 */
class EventSender internal constructor(
    private val inner: FfiEventSender,
    /** The stream this sender delivers to. */
    val streamId: String,
    /** The payload type of this sender's events. */
    val format: PayloadFormat,
) : AutoCloseable {
    private val lock = Any()
    private var closedWith: DeliveryReport? = null

    /**
     * Checks [event] and queues it, waiting while the queue is full; returns its sequence number
     * (0 for the sender's first event, then 1, 2, …), which a [FailedDelivery] names.
     *
     * @throws InvalidArgumentException the event would be refused (over 1 MB, empty, or for
     *   JSON not exactly one object); nothing was queued.
     * @throws SenderClosedException the sender was closed.
     */
    fun send(event: String): Long = ffi { inner.send(event) }

    /**
     * Like [send], but throws [QueueFullException] instead of waiting when the queue is full.
     *
     * @throws QueueFullException the queue is full (nothing was queued).
     * @throws InvalidArgumentException the event would be refused.
     * @throws SenderClosedException the sender was closed.
     */
    fun trySend(event: String): Long = ffi { inner.trySend(event) }

    /**
     * Waits until every event sent before this call is delivered or failed, and reports what
     * finished since the previous report (events other threads sent meanwhile may be in it too).
     */
    fun flush(): DeliveryReport = DeliveryReport(inner.flush())

    /**
     * Stops taking events ([send] throws [SenderClosedException] from then on), delivers
     * everything still queued, stops the workers and reports what finished since the previous
     * report. Calling it again reports nothing new (an empty report).
     */
    fun closeAndReport(): DeliveryReport {
        val report = DeliveryReport(inner.closeAndReport())
        synchronized(lock) { closedWith = closedWith?.plus(report) ?: report }
        return report
    }

    /**
     * [closeAndReport] for `use { }` and try-with-resources: waits until everything queued is
     * delivered or failed; the report is then [closeReport]. Idempotent.
     */
    override fun close() {
        closeAndReport()
    }

    /**
     * What closing delivered: the reports of every [close]/[closeAndReport] call so far, merged
     * (only the first has events, unless threads closed at once); `null` until the sender is
     * closed.
     */
    val closeReport: DeliveryReport?
        get() = synchronized(lock) { closedWith }

    /** Events queued or being delivered now. */
    val pending: Long get() = inner.pending()

    /** The stream, format and pending count. */
    override fun toString(): String = "EventSender(streamId=$streamId, format=$format, pending=$pending)"
}

/**
 * What an [EventSender] delivered since its previous report ([EventSender.flush] or
 * [EventSender.closeAndReport]): every event is in exactly one report, as accepted or failed.
 */
class DeliveryReport internal constructor(
    /** Events the service accepted (202). */
    val accepted: Long,
    /** Events that failed for good (a refusal such as 400 or 413, or the retries ran out), in the order they failed. */
    val failed: List<FailedDelivery>,
    /** Retry attempts made over all events of the report, failed ones included. */
    val retried: Long,
) {
    internal constructor(native: FfiDeliveryReport) : this(
        native.accepted,
        native.failed.map { FailedDelivery(it.sequence, it.error.toPublic(), it.payload) },
        native.retried,
    )

    /** Events the report covers: [accepted] plus the [failed] ones. */
    val total: Long get() = accepted + failed.size

    internal operator fun plus(other: DeliveryReport) =
        DeliveryReport(accepted + other.accepted, failed + other.failed, retried + other.retried)

    /** Counts only (the failed events' payloads hold customer data). */
    override fun toString(): String = "DeliveryReport(accepted=$accepted, failed=${failed.size}, retried=$retried)"
}

/** An event that could not be delivered, with its last error and its payload. */
class FailedDelivery internal constructor(
    /** Its sequence number, as [EventSender.send] returned it. */
    val sequence: Long,
    /** The last error (an [ApiStatusException]'s or [TransportException]'s `attempts` say how many were made). */
    val error: AmperityException,
    /** The event, to send again or keep elsewhere. */
    val payload: String,
) {
    /** The sequence, the error and the payload's size in bytes, not the payload (customer data). */
    override fun toString(): String =
        "FailedDelivery(sequence=$sequence, error=$error, payload=<${payload.toByteArray(Charsets.UTF_8).size} bytes>)"
}

/** The core's default stream rate limit (1000 requests/s), as the generated config record carries it. */
internal val DEFAULT_STREAM_RATE_LIMIT_PER_SECOND: Double? = StreamConfig(tenant = "", token = "").rateLimitPerSecond
