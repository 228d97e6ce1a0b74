package com.amperity.sdk

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.fail
import java.io.File
import java.time.Duration
import kotlin.reflect.KClass

/**
 * The language-neutral scenario table (`tests/scenarios.tsv`; its header says the format and the
 * procedure): one dynamic test per row, against one mock reset before every row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenariosTest {
    private lateinit var mock: MockServer

    @BeforeAll
    fun start() {
        mock = MockServer("--segments", "300", "--run-step-ms", "50")
    }

    @AfterAll
    fun stop() = mock.close()

    data class Scenario(
        val name: String,
        val fault: String?,
        val call: String,
        val settings: Map<String, String>,
        val outcome: String,
        val status: Int?,
        val requests: Int,
        val minMs: Long?,
        val maxMs: Long?,
    )

    @Test
    fun `the table is well formed`() {
        val rows = SCENARIOS
        assertTrue(rows.size >= 40) { "${rows.size} rows" }
        assertEquals(rows.size, rows.map { it.name }.toSet().size, "scenario names are unique")
        for (s in rows) {
            assertTrue(s.call in CALLS) { "scenario ${s.name}: unknown call ${s.call}" }
            assertTrue(s.outcome == "ok" || s.outcome in OUTCOMES.values) { "scenario ${s.name}: unknown outcome" }
        }
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> = SCENARIOS.map { s -> DynamicTest.dynamicTest(s.name) { run(s) } }

    private fun run(s: Scenario) {
        mock.clearFaults()
        mock.clearRequests()
        val workflowId = if (s.call == "get_workflow_run") {
            mock.client().use { it.workflowRuns.list(limit = 1).firstPage().items.first().id }
        } else {
            ""
        }
        mock.clearRequests()
        s.fault?.let { mock.fault(it) }
        var outcome = "ok"
        var status: Int? = null
        var error: Throwable? = null
        val took = clientFor(s).use { client ->
            val started = System.nanoTime()
            try {
                val call = CALLS[s.call] ?: fail("scenario ${s.name}: unknown call ${s.call}")
                call(client, workflowId)
            } catch (e: AmperityException) {
                error = e
                outcome = OUTCOMES[e::class] ?: "unexpected ${e.javaClass.simpleName}"
                status = (e as? ApiStatusException)?.status
            }
            Duration.ofNanos(System.nanoTime() - started)
        }
        val sent = mock.apiRequests().size
        val problems = mutableListOf<String>()
        if (outcome != s.outcome) problems += "outcome $outcome, expected ${s.outcome} (${error?.message})"
        if (status != s.status) problems += "status $status, expected ${s.status}"
        if (sent != s.requests) problems += "$sent requests, expected ${s.requests}"
        if (s.minMs != null && took.toMillis() < s.minMs) problems += "took ${took.toMillis()} ms, expected at least ${s.minMs} ms"
        if (s.maxMs != null && took.toMillis() > s.maxMs) problems += "took ${took.toMillis()} ms, expected at most ${s.maxMs} ms"
        if (problems.isNotEmpty()) fail("scenario ${s.name}: ${problems.joinToString("; ")}")
    }

    /** The client a row's settings describe (see the table's header). */
    private fun clientFor(s: Scenario): Client {
        var attempts: Int? = null
        var initial = Duration.ofMillis(1)
        var max = Duration.ofMillis(10)
        var timeout = Duration.ofMillis(5000)
        var maxRetryAfter: Duration? = null
        var maxBytes: Long? = null
        var oauth = false
        for ((key, value) in s.settings) {
            when (key) {
                "attempts" -> attempts = value.toInt()
                "backoff_ms" -> {
                    val (a, b) = value.split("-")
                    initial = Duration.ofMillis(a.toLong())
                    max = Duration.ofMillis(b.toLong())
                }
                "timeout_ms" -> timeout = Duration.ofMillis(value.toLong())
                "max_retry_after_ms" -> maxRetryAfter = Duration.ofMillis(value.toLong())
                "max_response_bytes" -> maxBytes = value.toLong()
                "auth" -> oauth = when (value) {
                    "token" -> false
                    "client_credentials" -> true
                    else -> fail("scenario ${s.name}: unknown auth $value")
                }
                else -> fail("scenario ${s.name}: unknown setting $key")
            }
        }
        return Client(
            tenant = "acme",
            token = if (oauth) null else "mock-token",
            clientId = if (oauth) "mock-client" else null,
            clientSecret = if (oauth) "mock-secret" else null,
            baseUrl = mock.baseUrl,
            connectTimeout = Duration.ofMillis(2000),
            requestTimeout = timeout,
            maxAttempts = attempts ?: fail("scenario ${s.name}: attempts is required"),
            initialBackoff = initial,
            maxBackoff = max,
            maxRetryAfter = maxRetryAfter,
            rateLimitPerSecond = null,
            maxResponseBytes = maxBytes,
        )
    }

    companion object {
        /** The one table from the exception classes to the table's outcome names (exact classes). */
        val OUTCOMES: Map<KClass<out AmperityException>, String> = mapOf(
            BadRequestException::class to "bad_request",
            AuthenticationException::class to "unauthorized",
            PermissionDeniedException::class to "forbidden",
            NotFoundException::class to "not_found",
            ConflictException::class to "conflict",
            RateLimitException::class to "rate_limited",
            ServerException::class to "server_error",
            ApiStatusException::class to "api_other",
            TransportException::class to "transport",
            AmperityTimeoutException::class to "timeout",
            DecodeException::class to "decode",
            RepeatedCursorException::class to "repeated_cursor",
        )

        private const val RUN_BODY = """{"config_id":"cg-scenario"}"""

        val CALLS: Map<String, (Client, String) -> Unit> = mapOf(
            "list_segments_first_page" to { c, _ -> c.segments.list(limit = 10).firstPage() },
            "list_segments_walk" to { c, _ -> c.segments.list(limit = 100).pages().use { while (it.hasNext()) it.next() } },
            "get_workflow_run" to { c, id -> c.workflowRuns.get(id) },
            "run_workflow" to { c, _ -> c.workflowRuns.run("cg-scenario") },
            "raw_get" to { c, _ -> c.raw(RawMethod.GET, "/segments") },
            "raw_post" to { c, _ -> c.raw(RawMethod.POST, "/workflow/runs", body = RUN_BODY) },
            "raw_post_idempotent" to { c, _ -> c.raw(RawMethod.POST, "/workflow/runs", body = RUN_BODY, idempotent = true) },
        )

        /** `tests/scenarios.tsv` of the repository this test runs in (searched upwards). */
        private fun tableFile(): File {
            System.getenv("AMPERITY_SCENARIOS")?.takeIf { it.isNotEmpty() }?.let { return File(it) }
            var dir: File? = File("").absoluteFile
            while (dir != null) {
                val candidate = File(dir, "tests/scenarios.tsv")
                if (candidate.isFile) return candidate
                dir = dir.parentFile
            }
            error("tests/scenarios.tsv not found above ${File("").absolutePath} (set AMPERITY_SCENARIOS)")
        }

        val SCENARIOS: List<Scenario> by lazy {
            var header: List<String>? = null
            val rows = mutableListOf<Scenario>()
            tableFile().readLines().forEachIndexed { index, line ->
                if (line.isBlank() || line.startsWith("#")) return@forEachIndexed
                val cells = line.split("\t")
                val columns = header
                if (columns == null) {
                    header = cells
                    return@forEachIndexed
                }
                check(cells.size == columns.size) { "tests/scenarios.tsv:${index + 1}: ${cells.size} cells" }
                val row = columns.zip(cells).toMap()
                fun cell(name: String) = row[name] ?: error("no column $name")
                fun dash(name: String) = cell(name).takeIf { it != "-" }
                rows += Scenario(
                    name = cell("name"),
                    fault = dash("fault"),
                    call = cell("call"),
                    settings = cell("settings").split(",").associate { it.substringBefore("=") to it.substringAfter("=") },
                    outcome = cell("outcome"),
                    status = dash("status")?.toInt(),
                    requests = cell("requests").toInt(),
                    minMs = dash("min_ms")?.toLong(),
                    maxMs = dash("max_ms")?.toLong(),
                )
            }
            rows
        }
    }
}
