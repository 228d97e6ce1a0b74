package com.amperity.sdk

import com.amperity.sdk.coroutines.AsyncResources
import com.amperity.sdk.coroutines.CoroutineClient
import com.amperity.sdk.coroutines.CoroutineEventSender
import com.amperity.sdk.coroutines.CoroutineStreamClient
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.lang.reflect.Modifier
import java.time.Duration
import java.util.concurrent.CancellationException as FutureCancellation
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit

/**
 * The coroutine API (CoroutineClient, PagedFlow) and the Java futures (FutureClient) over real
 * sockets: the same surface as the blocking client, results and errors, and per-call
 * cancellation (a stalled response, a long Retry-After) measured from the cancel to the
 * coroutine's end and to the pool thread's release.
 */
class CoroutinesTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun start() {
        mock = MockServer("--segments", "250", "--run-step-ms", "40")
    }

    @AfterEach
    fun stop() = mock.close()

    /** A client that honours a long Retry-After (the mock client's own caps it at 2 s). */
    private fun patientClient() = Client(
        tenant = "acme",
        token = "mock-token",
        baseUrl = mock.baseUrl,
        maxRetryAfter = Duration.ofSeconds(60),
        requestTimeout = Duration.ofSeconds(60),
        rateLimitPerSecond = null,
    )

    private fun names(type: Class<*>): Set<String> =
        type.methods.filter { it.declaringClass != Any::class.java && !it.isSynthetic && Modifier.isPublic(it.modifiers) }
            .map { it.name.removeSuffix("\$default") }
            .filter { !it.startsWith("get") && it != "equals" && it != "hashCode" && it != "toString" }
            .toSet()

    private fun groups(type: Class<*>): Set<String> =
        type.methods.filter { it.name.startsWith("get") && it.parameterCount == 0 }
            .map { it.name }
            .filter { it != "getClass" }
            .toSet()

    @Test
    fun `the coroutine and future clients have every operation of the blocking client`() {
        val blocking = Client::class.java
        val expectedGroups = listOf("AuditEvents", "CampaignDrafts", "Campaigns", "Indexes", "IngestJobs", "Profiles", "Segments", "WorkflowRuns")
        val blockingGroups = groups(blocking).filter { it.removePrefix("get") in expectedGroups }.toSet()
        assertEquals(expectedGroups.size, blockingGroups.size, "$blockingGroups")
        for (async in listOf(AsyncResources::class.java, FutureResources::class.java)) {
            assertTrue(groups(async).containsAll(blockingGroups), "${async.simpleName}: ${groups(async)}")
            for (group in expectedGroups) {
                val sync = Class.forName("com.amperity.sdk.$group")
                val prefix = if (async == AsyncResources::class.java) "com.amperity.sdk.coroutines.Async" else "com.amperity.sdk.Future"
                assertEquals(names(sync), names(Class.forName(prefix + group)), group)
            }
            assertTrue(names(async).containsAll(setOf("raw", "rawPages")), "${names(async)}")
        }
    }

    @Test
    fun `the coroutine and future stream clients have every operation of the blocking stream client`() {
        val blocking = names(StreamClient::class.java)
        assertEquals(setOf("sendJson", "sendXml", "sender", "cancel", "close"), blocking)
        assertEquals(blocking, names(CoroutineStreamClient::class.java))
        assertEquals(blocking, names(FutureStreamClient::class.java))
        // The senders: every method but the blocking close() (AutoCloseable), whose async form is
        // closeAndReport; the coroutine sender adds a suspending use { }.
        val sender = names(EventSender::class.java)
        assertEquals(setOf("send", "trySend", "flush", "closeAndReport", "close"), sender)
        assertEquals(sender - "close" + "use", names(CoroutineEventSender::class.java))
        assertEquals(sender - "close", names(FutureEventSender::class.java))
        // The same properties too (`getX`), besides the blocking sender itself.
        val properties = groups(EventSender::class.java)
        assertEquals(setOf("getStreamId", "getFormat", "getPending", "getCloseReport"), properties)
        assertEquals(properties + "getSender", groups(CoroutineEventSender::class.java))
        assertEquals(properties + "getSender", groups(FutureEventSender::class.java))
        // sender(...) takes the blocking one's arguments.
        fun senderArguments(type: Class<*>) = type.methods.single { it.name == "sender" && it.parameterCount == 6 }.parameterTypes.toList()
        for (async in listOf(CoroutineStreamClient::class.java, FutureStreamClient::class.java)) {
            assertEquals(senderArguments(StreamClient::class.java), senderArguments(async), async.simpleName)
        }
    }

    @Test
    fun `nothing outside the coroutines package refers to kotlinx-coroutines`() {
        val root = File(File(Client::class.java.protectionDomain.codeSource.location.toURI()), "com/amperity/sdk")
        val offenders = root.walkTopDown()
            .filter { it.isFile && it.name.endsWith(".class") && !it.path.contains("/coroutines/") }
            .filter { String(it.readBytes(), Charsets.ISO_8859_1).contains("kotlinx/coroutines") }
            .map { it.name }
            .toList()
        assertEquals(emptyList<String>(), offenders)
    }

    @Test
    fun `suspend calls, flows, pages, waits and errors`() = runTest {
        mock.client().use { client ->
            CoroutineClient(client, threads = 4).use { co ->
                assertEquals(250, co.segments.list(limit = 40, readAhead = true).count())
                val pages = co.segments.list(limit = 100, withTotal = true).pages().toList()
                assertEquals(listOf(100, 100, 50), pages.map { it.items.size })
                assertEquals(250L, pages.first().total)
                val run = co.workflowRuns.run("cg-123")
                val progress = java.util.concurrent.CopyOnWriteArrayList<WaitProgress>()
                val done = co.workflowRuns.wait(run.id, pollInterval = Duration.ofMillis(20)) { progress += it }
                assertTrue(done.state.isTerminal && progress.isNotEmpty(), "${done.state} $progress")
                val missing = runCatching { co.workflowRuns.get("wf-nope") }.exceptionOrNull()
                assertTrue(missing is NotFoundException, "$missing")
                assertEquals(200, co.raw(RawMethod.GET, "/segments", mapOf("limit" to "2")).status)
                assertEquals(250, co.rawPages("/segments", limit = 120).count())
                // Several calls in flight at once.
                val runs = co.workflowRuns.list(limit = 5).pages().toList().first().items
                val fetched = runs.map { r -> async { co.workflowRuns.get(r.id) } }.awaitAll()
                assertEquals(runs.map { it.id }, fetched.map { it.id })
            }
        }
    }

    /** Cancels [job] after 300 ms; returns the ms until it ended and until the single pool thread ran again. */
    private fun cancelAfter(co: CoroutineClient, job: Job): Pair<Double, Double> = runBlocking {
        delay(300)
        val cancelledAt = System.nanoTime()
        job.cancel()
        job.join()
        val ended = (System.nanoTime() - cancelledAt) / 1e6
        val free = (co.calls.submit { System.nanoTime() }.get(10, TimeUnit.SECONDS) - cancelledAt) / 1e6
        ended to free
    }

    private fun report(what: String, latency: Pair<Double, Double>) {
        println("%s: coroutine ended %.1f ms, pool thread free %.1f ms after the cancel".format(what, latency.first, latency.second))
        assertTrue(latency.first < 100 && latency.second < 100, "$what: $latency")
    }

    @Test
    fun `cancelling the coroutine ends a stalled call and frees its thread, others go on`() {
        patientClient().use { client ->
            CoroutineClient(client, threads = 1).use { co ->
                mock.fault("path=/api/segments,delay_ms=20000,count=1")
                var thrown: Throwable? = null
                val job = CoroutineClient(client, threads = 1).let { other ->
                    // A bystander on its own pool, slow but not cancelled.
                    mock.fault("path=/api/campaigns,delay_ms=700,count=1")
                    val bystander = kotlinx.coroutines.GlobalScope.async(Dispatchers.Default) {
                        other.use { it.raw(RawMethod.GET, "/campaigns").status }
                    }
                    val job = kotlinx.coroutines.GlobalScope.launch(Dispatchers.Default) {
                        try {
                            co.raw(RawMethod.GET, "/segments")
                        } catch (e: Throwable) {
                            thrown = e
                            throw e
                        }
                    }
                    report("stalled response", cancelAfter(co, job))
                    assertEquals(200, runBlocking { bystander.await() })
                    job
                }
                assertTrue(job.isCancelled && thrown is CancellationException && thrown !is CancelledException, "$thrown")
                // The client goes on.
                assertEquals(200, runBlocking { co.raw(RawMethod.GET, "/segments", mapOf("limit" to "1")).status })
            }
        }
    }

    @Test
    fun `cancelling the coroutine cuts a long Retry-After short`() {
        patientClient().use { client ->
            CoroutineClient(client, threads = 1).use { co ->
                mock.clearRequests()
                mock.fault("path=/api/segments,status=429,retry_after=30,count=1")
                val job = kotlinx.coroutines.GlobalScope.launch(Dispatchers.Default) { co.segments.list(limit = 10).count() }
                report("Retry-After pause", cancelAfter(co, job))
                assertEquals(1, mock.apiRequests("segments").size)
            }
        }
    }

    @Test
    fun `withTimeout gives up on a stalled call`() = runBlocking {
        patientClient().use { client ->
            CoroutineClient(client).use { co ->
                mock.fault("path=/api/workflow/runs/wf-slow,delay_ms=20000,count=1")
                val started = System.nanoTime()
                assertNull(withTimeoutOrNull(200) { co.workflowRuns.get("wf-slow") })
                assertTrue((System.nanoTime() - started) / 1e6 < 1000)
            }
        }
    }

    @Test
    fun `a cancelled future ends its native call and frees its thread`() {
        patientClient().use { client ->
            FutureClient(client, threads = 1).use { futures ->
                mock.fault("path=/api/segments,delay_ms=20000,count=1")
                val future = futures.raw(RawMethod.GET, "/segments")
                Thread.sleep(300)
                val cancelledAt = System.nanoTime()
                assertTrue(future.cancel(true)) { "the call ended before the cancel: ${runCatching { future.get() }}" }
                assertThrows<FutureCancellation> { future.get() }
                val free = (futures.calls.submit { System.nanoTime() }.get(10, TimeUnit.SECONDS) - cancelledAt) / 1e6
                println("future.cancel during a stalled response: pool thread free %.1f ms later".format(free))
                assertTrue(free < 100, "$free")
                // Results and errors through futures; a walk page by page.
                assertEquals(200, futures.raw(RawMethod.GET, "/segments", mapOf("limit" to "1")).get().status)
                val error = assertThrows<ExecutionException> { futures.workflowRuns.get("wf-nope").get() }
                assertTrue(error.cause is NotFoundException, "${error.cause}")
                futures.segments.list(limit = 100).use { pages ->
                    val sizes = generateSequence { pages.nextPage().get() }.map { it.items.size }.toList()
                    assertEquals(listOf(100, 100, 50), sizes)
                }
            }
        }
    }
}
