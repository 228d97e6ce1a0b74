package com.amperity.sdk.testing

import com.amperity.sdk.Client
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.HttpURLConnection
import java.net.URI
import java.net.URLEncoder
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.time.Duration

/** Neither `AMPERITY_MOCK`, the `amperity.mock.bin` system property nor a bundled binary is there. */
class MockNotFoundException(message: String) : IllegalStateException(message)

/**
 * The mock Amperity API server, as a child process on an ephemeral 127.0.0.1 port: a real HTTP
 * server, so the [Client] under test runs exactly as in production. [AutoCloseable]; it also
 * exits by itself when this JVM dies (its stdin is a pipe from this process).
 *
 * The binary: the `AMPERITY_MOCK` environment variable, else the `amperity.mock.bin` system
 * property (each the path of an `amperity-mock` binary), else `<platform>/amperity-mock` inside
 * the testing jar (for example `linux-x86-64/amperity-mock`), copied to a temporary file.
 *
 * @param args further command-line flags of the mock (`--segments 500`, `--fault SPEC` for a
 *   scenario installed at start; see `amperity-mock --help`).
 */
class AmperityMock(vararg args: String) : AutoCloseable {
    private val process: Process

    /** `http://127.0.0.1:PORT`. */
    val origin: String

    /** [origin] + `/api`: the client's `baseUrl`. */
    val baseUrl: String get() = "$origin/api"

    init {
        process = ProcessBuilder(listOf(binary().path, "--port", "0") + args)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val reader = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
        val first = reader.readLine()
        if (first == null || !first.startsWith("http")) {
            process.destroy()
            throw IllegalStateException("the mock server did not start (printed ${first ?: "nothing"})")
        }
        origin = first
        Thread({ reader.useLines { lines -> lines.forEach { } } }, "amperity-mock-stdout")
            .apply { isDaemon = true }
            .start()
    }

    override fun toString(): String = "AmperityMock(origin=$origin)"

    /**
     * A [Client] for this mock: its tenant and token, no client-side rate limit and fast retries
     * (backoffs of a few milliseconds, `Retry-After` honoured up to 2 s).
     */
    @JvmOverloads
    fun client(maxAttempts: Int = 3, requestTimeout: Duration? = Duration.ofSeconds(10)): Client = Client(
        tenant = TENANT,
        token = TOKEN,
        baseUrl = baseUrl,
        maxAttempts = maxAttempts,
        initialBackoff = Duration.ofMillis(5),
        maxBackoff = Duration.ofMillis(20),
        maxRetryAfter = Duration.ofSeconds(2),
        requestTimeout = requestTimeout,
        rateLimitPerSecond = null,
    )

    /**
     * Queues an error answer: the next [count] requests whose path starts with [path] (and with
     * [method], when given) get [status], with `Retry-After: retryAfterSeconds` when given;
     * `count = 0` hits every one until [reset].
     */
    @JvmOverloads
    fun fault(
        status: Int,
        path: String? = null,
        method: String? = null,
        count: Int = 1,
        retryAfterSeconds: Int? = null,
    ) {
        require(count >= 0) { "count must be 0 (forever) or more, got $count" }
        require(retryAfterSeconds == null || retryAfterSeconds >= 0) { "retryAfterSeconds must not be negative" }
        val spec = listOfNotNull(
            path?.let { "path=$it" },
            method?.let { "method=$it" },
            "status=$status",
            retryAfterSeconds?.let { "retry_after=$it" },
            "count=$count",
        ).joinToString(",")
        faultSpec(spec)
    }

    /** Queues a stall: the next [count] matching requests wait [delay] before their answer. */
    @JvmOverloads
    fun stall(delay: Duration, path: String? = null, method: String? = null, count: Int = 1) {
        require(count >= 0) { "count must be 0 (forever) or more, got $count" }
        faultSpec(listOfNotNull(path?.let { "path=$it" }, method?.let { "method=$it" }, "delay_ms=${delay.toMillis()}", "count=$count").joinToString(","))
    }

    /** Queues a rule in the mock's own syntax (`close_mid_body`, `malformed_json`, ...). */
    fun faultSpec(spec: String) {
        val (code, body) = control("POST", "/__mock/faults", spec)
        require(code in 200..299) { "the mock refused the fault $spec: $body" }
    }

    /**
     * How many API requests the mock received with [method] (any case; `null` = any) and a path
     * starting with [path].
     */
    @JvmOverloads
    fun requestCount(method: String? = null, path: String = "/api/"): Int {
        val query = listOfNotNull(method?.let { "method=" + encode(it) }, "path=" + encode(path)).joinToString("&")
        val (code, body) = control("GET", "/__mock/requests/count?$query", null)
        check(code == 200) { "the mock answered $code: $body" }
        val match = Regex("\"count\"\\s*:\\s*(\\d+)").find(body) ?: error("unexpected count answer: $body")
        return match.groupValues[1].toInt()
    }

    /** Throws an [AssertionError] unless the mock received exactly [count] such requests. */
    @JvmOverloads
    fun assertRequests(count: Int, method: String? = null, path: String = "/api/") {
        val seen = requestCount(method, path)
        if (seen != count) {
            throw AssertionError("expected $count ${method ?: "any"} request(s) under $path, the mock received $seen")
        }
    }

    /** Removes every queued fault and forgets the recorded requests (between tests). */
    fun reset() {
        control("DELETE", "/__mock/faults", null)
        control("DELETE", "/__mock/requests", null)
    }

    /** Stops the server (closing its stdin ends it); idempotent. */
    override fun close() {
        if (process.isAlive) {
            runCatching { process.outputStream.close() }
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        }
    }

    private fun control(method: String, pathAndQuery: String, body: String?): Pair<Int, String> {
        val connection = URI(origin + pathAndQuery).toURL().openConnection() as HttpURLConnection
        try {
            connection.requestMethod = method
            connection.connectTimeout = 5_000
            connection.readTimeout = 10_000
            if (body != null) {
                connection.doOutput = true
                connection.outputStream.use { it.write(body.toByteArray(Charsets.UTF_8)) }
            }
            val code = connection.responseCode
            val stream = if (code >= 400) connection.errorStream else connection.inputStream
            val text = stream?.use { String(it.readBytes(), Charsets.UTF_8) } ?: ""
            return code to text
        } finally {
            connection.disconnect()
        }
    }

    companion object {
        /** The tenant the mock serves. */
        const val TENANT: String = "acme"

        /** The static bearer token the mock accepts. */
        const val TOKEN: String = "mock-token"

        /** The system property naming an `amperity-mock` binary (after `AMPERITY_MOCK`). */
        const val BINARY_PROPERTY: String = "amperity.mock.bin"

        private fun encode(text: String): String = URLEncoder.encode(text, "UTF-8")

        /** The mock binary to run (see the class comment for the order). */
        @JvmStatic
        fun binary(): File {
            val configured = System.getenv("AMPERITY_MOCK")?.takeIf { it.isNotBlank() }
                ?: System.getProperty(BINARY_PROPERTY)?.takeIf { it.isNotBlank() }
            if (configured != null) {
                val file = File(configured)
                if (!file.isFile) {
                    throw MockNotFoundException(
                        "the mock server binary $configured (AMPERITY_MOCK or -D$BINARY_PROPERTY) is not a file",
                    )
                }
                return file
            }
            val resource = "${com.sun.jna.Platform.RESOURCE_PREFIX}/amperity-mock"
            val stream = AmperityMock::class.java.classLoader.getResourceAsStream(resource)
                ?: throw MockNotFoundException(
                    "no mock server binary: set AMPERITY_MOCK (or -D$BINARY_PROPERTY) to the path of an " +
                        "amperity-mock binary; this amperity-sdk-testing jar has no $resource",
                )
            val copy = Files.createTempFile("amperity-mock", "")
            stream.use { Files.copy(it, copy, StandardCopyOption.REPLACE_EXISTING) }
            copy.toFile().apply {
                setExecutable(true)
                deleteOnExit()
            }
            return copy.toFile()
        }
    }
}
