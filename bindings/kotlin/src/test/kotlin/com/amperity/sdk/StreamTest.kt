package com.amperity.sdk

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Streaming Ingest against the mock: single sends, local refusals, retries, the sender's volume,
 * back-pressure, close and the secrecy of the token. Each test has its own mock (faults are
 * global), without the mock's rate limit so that volume runs at full speed.
 */
class StreamTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun start() {
        mock = MockServer("--stream-rate-limit", "off")
    }

    @AfterEach
    fun stop() = mock.close()

    @Test
    fun `single sends carry the tenant header and no api-version`() {
        mock.streamClient().use { streams ->
            assertEquals(mock.origin, streams.baseUrl)
            assertEquals("acme", streams.tenant)
            streams.sendJson("is-json", """{"order_id": "o-1", "total": 12.5}""")
            streams.sendXml("is-xml", "<records><record><id>1</id></record></records>")
        }
        val json = mock.streamRequests("is-json").single()
        assertEquals("POST", json.method)
        assertEquals("acme", json.header("X-Amperity-Tenant"))
        assertNull(json.header("api-version"))
        assertNull(json.header("Amperity-Tenant"), "the control plane's header is not the stream's")
        assertEquals("Bearer ***", json.header("Authorization"))
        assertEquals("application/json", json.header("Content-Type"))
        assertTrue(json.header("User-Agent")!!.contains(Amperity.USER_AGENT_PRODUCT))
        assertEquals("application/xml", mock.streamRequests("is-xml").single().header("Content-Type"))
        assertEquals(listOf("""{"order_id": "o-1", "total": 12.5}"""), mock.streamEvents("is-json").bodies)
        assertEquals(1, mock.streamEvents("is-xml").accepted)
    }

    @Test
    fun `defaults come from the core`() {
        assertEquals(1000.0, DEFAULT_STREAM_RATE_LIMIT_PER_SECOND)
        StreamClient(tenant = "acme-sb-12345", token = "t").use {
            assertEquals("https://acme-sb-12345.amperity.com", it.baseUrl)
        }
        assertThrows<ConfigurationException> { StreamClient(tenant = "acme", token = "") }
        assertThrows<ConfigurationException> { StreamClient(tenant = "acme", token = "t", connectTimeout = Duration.ofSeconds(-1)) }
        val closed = mock.streamClient().apply { close() }
        assertThrows<IllegalStateException> { closed.sendJson("is-a", "{}") }
        closed.close()
    }

    @Test
    fun `events the service would refuse are refused locally without a request`() {
        val oversized = """{"blob":"${"x".repeat(1_000_000)}"}"""
        val refused = listOf(oversized, "", "   ", """{"a":1}""" + "\n" + """{"a":2}""", "[{}]", "42", "{not json")
        mock.streamClient().use { streams ->
            for (event in refused) {
                val e = assertThrows<InvalidArgumentException> { streams.sendJson("is-refusals", event) }
                assertFalse(e.message!!.contains("xxxxxxxx"), "the message never quotes the event")
            }
            val ndjson = assertThrows<InvalidArgumentException> { streams.sendJson("is-refusals", "{}\n{}") }
            assertTrue(ndjson.message!!.contains("NDJSON"), ndjson.message)
            assertThrows<InvalidArgumentException> { streams.sendXml("is-refusals", "<a>${"x".repeat(1_000_000)}</a>") }
            assertThrows<InvalidArgumentException> { streams.sendJson("", "{}") }
            streams.sender("is-refusals").use { sender ->
                for (event in refused) assertThrows<InvalidArgumentException> { sender.send(event) }
                assertThrows<InvalidArgumentException> { sender.trySend(oversized) }
                assertEquals(0L, sender.pending)
            }
            assertThrows<InvalidArgumentException> { streams.sender("is-refusals", workers = 0) }
            assertThrows<InvalidArgumentException> { streams.sender("is-refusals", queueCapacity = -1) }
            assertThrows<InvalidArgumentException> { streams.sender("is-refusals", maxRetries = 100) }
        }
        assertEquals(emptyList<RecordedRequest>(), mock.streamRequests())
    }

    @Test
    fun `a 503 is retried, then accepted`() {
        mock.streamClient().use { streams ->
            mock.fault("path=/stream,status=503,count=1")
            streams.sendJson("is-retry", """{"n":1}""")
            assertEquals(2, mock.streamRequests("is-retry").size)
            assertEquals(1, mock.streamEvents("is-retry").accepted)

            mock.fault("path=/stream,status=503,count=1")
            val sender = streams.sender("is-retry-sender")
            sender.send("""{"n":2}""")
            val report = sender.closeAndReport()
            assertEquals(1, report.accepted)
            assertEquals(1, report.retried)
            assertTrue(report.failed.isEmpty())
        }
        assertEquals(1, mock.streamEvents("is-retry-sender").accepted)
    }

    @Test
    fun `a 400 is not retried`() {
        mock.streamClient(maxAttempts = 3).use { streams ->
            mock.fault("path=/stream,status=400,count=1")
            val e = assertThrows<BadRequestException> { streams.sendJson("is-bad", """{"n":1}""") }
            assertEquals(1, e.attempts)
            assertEquals("stream-ingest", e.operation)
            assertEquals(1, mock.streamRequests("is-bad").size)

            mock.fault("path=/stream,status=400,count=1")
            val event = """{"customer":"secret@example.com"}"""
            val sender = streams.sender("is-bad-sender")
            val sequence = sender.send(event)
            val report = sender.closeAndReport()
            assertEquals(0, report.accepted)
            assertEquals(0, report.retried)
            val failure = report.failed.single()
            assertEquals(sequence, failure.sequence)
            assertEquals(event, failure.payload)
            assertTrue(failure.error is BadRequestException, "${failure.error}")
            assertEquals(1, (failure.error as BadRequestException).attempts)
            assertFalse(failure.toString().contains("secret@example.com"), failure.toString())
            assertTrue(failure.toString().contains("<${event.length} bytes>"), failure.toString())
            assertFalse(report.toString().contains("secret@example.com"))
            assertEquals(1, mock.streamRequests("is-bad-sender").size)
        }
    }

    @Test
    fun `10 000 events from 4 threads are all delivered and reported`() {
        val producers = 4
        val perProducer = 2_500
        val sent = ConcurrentHashMap.newKeySet<String>()
        val sequences = ConcurrentHashMap.newKeySet<Long>()
        mock.streamClient().use { streams ->
            val sender = streams.sender("is-volume")
            val pool = Executors.newFixedThreadPool(producers)
            val started = System.nanoTime()
            val tasks = (0 until producers).map { producer ->
                pool.submit {
                    for (n in 0 until perProducer) {
                        val event = """{"producer":$producer,"n":$n}"""
                        sequences += sender.send(event)
                        sent += event
                    }
                }
            }
            tasks.forEach { it.get(120, TimeUnit.SECONDS) }
            pool.shutdown()
            sender.use { }
            val report = sender.closeReport!!
            val seconds = (System.nanoTime() - started) / 1e9
            println("stream sender: ${report.accepted} events in %.2f s (%.0f events/s)".format(seconds, report.accepted / seconds))
            assertEquals(10_000L, report.accepted, "$report: ${report.failed.take(3)}")
            assertTrue(report.failed.isEmpty())
            assertEquals(10_000L, report.total)
            assertEquals((0L until 10_000L).toSet(), sequences)
            assertEquals(0L, sender.pending)
            assertEquals(0L, sender.closeAndReport().total, "a second close reports nothing new")
            assertEquals(report.accepted, sender.closeReport!!.accepted)
        }
        val seen = mock.streamEvents("is-volume")
        assertEquals(10_000L, seen.accepted)
        assertEquals(0L, seen.duplicates)
        assertEquals(sent, seen.bodies.toSet())
    }

    @Test
    fun `flush reports what finished and close delivers what is still queued`() {
        mock.streamClient().use { streams ->
            val sender = streams.sender("is-queued", workers = 1, queueCapacity = 1000)
            sender.send("""{"n":-1}""")
            val flushed = sender.flush()
            assertEquals(1, flushed.accepted)
            // The first request of the next events stalls: the rest stays queued meanwhile.
            mock.fault("path=/stream,delay_ms=400,count=1")
            repeat(200) { sender.send("""{"n":$it}""") }
            assertTrue(sender.pending > 100, "pending ${sender.pending}")
            val report = sender.closeAndReport()
            assertEquals(200, report.accepted, "$report")
            assertTrue(report.failed.isEmpty())
            assertEquals(0L, sender.pending)
            assertEquals(report.accepted, sender.closeReport!!.accepted)
        }
        val seen = mock.streamEvents("is-queued")
        assertEquals(201, seen.accepted)
        assertEquals(0, seen.duplicates)
    }

    @Test
    fun `trySend throws QueueFullException while the workers are stalled`() {
        mock.streamClient().use { streams ->
            val sender = streams.sender("is-full", workers = 1, queueCapacity = 2)
            mock.fault("path=/stream,delay_ms=1500,count=1")
            var queued = 0
            val full = assertThrows<QueueFullException> {
                repeat(10) {
                    sender.trySend("""{"n":$it}""")
                    queued++
                }
            }
            assertEquals(2L, full.capacity)
            assertTrue(full.message!!.contains("2"), full.message)
            // The capacity, plus the event the stalled worker may have taken.
            assertTrue(queued in 2..3, "queued $queued")
            val report = sender.closeAndReport()
            assertEquals(queued.toLong(), report.accepted)
            assertEquals(queued.toLong(), mock.streamEvents("is-full").accepted)
        }
    }

    @Test
    fun `a closed sender takes no more events`() {
        mock.streamClient().use { streams ->
            val sender = streams.sender("is-closed")
            sender.send("{}")
            sender.close()
            assertEquals(1, sender.closeReport!!.accepted)
            val e = assertThrows<SenderClosedException> { sender.send("{}") }
            assertEquals("the sender is closed and takes no more events", e.message)
            assertThrows<SenderClosedException> { sender.trySend("{}") }
            sender.close()
            assertEquals(1, sender.closeReport!!.accepted, "later closes add nothing")
        }
        assertEquals(1, mock.streamEvents("is-closed").accepted)
    }

    @Test
    fun `the token never appears in errors or strings`() {
        val secret = "s3cr3t-stream-token-42"
        val texts = mutableListOf<String>()
        fun collect(e: Throwable) {
            texts += e.toString()
            texts += e.stackTraceToString()
        }
        StreamClient(tenant = "acme", token = secret, baseUrl = mock.origin, maxAttempts = 1, rateLimitPerSecond = null).use { streams ->
            texts += streams.toString()
            collect(assertThrows<AuthenticationException> { streams.sendJson("is-secret", "{}") })
            val sender = streams.sender("is-secret", maxRetries = 0)
            texts += sender.toString()
            sender.send("""{"n":1}""")
            val report = sender.closeAndReport()
            val failure = report.failed.single()
            assertTrue(failure.error is AuthenticationException, "${failure.error}")
            collect(failure.error)
            texts += failure.toString()
            texts += report.toString()
        }
        // The control plane's token is not a streaming token either (the mock's 401 hints so).
        mock.streamClient(token = "mock-token").use { streams ->
            collect(assertThrows<AuthenticationException> { streams.sendJson("is-secret", "{}") })
        }
        collect(assertThrows<ConfigurationException> { StreamClient(tenant = "acme", token = secret, baseUrl = "ftp://example.com") })
        collect(assertThrows<ConfigurationException> { StreamClient(tenant = "acme", token = secret, proxy = "not a url") })
        for (text in texts) {
            assertFalse(text.contains(secret), text)
            assertFalse(text.contains("Bearer mock-token"), text)
        }
        assertEquals(0, mock.streamEvents("is-secret").accepted)
    }
}
