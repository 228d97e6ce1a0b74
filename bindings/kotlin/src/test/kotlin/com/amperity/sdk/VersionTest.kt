package com.amperity.sdk

import com.amperity.sdk.ffi.RunState
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

class VersionTest {
    @Test
    fun `VERSION equals the Cargo workspace version`() {
        val cargo = File(System.getProperty("amperity.workspace.dir"), "Cargo.toml").readText()
        val section = cargo.substringAfter("[workspace.package]").substringBefore("\n[")
        val version = Regex("""(?m)^version\s*=\s*"([^"]+)"""").find(section)!!.groupValues[1]
        assertEquals(version, Amperity.VERSION)
        assertEquals("amperity-kotlin/$version", Amperity.USER_AGENT_PRODUCT)
    }

    @Test
    fun `the user agent carries the Kotlin product token and a caller suffix`() {
        Client(tenant = "acme", token = "t", userAgentSuffix = "my-app/2.0").use { client ->
            assertTrue(client.userAgent.contains("amperity-kotlin/${Amperity.VERSION} my-app/2.0")) { client.userAgent }
            assertEquals("https://app.amperity.com/api", client.baseUrl)
        }
        Client(tenant = "acme", token = "t", region = Region.AZURE).use { client ->
            assertEquals("https://acme.amperity.com/api", client.baseUrl)
        }
    }

    @Test
    fun `run states`() {
        assertEquals(RunState.InProgress, RunStates.parse("In progress"))
        assertEquals("in-progress", RunState.InProgress.wireName)
        assertEquals(RunState.Other("mystery"), RunStates.parse("mystery"))
        assertTrue(RunState.Failed.isTerminal)
        assertTrue(!RunState.Running.isTerminal)
    }
}
