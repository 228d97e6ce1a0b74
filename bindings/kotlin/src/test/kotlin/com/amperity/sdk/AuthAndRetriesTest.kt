package com.amperity.sdk

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/**
 * Both auth modes and the client-side rate limit, seen from the requests the mock recorded. Which
 * failures are retried, and how often, is in the scenario table (`tests/scenarios.tsv`, run by
 * [ScenariosTest]).
 */
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
