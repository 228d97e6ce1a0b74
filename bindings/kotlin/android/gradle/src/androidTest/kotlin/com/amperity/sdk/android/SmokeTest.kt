package com.amperity.sdk.android

import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import com.amperity.sdk.AuthenticationException
import com.amperity.sdk.Client
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Test
import org.junit.runner.RunWith

/**
 * The SDK on a device: JNA loads libamperity.so of the device's ABI, the Rust core talks to the
 * mock server on the CI runner (started with `--segments 1234`, reached through adb reverse).
 */
@RunWith(AndroidJUnit4::class)
class SmokeTest {
    private val baseUrl: String = InstrumentationRegistry.getArguments().getString("mockBaseUrl")
        ?: error("pass -Pandroid.testInstrumentationRunnerArguments.mockBaseUrl=http://127.0.0.1:PORT")

    @Test
    fun listsEverySegmentPageByPage() {
        Client(tenant = "acme", token = "mock-token", baseUrl = baseUrl).use { client ->
            assertEquals(1234, client.segments.list(limit = 100).count())
        }
    }

    @Test
    fun aRefusedTokenIsAnAuthenticationException() {
        Client(tenant = "acme", token = "not-the-mock-token", baseUrl = baseUrl, maxAttempts = 1).use { client ->
            assertThrows(AuthenticationException::class.java) { client.segments.list(limit = 1).first() }
        }
    }
}
