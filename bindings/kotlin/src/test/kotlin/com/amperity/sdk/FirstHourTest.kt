package com.amperity.sdk

import com.amperity.sdk.ffi.RunState
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/** Issue 29: what a new user sees when printing SDK objects. */
class FirstHourTest {
    @Test
    fun `a Client prints its tenant and base URL, never its token`() {
        Client(tenant = "acme", token = "s3cret-token", baseUrl = "http://127.0.0.1:9/api").use { client ->
            assertEquals("Client(tenant=acme, baseUrl=http://127.0.0.1:9/api)", client.toString())
        }
        Client(tenant = "acme", clientId = "id", clientSecret = "s3cret", baseUrl = "http://127.0.0.1:9/api").use { client ->
            assertEquals("Client(tenant=acme, baseUrl=http://127.0.0.1:9/api)", "$client")
        }
    }

    @Test
    fun `configuration errors name Kotlin's parameters`() {
        val half = assertThrows(ConfigurationException::class.java) {
            Client(tenant = "acme", clientId = "id", baseUrl = "http://127.0.0.1:9/api")
        }
        assertEquals("invalid configuration: clientId needs a clientSecret", half.message)
        val none = assertThrows(ConfigurationException::class.java) { Client(tenant = "acme") }
        assertEquals("invalid configuration: no credentials: set a token or clientId and clientSecret", none.message)
    }

    @Test
    fun `a RunState prints its name`() {
        assertEquals("Succeeded", RunState.Succeeded.toString())
        assertEquals("state InProgress", "state ${RunState.InProgress}")
        assertEquals(RunState.Succeeded, RunState.Succeeded)
    }
}
