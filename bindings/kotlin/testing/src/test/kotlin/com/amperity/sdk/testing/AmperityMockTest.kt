package com.amperity.sdk.testing

import com.amperity.sdk.Client
import com.amperity.sdk.RateLimitException
import com.amperity.sdk.AmperityTimeoutException
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.io.File
import java.time.Duration

/** The test double itself: faults, Retry-After, stalls, a scenario, expectations, the README. */
@ExtendWith(AmperityMockExtension::class)
class AmperityMockTest {
    @Test
    fun `each test starts clean and shares one server`(mock: AmperityMock, client: Client) {
        assertEquals(0, mock.requestCount())
        client.workflowRuns.run("cg-example")
        mock.assertRequests(1, "POST", "/api/workflow/runs")
        assertEquals(0, mock.requestCount("GET"))
        val error = assertThrows(AssertionError::class.java) { mock.assertRequests(2, "POST", "/api/workflow/runs") }
        assertEquals("expected 2 POST request(s) under /api/workflow/runs, the mock received 1", error.message)
    }

    @Test
    fun `Retry-After reaches the error`(mock: AmperityMock) {
        mock.fault(status = 429, retryAfterSeconds = 7, count = 0)
        mock.client(maxAttempts = 1).use { client ->
            val error = assertThrows(RateLimitException::class.java) { client.segments.list().first() }
            assertEquals(Duration.ofSeconds(7), error.retryAfter)
        }
    }

    @Test
    fun `a stall makes a timeout`(mock: AmperityMock) {
        mock.stall(Duration.ofSeconds(1), path = "/api/segments")
        mock.client(maxAttempts = 1, requestTimeout = Duration.ofMillis(200)).use { client ->
            assertThrows(AmperityTimeoutException::class.java) { client.segments.list().first() }
            assertEquals("seg", client.segments.list().first().id.take(3)) // one request only
        }
    }

    @Test
    fun `a scenario installed at start`() {
        AmperityMock("--segments", "5", "--fault", "path=/api/segments,status=500,count=2").use { mock ->
            mock.client().use { client -> assertEquals(5, client.segments.list().count()) }
            mock.assertRequests(3, "GET", "/api/segments")
            mock.faultSpec("path=/api/segments,status=502,html")
            assertThrows(IllegalArgumentException::class.java) { mock.faultSpec("nonsense=1") }
        }
    }

    @Test
    fun `the binary comes from the system property, and a wrong one is named`() {
        val configured = System.getProperty(AmperityMock.BINARY_PROPERTY)
        assertEquals(File(configured), AmperityMock.binary())
        assertTrue(AmperityMock.binary().canExecute())
        if (System.getenv("AMPERITY_MOCK").isNullOrBlank()) {
            try {
                System.setProperty(AmperityMock.BINARY_PROPERTY, "/nowhere/amperity-mock")
                val error = assertThrows(MockNotFoundException::class.java) { AmperityMock.binary() }
                assertTrue("/nowhere/amperity-mock" in error.message!!, error.message)
            } finally {
                System.setProperty(AmperityMock.BINARY_PROPERTY, configured)
            }
        }
    }

    @Test
    fun `the binary bundled in the jar is used when nothing is configured`() {
        assumeTrue(System.getenv("AMPERITY_MOCK").isNullOrBlank(), "AMPERITY_MOCK is set")
        val configured = System.getProperty(AmperityMock.BINARY_PROPERTY)
        try {
            System.clearProperty(AmperityMock.BINARY_PROPERTY)
            val extracted = AmperityMock.binary()
            assertTrue(extracted.canExecute() && extracted.name.startsWith("amperity-mock"), "$extracted")
            AmperityMock("--segments", "3").use { mock ->
                mock.client().use { client -> assertEquals(3, client.segments.list().count()) }
            }
        } finally {
            System.setProperty(AmperityMock.BINARY_PROPERTY, configured)
        }
    }

    @Test
    fun `the README example is the test that runs`() {
        val readme = File("../README.md").readText()
        val block = readme.substringAfter("### Testing your code").substringAfter("```kotlin\n").substringBefore("```")
        val test = File("src/test/kotlin/com/amperity/sdk/testing/SegmentsTest.kt").readText()
        assertEquals(test.substringAfter("package com.amperity.sdk.testing\n\n"), block)
    }
}
