// The async benchmark of issue 27 for the JVM: 1000 `get` calls (`GET /workflow/runs/{id}`), 16
// in flight, against an already running mock that answers after 20 ms (rate limiter off): the
// coroutine client against OkHttp's async calls (`enqueue`, Jackson decoding). Prints one line per
// client: the median of 3 rounds of throughput and CPU per call (the JVM process's CPU time; the
// mock is another process). Not a test: run by tests/bench.sh.
@file:JvmName("AsyncBenchmark")

package com.amperity.sdk.bench

import com.amperity.sdk.Client
import com.amperity.sdk.coroutines.CoroutineClient
import com.fasterxml.jackson.databind.ObjectMapper
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit
import okhttp3.Call
import okhttp3.Callback
import okhttp3.ConnectionPool
import okhttp3.Dispatcher
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import java.io.IOException
import java.lang.management.ManagementFactory
import java.util.Locale
import java.util.concurrent.TimeUnit
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

private fun cpuNanos(): Long =
    (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime

/** Runs [calls] gets, [inFlight] at once: (calls per second, CPU µs per call). */
private fun timed(calls: Int, inFlight: Int, get: suspend () -> Unit): Pair<Double, Double> = runBlocking {
    val gate = Semaphore(inFlight)
    val cpu = cpuNanos()
    val wall = System.nanoTime()
    (1..calls).map { async { gate.withPermit { get() } } }.awaitAll()
    val seconds = (System.nanoTime() - wall) / 1e9
    calls / seconds to (cpuNanos() - cpu) / 1e3 / calls
}

/** OkHttp's async call (`enqueue`) as a suspend function. */
private suspend fun Call.await(): Response = suspendCancellableCoroutine { cont ->
    cont.invokeOnCancellation { cancel() }
    enqueue(object : Callback {
        override fun onFailure(call: Call, e: IOException) = cont.resumeWithException(e)
        override fun onResponse(call: Call, response: Response) = cont.resume(response)
    })
}

fun main(args: Array<String>) {
    require(args.isNotEmpty()) { "usage: AsyncBenchmark BASE_URL [CALLS] [IN_FLIGHT] [ROUNDS]" }
    val base = args[0].trimEnd('/')
    val calls = args.getOrNull(1)?.toInt() ?: 1000
    val inFlight = args.getOrNull(2)?.toInt() ?: 16
    val rounds = args.getOrNull(3)?.toInt() ?: 3
    Client(tenant = "acme", token = "mock-token", baseUrl = base, rateLimitPerSecond = null).use { client ->
        CoroutineClient(client, threads = inFlight).use { sdk ->
            val runId = client.workflowRuns.list(limit = 1).firstPage().items.first().id
            val dispatcher = Dispatcher().apply { maxRequests = inFlight; maxRequestsPerHost = inFlight }
            val http = OkHttpClient.Builder().dispatcher(dispatcher)
                .connectionPool(ConnectionPool(inFlight, 5, TimeUnit.MINUTES)).build()
            val json = ObjectMapper()
            val request = Request.Builder().url("$base/workflow/runs/$runId")
                .header("Authorization", "Bearer mock-token").header("Amperity-Tenant", "acme")
                .header("api-version", "2024-04-01").build()
            val clients = linkedMapOf<String, suspend () -> Unit>(
                "kotlin CoroutineClient" to { check(sdk.workflowRuns.get(runId).id == runId) },
                "okhttp enqueue+jackson" to {
                    http.newCall(request).await().use { response ->
                        check(response.isSuccessful) { "HTTP ${response.code}" }
                        check(json.readTree(response.body.byteStream())["id"].asText() == runId)
                    }
                },
            )
            // Warm-up: the JIT, connections.
            for (get in clients.values) timed(calls, inFlight, get)
            val results = clients.keys.associateWith { mutableListOf<Pair<Double, Double>>() }
            repeat(rounds) { for ((name, get) in clients) results.getValue(name) += timed(calls, inFlight, get) }
            println("async get (JVM): $calls calls, $inFlight in flight, median of $rounds rounds")
            for ((name, rs) in results) {
                val rate = rs.map { it.first }.sorted()[rs.size / 2]
                val cpu = rs.map { it.second }.sorted()[rs.size / 2]
                println(String.format(Locale.ROOT, "  %-24s %7.0f calls/s  %6.0f µs CPU per call", name, rate, cpu))
            }
            http.dispatcher.executorService.shutdown()
            http.connectionPool.evictAll()
        }
    }
}
