package com.amperity.sdk.soak

import com.amperity.sdk.AmperityException
import com.amperity.sdk.Client
import com.amperity.sdk.PageIterator
import com.amperity.sdk.StreamClient
import java.io.File
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong

/**
 * The Kotlin soak and load drivers (the scenario is in tests/soak/README.md), run by
 * tests/soak.sh as a plain `java -cp` of the test classpath:
 *
 *     Soak soak ORIGIN SECONDS IDS_DIR
 *     Soak load ORIGIN SECONDS THREADS
 *
 * Prints one line, `SOAK {json}` or `LOAD {json}`, which tests/soak/check.py checks.
 */
object Soak {
    private const val THREADS = 8
    private const val PAGE = 500
    private const val LANG = "kotlin"

    private val counters = ConcurrentHashMap<String, AtomicLong>()
    private val kinds = ConcurrentHashMap<String, AtomicLong>()
    private val failures = java.util.Collections.synchronizedList(mutableListOf<String>())

    private fun add(key: String, n: Long = 1) {
        counters.computeIfAbsent(key) { AtomicLong() }.addAndGet(n)
    }

    private fun count(key: String) = counters[key]?.get() ?: 0L

    private fun error(e: Throwable) {
        add("errors_seen")
        val status = (e as? AmperityException)?.let { runCatching { it.javaClass.getMethod("getStatus").invoke(it) }.getOrNull() }
        kinds.computeIfAbsent(e.javaClass.simpleName + (status ?: "")) { AtomicLong() }.incrementAndGet()
    }

    private fun fail(what: String) {
        if (failures.size < 20) failures.add(what)
    }

    private fun sample(): LongArray {
        var rss = 0L
        var threads = 0L
        File("/proc/self/status").forEachLine { line ->
            if (line.startsWith("VmRSS:")) rss = line.split(Regex("\\s+"))[1].toLong()
            if (line.startsWith("Threads:")) threads = line.split(Regex("\\s+"))[1].toLong()
        }
        val fds = File("/proc/self/fd").list()?.size?.toLong() ?: 0L
        return longArrayOf(rss, fds, threads)
    }

    private fun <T> walk(expected: List<String>, what: String, open: (String?) -> PageIterator<T>, id: (T) -> String) {
        add("walks")
        var pos = 0
        var resumes = 0
        var pages = open(null)
        while (true) {
            val page = try {
                if (!pages.hasNext()) break
                pages.next()
            } catch (e: AmperityException) {
                error(e)
                if (++resumes > 100) {
                    fail("$what: more than 100 resumes ($e)")
                    pages.close()
                    return
                }
                add("resumes")
                val cursor = pages.resumeCursor
                pages.close()
                if (cursor == null && pos != 0) {
                    fail("$what: no resume cursor at record $pos after $e")
                    return
                }
                pages = open(cursor)
                continue
            }
            for (item in page.items) {
                val got = id(item)
                if (pos >= expected.size || expected[pos] != got) {
                    fail("$what: record $pos is $got, expected ${expected.getOrNull(pos)}")
                    pages.close()
                    return
                }
                pos++
            }
            add("records", page.items.size.toLong())
        }
        pages.close()
        if (pos != expected.size) {
            fail("$what: walk ended at record $pos of ${expected.size}")
            return
        }
        add("walks_completed")
    }

    private fun soak(origin: String, seconds: Long, idsDir: String) {
        val segments = File(idsDir, "segments.txt").readLines().filter { it.isNotEmpty() }
        val audit = File(idsDir, "audit-events.txt").readLines().filter { it.isNotEmpty() }
        val client = Client(
            tenant = "acme", token = "mock-token", baseUrl = "$origin/api", rateLimitPerSecond = null,
            connectTimeout = Duration.ofSeconds(2), requestTimeout = Duration.ofSeconds(1), maxAttempts = 4,
            initialBackoff = Duration.ofMillis(10), maxBackoff = Duration.ofMillis(100),
            maxRetryAfter = Duration.ofSeconds(2),
        )
        val streams = StreamClient(
            "acme", "mock-stream-token", baseUrl = origin, connectTimeout = Duration.ofSeconds(2),
            requestTimeout = Duration.ofSeconds(1), maxAttempts = 4, rateLimitPerSecond = null,
        )
        val stop = AtomicBoolean(false)
        val panics = AtomicLong()
        val start = System.nanoTime()
        val deadline = start + seconds * 1_000_000_000L
        val workers = (0 until THREADS).map { t ->
            Thread {
                var n = 0L
                try {
                    while (!stop.get()) {
                        when (((n + t) % 4).toInt()) {
                            0 -> walk(segments, "segments", { c -> client.segments.list(limit = PAGE, cursor = c).pages() }) { it.id }
                            1 -> walk(audit, "audit-events", { c -> client.auditEvents.list(limit = PAGE, cursor = c).pages() }) { it.eventId }
                            2 -> {
                                add("run_calls")
                                val run = try {
                                    client.workflowRuns.run("cg-soak-$LANG-$t-$n").also { add("run_ok") }
                                } catch (e: AmperityException) {
                                    error(e)
                                    add("run_failed")
                                    null
                                }
                                if (run != null) {
                                    try {
                                        client.workflowRuns.wait(run.id, Duration.ofMillis(20), Duration.ofSeconds(60))
                                        add("wait_ok")
                                    } catch (e: AmperityException) {
                                        error(e)
                                        add("wait_failed")
                                    }
                                }
                            }
                            else -> for (k in 0 until 25) {
                                add("stream_sent")
                                try {
                                    streams.sendJson("soak-kotlin", """{"lang":"$LANG","thread":$t,"op":$n,"k":$k}""")
                                    add("stream_ok")
                                } catch (e: AmperityException) {
                                    error(e)
                                    add("stream_failed")
                                }
                            }
                        }
                        add("ops")
                        n++
                    }
                } catch (e: Throwable) {
                    e.printStackTrace()
                    panics.incrementAndGet()
                }
            }.apply { start() }
        }
        Thread.sleep((seconds / 6).coerceIn(1, 60) * 1000)
        // A full collection before each sample (the heap's garbage is not a leak), a sample a
        // second; reported: the highest of the first and of the last third of the samples.
        val samples = mutableListOf<LongArray>()
        System.gc()
        samples.add(sample())
        while (System.nanoTime() + 1_000_000_000L < deadline) {
            Thread.sleep(1000)
            System.gc()
            samples.add(sample())
        }
        val left = (deadline - System.nanoTime()) / 1_000_000
        if (left > 0) Thread.sleep(left)
        System.gc()
        samples.add(sample())
        val third = (samples.size + 2) / 3
        fun peak(s: List<LongArray>) = LongArray(3) { i -> s.maxOf { it[i] } }
        val first = peak(samples.take(third))
        val last = peak(samples.takeLast(third))
        stop.set(true)
        workers.forEach { it.join() }
        val fields = listOf(
            "ops", "walks", "walks_completed", "records", "resumes", "errors_seen", "run_calls", "run_ok",
            "run_failed", "wait_ok", "wait_failed", "stream_sent", "stream_ok", "stream_failed",
        ).joinToString(",") { "\"$it\":${count(it)}" }
        val kindsJson = kinds.entries.sortedBy { it.key }.joinToString(",") { "\"${it.key}\":${it.value.get()}" }
        val failuresJson = failures.joinToString(",") { "\"" + it.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" }
        val secs = (System.nanoTime() - start) / 1e9
        println(
            "SOAK {\"lang\":\"$LANG\",\"seconds\":$secs,\"threads\":$THREADS,$fields,\"stream_id\":\"soak-kotlin\"," +
                "\"rss_kb\":[${first[0]},${last[0]}],\"fds\":[${first[1]},${last[1]}],\"os_threads\":[${first[2]},${last[2]}]," +
                "\"samples\":[${samples.joinToString(",") { "[${it[0]},${it[1]},${it[2]}]" }}]," +
                "\"panics\":${panics.get()},\"error_kinds\":{$kindsJson},\"failures\":[$failuresJson]}",
        )
        streams.close()
        client.close()
    }

    private fun load(origin: String, seconds: Long, threads: Int) {
        val client = Client(tenant = "acme", token = "mock-token", baseUrl = "$origin/api", rateLimitPerSecond = null)
        val id = client.workflowRuns.list(limit = 1).first().id
        val stop = AtomicBoolean(false)
        val errors = AtomicLong()
        val lats = java.util.Collections.synchronizedList(mutableListOf<LongArray>())
        val start = System.nanoTime()
        val workers = (0 until threads).map {
            Thread {
                var buf = LongArray(4096)
                var len = 0
                while (!stop.get()) {
                    val t0 = System.nanoTime()
                    try {
                        client.workflowRuns.get(id)
                    } catch (e: AmperityException) {
                        errors.incrementAndGet()
                    }
                    if (len == buf.size) buf = buf.copyOf(len * 2)
                    buf[len++] = System.nanoTime() - t0
                }
                lats.add(buf.copyOf(len))
            }.apply { start() }
        }
        Thread.sleep(seconds * 1000)
        stop.set(true)
        workers.forEach { it.join() }
        val elapsed = (System.nanoTime() - start) / 1e9
        val all = lats.flatMap { it.asList() }.sorted()
        fun pct(p: Double) = if (all.isEmpty()) 0.0 else all[minOf((all.size * p).toInt(), all.size - 1)] / 1e6
        println(
            "LOAD {\"lang\":\"$LANG\",\"threads\":$threads,\"seconds\":$elapsed,\"ops\":${all.size},\"errors\":${errors.get()}," +
                "\"ops_per_s\":${all.size / elapsed},\"p50_ms\":${pct(0.5)},\"p90_ms\":${pct(0.9)},\"p99_ms\":${pct(0.99)}," +
                "\"max_ms\":${if (all.isEmpty()) 0.0 else all.last() / 1e6}}",
        )
        client.close()
    }

    @JvmStatic
    fun main(args: Array<String>) {
        require(args.size == 4) { "usage: Soak soak ORIGIN SECONDS IDS_DIR | load ORIGIN SECONDS THREADS" }
        when (args[0]) {
            "soak" -> soak(args[1], args[2].toLong(), args[3])
            else -> load(args[1], args[2].toLong(), args[3].toInt())
        }
        System.exit(0)
    }
}
