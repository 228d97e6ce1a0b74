package com.amperity.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** One client shared by 8 threads. */
class ConcurrencyTest {
    @Test
    fun `8 threads share one client`() {
        MockServer("--segments", "500").use { mock ->
            mock.client().use { client ->
                val pool = Executors.newFixedThreadPool(8)
                val start = CountDownLatch(1)
                try {
                    val futures = (0 until 8).map { i ->
                        pool.submit<List<String>> {
                            start.await()
                            val ids = mutableListOf<String>()
                            repeat(3) {
                                ids += client.segments.list(limit = 50 + i).map { it.id }.toList()
                                if (i % 2 == 0) {
                                    val run = client.workflowRuns.run("cg-thread-$i")
                                    check(client.workflowRuns.get(run.id).id == run.id)
                                }
                            }
                            ids
                        }
                    }
                    start.countDown()
                    val results = futures.map { it.get(120, TimeUnit.SECONDS) }
                    val expected = client.segments.list(limit = 500).map { it.id }.toList()
                    assertEquals(500, expected.size)
                    results.forEach { ids -> assertEquals(expected + expected + expected, ids) }
                } finally {
                    pool.shutdownNow()
                }
                val pages = (0 until 8).sumOf { i -> 3 * ((500 + 50 + i - 1) / (50 + i)) } + 1
                assertEquals(pages, mock.apiRequests("segments").size)
                assertEquals(12, mock.apiRequests("workflow/runs").count { it.method == "POST" })
            }
        }
    }

    @Test
    fun `a closed client refuses calls`() {
        MockServer("--segments", "10").use { mock ->
            val client = mock.client()
            val list = client.segments.list()
            client.close()
            client.close()
            assertThrows<IllegalStateException> { list.count() }
            assertThrows<IllegalStateException> { client.workflowRuns.get("wf-1") }
            assertTrue(mock.apiRequests().isEmpty())
        }
    }
}
