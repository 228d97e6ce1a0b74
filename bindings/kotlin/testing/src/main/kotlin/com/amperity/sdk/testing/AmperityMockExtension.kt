package com.amperity.sdk.testing

import com.amperity.sdk.Client
import org.junit.jupiter.api.extension.AfterEachCallback
import org.junit.jupiter.api.extension.BeforeEachCallback
import org.junit.jupiter.api.extension.ExtensionContext
import org.junit.jupiter.api.extension.ParameterContext
import org.junit.jupiter.api.extension.ParameterResolver

/**
 * JUnit 5 extension: `@ExtendWith(AmperityMockExtension::class)` gives test methods (and
 * constructors) an [AmperityMock] and a [Client] for it as parameters.
 *
 * One mock server serves the whole test run (started on first use, stopped when JUnit's root
 * context closes); its faults and recorded requests are cleared before each test. The client of
 * a test is closed after it.
 *
 * ```kotlin
 * @ExtendWith(AmperityMockExtension::class)
 * class SegmentsTest {
 *     @Test
 *     fun `a 503 is retried`(mock: AmperityMock, client: Client) {
 *         mock.fault(status = 503, path = "/api/segments")
 *         client.segments.list(limit = 1000).toList()
 *         mock.assertRequests(11, "GET", "/api/segments")
 *     }
 * }
 * ```
 */
class AmperityMockExtension : ParameterResolver, BeforeEachCallback, AfterEachCallback {
    /** Closes the shared mock when JUnit's root store closes (the end of the run). */
    private class Shared(val mock: AmperityMock) : AutoCloseable {
        override fun close() = mock.close()
    }

    private fun mock(context: ExtensionContext): AmperityMock {
        val store = context.root.getStore(NAMESPACE)
        return store.getOrComputeIfAbsent(Shared::class.java.name, { Shared(AmperityMock()) }, Shared::class.java).mock
    }

    override fun beforeEach(context: ExtensionContext) {
        mock(context).reset()
    }

    override fun afterEach(context: ExtensionContext) {
        context.getStore(NAMESPACE).remove(CLIENT, Client::class.java)?.close()
    }

    override fun supportsParameter(parameter: ParameterContext, context: ExtensionContext): Boolean =
        parameter.parameter.type == AmperityMock::class.java || parameter.parameter.type == Client::class.java

    override fun resolveParameter(parameter: ParameterContext, context: ExtensionContext): Any {
        val mock = mock(context)
        if (parameter.parameter.type == AmperityMock::class.java) return mock
        val store = context.getStore(NAMESPACE)
        return store.getOrComputeIfAbsent(CLIENT, { mock.client() }, Client::class.java)
    }

    private companion object {
        val NAMESPACE: ExtensionContext.Namespace = ExtensionContext.Namespace.create(AmperityMockExtension::class.java)
        const val CLIENT = "client"
    }
}
