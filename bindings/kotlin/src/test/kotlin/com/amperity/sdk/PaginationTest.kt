package com.amperity.sdk

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Lazy pagination: one request per page, resume from a cursor, guards. One mock per test. */
class PaginationTest {
    private lateinit var mock: MockServer
    private lateinit var client: Client

    @BeforeEach
    fun start() {
        mock = MockServer("--segments", "1000")
        client = mock.client(maxAttempts = 1)
    }

    @AfterEach
    fun stop() {
        client.close()
        mock.close()
    }

    private fun segmentRequests() = mock.apiRequests("segments")

    @Test
    fun `nothing is sent until iteration, then one request per page`() {
        val list = client.segments.list(limit = 100)
        assertEquals(0, segmentRequests().size)
        val iterator = list.iterator()
        assertEquals(0, segmentRequests().size)
        iterator.next()
        assertEquals(1, segmentRequests().size)
        repeat(99) { iterator.next() }
        assertEquals(1, segmentRequests().size)
        iterator.next() // the 101st record needs page 2
        assertEquals(2, segmentRequests().size)

        assertEquals(250, list.take(250).count())
        assertEquals(2 + 3, segmentRequests().size) // a fresh walk: 3 more pages, no more

        assertEquals(1000, list.count())
        assertEquals(5 + 10, segmentRequests().size)
        assertTrue(segmentRequests().all { it.query.contains("limit=100") })
    }

    @Test
    fun `pages view with nextToken and total`() {
        val pages = client.segments.list(limit = 300, withTotal = true).pages()
        val seen = mutableListOf<Page<Segment>>()
        pages.use { for (page in it) seen += page }
        assertEquals(listOf(300, 300, 300, 100), seen.map { it.items.size })
        assertEquals(1000L, seen.first().total)
        assertEquals(1000L, pages.total)
        assertTrue(seen.dropLast(1).all { it.nextToken != null })
        assertNull(seen.last().nextToken)
        assertTrue(pages.isDone)
        assertNull(pages.resumeCursor)
        assertEquals(4, segmentRequests().size)
        assertTrue(segmentRequests().first().query.contains("with_total=true"))
    }

    @Test
    fun `resume from a cursor`() {
        val all = client.segments.list(limit = 100).map { it.id }.toList()
        val first = client.segments.list(limit = 100).pages().use { it.next() }
        val cursor = first.nextToken!!
        val rest = client.segments.list(limit = 100, cursor = cursor).map { it.id }.toList()
        assertEquals(all.drop(100), rest)
        assertTrue(segmentRequests().last().query.contains("next_token="))
    }

    @Test
    fun `resumeCursor continues after an error`() {
        val pages = client.segments.list(limit = 100).pages()
        val got = mutableListOf<String>()
        got += pages.next().items.map { it.id }
        got += pages.next().items.map { it.id }
        mock.fault("path=/api/segments,status=500")
        assertThrows<ServerException> { pages.hasNext() }
        val cursor = pages.resumeCursor!!
        pages.close()
        assertEquals(cursor, pages.resumeCursor)
        for (segment in client.segments.list(limit = 100, cursor = cursor)) got += segment.id
        assertEquals(client.segments.list(limit = 250).map { it.id }.toList(), got)
        assertEquals(1000, got.toSet().size)
    }

    @Test
    fun `the same iterator retries the failed page`() {
        val pages = client.segments.list(limit = 400).pages()
        pages.next()
        mock.fault("path=/api/segments,status=503")
        assertThrows<ServerException> { pages.next() }
        assertEquals(400, pages.next().items.size)
        assertEquals(200, pages.next().items.size)
        assertFalse(pages.hasNext())
    }

    @Test
    fun `an empty page in the middle does not end the walk`() {
        mock.fault("path=/api/segments,empty_page")
        assertEquals(1000, client.segments.list(limit = 250).count())
        assertEquals(5, segmentRequests().size)
    }

    @Test
    fun `a repeated cursor stops the walk`() {
        mock.fault("path=/api/segments,repeat_cursor,count=0")
        val e = assertThrows<RepeatedCursorException> { client.segments.list(limit = 100).count() }
        assertTrue(e.message!!.contains("list-segment"))
        assertTrue(segmentRequests().size <= 3) { "${segmentRequests().size} requests" }
    }

    @Test
    fun `every list endpoint pages lazily`() {
        fun pagesOf(prefix: String, walk: () -> Int): Pair<Int, Int> {
            val before = mock.apiRequests(prefix).size
            val count = walk()
            return count to mock.apiRequests(prefix).size - before
        }
        val (campaigns, campaignPages) = pagesOf("campaigns") { client.campaigns.list(limit = 100).count() }
        assertEquals(250, campaigns)
        assertEquals(3, campaignPages)
        val (events, eventPages) = pagesOf("audit-events") { client.auditEvents.list(limit = 1000).count() }
        assertEquals(5000, events)
        assertEquals(5, eventPages)
        val (runs, runPages) = pagesOf("workflow/runs") { client.workflowRuns.list(limit = 100).count() }
        assertEquals(500, runs)
        assertEquals(5, runPages)
        val (raw, rawPages) = pagesOf("segments") { client.rawPages("/segments", limit = 500).count() }
        assertEquals(1000, raw)
        assertEquals(2, rawPages)
        mock.client(apiVersion = "unstable", maxAttempts = 1).use { unstable ->
            val (drafts, draftPages) = pagesOf("campaign-drafts") { unstable.campaignDrafts.list(limit = 15).count() }
            assertEquals(40, drafts)
            assertEquals(3, draftPages)
        }
    }

    @Test
    fun `every way a last page can end`() {
        for (mode in listOf("empty", "null")) {
            MockServer("--segments", "120", "--last-cursor", mode).use { other ->
                other.client().use { c ->
                    assertEquals(120, c.segments.list(limit = 50).count())
                    assertEquals(3, other.apiRequests("segments").size)
                }
            }
        }
    }

    @Test
    fun `read-ahead requests the next page while the caller holds this one, and no further`() {
        val plain = client.segments.list(limit = 100).map { it.id }.toList()
        assertEquals(plain, client.segments.list(limit = 100, readAhead = true).map { it.id }.toList())
        mock.clearRequests()
        client.segments.list(limit = 100, readAhead = true).pages().use { pages ->
            pages.next()
            val deadline = System.nanoTime() + 5_000_000_000L
            while (segmentRequests().size < 2 && System.nanoTime() < deadline) Thread.sleep(5)
            assertEquals(2, segmentRequests().size, "page 2 is requested unasked")
            Thread.sleep(100)
            assertEquals(2, segmentRequests().size, "one page ahead at most")
            assertEquals(100, pages.next().items.size)
        }
    }
}
