// Walks segment pages of an already running mock server with one JVM client and prints one JSON
// line of measurements, in the shape of tests/bench/src/main.rs. Not a test: run by
// tests/bench/kotlin_clients.sh from tests/bench.sh.
@file:JvmName("ShapeBenchmark")

package com.amperity.sdk.bench

import com.amperity.sdk.Client
import com.amperity.sdk.StreamClient
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.ObjectMapper
import okhttp3.HttpUrl.Companion.toHttpUrl
import okhttp3.OkHttpClient
import okhttp3.Request
import java.io.File
import java.lang.management.ManagementFactory
import java.util.Locale

/** `BENCH_WORK_MS`: the caller's own work per page (the latency shape), slept after each page. */
private val WORK_MS: Long = System.getenv("BENCH_WORK_MS")?.toLongOrNull() ?: 0

/**
 * The JIT warm-up before the timed walks: walks of at most [WARMUP_PAGES] pages, at least
 * [WARMUP_WALKS] of them and for at least [WARMUP_NANOS] (with the process pinned to one CPU,
 * a C2 compile that is still running takes its time from the timed walks).
 */
private const val WARMUP_WALKS = 3

/** Minimum time of the JIT warm-up: 3 s. */
private const val WARMUP_NANOS = 3_000_000_000L

/** Pages of one warm-up walk (fewer when the shape has fewer). */
private const val WARMUP_PAGES = 200

/**
 * What one walk did: the records walked and the characters of each record's id and name it read
 * (every client reads both, so no walk skips work another does).
 */
private data class Walked(val records: Int, val touched: Long)

/**
 * One client under measurement: [walk] fetches exactly `pages` pages of `limit` segments from
 * the first page, reads each record's id and name, and calls `onPage(n)` after page `n`.
 */
private interface ShapeClient : AutoCloseable {
    fun walk(pages: Int, limit: Int, onPage: (Int) -> Unit): Walked
}

/**
 * The SDK: `client.segments.list(limit).pages()`, typed `Segment` items; with [byItem], item by
 * item (`for (segment in client.segments.list(limit))`, as most callers write it).
 */
private class SdkClient(
    baseUrl: String,
    private val readAhead: Boolean = false,
    private val byItem: Boolean = false,
) : ShapeClient {
    private val client = Client(tenant = "acme", token = "mock-token", baseUrl = baseUrl, rateLimitPerSecond = null)

    override fun walk(pages: Int, limit: Int, onPage: (Int) -> Unit): Walked =
        if (byItem) walkItems(pages, limit, onPage) else walkPages(pages, limit, onPage)

    private fun walkPages(pages: Int, limit: Int, onPage: (Int) -> Unit): Walked {
        var records = 0
        var touched = 0L
        client.segments.list(limit = limit, readAhead = readAhead).pages().use { iterator ->
            for (n in 1..pages) {
                check(iterator.hasNext()) { "kotlin-sdk: the list ended after ${n - 1} pages" }
                val items = iterator.next().items
                for (segment in items) touched += segment.id.length + segment.name.length
                records += items.size
                onPage(n)
            }
        }
        return Walked(records, touched)
    }

    private fun walkItems(pages: Int, limit: Int, onPage: (Int) -> Unit): Walked {
        var records = 0
        var touched = 0L
        val wanted = pages * limit
        // The item iterator fetches a page when the previous one is used up: stopping after
        // exactly `pages * limit` items fetches exactly `pages` pages, never one more.
        for (segment in client.segments.list(limit = limit, readAhead = readAhead)) {
            touched += segment.id.length + segment.name.length
            records++
            if (records % limit == 0) onPage(records / limit)
            if (records == wanted) break
        }
        return Walked(records, touched)
    }

    override fun close() = client.close()
}

/** OkHttp 5 + Jackson into the DTOs of [SegmentPageDto], as PagesBenchmark walks. */
private class OkHttpJacksonClient(private val baseUrl: String) : ShapeClient {
    private val http = OkHttpClient()
    private val mapper = ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)

    override fun walk(pages: Int, limit: Int, onPage: (Int) -> Unit): Walked {
        var records = 0
        var touched = 0L
        var cursor: String? = null
        for (n in 1..pages) {
            val url = "$baseUrl/segments".toHttpUrl().newBuilder().addQueryParameter("limit", "$limit")
            cursor?.let { url.addQueryParameter("next_token", it) }
            val request = Request.Builder().url(url.build())
                .header("Authorization", "Bearer mock-token")
                .header("amperity-tenant", "acme")
                .header("api-version", "2024-04-01")
                .header("Accept", "application/json")
                .build()
            val page = http.newCall(request).execute().use { response ->
                check(response.isSuccessful) { "okhttp-jackson: HTTP ${response.code}" }
                mapper.readValue(response.body.byteStream(), SegmentPageDto::class.java)
            }
            records += page.data.size
            for (segment in page.data) touched += segment.id.length + segment.name.length
            onPage(n)
            cursor = page.nextToken?.takeIf { it.isNotEmpty() } ?: break
        }
        return Walked(records, touched)
    }

    override fun close() {
        http.dispatcher.executorService.shutdown()
        http.connectionPool.evictAll()
    }
}

/** Peak resident set size (VmHWM) of this process in KiB, 0 where /proc is missing. */
private fun peakRssKib(): Long =
    runCatching {
        File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmHWM:") }
            ?.split(Regex("\\s+"))?.getOrNull(1)?.toLong()
    }.getOrNull() ?: 0L

/** User + system CPU seconds of this process (all its threads: JIT and GC included). */
private fun cpuSeconds(): Double =
    (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime / 1e9

/**
 * `ShapeBenchmark CLIENT BASE_URL PAGES LIMIT REPEATS` with CLIENT `kotlin-sdk` (pages),
 * `kotlin-sdk-items` (item by item), `kotlin-sdk-read-ahead` or `okhttp-jackson`: builds the client once, runs [WARMUP_WALKS] warm-up walks, then REPEATS
 * timed walks of exactly PAGES pages, and prints one JSON line: `seconds` is the median walk,
 * `cpu_seconds` the process CPU per walk, `peak_rss_kib` VmHWM, `rss_by_page` VmHWM at pages
 * 1, 2, 4, 8, ... and the last page of the last walk, `touched_bytes` the characters of each
 * record's id and name that the last walk read.
 */
/**
 * The streaming shape: `ShapeBenchmark kotlin-sdk-stream ORIGIN EVENTS` sends EVENTS events
 * through one [EventSender] (the default options, the client's default 1000 requests/s) to the
 * mock at ORIGIN and prints one JSON line with the wall time and the process CPU.
 */
private fun streamShape(origin: String, events: Int) {
    StreamClient(tenant = "acme", token = "mock-stream-token", baseUrl = origin).use { client ->
        val sender = client.sender("is-bench-kotlin")
        val start = System.nanoTime()
        val cpu0 = cpuSeconds()
        for (n in 0 until events) sender.send("{\"event_id\":\"ev-$n\",\"type\":\"page_view\",\"n\":$n}")
        val report = sender.closeAndReport()
        val seconds = (System.nanoTime() - start) / 1e9
        val cpu = cpuSeconds() - cpu0
        println(
            "{\"client\":\"kotlin-sdk-stream\",\"shape\":\"stream\",\"events\":$events," +
                "\"accepted\":${report.accepted},\"failed\":${report.failed.size},\"retried\":${report.retried}," +
                "\"seconds\":$seconds,\"cpu_seconds\":$cpu,\"peak_rss_kib\":${peakRssKib()}}",
        )
    }
}

fun main(args: Array<String>) {
    if (args.size == 3 && args[0] == "kotlin-sdk-stream") return streamShape(args[1], args[2].toInt())
    require(args.size == 5) {
        "usage: ShapeBenchmark kotlin-sdk|kotlin-sdk-read-ahead|kotlin-sdk-items|okhttp-jackson BASE_URL PAGES LIMIT REPEATS"
    }
    val (name, baseUrl) = args[0] to args[1]
    val pages = args[2].toInt()
    val limit = args[3].toInt()
    val repeats = maxOf(1, args[4].toInt())
    val client: ShapeClient = when (name) {
        "kotlin-sdk" -> SdkClient(baseUrl)
        "kotlin-sdk-read-ahead" -> SdkClient(baseUrl, readAhead = true)
        "kotlin-sdk-items" -> SdkClient(baseUrl, byItem = true)
        "okhttp-jackson" -> OkHttpJacksonClient(baseUrl)
        else -> throw IllegalArgumentException(
            "unknown client $name (kotlin-sdk, kotlin-sdk-read-ahead, kotlin-sdk-items or okhttp-jackson)",
        )
    }
    client.use {
        val expected = pages * limit
        val warmupStart = System.nanoTime()
        var warmups = 0
        while (warmups < WARMUP_WALKS || System.nanoTime() - warmupStart < WARMUP_NANOS) {
            client.walk(minOf(pages, WARMUP_PAGES), limit) {}
            warmups++
        }
        val checkpoints = mutableListOf<Pair<Int, Long>>()
        val times = DoubleArray(repeats)
        var walked = Walked(0, 0)
        val cpu0 = cpuSeconds()
        for (r in 0 until repeats) {
            checkpoints.clear()
            val start = System.nanoTime()
            walked = client.walk(pages, limit) { n ->
                if (n and (n - 1) == 0 || n == pages) checkpoints += n to peakRssKib()
                if (WORK_MS > 0) Thread.sleep(WORK_MS)
            }
            times[r] = (System.nanoTime() - start) / 1e9
            check(walked.records == expected) { "$name: walked ${walked.records} records, expected $expected" }
        }
        val cpu = (cpuSeconds() - cpu0) / repeats
        times.sort()
        val seconds = times[times.size / 2]
        val rss = checkpoints.joinToString(",") { (n, kib) -> "[$n,$kib]" }
        println(
            "{\"client\":\"$name\",\"repeats\":$repeats,\"pages\":$pages,\"limit\":$limit,\"records\":${walked.records}," +
                "\"seconds\":${"%.6f".format(Locale.ROOT, seconds)},\"cpu_seconds\":${"%.4f".format(Locale.ROOT, cpu)}," +
                "\"peak_rss_kib\":${peakRssKib()},\"rss_by_page\":[$rss],\"touched_bytes\":${walked.touched}}",
        )
    }
}
