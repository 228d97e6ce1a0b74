import AmperityBindings
import Foundation

/// The payload type of a stream (each stream takes one): `.json` (exactly one JSON object per
/// event; NDJSON is not accepted) or `.xml`.
public typealias PayloadFormat = AmperityBindings.PayloadFormat

/// Settings of a ``StreamClient`` besides the tenant and the token. `nil` takes the core's
/// default.
public struct StreamOptions: Sendable, Equatable {
    /// Base URL, `https://{tenant}.amperity.com` when `nil` (`http://` only to loopback hosts).
    public var baseURL: String?
    /// Time allowed to open a connection, in seconds (10 s).
    public var connectTimeout: TimeInterval?
    /// Time allowed for one attempt of a request, in seconds (60 s).
    public var requestTimeout: TimeInterval?
    /// Attempts of a single `sendJSON` or `sendXML`, the
    /// first included (3; 1 disables retries). Senders set their own (``SenderOptions/maxRetries``).
    public var maxAttempts: Int?
    /// Client-side rate limit shared by every sender, task and thread of the client (standard:
    /// 1000 requests per second, the documented limit).
    public var rateLimit: RateLimit
    /// Proxy URL (`http://user:pass@host:port`, `socks5://…`); the `HTTPS_PROXY`/`ALL_PROXY`/
    /// `NO_PROXY` environment applies when `nil`.
    public var proxy: String?
    /// Extra trusted root certificates (PEM) on top of the bundled Mozilla roots.
    public var extraRootCertificates: [String]
    /// A PEM file of extra trusted root certificates, read when the client is created.
    public var caFile: String?
    /// Verify servers with the operating system's trust store instead of the bundled roots.
    public var platformVerifier: Bool
    /// Extra product token after `amperity-swift/<version>` in the `User-Agent`.
    public var userAgentSuffix: String?

    /// Stream client settings; every `nil` takes the core's default.
    public init(
        baseURL: String? = nil, connectTimeout: TimeInterval? = nil, requestTimeout: TimeInterval? = nil,
        maxAttempts: Int? = nil, rateLimit: RateLimit = .standard, proxy: String? = nil,
        extraRootCertificates: [String] = [], caFile: String? = nil, platformVerifier: Bool = false,
        userAgentSuffix: String? = nil
    ) {
        self.baseURL = baseURL
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.rateLimit = rateLimit
        self.proxy = proxy
        self.extraRootCertificates = extraRootCertificates
        self.caFile = caFile
        self.platformVerifier = platformVerifier
        self.userAgentSuffix = userAgentSuffix
    }
}

/// Settings of an ``EventSender``. `nil` takes the core's default.
public struct SenderOptions: Sendable, Equatable {
    /// The payload type of every event (JSON by default).
    public var format: PayloadFormat
    /// Events queued before ``EventSender/send(_:)`` waits and ``EventSender/trySend(_:)``
    /// throws ``AmperityError/queueFull(_:)`` (1000).
    public var queueCapacity: Int?
    /// Worker threads delivering events, 1 to 256 (8).
    public var workers: Int?
    /// An extra cap for this sender in requests per second (the client's shared limit applies
    /// too); `nil` for none.
    public var rateLimit: Double?
    /// Retries of an event after its first attempt, at most 99 (4).
    public var maxRetries: Int?

    /// Sender settings; every `nil` takes the core's default.
    public init(
        format: PayloadFormat = .json, queueCapacity: Int? = nil, workers: Int? = nil,
        rateLimit: Double? = nil, maxRetries: Int? = nil
    ) {
        self.format = format
        self.queueCapacity = queueCapacity
        self.workers = workers
        self.rateLimit = rateLimit
        self.maxRetries = maxRetries
    }
}

/// A client of the Streaming Ingest API: `POST /stream/v0/data/{streamId}` on the tenant's host,
/// with the Streaming Ingest token (of a Streaming Ingest Write Access key, not the API token).
/// Thread-safe and `Sendable`; nothing is sent until the first call.
///
/// ```swift
/// let streams = try StreamClient(tenant: "acme", token: streamToken)
/// try await streams.sendJSON(streamId: "is-AbCDefGH", event: #"{"order_id": "o-1"}"#)
///
/// let sender = try streams.sender(streamId: "is-AbCDefGH")
/// for order in orders { try await sender.send(order.json) }
/// let report = await sender.close()  // everything queued is delivered first
/// ```
///
/// Each request carries `X-Amperity-Tenant` (no `api-version`); a 202 is success. Failures are
/// retried with capped exponential backoff and full jitter (429, 5xx and network failures), never
/// 400, 401 or 413. Delivery is at least once: the API has no idempotency key, so a retry after a
/// timeout may deliver an event twice. Every request of the client, its senders' included, shares
/// one rate limiter. Invalid settings throw ``AmperityError/configuration(_:)``.
///
/// Every send has an `async throws` form, which runs the blocking core on a dispatch queue this
/// client owns, and a synchronous `throws` form that blocks the calling thread.
public final class StreamClient: Sendable {
    private let native: AmperityBindings.StreamClient
    private let label: String

    /// The tenant id this client sends in `X-Amperity-Tenant`.
    public let tenant: String

    /// Creates a client (no request is sent); throws ``AmperityError/configuration(_:)`` for a
    /// refused setting.
    public init(tenant: String, token: String, options: StreamOptions = StreamOptions()) throws {
        let rateLimit: Double?
        switch options.rateLimit {
        case .standard: rateLimit = StreamConfig(tenant: tenant, token: "").rateLimitPerSecond
        case .perSecond(let perSecond): rateLimit = perSecond
        case .off: rateLimit = nil
        }
        let config = StreamConfig(
            tenant: tenant,
            token: token,
            baseUrl: options.baseURL,
            connectTimeoutMs: options.connectTimeout.map(milliseconds),
            requestTimeoutMs: options.requestTimeout.map(milliseconds),
            maxAttempts: options.maxAttempts.map { Int32(clamping: $0) },
            rateLimitPerSecond: rateLimit,
            extraRootCertsPem: options.extraRootCertificates,
            caFile: options.caFile,
            platformVerifier: options.platformVerifier,
            proxy: options.proxy,
            userAgentSuffix: [AmperitySDK.userAgentProduct, options.userAgentSuffix].compactMap { $0 }
                .joined(separator: " "))
        native = try mapErrors { try AmperityBindings.StreamClient(config: config) }
        self.tenant = tenant
        label = "com.amperity.sdk.stream.\(tenant)"
    }

    /// The base URL, e.g. `https://acme.amperity.com` (requests go to
    /// `{baseURL}/stream/v0/data/{streamId}`).
    public var baseURL: String { native.baseUrl() }

    /// Sends one JSON object and waits for the service's 202, blocking the calling thread
    /// (retried on 429 and 5xx).
    ///
    /// Refused locally with ``AmperityError/invalidArgument(_:)``, without a request, when
    /// `event` is over 1 MB (1 000 000 bytes), empty, invalid JSON or not exactly one JSON object
    /// (NDJSON, an array, a scalar), or `streamId` is empty.
    public func sendJSON(streamId: String, event: String) throws {
        try mapErrors { try native.sendJson(streamId: streamId, event: event) }
    }

    /// Sends one JSON object (see the blocking form) on the client's queue. Cancelling the task
    /// cancels the client's requests in progress (its senders' too) and throws
    /// `CancellationError`.
    public func sendJSON(streamId: String, event: String) async throws {
        let native = self.native
        try await runCancellable(label: label, cancel: { native.cancel() }) {
            try native.sendJson(streamId: streamId, event: event)
        }
    }

    /// Sends one XML document and waits for the 202, blocking the calling thread. The XML is not
    /// checked locally (the service accepts it unparsed); over 1 MB or empty is refused.
    public func sendXML(streamId: String, event: String) throws {
        try mapErrors { try native.sendXml(streamId: streamId, event: event) }
    }

    /// Sends one XML document (see the blocking form) on the client's queue; cancellable like
    /// the `async` `sendJSON`.
    public func sendXML(streamId: String, event: String) async throws {
        let native = self.native
        try await runCancellable(label: label, cancel: { native.cancel() }) {
            try native.sendXml(streamId: streamId, event: event)
        }
    }

    /// A sender for volume to `streamId`: a bounded queue drained by worker threads that share
    /// this client's rate limiter and retry with backoff (see ``EventSender``). It keeps working
    /// when this client is released.
    ///
    /// Throws ``AmperityError/invalidArgument(_:)`` for an empty stream id or options out of
    /// range.
    public func sender(streamId: String, options: SenderOptions = SenderOptions()) throws -> EventSender {
        let settings = AmperityBindings.SenderOptions(
            format: options.format,
            queueCapacity: options.queueCapacity.map { Int32(clamping: $0) },
            workers: options.workers.map { Int32(clamping: $0) },
            rateLimitPerSecond: options.rateLimit,
            maxRetries: options.maxRetries.map { Int32(clamping: $0) })
        let sender = try mapErrors { try native.sender(streamId: streamId, options: settings) }
        return EventSender(sender, streamId: streamId, format: options.format, label: "\(label).\(streamId)")
    }

    /// Cancels every request in progress on this client and its senders, from any thread: single
    /// sends throw ``AmperityError/cancelled(_:)`` promptly, a sender reports its in-flight
    /// events as failed. Requests started afterwards run normally.
    public func cancel() { native.cancel() }
}

/// Delivers events to one stream from a bounded queue with worker threads; thread-safe and
/// `Sendable` (share it between tasks and threads). Made by ``StreamClient/sender(streamId:options:)``.
///
/// ``send(_:)`` checks the event at once (a refused event throws and is not queued), then
/// queues it, waiting while the queue is full, so producers cannot outrun the service by more
/// than the queue; ``trySend(_:)`` throws ``AmperityError/queueFull(_:)`` instead of waiting.
/// ``flush()`` waits until everything sent before it is delivered or failed; ``close()``
/// stops taking events, delivers everything still queued and stops the workers.
///
/// Reports are incremental: `flush` and `close` each return what finished since the previous
/// report, so every event is in exactly one report, as accepted or failed. Releasing the last
/// reference to a sender that was not closed closes it (delivering what is queued on the
/// releasing thread); call `close` to get the report.
///
/// The `async` forms run on a queue of the sender; they are not cancelled with their task once
/// started (``StreamClient/cancel()`` ends the requests in flight instead).
public final class EventSender: Sendable {
    private let native: AmperityBindings.EventSender
    private let label: String

    /// The stream this sender delivers to.
    public let streamId: String
    /// The payload type of this sender's events.
    public let format: PayloadFormat

    init(_ native: AmperityBindings.EventSender, streamId: String, format: PayloadFormat, label: String) {
        self.native = native
        self.streamId = streamId
        self.format = format
        self.label = label
    }

    /// Checks `event` and queues it, blocking the calling thread while the queue is full;
    /// returns its sequence number (0 for the sender's first event, then 1, 2, …), which a
    /// ``FailedDelivery`` names.
    ///
    /// Throws ``AmperityError/invalidArgument(_:)`` when the event would be refused (over 1 MB,
    /// empty, or for JSON not exactly one object; nothing is queued) and
    /// ``AmperityError/senderClosed(_:)`` once the sender is closed.
    @discardableResult
    public func send(_ event: String) throws -> Int64 {
        try mapErrors { try native.send(event: event) }
    }

    /// Queues `event` (see the blocking form), waiting on the sender's queue while the queue is
    /// full. Throws `CancellationError` (queueing nothing) when the task is already cancelled.
    @discardableResult
    public func send(_ event: String) async throws -> Int64 {
        try Task.checkCancellation()
        let native = self.native
        return try await runOnQueue(label: label) { try native.send(event: event) }
    }

    /// Like `send`, but throws ``AmperityError/queueFull(_:)`` instead of waiting when the queue
    /// is full (it never blocks).
    @discardableResult
    public func trySend(_ event: String) throws -> Int64 {
        try mapErrors { try native.trySend(event: event) }
    }

    /// Waits until every event sent before this call is delivered or failed, blocking the
    /// calling thread, and reports what finished since the previous report (events other threads
    /// sent meanwhile may be in it too).
    @discardableResult
    public func flush() -> DeliveryReport {
        DeliveryReport(native.flush())
    }

    /// Waits until every event sent before this call is delivered or failed, on the sender's
    /// queue (see the blocking form).
    @discardableResult
    public func flush() async -> DeliveryReport {
        let native = self.native
        return DeliveryReport(await runBlocking(label: label) { native.flush() })
    }

    /// Stops taking events (``AmperityError/senderClosed(_:)`` from then on), delivers everything
    /// still queued, stops the workers and reports what finished since the previous report,
    /// blocking the calling thread. Calling it again reports nothing new (an empty report).
    @discardableResult
    public func close() -> DeliveryReport {
        DeliveryReport(native.close())
    }

    /// Closes the sender (see the blocking form) on the sender's queue.
    @discardableResult
    public func close() async -> DeliveryReport {
        let native = self.native
        return DeliveryReport(await runBlocking(label: label) { native.close() })
    }

    /// Events queued or being delivered now.
    public var pending: Int { Int(native.pending()) }
}

/// What an ``EventSender`` delivered since its previous report (`flush` or `close`): every event
/// is in exactly one report, as accepted or failed. Its description shows counts only (the
/// failed events' payloads hold customer data).
public struct DeliveryReport: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Events the service accepted (202).
    public let accepted: Int
    /// Events that failed for good (a refusal such as 400 or 413, or the retries ran out), in
    /// the order they failed.
    public let failed: [FailedDelivery]
    /// Retry attempts made over all events of the report, failed ones included.
    public let retried: Int

    init(_ report: AmperityBindings.DeliveryReport) {
        accepted = Int(report.accepted)
        failed = report.failed.map(FailedDelivery.init)
        retried = Int(report.retried)
    }

    /// Events the report covers: ``accepted`` plus the ``failed`` ones.
    public var total: Int { accepted + failed.count }

    /// `DeliveryReport(accepted: 10, failed: 0, retried: 1)`.
    public var description: String {
        "DeliveryReport(accepted: \(accepted), failed: \(failed.count), retried: \(retried))"
    }

    /// The counts and the failures (whose payloads show as sizes).
    public var customMirror: Mirror {
        Mirror(self, children: ["accepted": accepted, "failed": failed, "retried": retried])
    }
}

/// An event that could not be delivered, with its last error and its payload. Its description
/// and mirror show the payload's size, not the payload (customer data).
public struct FailedDelivery: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Its sequence number, as ``EventSender/send(_:)`` returned it.
    public let sequence: Int64
    /// The last error (``AmperityError/Failure/attempts`` says how many attempts were made).
    public let error: AmperityError
    /// The event, to send again or keep elsewhere.
    public let payload: String

    init(_ failed: AmperityBindings.FailedDelivery) {
        sequence = failed.sequence
        error = AmperityError(failed.error)
        payload = failed.payload
    }

    /// `FailedDelivery(sequence: 3, error: …, payload: <42 bytes>)`.
    public var description: String {
        "FailedDelivery(sequence: \(sequence), error: \(error.message), payload: <\(payload.utf8.count) bytes>)"
    }

    /// The sequence, the error and the payload's size in bytes.
    public var customMirror: Mirror {
        Mirror(self, children: ["sequence": sequence, "error": error, "payloadBytes": payload.utf8.count])
    }
}
