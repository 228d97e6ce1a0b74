package com.amperity.sdk

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.TimeUnit

/** One request the mock recorded (auth masked). */
data class RecordedRequest(val method: String, val path: String, val query: String, val headers: List<Pair<String, String>>) {
    /** First value of a header, case-insensitive. */
    fun header(name: String): String? = headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second
}

/** What the mock's Streaming Ingest endpoint accepted on one stream (`GET /__mock/streams/{id}`). */
data class StreamEvents(val accepted: Long, val duplicates: Long, val checksum: String, val bodies: List<String>)

/**
 * The bundled mock server (`target/<profile>/amperity-mock`) as a child process: started with
 * its stdin kept open (it exits when the pipe closes), origin read from its first stdout line.
 */
class MockServer(vararg args: String) : AutoCloseable {
    private val process: Process
    val origin: String
    val baseUrl: String get() = "$origin/api"
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        val bin = System.getProperty("amperity.mock.bin")
            ?: error("system property amperity.mock.bin is not set (run through Maven)")
        check(File(bin).canExecute()) { "mock server binary $bin not found: cargo build -p amperity-mock" }
        process = ProcessBuilder(listOf(bin) + args)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val reader = BufferedReader(InputStreamReader(process.inputStream))
        origin = reader.readLine() ?: error("mock server exited before printing its origin")
        check(origin.startsWith("http")) { "unexpected first line from the mock: $origin" }
        // Drain anything else it prints so it never blocks on a full pipe.
        Thread({ reader.useLines { lines -> lines.forEach { } } }, "mock-stdout").apply { isDaemon = true }.start()
    }

    /** A client for this mock with a fast retry policy and no client-side rate limit. */
    fun client(
        token: String? = "mock-token",
        maxAttempts: Int = 3,
        requestTimeout: Duration? = Duration.ofSeconds(10),
        apiVersion: String? = null,
    ): Client = Client(
        tenant = "acme",
        token = token,
        baseUrl = baseUrl,
        apiVersion = apiVersion,
        maxAttempts = maxAttempts,
        initialBackoff = Duration.ofMillis(5),
        maxBackoff = Duration.ofMillis(20),
        maxRetryAfter = Duration.ofSeconds(2),
        requestTimeout = requestTimeout,
        rateLimitPerSecond = null,
    )

    /** Queues a fault, e.g. `path=/api/segments,status=429,count=2`. */
    fun fault(spec: String) {
        val response = http.send(
            HttpRequest.newBuilder(URI("$origin/__mock/faults")).POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(response.statusCode() in 200..299) { "fault $spec refused: ${response.statusCode()} ${response.body()}" }
    }

    /** Clears queued faults. */
    fun clearFaults() {
        http.send(HttpRequest.newBuilder(URI("$origin/__mock/faults")).DELETE().build(), HttpResponse.BodyHandlers.discarding())
    }

    /** Forgets the recorded requests. */
    fun clearRequests() {
        http.send(HttpRequest.newBuilder(URI("$origin/__mock/requests")).DELETE().build(), HttpResponse.BodyHandlers.discarding())
    }

    /** Every request recorded so far. */
    fun requests(): List<RecordedRequest> {
        val body = http.send(HttpRequest.newBuilder(URI("$origin/__mock/requests")).GET().build(), HttpResponse.BodyHandlers.ofString()).body()
        return MAPPER.readTree(body).map { node ->
            RecordedRequest(
                node["method"].asText(),
                node["path"].asText(),
                node["query"]?.asText() ?: "",
                node["headers"].map { h: JsonNode -> h[0].asText() to h[1].asText() },
            )
        }
    }

    /** A Streaming Ingest client for this mock (tenant `acme`, the mock's streaming token, no rate limit). */
    fun streamClient(
        token: String = "mock-stream-token",
        maxAttempts: Int? = null,
        requestTimeout: Duration? = Duration.ofSeconds(10),
    ): StreamClient = StreamClient(
        tenant = "acme",
        token = token,
        baseUrl = origin,
        maxAttempts = maxAttempts,
        requestTimeout = requestTimeout,
        rateLimitPerSecond = null,
    )

    /** What the Streaming Ingest endpoint accepted on [streamId]. */
    fun streamEvents(streamId: String): StreamEvents {
        val response = http.send(
            HttpRequest.newBuilder(URI("$origin/__mock/streams/$streamId")).GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(response.statusCode() == 200) { "GET /__mock/streams/$streamId: ${response.statusCode()} ${response.body()}" }
        val node = MAPPER.readTree(response.body())
        return StreamEvents(
            node["accepted"].asLong(),
            node["duplicates"].asLong(),
            node["checksum"].asText(),
            node["bodies"].map { it.asText() },
        )
    }

    /** Recorded Streaming Ingest requests (`/stream/...`), of one stream when [streamId] is given. */
    fun streamRequests(streamId: String? = null): List<RecordedRequest> =
        requests().filter { if (streamId == null) it.path.startsWith("/stream/") else it.path == "/stream/v0/data/$streamId" }

    /** Recorded requests to paths starting with `/api/` + [prefix] (OAuth token calls excluded). */
    fun apiRequests(prefix: String = ""): List<RecordedRequest> =
        requests().filter { it.path.startsWith("/api/$prefix") && !it.path.startsWith("/api/v0/oauth2") }

    override fun close() {
        runCatching { process.outputStream.close() }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
        }
    }

    companion object {
        val MAPPER = ObjectMapper()
    }
}
