package com.amperity.sdk

import com.amperity.sdk.ffi.ApiErrorKind
import com.amperity.sdk.ffi.InternalException
import com.amperity.sdk.ffi.Spelling
import com.amperity.sdk.ffi.errorMessageSpelled
import com.amperity.sdk.ffi.TransportKind
import java.time.Duration
import com.amperity.sdk.ffi.AmperityException as FfiException

/**
 * Base of every error the SDK throws. Unchecked, so Java callers catch it where they want to.
 *
 * The hierarchy mirrors the Python package:
 * - [ApiStatusException] and its subclasses by status: the server answered with an error status;
 * - [TransportException] (and [AmperityTimeoutException]): no complete HTTP answer;
 * - [DecodeException]: a 2xx answer whose body could not be decoded;
 * - [ConfigurationException]: an invalid client setting or call argument;
 * - [RepeatedCursorException]: the server repeated a pagination cursor;
 * - [WaitTimeoutException]: a workflow run did not finish in time.
 */
open class AmperityException : RuntimeException {
    /** An error with this description. */
    constructor(message: String) : super(message)

    /** An error with this description and underlying cause. */
    constructor(message: String, cause: Throwable?) : super(message, cause)
}

/**
 * Amperity (or a proxy in front of it) answered with an error status. Thrown as such for statuses
 * without a dedicated subclass; 400, 401, 403, 404, 409, 429 and 5xx have their own.
 *
 * [message] is the full description (operation, status, server message and ids); [detail] is
 * the server's own message.
 */
open class ApiStatusException(
    /** HTTP status code. */
    val status: Int,
    /** The server's message (or a snippet of a non-JSON body). */
    val detail: String,
    /** `request_id` from the error body, when present: quote it to Amperity support. */
    val requestId: String?,
    /** `trace_id` from the error body, when present. */
    val traceId: String?,
    /** The operation that failed, e.g. `list-segment`. */
    val operation: String,
    /** The wait the server asked for in `Retry-After`, when it sent one. */
    val retryAfter: Duration?,
    message: String,
) : AmperityException(message) {
    /** How many attempts the call made (retries included) before giving up. */
    var attempts: Int = 1
        internal set
}

/** 400: a missing or invalid parameter, or an unsupported api-version. */
class BadRequestException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 401: missing, invalid or expired credentials. */
class AuthenticationException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 403: authenticated, but not allowed. */
class PermissionDeniedException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 404: no such resource. */
class NotFoundException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 409: the request conflicts with the current state (e.g. stopping a run that has ended). */
class ConflictException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 429: rate limited, after the client's own retries. [retryAfter] tells how long to wait. */
class RateLimitException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/** 5xx: the server (or a gateway) failed, after the client's own retries. */
class ServerException internal constructor(
    status: Int, detail: String, requestId: String?, traceId: String?, operation: String,
    retryAfter: Duration?, message: String,
) : ApiStatusException(status, detail, requestId, traceId, operation, retryAfter, message)

/**
 * The request never got a complete HTTP answer: DNS, connect, TLS, reset, proxy (after retries).
 */
open class TransportException internal constructor(
    /** Which kind of network failure. */
    val kind: TransportKind,
    /** The operation that was running. */
    val operation: String,
    /** The underlying error, without secrets. */
    val detail: String,
    message: String,
) : AmperityException(message) {
    /** How many attempts the call made (retries included) before giving up. */
    var attempts: Int = 1
        internal set
}

/** A connect or request timeout expired (after any retries). */
class AmperityTimeoutException internal constructor(operation: String, detail: String, message: String) :
    TransportException(TransportKind.TIMEOUT, operation, detail, message)

/** A successful response whose body could not be decoded (invalid, truncated or too large). */
class DecodeException internal constructor(
    /** The operation whose response was bad. */
    val operation: String,
    /** What the decoder said. */
    val detail: String,
    message: String,
) : AmperityException(message)

/** A client setting was refused before anything was sent. */
class ConfigurationException internal constructor(
    /** What is wrong and how to fix it. */
    val detail: String,
    message: String,
) : AmperityException(message)

/** An argument of a call was refused before anything was sent (an empty id, `limit = 0`, ...). */
class InvalidArgumentException internal constructor(
    /** What is wrong and how to fix it. */
    val detail: String,
    message: String,
) : AmperityException(message)

/** The server returned a pagination cursor it had already returned in the same walk. */
class RepeatedCursorException internal constructor(
    /** The operation being paginated. */
    val operation: String,
    /** The cursor that came back twice. */
    val cursor: String,
    message: String,
) : AmperityException(message)

/** A workflow run did not reach a terminal state within the wait timeout. */
class WaitTimeoutException internal constructor(
    /** The run waited for. */
    val workflowId: String,
    /** Its state at the last poll, in wire form (e.g. `running`). */
    val lastState: String,
    /** How long the helper waited. */
    val waited: Duration,
    /** The run as of the last poll. */
    val lastWorkflow: Workflow,
    message: String,
) : AmperityException(message)

/**
 * A waited-for run ended failed, canceled or stopped (`wait(..., failOnUnsuccessful = true)`);
 * the message has the run's error type, message and attribution.
 */
class RunFailedException internal constructor(
    /** The run as it ended (verbose view), with its `error` when Amperity gave one. */
    val workflow: Workflow,
    message: String,
) : AmperityException(message)

/**
 * The call was cancelled by [Client.cancel] (an interrupted thread gets [InterruptedException]
 * instead).
 */
class CancelledException internal constructor(
    /** The operation that was running. */
    val operation: String,
    message: String,
) : AmperityException(message)

/** An event sender's queue is full ([EventSender.trySend] only; `send` waits instead). */
class QueueFullException internal constructor(
    /** The queue's capacity. */
    val capacity: Long,
    message: String,
) : AmperityException(message)

/** The event sender was closed; it takes no more events. */
class SenderClosedException internal constructor(message: String) : AmperityException(message)

/**
 * Turns an error of the generated bindings into the public hierarchy: the class from the core's
 * kind of failure (one table), the message the core's own text with the names of settings and
 * arguments in Kotlin's spelling (`clientId`, not `client_id`; the core's `errorMessageSpelled`).
 */
internal fun FfiException.toPublic(): AmperityException {
    val text = errorMessageSpelled(this, Spelling.CAMEL)
    return when (this) {
        is FfiException.Api -> {
            val retry = retryAfterMs?.let { Duration.ofMillis(it) }
            when (kind) {
                ApiErrorKind.BAD_REQUEST -> BadRequestException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.UNAUTHORIZED -> AuthenticationException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.FORBIDDEN -> PermissionDeniedException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.NOT_FOUND -> NotFoundException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.CONFLICT -> ConflictException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.RATE_LIMITED -> RateLimitException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.SERVER_ERROR -> ServerException(status, detail, requestId, traceId, operation, retry, text)
                ApiErrorKind.OTHER -> ApiStatusException(status, detail, requestId, traceId, operation, retry, text)
            }.also { it.attempts = attempts }
        }
        is FfiException.Transport -> TransportException(kind, operation, detail, text).also { it.attempts = attempts }
        is FfiException.Timeout -> AmperityTimeoutException(operation, detail, text).also { it.attempts = attempts }
        is FfiException.Decode -> DecodeException(operation, detail, text)
        is FfiException.Config -> ConfigurationException(detail, text)
        is FfiException.InvalidArgument -> InvalidArgumentException(detail, text)
        is FfiException.RepeatedCursor -> RepeatedCursorException(operation, cursor, text)
        is FfiException.WaitTimeout ->
            WaitTimeoutException(workflowId, lastState, Duration.ofMillis(waitedMs), lastWorkflow, text)
        is FfiException.RunFailed -> RunFailedException(workflow, text)
        is FfiException.Cancelled -> CancelledException(operation, text)
        is FfiException.QueueFull -> QueueFullException(capacity, text)
        is FfiException.SenderClosed -> SenderClosedException(text)
        is FfiException.Other -> AmperityException(text)
    }.also { it.initCause(this) }
}

/** Runs a call into the generated bindings, rethrowing its errors as the public hierarchy. */
internal inline fun <T> ffi(block: () -> T): T =
    try {
        block()
    } catch (e: FfiException) {
        throw e.toPublic()
    } catch (e: InternalException) {
        throw AmperityException("internal error in the native library: ${e.message}", e)
    }

/** An [InvalidArgumentException] for an argument refused on the Kotlin side. */
internal fun invalidArgument(detail: String): InvalidArgumentException =
    InvalidArgumentException(detail, "invalid argument: $detail")
