import AmperityBindings
import Foundation

/// How often a client may send requests, shared by every task and thread that uses it.
public enum RateLimit: Sendable, Equatable {
    /// The core's default: Amperity's documented limit (10 requests per second for the control
    /// plane, 2000 for the Profile API, 1000 for Streaming Ingest).
    case standard
    /// At most this many requests per second.
    case perSecond(Double)
    /// No client-side limit.
    case off
}

/// Retries of failed requests: idempotent calls on 429, 5xx and connection failures, with
/// capped exponential backoff, full jitter and `Retry-After`. `nil` fields take the core's
/// defaults (3 attempts, 1 s first backoff, 20 s cap, 60 s longest `Retry-After`).
public struct RetryOptions: Sendable, Equatable {
    /// Total attempts including the first (1 disables retries).
    public var maxAttempts: Int?
    /// Backoff ceiling of the first retry, in seconds.
    public var initialBackoff: TimeInterval?
    /// Cap on any single backoff, in seconds.
    public var maxBackoff: TimeInterval?
    /// Longest `Retry-After` honoured, in seconds; a longer demand throws the 429.
    public var maxRetryAfter: TimeInterval?

    /// Retry options; every `nil` takes the core's default.
    public init(
        maxAttempts: Int? = nil, initialBackoff: TimeInterval? = nil,
        maxBackoff: TimeInterval? = nil, maxRetryAfter: TimeInterval? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries: every call is sent once.
    public static let none = RetryOptions(maxAttempts: 1)
}

/// Settings of a ``Client`` besides the tenant and the credentials. `nil` takes the core's
/// default.
public struct ClientOptions: Sendable, Equatable {
    /// Hosting region (AWS when `nil`); ignored when ``baseURL`` is set.
    public var region: Region?
    /// Explicit API base URL such as `https://acme.amperity.com/api` (`http://` only to loopback).
    public var baseURL: String?
    /// The `api-version` header (`2024-04-01` when `nil`; `unstable` reaches campaign drafts).
    public var apiVersion: String?
    /// Time allowed to open a connection, in seconds (10 s).
    public var connectTimeout: TimeInterval?
    /// Time allowed for one attempt of a request, body included, in seconds (60 s).
    public var requestTimeout: TimeInterval?
    /// Retries of failed requests.
    public var retry: RetryOptions
    /// Client-side rate limit.
    public var rateLimit: RateLimit
    /// The `api-version` header of Profile API calls (`indexes`, `profiles`; `2025-07-31` when
    /// `nil`, independent of ``apiVersion``).
    public var profileAPIVersion: String?
    /// Client-side rate limit of Profile API calls, a budget separate from ``rateLimit``
    /// (standard: 2000 requests per second).
    public var profileRateLimit: RateLimit
    /// Proxy URL (`http://user:pass@host:port`, `socks5://…`, `socks5h://…`); the
    /// `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` environment applies when `nil`.
    public var proxy: String?
    /// Extra trusted root certificates (PEM) on top of the bundled Mozilla roots.
    public var extraRootCertificates: [String]
    /// A PEM file of extra trusted root certificates, read when the client is created
    /// (`SSL_CERT_FILE` is read the same way when set).
    public var caFile: String?
    /// Verify servers with the operating system's trust store instead of the bundled roots (not
    /// together with extra root certificates).
    public var platformVerifier: Bool
    /// Largest response body accepted, in bytes (64 MiB).
    public var maxResponseBytes: Int64?
    /// Extra product token after `amperity-swift/<version>` in the `User-Agent`.
    public var userAgentSuffix: String?
    /// Called after every HTTP exchange (each attempt and token request) with its operation,
    /// method, URL, status, attempt, elapsed time and request id (no secrets), on the thread of
    /// the call. Not part of `==` (closures cannot be compared).
    public var onRequest: (@Sendable (RequestInfo) -> Void)?

    /// Equal when every setting but ``onRequest`` is.
    public static func == (lhs: ClientOptions, rhs: ClientOptions) -> Bool {
        lhs.region == rhs.region && lhs.baseURL == rhs.baseURL && lhs.apiVersion == rhs.apiVersion
            && lhs.connectTimeout == rhs.connectTimeout && lhs.requestTimeout == rhs.requestTimeout
            && lhs.retry == rhs.retry && lhs.rateLimit == rhs.rateLimit && lhs.proxy == rhs.proxy
            && lhs.profileAPIVersion == rhs.profileAPIVersion && lhs.profileRateLimit == rhs.profileRateLimit
            && lhs.extraRootCertificates == rhs.extraRootCertificates && lhs.caFile == rhs.caFile
            && lhs.platformVerifier == rhs.platformVerifier
            && lhs.maxResponseBytes == rhs.maxResponseBytes
            && lhs.userAgentSuffix == rhs.userAgentSuffix
    }

    /// Client settings; every `nil` takes the core's default.
    public init(
        region: Region? = nil, baseURL: String? = nil, apiVersion: String? = nil,
        connectTimeout: TimeInterval? = nil, requestTimeout: TimeInterval? = nil,
        retry: RetryOptions = RetryOptions(), rateLimit: RateLimit = .standard,
        profileAPIVersion: String? = nil, profileRateLimit: RateLimit = .standard,
        proxy: String? = nil, extraRootCertificates: [String] = [],
        caFile: String? = nil, platformVerifier: Bool = false,
        maxResponseBytes: Int64? = nil, userAgentSuffix: String? = nil,
        onRequest: (@Sendable (RequestInfo) -> Void)? = nil
    ) {
        self.region = region
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.rateLimit = rateLimit
        self.profileAPIVersion = profileAPIVersion
        self.profileRateLimit = profileRateLimit
        self.proxy = proxy
        self.extraRootCertificates = extraRootCertificates
        self.caFile = caFile
        self.platformVerifier = platformVerifier
        self.maxResponseBytes = maxResponseBytes
        self.userAgentSuffix = userAgentSuffix
        self.onRequest = onRequest
    }
}

/// A client for one Amperity tenant: thread-safe and `Sendable` (share one per tenant). Nothing
/// is sent until the first call.
///
/// ```swift
/// let client = try Client(tenant: "acme", token: token)
/// for try await segment in client.segments.list(limit: 100) { print(segment.name) }
/// let run = try await client.workflowRuns.run(configId: "cg-123")
/// let done = try await client.workflowRuns.wait(run.id)
/// ```
///
/// Every call has an `async throws` form, which runs the blocking core on a dispatch queue this
/// client owns (use it from the main actor and from tasks), and a synchronous `throws` form that
/// blocks the calling thread (command-line tools, your own queues). Invalid settings throw
/// ``AmperityError/configuration(_:)``.
public final class Client: Sendable {
    let native: Native

    // The list resources (`segments`, `workflowRuns`, ...) are generated in Lists.swift.
    /// Ingest jobs: list (a time window) and get.
    public let ingestJobs: IngestJobs

    /// A client that authenticates with a static bearer token.
    public convenience init(tenant: String, token: String, options: ClientOptions = ClientOptions()) throws {
        try self.init(tenant: tenant, token: token, clientId: nil, clientSecret: nil, tokenURL: nil, options: options)
    }

    /// A client that authenticates with OAuth2 client credentials: tokens are fetched, cached
    /// and refreshed before they expire. `tokenURL` defaults from the tenant or base URL.
    public convenience init(
        tenant: String, clientId: String, clientSecret: String, tokenURL: String? = nil,
        options: ClientOptions = ClientOptions()
    ) throws {
        try self.init(
            tenant: tenant, token: nil, clientId: clientId, clientSecret: clientSecret,
            tokenURL: tokenURL, options: options)
    }

    init(
        tenant: String, token: String?, clientId: String?, clientSecret: String?, tokenURL: String?,
        options: ClientOptions
    ) throws {
        let defaults = ClientConfig(tenant: tenant)
        func perSecond(_ limit: RateLimit, standard: Double?) -> Double? {
            switch limit {
            case .standard: standard
            case .perSecond(let perSecond): perSecond
            case .off: nil
            }
        }
        let rateLimit = perSecond(options.rateLimit, standard: defaults.rateLimitPerSecond)
        let profileRateLimit = perSecond(
            options.profileRateLimit, standard: defaults.profileRateLimitPerSecond)
        let config = ClientConfig(
            tenant: tenant,
            token: token,
            clientId: clientId,
            clientSecret: clientSecret,
            tokenUrl: tokenURL,
            region: options.region,
            baseUrl: options.baseURL,
            apiVersion: options.apiVersion,
            connectTimeoutMs: options.connectTimeout.map(milliseconds),
            requestTimeoutMs: options.requestTimeout.map(milliseconds),
            maxAttempts: options.retry.maxAttempts.map { Int32(clamping: $0) },
            initialBackoffMs: options.retry.initialBackoff.map(milliseconds),
            maxBackoffMs: options.retry.maxBackoff.map(milliseconds),
            maxRetryAfterMs: options.retry.maxRetryAfter.map(milliseconds),
            rateLimitPerSecond: rateLimit,
            profileApiVersion: options.profileAPIVersion,
            profileRateLimitPerSecond: profileRateLimit,
            extraRootCertsPem: options.extraRootCertificates,
            caFile: options.caFile,
            platformVerifier: options.platformVerifier,
            proxy: options.proxy,
            userAgentSuffix: [AmperitySDK.userAgentProduct, options.userAgentSuffix].compactMap { $0 }
                .joined(separator: " "),
            maxResponseBytes: options.maxResponseBytes)
        let client: AmperityBindings.Client
        do {
            if let onRequest = options.onRequest {
                client = try AmperityBindings.Client.withRequestHook(
                    config: config, hook: RequestHookAdapter(onRequest))
            } else {
                client = try AmperityBindings.Client(config: config)
            }
        } catch {
            throw AmperityError.from(error)
        }
        native = Native(client, label: "com.amperity.sdk.client.\(tenant)")
        ingestJobs = IngestJobs(native: native)
    }

    /// A client from the environment, read by the native core (the same variables in every
    /// language): `AMPERITY_TENANT` (required), `AMPERITY_TOKEN` or `AMPERITY_CLIENT_ID` +
    /// `AMPERITY_CLIENT_SECRET` (+ `AMPERITY_TOKEN_URL`), and optionally `AMPERITY_REGION`
    /// (`aws`, `azure`, `australia`), `AMPERITY_BASE_URL`, `AMPERITY_API_VERSION`. Empty values
    /// count as unset; the environment's region, base URL and api-version win over `options`,
    /// which supplies everything else.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        options: ClientOptions = ClientOptions()
    ) throws -> Client {
        let settings: ClientConfig
        do {
            settings = try clientConfigFromVariables(variables: environment)
        } catch {
            throw AmperityError.from(error)
        }
        var options = options
        options.region = settings.region ?? options.region
        options.baseURL = settings.baseUrl ?? options.baseURL
        options.apiVersion = settings.apiVersion ?? options.apiVersion
        return try Client(
            tenant: settings.tenant, token: settings.token, clientId: settings.clientId,
            clientSecret: settings.clientSecret, tokenURL: settings.tokenUrl, options: options)
    }

    /// The tenant id this client sends.
    public var tenant: String { native.client.tenant() }

    /// Cancels every call in progress on this client, from any thread: each throws
    /// ``AmperityError/cancelled(_:)`` promptly, whether it sleeps (backoff, `Retry-After`, the
    /// rate limiter, a wait's polls) or waits for the network. Later calls run normally. A
    /// cancelled `Task` does this for its `async` call, which then throws `CancellationError`.
    public func cancel() { native.client.cancel() }
    /// The API base URL, e.g. `https://app.amperity.com/api`.
    public var baseURL: String { native.client.baseUrl() }
    /// The `api-version` header value.
    public var apiVersion: String { native.client.apiVersion() }
    /// The `User-Agent` header value (contains `amperity-swift/<version>`).
    public var userAgent: String { native.client.userAgent() }
    /// `Deprecation`/`Sunset` headers seen so far, one entry per operation (latest values).
    public var deprecationNotices: [DeprecationNotice] { native.client.deprecationNotices() }

    /// Sends a request to any endpoint below the base URL through the same auth, headers,
    /// retries and errors as the typed operations (blocking).
    ///
    /// - Parameters:
    ///   - method: GET or POST.
    ///   - path: path below the base URL, starting with `/`, e.g. `/segments`.
    ///   - query: query parameters, in order (percent-encoded by the client).
    ///   - body: a JSON body as text (POST only).
    ///   - idempotent: for POST: safe to repeat, so retried like a GET.
    public func raw(
        _ method: RawMethod, path: String, query: KeyValuePairs<String, String> = [:], body: String? = nil,
        idempotent: Bool = false
    ) throws -> RawResponse {
        let request = rawRequest(method, path: path, query: query, body: body, idempotent: idempotent)
        return RawResponse(try native.call { try $0.raw(request: request) })
    }

    /// Sends a request to any endpoint (see the blocking form), on the client's queue.
    public func raw(
        _ method: RawMethod, path: String, query: KeyValuePairs<String, String> = [:], body: String? = nil,
        idempotent: Bool = false
    ) async throws -> RawResponse {
        let request = rawRequest(method, path: path, query: query, body: body, idempotent: idempotent)
        return RawResponse(try await native.offload { try $0.raw(request: request) })
    }

    /// Walks any `{data, next_token, total}` endpoint lazily, page by page; each item is one
    /// JSON value as text. `readAhead` fetches the next page in the background while the caller
    /// works on the current one.
    public func rawPages(
        path: String, query: KeyValuePairs<String, String> = [:], limit: Int? = nil, withTotal: Bool = false,
        cursor: String? = nil, readAhead: Bool = false
    ) -> PagedList<String> {
        let request = rawRequest(.get, path: path, query: query, body: nil, idempotent: false)
        let options = pageOptions(limit: limit, withTotal: withTotal, cursor: cursor, readAhead: readAhead)
        return PagedList(
            native: native, open: { try $0.rawPages(request: request, page: options).handle },
            startCursor: cursor)
    }
}

/// The answer of a raw request.
public struct RawResponse: Sendable, Equatable {
    /// HTTP status (2xx; error statuses are thrown as ``AmperityError``).
    public let status: Int
    /// The JSON body as text (`null` when the body was empty).
    public let body: String

    init(_ response: AmperityBindings.RawResponse) {
        status = Int(response.status)
        body = response.body
    }
}

private func rawRequest(
    _ method: RawMethod, path: String, query: KeyValuePairs<String, String>, body: String?, idempotent: Bool
) -> RawRequest {
    RawRequest(
        method: method, path: path, query: query.map { QueryParam(name: $0.key, value: $0.value) },
        body: body, idempotent: idempotent)
}

/// The native request hook that calls the closure of ``ClientOptions/onRequest``.
private final class RequestHookAdapter: RequestHook {
    private let callback: @Sendable (RequestInfo) -> Void

    init(_ callback: @escaping @Sendable (RequestInfo) -> Void) {
        self.callback = callback
    }

    func onRequest(info: RequestInfo) {
        callback(info)
    }
}
