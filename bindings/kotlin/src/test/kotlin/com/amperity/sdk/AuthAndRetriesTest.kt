package com.amperity.sdk

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/** Both auth modes and the retry policy, seen from the requests the mock recorded. */
class AuthAndRetriesTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun start() {
        mock = MockServer("--segments", "300", "--token", "static-1", "--token-ttl-secs", "2")
    }

    @AfterEach
    fun stop() = mock.close()

    @Test
    fun `static token`() {
        mock.client(token = "static-1").use { client ->
            assertEquals(300, client.segments.list(limit = 100).count())
        }
        val sent = mock.apiRequests("segments")
        assertEquals(3, sent.size)
        assertTrue(sent.all { it.header("authorization")?.startsWith("Bearer ") == true })
        assertTrue(mock.requests().none { it.path.contains("oauth2") })
        // mock-token is not accepted by this server.
        mock.client(token = "mock-token").use { client ->
            assertThrows<AuthenticationException> { client.segments.list().firstPage() }
        }
    }

    @Test
    fun `client credentials fetch, cache and refresh a token`() {
        Client(
            tenant = "acme",
            clientId = "mock-client",
            clientSecret = "mock-secret",
            baseUrl = mock.baseUrl,
            initialBackoff = Duration.ofMillis(5),
            rateLimitPerSecond = null,
        ).use { client ->
            assertEquals(300, client.segments.list(limit = 100).count())
            val tokenCalls = mock.requests().filter { it.path == "/api/v0/oauth2/token" }
            assertEquals(1, tokenCalls.size)
            assertEquals("POST", tokenCalls.single().method)
            Thread.sleep(2300) // the issued token lives 2 s
            assertEquals(300, client.segments.list(limit = 300).count())
            assertEquals(2, mock.requests().count { it.path == "/api/v0/oauth2/token" })
        }
        Client(tenant = "acme", clientId = "mock-client", clientSecret = "wrong", baseUrl = mock.baseUrl, maxAttempts = 1).use { bad ->
            assertThrows<AuthenticationException> { bad.segments.list().firstPage() }
        }
        Client.builder("acme").clientCredentials("mock-client", "mock-secret").baseUrl(mock.baseUrl)
            .tokenUrl("${mock.origin}/api/v0/oauth2/token").build().use { built ->
                assertEquals(10, built.segments.list(limit = 10).firstPage().items.size)
            }
    }

    @Test
    fun `retryable statuses are retried with backoff`() {
        mock.client(token = "static-1", maxAttempts = 4).use { client ->
            mock.fault("path=/api/segments,status=503,count=3")
            assertEquals(300, client.segments.list(limit = 300).count())
            assertEquals(4, mock.apiRequests("segments").size)

            mock.fault("path=/api/segments,status=429,retry_after=1,count=1")
            val started = System.nanoTime()
            assertEquals(300, client.segments.list(limit = 300).count())
            val elapsed = Duration.ofNanos(System.nanoTime() - started)
            assertTrue(elapsed >= Duration.ofMillis(900)) { "Retry-After was not honoured: $elapsed" }
            assertEquals(6, mock.apiRequests("segments").size)

            mock.fault("path=/api/segments,status=500,count=4")
            assertThrows<ServerException> { client.segments.list().firstPage() }
            assertEquals(10, mock.apiRequests("segments").size)
        }
    }

    @Test
    fun `broken connections are retried for GET but a run is not sent twice`() {
        mock.client(token = "static-1", maxAttempts = 3).use { client ->
            mock.fault("path=/api/segments,close_mid_body,count=2")
            assertEquals(300, client.segments.list(limit = 300).count())
            assertEquals(3, mock.apiRequests("segments").size)

            mock.fault("path=/api/workflow/runs,method=POST,status=500")
            assertThrows<ServerException> { client.workflowRuns.run("cg-once") }
            assertEquals(1, mock.apiRequests("workflow/runs").count { it.method == "POST" })
        }
    }

    @Test
    fun `maxAttempts 1 disables retries`() {
        mock.client(token = "static-1", maxAttempts = 1).use { client ->
            mock.fault("path=/api/segments,status=503")
            assertThrows<ServerException> { client.segments.list().firstPage() }
            assertEquals(1, mock.apiRequests("segments").size)
        }
    }

    @Test
    fun `the client-side rate limit spaces requests`() {
        Client(tenant = "acme", token = "static-1", baseUrl = mock.baseUrl, rateLimitPerSecond = 20.0).use { client ->
            val started = System.nanoTime()
            assertEquals(300, client.segments.list(limit = 10).count()) // 30 requests
            val elapsed = Duration.ofNanos(System.nanoTime() - started)
            // A bucket of 20/s lets a burst through, then spaces the rest: well over half a second.
            assertTrue(elapsed >= Duration.ofMillis(400)) { "30 requests at 20/s took only $elapsed" }
        }
    }
}
