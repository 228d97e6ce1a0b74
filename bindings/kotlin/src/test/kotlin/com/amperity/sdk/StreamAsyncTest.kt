package com.amperity.sdk

import com.amperity.sdk.coroutines.CoroutineStreamClient
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.CancellationException as FutureCancellation

/**
 * The async forms of Streaming Ingest (CoroutineStreamClient, FutureStreamClient and their
 * senders) over real sockets against the mock: sends, errors, a sender's volume, and per-call
 * cancellation of a send (a stalled response, a long Retry-After) measured from the cancel to the
 * coroutine's end and to the pool thread's release; a cancelled wait for queue room stops the
 * wait, not the delivery.
 */
@OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
class StreamAsyncTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun start() {
        mock = MockServer("--stream-rate-limit", "off")
    }

    @AfterEach
    fun stop() = mock.close()

    /** A stream client whose requests may stall for a minute (the cancel must end them, not a timeout). */
    private fun patientStreams() = mock.streamClient(requestTimeout = Duration.ofSeconds(60))

    @Test
    fun `suspend sends, errors and a coroutine sender`() = runTest {
        mock.streamClient().use { streams ->
            CoroutineStreamClient(streams, threads = 4).use { co ->
                co.sendJson("is-co-json", """{"order_id": "o-1", "total": 12.5}""")
                co.sendXml("is-co-xml", "<records><record><id>1</id></record></records>")
                assertEquals(listOf("""{"order_id": "o-1", "total": 12.5}"""), mock.streamEvents("is-co-json").bodies)
                assertEquals("application/xml", mock.streamRequests("is-co-xml").single().header("Content-Type"))
                // The blocking client's errors, unchanged.
                val ndjson = runCatching { co.sendJson("is-co-json", "{}\n{}") }.exceptionOrNull()
                assertTrue(ndjson is InvalidArgumentException && ndjson.message!!.contains("NDJSON"), "$ndjson")
                mock.fault("path=/stream,status=400,count=1")
                val refused = runCatching { co.sendJson("is-co-bad", """{"n":1}""") }.exceptionOrNull()
                assertTrue(refused is BadRequestException && refused.attempts == 1, "$refused")
                // Several sends in flight at once.
                (0 until 20).map { n -> async { co.sendJson("is-co-many", """{"n":$n}""") } }.awaitAll()
                assertEquals(20, mock.streamEvents("is-co-many").accepted)

                // A sender fed by 4 coroutines, flushed, then closed by use { }.
                val sender = co.sender("is-co-sender", workers = 4, queueCapacity = 100)
                assertEquals("is-co-sender", sender.streamId)
                assertEquals(PayloadFormat.JSON, sender.format)
                val sequences = ConcurrentHashMap.newKeySet<Long>()
                sequences += sender.send("""{"n":-1}""")
                assertEquals(1, sender.flush().accepted)
                var flushed: DeliveryReport? = null
                val result = sender.use {
                    (0 until 4).map { producer ->
                        launch { repeat(500) { n -> sequences += it.send("""{"producer":$producer,"n":$n}""") } }
                    }.joinAll()
                    // Right after the producers the queue may still be full (trySend would throw
                    // QueueFullException, as it should): after a flush it is empty.
                    flushed = it.flush()
                    sequences += it.trySend("""{"n":"last"}""")
                    "done"
                }
                assertEquals("done", result)
                assertEquals((0L until 2002L).toSet(), sequences)
                assertEquals(2000L, flushed!!.accepted, "$flushed")
                val report = sender.closeReport!!
                assertEquals(1L, report.accepted, "$report")
                assertTrue(report.failed.isEmpty())
                assertEquals(0L, sender.pending)
                assertEquals(0L, sender.closeAndReport().total, "a second close reports nothing new")
                assertTrue(runCatching { sender.send("{}") }.exceptionOrNull() is SenderClosedException)
                assertTrue(runCatching { co.sender("is-co-sender", workers = 0) }.exceptionOrNull() is InvalidArgumentException)
            }
        }
        assertEquals(2002L, mock.streamEvents("is-co-sender").accepted)
        assertEquals(0L, mock.streamEvents("is-co-sender").duplicates)
    }

    @Test
    fun `the async stream clients run on the dispatcher or executor given, and print no token`() = runTest {
        val secret = "s3cr3t-stream-token-42"
        val pool = Executors.newFixedThreadPool(2)
        try {
            StreamClient(tenant = "acme", token = secret, baseUrl = mock.origin, maxAttempts = 1, rateLimitPerSecond = null).use { streams ->
                CoroutineStreamClient(streams, dispatcher = Dispatchers.IO).use { co ->
                    assertSame(Dispatchers.IO, co.dispatcher)
                    val failure = runCatching { co.sendJson("is-secret", "{}") }.exceptionOrNull()
                    assertTrue(failure is AuthenticationException, "$failure")
                    val sender = co.sender("is-secret")
                    val texts = listOf(co.toString(), sender.toString(), failure!!.stackTraceToString())
                    sender.closeAndReport()
                    assertTrue(co.toString().startsWith("CoroutineStreamClient(client=StreamClient(tenant=acme, "), co.toString())
                    for (text in texts) assertFalse(text.contains(secret), text)
                }
                FutureStreamClient(streams, pool).use { futures ->
                    assertSame(pool, futures.executor)
                    val error = assertThrows<ExecutionException> { futures.sendJson("is-secret", "{}").get(10, TimeUnit.SECONDS) }
                    assertTrue(error.cause is AuthenticationException, "${error.cause}")
                    assertFalse(futures.toString().contains(secret), futures.toString())
                    assertTrue(futures.toString().contains("tenant=acme"), futures.toString())
                }
            }
            // Closing the async client leaves a given executor running.
            assertFalse(pool.isShutdown)
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun `future sends and a future sender`() {
        mock.streamClient().use { streams ->
            FutureStreamClient(streams, threads = 2).use { futures ->
                assertNull(futures.sendJson("is-fu-json", """{"n":1}""").get(10, TimeUnit.SECONDS))
                assertNull(futures.sendXml("is-fu-xml", "<a/>").get(10, TimeUnit.SECONDS))
                val error = assertThrows<ExecutionException> { futures.sendJson("is-fu-json", "[{}]").get(10, TimeUnit.SECONDS) }
                assertTrue(error.cause is InvalidArgumentException, "${error.cause}")
                val sender = futures.sender("is-fu-sender", queueCapacity = 10)
                val sequences = (0 until 100).map { sender.send("""{"n":$it}""").get(10, TimeUnit.SECONDS) }
                assertEquals((0L until 100L).toList(), sequences)
                val flushed = sender.flush().get(10, TimeUnit.SECONDS)
                assertEquals(100L, sender.trySend("""{"n":100}""")) // the queue is empty after the flush
                val closed = sender.closeAndReport().get(10, TimeUnit.SECONDS)
                assertEquals(101L, flushed.accepted + closed.accepted)
                assertEquals(closed.accepted, sender.closeReport!!.accepted)
                val late = assertThrows<ExecutionException> { sender.send("{}").get(10, TimeUnit.SECONDS) }
                assertTrue(late.cause is SenderClosedException, "${late.cause}")
            }
        }
        assertEquals(1L, mock.streamEvents("is-fu-json").accepted)
        assertEquals(1L, mock.streamEvents("is-fu-xml").accepted)
        assertEquals(101L, mock.streamEvents("is-fu-sender").accepted)
    }

    /** Cancels [job] after 300 ms; returns the ms until it ended and until the single pool thread ran again. */
    private fun cancelAfter(co: CoroutineStreamClient, job: Job): Pair<Double, Double> = runBlocking {
        delay(300)
        assertTrue(job.isActive, "the send ended before the cancel")
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

    /** Launches [send] in a coroutine that keeps what it threw in [thrown]. */
    private fun launchSend(thrown: Array<Throwable?>, send: suspend () -> Unit): Job =
        GlobalScope.launch(Dispatchers.Default) {
            try {
                send()
            } catch (e: Throwable) {
                thrown[0] = e
                throw e
            }
        }

    @Test
    fun `cancelling the coroutine ends a stalled send and frees its thread, others go on`() {
        patientStreams().use { streams ->
            CoroutineStreamClient(streams, threads = 1).use { co ->
                mock.fault("path=/stream/v0/data/is-stalled,delay_ms=20000,count=1")
                mock.fault("path=/stream/v0/data/is-bystander,delay_ms=700,count=1")
                // A bystander on the same stream client (its own pool), slow but not cancelled.
                val bystander = CoroutineStreamClient(streams, threads = 1).use { other ->
                    val bystander = GlobalScope.async(Dispatchers.Default) { other.sendJson("is-bystander", """{"n":1}""") }
                    val thrown = arrayOfNulls<Throwable>(1)
                    val job = launchSend(thrown) { co.sendJson("is-stalled", """{"n":1}""") }
                    report("stalled stream response", cancelAfter(co, job))
                    assertTrue(job.isCancelled && thrown[0] is CancellationException && thrown[0] !is CancelledException, "${thrown[0]}")
                    runBlocking { bystander.await() }
                    bystander
                }
                assertTrue(bystander.isCompleted && !bystander.isCancelled)
                assertEquals(1L, mock.streamEvents("is-bystander").accepted)
                // The client goes on, on the freed thread.
                runBlocking { co.sendXml("is-stalled", "<a/>") }
                assertEquals(2, mock.streamRequests("is-stalled").size)
            }
        }
    }

    @Test
    fun `cancelling the coroutine cuts a long Retry-After short`() {
        patientStreams().use { streams ->
            CoroutineStreamClient(streams, threads = 1).use { co ->
                mock.fault("path=/stream/v0/data/is-429,status=429,retry_after=30,count=1")
                val thrown = arrayOfNulls<Throwable>(1)
                val job = launchSend(thrown) { co.sendJson("is-429", """{"n":1}""") }
                report("stream Retry-After pause", cancelAfter(co, job))
                assertTrue(thrown[0] is CancellationException && thrown[0] !is CancelledException, "${thrown[0]}")
                assertEquals(1, mock.streamRequests("is-429").size, "no retry after the cancel")
                assertEquals(0L, mock.streamEvents("is-429").accepted)
            }
        }
    }

    @Test
    fun `withTimeout gives up on a stalled send`() = runBlocking {
        patientStreams().use { streams ->
            CoroutineStreamClient(streams).use { co ->
                mock.fault("path=/stream/v0/data/is-slow,delay_ms=20000,count=1")
                val started = System.nanoTime()
                assertNull(withTimeoutOrNull(200) { co.sendJson("is-slow", "{}") })
                assertTrue((System.nanoTime() - started) / 1e6 < 1000)
            }
        }
    }

    /** Cancels [future] after 300 ms; returns the ms until the single pool thread ran again. */
    private fun cancelFuture(futures: FutureStreamClient, future: CancellableFuture<*>): Double {
        Thread.sleep(300)
        val cancelledAt = System.nanoTime()
        assertTrue(future.cancel(true)) { "the send ended before the cancel: ${runCatching { future.get() }}" }
        assertThrows<FutureCancellation> { future.get() }
        return (futures.calls.submit { System.nanoTime() }.get(10, TimeUnit.SECONDS) - cancelledAt) / 1e6
    }

    @Test
    fun `a cancelled future ends its native send and frees its thread`() {
        patientStreams().use { streams ->
            FutureStreamClient(streams, threads = 1).use { futures ->
                mock.fault("path=/stream/v0/data/is-fu-stalled,delay_ms=20000,count=1")
                val stalled = cancelFuture(futures, futures.sendJson("is-fu-stalled", """{"n":1}"""))
                println("future.cancel during a stalled stream response: pool thread free %.1f ms later".format(stalled))
                mock.fault("path=/stream/v0/data/is-fu-429,status=429,retry_after=30,count=1")
                val paused = cancelFuture(futures, futures.sendXml("is-fu-429", "<a/>"))
                println("future.cancel during a stream Retry-After pause: pool thread free %.1f ms later".format(paused))
                assertTrue(stalled < 100 && paused < 100, "$stalled $paused")
                assertEquals(1, mock.streamRequests("is-fu-429").size, "no retry after the cancel")
                // The client goes on.
                assertNull(futures.sendJson("is-fu-stalled", """{"n":2}""").get(10, TimeUnit.SECONDS))
                assertEquals(1L, mock.streamEvents("is-fu-stalled").accepted)
            }
        }
    }

    @Test
    fun `cancelling a send waiting for queue room stops the wait, not the delivery`() {
        mock.streamClient().use { streams ->
            CoroutineStreamClient(streams, threads = 1).use { co ->
                val sender = co.sender("is-room", workers = 1, queueCapacity = 2)
                mock.fault("path=/stream/v0/data/is-room,delay_ms=1000,count=1")
                // Fill the queue; once more after the worker took the first event into its
                // stalled request, so that the queue stays full for a second.
                var queued = 0
                repeat(2) {
                    assertThrows<QueueFullException> {
                        repeat(10) {
                            sender.trySend("""{"n":$queued}""")
                            queued++
                        }
                    }
                    Thread.sleep(100)
                }
                assertTrue(queued in 2..3, "queued $queued")
                val thrown = arrayOfNulls<Throwable>(1)
                val job = GlobalScope.launch(Dispatchers.Default, start = CoroutineStart.UNDISPATCHED) {
                    try {
                        sender.send("""{"n":"waiting"}""")
                    } catch (e: Throwable) {
                        thrown[0] = e
                        throw e
                    }
                }
                val ended = runBlocking {
                    delay(200)
                    assertTrue(job.isActive, "the send did not wait")
                    val cancelledAt = System.nanoTime()
                    job.cancel()
                    job.join()
                    (System.nanoTime() - cancelledAt) / 1e6
                }
                // The wait goes on on its pool thread (the single one) until the stalled request
                // ends and makes room: the event is queued then, and delivered with the others.
                val cancelledAt = System.nanoTime()
                val free = (co.calls.submit { System.nanoTime() }.get(10, TimeUnit.SECONDS) - cancelledAt) / 1e6
                println("cancel of a send waiting for queue room: coroutine ended %.1f ms later, its pool thread waited %.1f ms more for room".format(ended, free))
                assertTrue(ended < 100 && thrown[0] is CancellationException, "$ended ${thrown[0]}")
                assertTrue(free > 300, "the wait went on until there was room: $free")
                val report = runBlocking { sender.closeAndReport() }
                assertEquals(queued + 1L, report.accepted, "$report")
            }
        }
    }
}
