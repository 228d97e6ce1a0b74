import AmperityBindings
import Foundation

/// Everything that can go wrong when talking to Amperity: one case per kind of failure, each
/// with the same ``Failure`` details.
///
/// ```swift
/// do {
///     _ = try await client.workflowRuns.get("wf-nope")
/// } catch AmperityError.notFound(let failure) {
///     print(failure.status ?? 0, failure.requestId ?? "-")
/// } catch let error as AmperityError where error.isRetryable {
///     print("try again later: \(error.localizedDescription)")
/// }
/// ```
///
/// The message is the native core's text, word for word the same as in Rust, C, Python and
/// Kotlin. It never contains a token, client secret or URL password.
public enum AmperityError: Error, LocalizedError, CustomStringConvertible, Sendable, Equatable {
    /// HTTP 400: a missing or invalid parameter, or an unsupported api-version.
    case badRequest(Failure)
    /// HTTP 401: missing, invalid or expired credentials.
    case unauthorized(Failure)
    /// HTTP 403: authenticated, but not allowed.
    case forbidden(Failure)
    /// HTTP 404: no such resource.
    case notFound(Failure)
    /// HTTP 409: conflicts with the current state (e.g. stopping a finished run).
    case conflict(Failure)
    /// HTTP 429: rate limited, after the retries the policy allows; see ``Failure/retryAfter``.
    case rateLimited(Failure)
    /// HTTP 5xx: the server failed, after the retries the policy allows.
    case serverError(Failure)
    /// Any other error status.
    case httpStatus(Failure)
    /// No complete HTTP answer: DNS, connect, TLS, reset or proxy (see ``Failure/transportKind``).
    case transport(Failure)
    /// A connect or request timeout expired (after any retries).
    case timeout(Failure)
    /// A successful response whose body could not be decoded (invalid, truncated or too large).
    case decode(Failure)
    /// The client configuration was refused.
    case configuration(Failure)
    /// An argument of a call was refused before anything was sent.
    case invalidArgument(Failure)
    /// The server returned a pagination cursor it had already returned in the same walk.
    case repeatedCursor(Failure)
    /// A workflow run did not finish within the wait timeout (see ``Failure/lastState``).
    case waitTimeout(Failure)
    /// A waited-for run ended failed, canceled or stopped (`wait(..., failOnUnsuccessful: true)`);
    /// ``Failure/workflow`` is the run, with its `error`.
    case runFailed(Failure)
    /// The call was cancelled by ``Client/cancel()`` (a cancelled `Task` gets `CancellationError`).
    case cancelled(Failure)
    /// An event sender's queue is full (`trySend` only; `send` waits instead); ``Failure/detail``
    /// says its capacity.
    case queueFull(Failure)
    /// The event sender was closed; it takes no more events.
    case senderClosed(Failure)
    /// A failure this version of the SDK does not classify.
    case other(Failure)

    /// What is known about a failure; fields that do not apply to its kind are `nil`.
    public struct Failure: Sendable, Equatable {
        /// The full message, e.g. `get-workflow failed with HTTP 404 (not_found): … [request_id …]`.
        public let message: String
        /// The server's message, or the underlying error, without the operation and ids.
        public let detail: String
        /// The operation that failed, e.g. `list-segment`.
        public let operation: String?
        /// HTTP status of an API error.
        public let status: Int?
        /// `request_id` of an API error's body, when present.
        public let requestId: String?
        /// `trace_id` of an API error's body, when present.
        public let traceId: String?
        /// The wait the server asked for in `Retry-After`, in seconds.
        public let retryAfter: TimeInterval?
        /// Which network failure a transport error is.
        public let transportKind: TransportKind?
        /// The cursor that came back twice (``AmperityError/repeatedCursor(_:)``).
        public let cursor: String?
        /// The run waited for (``AmperityError/waitTimeout(_:)``).
        public let workflowId: String?
        /// The run's state at the last poll (``AmperityError/waitTimeout(_:)``).
        public let lastState: String?
        /// How long the wait lasted, in seconds (``AmperityError/waitTimeout(_:)``).
        public let waited: TimeInterval?
        /// How many attempts the call made (retries included) before giving up, for API and
        /// network errors.
        public let attempts: Int?
        /// The run as of the last poll (``AmperityError/waitTimeout(_:)``) or as it ended
        /// (``AmperityError/runFailed(_:)``).
        public let workflow: Workflow?

        init(
            message: String, detail: String, operation: String? = nil, status: Int? = nil,
            requestId: String? = nil, traceId: String? = nil, retryAfter: TimeInterval? = nil,
            transportKind: TransportKind? = nil, cursor: String? = nil, workflowId: String? = nil,
            lastState: String? = nil, waited: TimeInterval? = nil, workflow: Workflow? = nil,
            attempts: Int? = nil
        ) {
            self.message = message
            self.detail = detail
            self.operation = operation
            self.status = status
            self.requestId = requestId
            self.traceId = traceId
            self.retryAfter = retryAfter
            self.transportKind = transportKind
            self.cursor = cursor
            self.workflowId = workflowId
            self.lastState = lastState
            self.waited = waited
            self.workflow = workflow
            self.attempts = attempts
        }
    }

    /// The details of this failure, whatever its kind.
    public var failure: Failure {
        switch self {
        case .badRequest(let f), .unauthorized(let f), .forbidden(let f), .notFound(let f),
            .conflict(let f), .rateLimited(let f), .serverError(let f), .httpStatus(let f),
            .transport(let f), .timeout(let f), .decode(let f), .configuration(let f),
            .invalidArgument(let f), .repeatedCursor(let f), .waitTimeout(let f), .runFailed(let f),
            .cancelled(let f), .queueFull(let f), .senderClosed(let f), .other(let f):
            return f
        }
    }

    /// The core's message (see ``Failure/message``).
    public var message: String { failure.message }
    /// HTTP status of an API error, `nil` for other kinds.
    public var status: Int? { failure.status }
    /// `request_id` of an API error, when the server sent one.
    public var requestId: String? { failure.requestId }
    /// `trace_id` of an API error, when the server sent one.
    public var traceId: String? { failure.traceId }
    /// The `Retry-After` wait the server asked for, in seconds.
    public var retryAfter: TimeInterval? { failure.retryAfter }
    /// The operation that failed, e.g. `get-workflow`.
    public var operation: String? { failure.operation }

    /// True for failures a later attempt may not meet again: 429, 5xx, transport and timeouts.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .transport, .timeout: return true
        default: return false
        }
    }

    /// The core's message.
    public var description: String { failure.message }
    /// The core's message (`localizedDescription`).
    public var errorDescription: String? { failure.message }
}

extension AmperityError {
    /// The one table from the core's error kinds to this enum's cases.
    init(_ error: AmperityBindings.AmperityError) {
        // `description` is the core's Display text; the generated enum does not declare
        // CustomStringConvertible, so `String(describing:)` would give a reflection dump.
        let message = error.description
        switch error {
        case let .Api(status, kind, detail, requestId, traceId, operation, retryAfterMs, attempts):
            let failure = Failure(
                message: message, detail: detail, operation: operation, status: Int(status),
                requestId: requestId, traceId: traceId, retryAfter: retryAfterMs.map(seconds),
                attempts: Int(attempts))
            switch kind {
            case .badRequest: self = .badRequest(failure)
            case .unauthorized: self = .unauthorized(failure)
            case .forbidden: self = .forbidden(failure)
            case .notFound: self = .notFound(failure)
            case .conflict: self = .conflict(failure)
            case .rateLimited: self = .rateLimited(failure)
            case .serverError: self = .serverError(failure)
            case .other: self = .httpStatus(failure)
            }
        case let .Transport(kind, operation, detail, attempts):
            self = .transport(
                Failure(
                    message: message, detail: detail, operation: operation, transportKind: kind,
                    attempts: Int(attempts)))
        case let .Timeout(operation, detail, attempts):
            self = .timeout(
                Failure(message: message, detail: detail, operation: operation, attempts: Int(attempts)))
        case let .Decode(operation, detail):
            self = .decode(Failure(message: message, detail: detail, operation: operation))
        case let .Config(detail):
            self = .configuration(Failure(message: message, detail: detail))
        case let .InvalidArgument(detail):
            self = .invalidArgument(Failure(message: message, detail: detail))
        case let .RepeatedCursor(operation, cursor):
            self = .repeatedCursor(
                Failure(message: message, detail: message, operation: operation, cursor: cursor))
        case let .WaitTimeout(workflowId, lastState, waitedMs, lastWorkflow):
            self = .waitTimeout(
                Failure(
                    message: message, detail: message, workflowId: workflowId,
                    lastState: lastState, waited: seconds(waitedMs), workflow: lastWorkflow))
        case let .RunFailed(workflow, detail):
            self = .runFailed(
                Failure(
                    message: message, detail: detail, workflowId: workflow.id,
                    lastState: runStateName(state: workflow.state), workflow: workflow))
        case let .Cancelled(operation):
            self = .cancelled(Failure(message: message, detail: message, operation: operation))
        case .QueueFull:
            self = .queueFull(Failure(message: message, detail: message))
        case .SenderClosed:
            self = .senderClosed(Failure(message: message, detail: message))
        case let .Other(detail):
            self = .other(Failure(message: message, detail: detail))
        }
    }

    /// Any error of a native call as an ``AmperityError``.
    static func from(_ error: any Error) -> any Error {
        switch error {
        case let error as AmperityBindings.AmperityError: return AmperityError(error)
        case let error as AmperityError: return error
        case is CancellationError: return error
        case let failure as CallbackFailure: return failure.error
        default:
            let text = String(describing: error)
            return AmperityError.other(Failure(message: text, detail: text))
        }
    }
}

/// Milliseconds as seconds.
func seconds(_ milliseconds: Int64) -> TimeInterval {
    TimeInterval(milliseconds) / 1000
}

/// An error thrown by a closure the caller gave (a wait's `onProgress`): passed on unchanged,
/// not mapped to an ``AmperityError``.
struct CallbackFailure: Error {
    let error: any Error
}
