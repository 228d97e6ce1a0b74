package com.amperity.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files

/** Trust stores over real TLS (the mock's self-signed certificate written to a file). */
class TrustTest {
    @Test
    fun `caFile is trusted, a missing one is refused, the platform verifier stands alone`() {
        val pem = Files.createTempFile("amperity-mock", ".pem")
        try {
            MockServer("--tls", "--cert-out", pem.toString(), "--segments", "15").use { mock ->
                assertTrue(mock.baseUrl.startsWith("https://"), mock.baseUrl)
                fun client(caFile: String? = null, platformVerifier: Boolean = false) = Client(
                    tenant = "acme", token = "mock-token", baseUrl = mock.baseUrl, maxAttempts = 1,
                    rateLimitPerSecond = null, caFile = caFile, platformVerifier = platformVerifier,
                )
                client(caFile = pem.toString()).use { assertEquals(15, it.segments.list(limit = 10).count()) }
                client().use { c ->
                    val e = assertThrows<TransportException> { c.segments.list().firstPage() }
                    assertEquals(com.amperity.sdk.ffi.TransportKind.TLS, e.kind)
                }
                val missing = assertThrows<ConfigurationException> { client(caFile = "$pem.missing") }
                assertTrue(missing.message!!.contains("caFile"), missing.message)
                client(platformVerifier = true).use { c ->
                    assertThrows<TransportException> { c.segments.list().firstPage() }
                }
                assertThrows<ConfigurationException> { client(caFile = pem.toString(), platformVerifier = true) }
            }
        } finally {
            Files.deleteIfExists(pem)
        }
    }
}
