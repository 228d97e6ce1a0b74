package com.amperity.sdk

import com.amperity.sdk.ffi.ClientConfig
import com.amperity.sdk.ffi.PageOptions
import com.amperity.sdk.ffi.QueryParam
import com.amperity.sdk.ffi.RawPager
import com.amperity.sdk.ffi.RawRequest
import com.amperity.sdk.ffi.clientConfigFromVariables
import java.time.Duration
import com.amperity.sdk.ffi.Client as FfiClient

/** Facts about this SDK. */
object Amperity {
    /** The SDK version; equal to the Cargo workspace version of the native core. */
    const val VERSION: String = "0.1.0"

    /** The product token this layer appends to the `User-Agent` header. */
    const val USER_AGENT_PRODUCT: String = "amperity-kotlin/$VERSION"
}

/** The answer of a raw request: the 2xx status and the JSON body as text (`null` when empty). */
data class RawResponse(
    /** HTTP status (2xx; error statuses are thrown as [ApiStatusException]). */
    val status: Int,
    /** The JSON body as text. */
    val body: String,
)

/**
 * A client for one Amperity tenant: blocking, thread-safe (share one per tenant between
 * threads), and [AutoCloseable]. Nothing is sent until the first call.
 *
 * ```kotlin
 * Client(tenant = "acme", token = System.getenv("AMPERITY_TOKEN")).use { client ->
 *     for (segment in client.segments.list(limit = 100)) println(segment.name)
 * }
 * ```
 * Java callers use [Client.builder].
 *
 * Exactly one of [token] or [clientId] + [clientSecret] must be given; calls run on the caller's
 * thread (run them off Android's main thread). Invalid settings throw [ConfigurationException].
 *
 * @param tenant tenant id, e.g. `acme` (a sandbox is just another tenant id).
 * @param token static bearer token.
 * @param clientId OAuth2 client id (with [clientSecret]): tokens are fetched, cached, refreshed.
 * @param clientSecret OAuth2 client secret.
 * @param tokenUrl OAuth2 token endpoint; derived from the tenant or [baseUrl] when `null`.
 * @param region hosting region (AWS when `null`); ignored when [baseUrl] is set.
 * @param baseUrl explicit API base URL such as `https://acme.amperity.com/api`.
 * @param apiVersion the `api-version` header (`2024-04-01` when `null`; `unstable` reaches drafts).
 * @param connectTimeout time allowed to open a connection (10 s when `null`).
 * @param requestTimeout time allowed for one attempt of a request, body included (60 s).
 * @param maxAttempts total attempts including the first (3; 1 disables retries).
 * @param initialBackoff backoff ceiling of the first retry (1 s).
 * @param maxBackoff cap on any single backoff (20 s).
 * @param maxRetryAfter longest `Retry-After` honoured (60 s); a longer demand throws the 429.
 * @param rateLimitPerSecond client-side rate limit shared by every thread using this client;
 *   10 requests/s (the documented limit) by default, `null` turns it off.
 * @param profileApiVersion the `api-version` header of Profile API calls ([indexes], [profiles];
 *   `2025-07-31` when `null`, independent of [apiVersion]).
 * @param profileRateLimitPerSecond client-side rate limit of Profile API calls, a budget separate
 *   from [rateLimitPerSecond]: 2000 requests/s (the documented limit) by default, `null` turns
 *   it off.
 * @param extraRootCertificatesPem extra trusted root certificates (PEM) on top of the bundled roots.
 * @param caFile a PEM file of extra trusted root certificates, read when the client is built
 *   (`SSL_CERT_FILE` is read the same way when set).
 * @param onRequest called after every HTTP exchange (each attempt and token request) with its
 *   operation, method, URL, status, attempt, elapsed time and request id (no secrets), on the
 *   calling thread; what it throws is ignored.
 * @param platformVerifier verify servers with the operating system's trust store instead of the
 *   bundled roots (not together with extra root certificates).
 * @param proxy proxy URL (`http://user:pass@host:port`, `socks5://...`); the `HTTPS_PROXY`/
 *   `ALL_PROXY`/`NO_PROXY` environment applies when `null`.
 * @param maxResponseBytes largest response body accepted (64 MiB).
 * @param userAgentSuffix extra product token after `amperity-kotlin/<version>` in `User-Agent`.
 */
class Client(
    tenant: String,
    token: String? = null,
    clientId: String? = null,
    clientSecret: String? = null,
    tokenUrl: String? = null,
    region: Region? = null,
    baseUrl: String? = null,
    apiVersion: String? = null,
    connectTimeout: Duration? = null,
    requestTimeout: Duration? = null,
    maxAttempts: Int? = null,
    initialBackoff: Duration? = null,
    maxBackoff: Duration? = null,
    maxRetryAfter: Duration? = null,
    rateLimitPerSecond: Double? = DEFAULT_RATE_LIMIT_PER_SECOND,
    profileApiVersion: String? = null,
    profileRateLimitPerSecond: Double? = DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND,
    extraRootCertificatesPem: List<String> = emptyList(),
    caFile: String? = null,
    platformVerifier: Boolean = false,
    proxy: String? = null,
    maxResponseBytes: Long? = null,
    userAgentSuffix: String? = null,
    onRequest: ((RequestInfo) -> Unit)? = null,
) : ClientLists(), AutoCloseable {
    private val inner: FfiClient = ffi {
        NativeLogging.sync()
        val config =
            ClientConfig(
                tenant = tenant,
                token = token,
                clientId = clientId,
                clientSecret = clientSecret,
                tokenUrl = tokenUrl,
                region = region,
                baseUrl = baseUrl,
                apiVersion = apiVersion,
                connectTimeoutMs = connectTimeout?.let { millis(it, "connectTimeout") },
                requestTimeoutMs = requestTimeout?.let { millis(it, "requestTimeout") },
                maxAttempts = maxAttempts,
                initialBackoffMs = initialBackoff?.let { millis(it, "initialBackoff") },
                maxBackoffMs = maxBackoff?.let { millis(it, "maxBackoff") },
                maxRetryAfterMs = maxRetryAfter?.let { millis(it, "maxRetryAfter") },
                rateLimitPerSecond = rateLimitPerSecond,
                profileApiVersion = profileApiVersion,
                profileRateLimitPerSecond = profileRateLimitPerSecond,
                extraRootCertsPem = extraRootCertificatesPem,
                caFile = caFile,
                platformVerifier = platformVerifier,
                proxy = proxy,
                userAgentSuffix = listOfNotNull(Amperity.USER_AGENT_PRODUCT, userAgentSuffix).joinToString(" "),
                maxResponseBytes = maxResponseBytes,
            )
        if (onRequest == null) FfiClient(config) else FfiClient.withRequestHook(config, RequestHookAdapter(onRequest))
    }

    /** Ingest jobs: list (a time window) and get. */
    val ingestJobs: IngestJobs = IngestJobs(this)

    /**
     * The native client; throws [IllegalStateException] once this client is closed. Inside a
     * call of [AsyncCalls] on this thread: a view of it carrying that call's cancel token.
     */
    internal val native: FfiClient
        get() {
            check(!closed) { "this Amperity client is closed" }
            return CallToken.view(inner)
        }

    @Volatile
    private var closed = false

    /** Runs a blocking call of the native client: public exceptions, and interruptible. */
    internal inline fun <T> call(block: (FfiClient) -> T): T {
        val client = native
        return interruptible(client) { ffi { block(client) } }
    }

    /**
     * Cancels every call in progress on this client, from any thread: each throws
     * [CancelledException] promptly, whether it sleeps (backoff, `Retry-After`, the rate limiter,
     * a wait's polls) or waits for the network. Later calls run normally, and a cancelled walk
     * resumes from its cursor. Interrupting a thread does this for its call, which then throws
     * [InterruptedException].
     */
    fun cancel() {
        native.cancel()
    }

    /** The tenant id this client sends. */
    val tenant: String get() = native.tenant()

    /** The API base URL, e.g. `https://app.amperity.com/api`. */
    val baseUrl: String get() = native.baseUrl()

    /** The `api-version` header value. */
    val apiVersion: String get() = native.apiVersion()

    /** The `User-Agent` header value (ends with `amperity-kotlin/<version>`). */
    val userAgent: String get() = native.userAgent()

    /** `Deprecation`/`Sunset` headers seen so far, one entry per operation (latest values). */
    val deprecationNotices: List<DeprecationNotice> get() = native.deprecationNotices()

    /** `Client(tenant=acme, baseUrl=https://app.amperity.com/api)`: never a token or secret. */
    override fun toString(): String = "Client(tenant=$tenant, baseUrl=$baseUrl)"

    /**
     * Sends a request to any endpoint below the base URL through the same auth, headers, retries
     * and errors as the typed operations.
     *
     * @param method GET or POST.
     * @param path path below the base URL, starting with `/`, e.g. `/segments`.
     * @param query query parameters, in iteration order (percent-encoded by the client).
     * @param body JSON body as text (POST only).
     * @param idempotent for POST: safe to repeat, so retried like a GET.
     */
    @JvmOverloads
    fun raw(
        method: RawMethod,
        path: String,
        query: Map<String, String> = emptyMap(),
        body: String? = null,
        idempotent: Boolean = false,
    ): RawResponse {
        val response = call { it.raw(rawRequest(method, path, query, body, idempotent)) }
        return RawResponse(response.status, response.body)
    }

    /**
     * Walks any `{data, next_token, total}` endpoint lazily, page by page; each item is one JSON
     * value as text. [readAhead] fetches the next page in the background while the caller works
     * on the current one.
     */
    @JvmOverloads
    fun rawPages(
        path: String,
        query: Map<String, String> = emptyMap(),
        limit: Int? = null,
        withTotal: Boolean = false,
        cursor: String? = null,
        readAhead: Boolean = false,
    ): PagedList<String> {
        val request = rawRequest(RawMethod.GET, path, query, null, false)
        val options = pageOptions(limit, withTotal, cursor, readAhead)
        return PagedList { rawHandle(ffi { native.rawPages(request, options) }, native) }
    }

    /**
     * Releases the native client. Calls made afterwards throw [IllegalStateException]; calls
     * running on other threads finish first. Idempotent.
     */
    override fun close() {
        if (!closed) {
            closed = true
            inner.close()
        }
    }

    /** Builder of a [Client], for Java callers (Kotlin callers use named arguments). */
    class Builder internal constructor(private val tenant: String) {
        private var token: String? = null
        private var clientId: String? = null
        private var clientSecret: String? = null
        private var tokenUrl: String? = null
        private var region: Region? = null
        private var baseUrl: String? = null
        private var apiVersion: String? = null
        private var connectTimeout: Duration? = null
        private var requestTimeout: Duration? = null
        private var maxAttempts: Int? = null
        private var initialBackoff: Duration? = null
        private var maxBackoff: Duration? = null
        private var maxRetryAfter: Duration? = null
        private var rateLimitPerSecond: Double? = DEFAULT_RATE_LIMIT_PER_SECOND
        private var profileApiVersion: String? = null
        private var profileRateLimitPerSecond: Double? = DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND
        private val extraRootCertificatesPem = mutableListOf<String>()
        private var caFile: String? = null
        private var platformVerifier = false
        private var proxy: String? = null
        private var maxResponseBytes: Long? = null
        private var userAgentSuffix: String? = null
        private var onRequest: ((RequestInfo) -> Unit)? = null

        /** Authenticates with a static bearer token. */
        fun token(token: String): Builder = apply { this.token = token }

        /** Authenticates with OAuth2 client credentials (tokens fetched, cached and refreshed). */
        fun clientCredentials(clientId: String, clientSecret: String): Builder = apply {
            this.clientId = clientId
            this.clientSecret = clientSecret
        }

        /** The OAuth2 token endpoint (derived from the tenant or base URL by default). */
        fun tokenUrl(tokenUrl: String): Builder = apply { this.tokenUrl = tokenUrl }

        /** The hosting region (AWS by default); ignored when a base URL is set. */
        fun region(region: Region): Builder = apply { this.region = region }

        /** An explicit API base URL such as `https://acme.amperity.com/api`. */
        fun baseUrl(baseUrl: String): Builder = apply { this.baseUrl = baseUrl }

        /** The `api-version` header (`2024-04-01` by default). */
        fun apiVersion(apiVersion: String): Builder = apply { this.apiVersion = apiVersion }

        /** Time allowed to open a connection. */
        fun connectTimeout(timeout: Duration): Builder = apply { connectTimeout = timeout }

        /** Time allowed for one attempt of a request, body included. */
        fun requestTimeout(timeout: Duration): Builder = apply { requestTimeout = timeout }

        /** Total attempts including the first (1 disables retries). */
        fun maxAttempts(attempts: Int): Builder = apply { maxAttempts = attempts }

        /** Backoff ceiling of the first retry. */
        fun initialBackoff(backoff: Duration): Builder = apply { initialBackoff = backoff }

        /** Cap on any single backoff. */
        fun maxBackoff(backoff: Duration): Builder = apply { maxBackoff = backoff }

        /** Longest `Retry-After` honoured. */
        fun maxRetryAfter(wait: Duration): Builder = apply { maxRetryAfter = wait }

        /** Client-side rate limit in requests per second, shared by all threads (10 by default). */
        fun rateLimitPerSecond(perSecond: Double): Builder = apply { rateLimitPerSecond = perSecond }

        /** Turns the client-side rate limit off. */
        fun noRateLimit(): Builder = apply { rateLimitPerSecond = null }

        /** The `api-version` header of Profile API calls (`2025-07-31` by default). */
        fun profileApiVersion(version: String): Builder = apply { profileApiVersion = version }

        /** Rate limit of Profile API calls in requests per second (2000 by default; separate). */
        fun profileRateLimitPerSecond(perSecond: Double): Builder =
            apply { profileRateLimitPerSecond = perSecond }

        /** Turns the client-side rate limit of Profile API calls off. */
        fun noProfileRateLimit(): Builder = apply { profileRateLimitPerSecond = null }

        /** Trusts this extra root certificate (PEM) on top of the bundled roots. */
        fun addRootCertificatePem(pem: String): Builder = apply { extraRootCertificatesPem += pem }

        /** Calls [hook] after every HTTP exchange (see the `onRequest` parameter of [Client]). */
        fun onRequest(hook: (RequestInfo) -> Unit): Builder = apply { onRequest = hook }

        /** Trusts the root certificates of a PEM file too (read when the client is built). */
        fun caFile(path: String): Builder = apply { caFile = path }

        /** Verifies servers with the operating system's trust store instead of the bundled roots. */
        fun platformVerifier(enabled: Boolean): Builder = apply { platformVerifier = enabled }

        /** Proxy URL (`http://user:pass@host:port`, `socks5://...`). */
        fun proxy(proxy: String): Builder = apply { this.proxy = proxy }

        /** Largest response body accepted, in bytes. */
        fun maxResponseBytes(bytes: Long): Builder = apply { maxResponseBytes = bytes }

        /** Extra product token after `amperity-kotlin/<version>` in the `User-Agent`. */
        fun userAgentSuffix(suffix: String): Builder = apply { userAgentSuffix = suffix }

        /** Validates the settings and creates the client; [ConfigurationException] if invalid. */
        fun build(): Client = Client(
            tenant = tenant,
            token = token,
            clientId = clientId,
            clientSecret = clientSecret,
            tokenUrl = tokenUrl,
            region = region,
            baseUrl = baseUrl,
            apiVersion = apiVersion,
            connectTimeout = connectTimeout,
            requestTimeout = requestTimeout,
            maxAttempts = maxAttempts,
            initialBackoff = initialBackoff,
            maxBackoff = maxBackoff,
            maxRetryAfter = maxRetryAfter,
            rateLimitPerSecond = rateLimitPerSecond,
            profileApiVersion = profileApiVersion,
            profileRateLimitPerSecond = profileRateLimitPerSecond,
            extraRootCertificatesPem = extraRootCertificatesPem.toList(),
            caFile = caFile,
            platformVerifier = platformVerifier,
            onRequest = onRequest,
            proxy = proxy,
            maxResponseBytes = maxResponseBytes,
            userAgentSuffix = userAgentSuffix,
        )
    }

    /** Factories. */
    companion object {
        /** A [Builder] for the tenant `tenant`. */
        @JvmStatic
        fun builder(tenant: String): Builder = Builder(tenant)

        /**
         * A client from the environment, read by the native core (the same variables in every
         * language): `AMPERITY_TENANT` (required), `AMPERITY_TOKEN` or `AMPERITY_CLIENT_ID` +
         * `AMPERITY_CLIENT_SECRET` (+ `AMPERITY_TOKEN_URL`), and optionally `AMPERITY_REGION`
         * (`aws`, `azure`, `australia`), `AMPERITY_BASE_URL`, `AMPERITY_API_VERSION`; empty values
         * count as unset. Throws [ConfigurationException] when the tenant is missing or a value
         * is refused.
         *
         * @param env the variables to read (the process environment by default).
         */
        @JvmStatic
        @JvmOverloads
        fun fromEnv(env: Map<String, String> = System.getenv()): Client {
            val settings = ffi { clientConfigFromVariables(env) }
            return Client(
                tenant = settings.tenant,
                token = settings.token,
                clientId = settings.clientId,
                clientSecret = settings.clientSecret,
                tokenUrl = settings.tokenUrl,
                region = settings.region,
                baseUrl = settings.baseUrl,
                apiVersion = settings.apiVersion,
            )
        }
    }
}

/** The core's default rate limit (10 requests/s), as the generated config record carries it. */
internal val DEFAULT_RATE_LIMIT_PER_SECOND: Double? = ClientConfig(tenant = "").rateLimitPerSecond

/** The core's default Profile API rate limit (2000 requests/s), from the generated record. */
internal val DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND: Double? =
    ClientConfig(tenant = "").profileRateLimitPerSecond

/** A non-negative duration in milliseconds, or a [ConfigurationException]. */
internal fun millis(duration: Duration, what: String): Long {
    if (duration.isNegative) throw ConfigurationException(
        "$what must not be negative, got $duration", "invalid configuration: $what must not be negative, got $duration",
    )
    return try {
        duration.toMillis()
    } catch (e: ArithmeticException) {
        Long.MAX_VALUE
    }
}

/** A duration in milliseconds, saturating at the ends of `Long`. */
internal fun saturatingMillis(duration: Duration): Long =
    try {
        duration.toMillis()
    } catch (e: ArithmeticException) {
        if (duration.isNegative) Long.MIN_VALUE else Long.MAX_VALUE
    }

internal fun pageOptions(limit: Int?, withTotal: Boolean, cursor: String?, readAhead: Boolean = false): PageOptions {
    // Checked here so `list()` throws at once; the words are the core's (PageOptions::to_core).
    if (limit != null && limit < 1) throw invalidArgument("limit must be at least 1")
    return PageOptions(limit = limit, withTotal = withTotal, cursor = cursor, readAhead = readAhead)
}

private fun rawRequest(
    method: RawMethod,
    path: String,
    query: Map<String, String>,
    body: String?,
    idempotent: Boolean,
) = RawRequest(
    method = method,
    path = path,
    query = query.map { (name, value) -> QueryParam(name, value) },
    body = body,
    idempotent = idempotent,
)

private fun rawHandle(pager: RawPager, owner: FfiClient) = PagerHandle(
    owner = owner,
    nextPage = { pager.nextPage()?.let { Page(it.items, it.nextToken, it.total) } },
    resumeCursor = pager::resumeCursor,
    total = pager::total,
    close = pager::close,
)

/** The native request hook: calls the user's function; what it throws is ignored. */
private class RequestHookAdapter(private val callback: (RequestInfo) -> Unit) : com.amperity.sdk.ffi.RequestHook {
    override fun onRequest(info: RequestInfo) {
        runCatching { callback(info) }
    }
}
