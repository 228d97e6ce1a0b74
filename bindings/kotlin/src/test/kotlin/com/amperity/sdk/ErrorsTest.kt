package com.amperity.sdk

import com.amperity.sdk.ffi.RunState
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.ServerSocket
import java.time.Duration

/** Every exception type of the public hierarchy, each raised by a real answer of the mock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private lateinit var mock: MockServer
    private lateinit var client: Client

    @BeforeAll
    fun start() {
        mock = MockServer("--segments", "50", "--run-step-ms", "10000")
        client = mock.client(maxAttempts = 1)
    }

    @AfterEach
    fun clear() = mock.clearFaults()

    @AfterAll
    fun stop() {
        client.close()
        mock.close()
    }

    private inline fun <reified E : ApiStatusException> statusFault(status: Int): E {
        mock.fault("path=/api/segments,status=$status")
        val e = assertThrows<E> { client.segments.list().firstPage() }
        assertEquals(E::class.java, e.javaClass)
        assertEquals(status, e.status)
        assertEquals("list-segment", e.operation)
        assertNotNull(e.requestId)
        assertNotNull(e.traceId)
        assertTrue(e.message!!.contains("HTTP $status")) { e.message }
        assertTrue(e.message!!.contains(e.requestId!!))
        assertTrue(e.detail.isNotEmpty())
        return e
    }

    @Test
    fun `400 is BadRequestException`() {
        statusFault<BadRequestException>(400)
        // A real one: the server refuses an unknown view.
        val e = assertThrows<BadRequestException> { client.raw(RawMethod.GET, "/workflow/runs/wf-x", mapOf("view" to "everything")) }
        assertTrue(e.detail.contains("view")) { e.detail }
    }

    @Test
    fun `401 is AuthenticationException`() {
        statusFault<AuthenticationException>(401)
        mock.client(token = "wrong-token").use { bad ->
            val e = assertThrows<AuthenticationException> { bad.segments.list().firstPage() }
            assertEquals(401, e.status)
        }
    }

    @Test
    fun `403 is PermissionDeniedException`() {
        statusFault<PermissionDeniedException>(403)
    }

    @Test
    fun `404 is NotFoundException`() {
        statusFault<NotFoundException>(404)
        val e = assertThrows<NotFoundException> { client.workflowRuns.get("wf-20240101-00000-nothere") }
        assertEquals("get-workflow", e.operation)
        assertTrue(e.detail.contains("wf-20240101-00000-nothere"))
    }

    @Test
    fun `409 is ConflictException`() {
        statusFault<ConflictException>(409)
        val run = client.workflowRuns.run("cg-conflict")
        assertEquals(RunState.Canceled, client.workflowRuns.stop(run.id).state)
        val e = assertThrows<ConflictException> { client.workflowRuns.stop(run.id) }
        assertEquals("stop-workflow", e.operation)
        assertTrue(e.detail.contains("already ended")) { e.detail }
    }

    @Test
    fun `429 is RateLimitException with retryAfter`() {
        mock.fault("path=/api/segments,status=429,retry_after=7")
        val e = assertThrows<RateLimitException> { client.segments.list().firstPage() }
        assertEquals(429, e.status)
        assertEquals(Duration.ofSeconds(7), e.retryAfter)
    }

    @Test
    fun `5xx is ServerException`() {
        statusFault<ServerException>(500)
        statusFault<ServerException>(503)
        mock.fault("path=/api/segments,status=502,html")
        val e = assertThrows<ServerException> { client.segments.list().firstPage() }
        assertEquals(502, e.status)
    }

    @Test
    fun `each call on a thread starts from a clean call status`() {
        // The generated layer reuses a native call status per thread
        // (bindings/uniffi-bindgen/src/kotlin_call_status.rs): an error must not leak into the
        // calls after it, and an error after a success is still that error.
        val expected = client.segments.list(limit = 2).firstPage().items.map { it.id }
        repeat(3) { round ->
            mock.fault("path=/api/segments,status=503,count=1")
            val failed = assertThrows<ServerException> { client.segments.list(limit = 2).firstPage() }
            assertEquals(503, failed.status)
            val page = client.segments.list(limit = 2).firstPage()
            assertEquals(expected, page.items.map { it.id }) { "round $round" }
            val missing = assertThrows<NotFoundException> { client.workflowRuns.get("wf-20240101-00000-nothere") }
            assertEquals(404, missing.status)
            assertEquals(50, client.segments.list(limit = 50).firstPage().items.size)
        }
    }

    @Test
    fun `other statuses are ApiStatusException`() {
        val e = statusFault<ApiStatusException>(418)
        assertTrue(e !is ServerException && e !is BadRequestException)
    }

    @Test
    fun `a broken connection is TransportException`() {
        mock.fault("path=/api/segments,close_mid_body")
        val e = assertThrows<TransportException> { client.segments.list().firstPage() }
        assertTrue(e !is AmperityTimeoutException)
        assertEquals("list-segment", e.operation)

        val port = ServerSocket(0).use { it.localPort } // closed again: nothing listens there
        Client(tenant = "acme", token = "t", baseUrl = "http://127.0.0.1:$port/api", maxAttempts = 1).use { dead ->
            val refused = assertThrows<TransportException> { dead.segments.list().firstPage() }
            assertEquals(TransportKind.CONNECT, refused.kind)
        }
    }

    @Test
    fun `a slow answer is AmperityTimeoutException`() {
        mock.fault("path=/api/segments,delay_ms=1500")
        mock.client(maxAttempts = 1, requestTimeout = Duration.ofMillis(300)).use { impatient ->
            val e = assertThrows<AmperityTimeoutException> { impatient.segments.list().firstPage() }
            assertEquals(TransportKind.TIMEOUT, e.kind)
            assertTrue(e is TransportException)
        }
    }

    @Test
    fun `bad bodies are DecodeException`() {
        mock.fault("path=/api/segments,malformed_json")
        val malformed = assertThrows<DecodeException> { client.segments.list().firstPage() }
        assertEquals("list-segment", malformed.operation)
        mock.fault("path=/api/segments,truncated_json")
        assertThrows<DecodeException> { client.segments.list().firstPage() }
    }

    @Test
    fun `invalid settings are ConfigurationException`() {
        assertThrows<ConfigurationException> { Client(tenant = "acme") }
        assertThrows<ConfigurationException> { Client(tenant = "acme", token = "t", clientId = "id", clientSecret = "s") }
        assertThrows<ConfigurationException> { Client(tenant = "acme", clientId = "id") }
        assertThrows<ConfigurationException> { Client(tenant = "acme", token = "t", baseUrl = "http://example.com/api") }
        assertThrows<ConfigurationException> { Client(tenant = "acme", token = "t", connectTimeout = Duration.ofSeconds(-1)) }
        assertThrows<ConfigurationException> { Client(tenant = "", token = "t") }
        assertThrows<ConfigurationException> { Client.fromEnv(emptyMap()) }
    }

    @Test
    fun `a SOCKS proxy is used, not a panic`() {
        val closed = ServerSocket(0).use { it.localPort }
        Client(
            tenant = "acme", token = "mock-token", baseUrl = mock.baseUrl, rateLimitPerSecond = null, maxAttempts = 1,
            proxy = "socks5://user:s0cks-pw@127.0.0.1:$closed",
        ).use { viaSocks ->
            val e = assertThrows<TransportException> { viaSocks.segments.list(limit = 1).firstPage() }
            assertFalse(e.message!!.contains("internal error")) { e.message }
            assertFalse(e.message!!.contains("s0cks-pw")) { e.message }
        }
    }

    @Test
    fun `invalid arguments are InvalidArgumentException with the core's words`() {
        val e = assertThrows<InvalidArgumentException> { client.segments.list(limit = 0) }
        assertEquals("invalid argument: limit must be at least 1", e.message)
        val wait = assertThrows<InvalidArgumentException> {
            client.workflowRuns.wait("wf-1", pollInterval = Duration.ofMillis(-5))
        }
        assertEquals("invalid argument: poll_interval_ms must not be negative, got -5", wait.message)
    }

    @Test
    fun `the builder does not depend on order and refuses two kinds of credentials`() {
        val both = assertThrows<ConfigurationException> {
            Client.builder("acme").clientCredentials("id", "secret").token("t").build()
        }
        assertEquals("invalid configuration: set either a token or client credentials, not both", both.message)
        val tokenUrl = assertThrows<ConfigurationException> {
            Client.builder("acme").tokenUrl("https://login.example.com/token").token("t").build()
        }
        assertEquals("invalid configuration: tokenUrl is only used with client credentials", tokenUrl.message)
        // The token URL given before the credentials is used: the token request goes there.
        val tokenRequests = { mock.requests().count { it.path == "/api/v0/oauth2/token" } }
        val before = tokenRequests()
        Client.builder("acme").baseUrl(mock.baseUrl).tokenUrl("${mock.baseUrl}/v0/oauth2/token")
            .clientCredentials("mock-client", "mock-secret").noRateLimit().build().use { oauth ->
                assertEquals(3, oauth.segments.list(limit = 3).firstPage().items.size)
            }
        assertEquals(before + 1, tokenRequests())
    }

    @Test
    fun `fromEnv reads the core's variables`() {
        val env = mapOf(
            "AMPERITY_TENANT" to "acme", "AMPERITY_TOKEN" to "mock-token", "AMPERITY_BASE_URL" to mock.baseUrl,
            "AMPERITY_API_VERSION" to "unstable", "AMPERITY_CLIENT_ID" to "",
        )
        Client.fromEnv(env).use { fromEnv ->
            assertEquals("unstable", fromEnv.apiVersion)
            assertEquals(2, fromEnv.segments.list(limit = 2).firstPage().items.size)
        }
        Client.fromEnv(mapOf("AMPERITY_TENANT" to "acme", "AMPERITY_TOKEN" to "t", "AMPERITY_REGION" to "azure")).use {
            assertEquals("https://acme.amperity.com/api", it.baseUrl)
        }
        val missing = assertThrows<ConfigurationException> { Client.fromEnv(emptyMap()) }
        assertEquals("invalid configuration: AMPERITY_TENANT is not set", missing.message)
        val region = assertThrows<ConfigurationException> {
            Client.fromEnv(mapOf("AMPERITY_TENANT" to "acme", "AMPERITY_TOKEN" to "t", "AMPERITY_REGION" to "mars"))
        }
        assertEquals("invalid configuration: AMPERITY_REGION must be aws, azure or australia, got \"mars\"", region.message)
        val both = assertThrows<ConfigurationException> {
            Client.fromEnv(
                mapOf(
                    "AMPERITY_TENANT" to "acme", "AMPERITY_TOKEN" to "t", "AMPERITY_CLIENT_ID" to "id",
                    "AMPERITY_CLIENT_SECRET" to "s3cret",
                ),
            )
        }
        assertFalse(both.message!!.contains("s3cret"))
    }

    @Test
    fun `a repeated cursor is RepeatedCursorException`() {
        mock.fault("path=/api/segments,repeat_cursor,count=0")
        val pages = client.segments.list(limit = 10).pages()
        val e = assertThrows<RepeatedCursorException> { while (pages.hasNext()) pages.next() }
        assertEquals("list-segment", e.operation)
        assertTrue(e.cursor.isNotEmpty())
        pages.close()
    }

    @Test
    fun `a run still going after the timeout is WaitTimeoutException`() {
        val run = client.workflowRuns.run("cg-slow")
        val e = assertThrows<WaitTimeoutException> {
            client.workflowRuns.wait(run.id, pollInterval = Duration.ofMillis(20), timeout = Duration.ofMillis(150))
        }
        assertEquals(run.id, e.workflowId)
        assertTrue(e.lastState.isNotEmpty())
        assertTrue(e.waited >= Duration.ofMillis(150)) { e.waited.toString() }
        client.workflowRuns.stop(run.id)
    }

    @Test
    fun `every error is an AmperityException with the native error as cause`() {
        mock.fault("path=/api/segments,status=404")
        val e = assertThrows<AmperityException> { client.segments.list().firstPage() }
        assertTrue(e is NotFoundException)
        assertTrue(e.cause is com.amperity.sdk.ffi.AmperityException)
    }
}
