package com.amperity.sdk.testing

import com.amperity.sdk.Client
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith

@ExtendWith(AmperityMockExtension::class)
class SegmentsTest {
    @Test
    fun `segments survive a 503`(mock: AmperityMock, client: Client) {
        mock.fault(status = 503, path = "/api/segments") // the next matching request only
        assertEquals(10_000, client.segments.list(limit = 1000).count())
        mock.assertRequests(11, "GET", "/api/segments") // 10 pages + 1 retry
    }
}
