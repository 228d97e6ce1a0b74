package com.amperity.sdk

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import java.time.Duration
import java.util.concurrent.atomic.AtomicReference

/**
 * Cancellation over real sockets: `Thread.interrupt()` during a stalled request and during a
 * workflow wait (InterruptedException), and `Client.cancel()` from another thread.
 */
class CancelTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun start() {
        mock = MockServer("--segments", "100", "--run-step-ms", "60000")
    }

    @AfterEach
    fun stop() = mock.close()

    /** Runs [call] on a new thread, applies [stop] to it after 300 ms; returns what it threw and how long after. */
    private fun stopDuring(stop: (Thread) -> Unit, call: () -> Unit): Pair<Throwable?, Duration> {
        val thrown = AtomicReference<Throwable?>()
        val endedAt = AtomicReference<Long>()
        val worker = Thread {
            try {
                call()
            } catch (e: Throwable) {
                thrown.set(e)
            }
            endedAt.set(System.nanoTime())
        }
        worker.start()
        Thread.sleep(300)
        val stoppedAt = System.nanoTime()
        stop(worker)
        worker.join(10_000)
        assertTrue(!worker.isAlive, "the call did not return")
        return thrown.get() to Duration.ofNanos(endedAt.get() - stoppedAt)
    }

    @Test
    fun `interrupting a thread ends its stalled request with InterruptedException`() {
        mock.client(requestTimeout = Duration.ofSeconds(60)).use { client ->
            mock.fault("path=/api/segments,delay_ms=20000,count=1")
            val (thrown, latency) = stopDuring({ it.interrupt() }) { client.segments.list(limit = 10).firstPage() }
            assertTrue(thrown is InterruptedException, "got $thrown")
            println("Thread.interrupt during a stalled request: returned ${latency.toMillis()} ms later")
            assertTrue(latency < Duration.ofSeconds(2), "$latency")
            // The client goes on working.
            assertEquals(10, client.segments.list(limit = 10).firstPage().items.size)
        }
    }

    @Test
    fun `interrupting a thread ends a workflow wait`() {
        mock.client().use { client ->
            val run = client.workflowRuns.run("cg-123")
            val (thrown, latency) = stopDuring({ it.interrupt() }) {
                client.workflowRuns.wait(run.id, pollInterval = Duration.ofSeconds(30), timeout = Duration.ofHours(1))
            }
            assertTrue(thrown is InterruptedException, "got $thrown")
            println("Thread.interrupt during a workflow wait: returned ${latency.toMillis()} ms later")
            assertTrue(latency < Duration.ofSeconds(2), "$latency")
        }
    }

    @Test
    fun `cancel from another thread throws CancelledException`() {
        mock.client(requestTimeout = Duration.ofSeconds(60)).use { client ->
            mock.fault("path=/api/segments,delay_ms=20000,count=1")
            val (thrown, _) = stopDuring({ client.cancel() }) { client.segments.list(limit = 10).firstPage() }
            assertTrue(thrown is CancelledException, "got $thrown")
            assertEquals("list-segment", (thrown as CancelledException).operation)
            assertTrue(thrown.message!!.contains("was cancelled"), thrown.message)
        }
    }

    @Test
    fun `an interrupted thread does not start a call`() {
        mock.client().use { client ->
            Thread.currentThread().interrupt()
            val thrown = runCatching { client.workflowRuns.get("wf-1") }.exceptionOrNull()
            assertTrue(thrown is InterruptedException, "got $thrown")
            assertTrue(!Thread.currentThread().isInterrupted)
            assertEquals(0, mock.apiRequests("workflow").size)
        }
    }
}
