// Walks 200 pages x 100 segments of one mock server with the SDK and with OkHttp 5 + Jackson,
// alternating rounds in one JVM, and prints pages/s. Not a test: run bindings/kotlin/bench/run.sh.
@file:JvmName("PagesBenchmark")

package com.amperity.sdk.bench

import com.amperity.sdk.Client
import com.amperity.sdk.MockServer
import com.fasterxml.jackson.annotation.JsonIgnoreProperties
import com.fasterxml.jackson.annotation.JsonProperty
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.ObjectMapper
import okhttp3.HttpUrl.Companion.toHttpUrl
import okhttp3.OkHttpClient
import okhttp3.Request

private const val PAGES = 200
private const val PER_PAGE = 100

/** A segment as the hand-written client decodes it. */
@JsonIgnoreProperties(ignoreUnknown = true)
class SegmentDto {
    var id: String = ""
    var name: String = ""
    var status: String? = null
}

/** One `GET /segments` page as the hand-written client decodes it. */
@JsonIgnoreProperties(ignoreUnknown = true)
class SegmentPageDto {
    var data: List<SegmentDto> = emptyList()

    @JsonProperty("next_token")
    var nextToken: String? = null
    var total: Long? = null
}

private class Walk(val pages: Int, val items: Int, val seconds: Double) {
    val pagesPerSecond get() = pages / seconds
}

private fun timed(block: () -> Pair<Int, Int>): Walk {
    val start = System.nanoTime()
    val (pages, items) = block()
    return Walk(pages, items, (System.nanoTime() - start) / 1e9)
}

private fun walkSdk(client: Client): Walk = timed {
    var pages = 0
    var items = 0
    client.segments.list(limit = PER_PAGE).pages().use { iterator ->
        for (page in iterator) {
            pages++
            items += page.items.size
        }
    }
    pages to items
}

private fun walkOkHttp(http: OkHttpClient, mapper: ObjectMapper, baseUrl: String): Walk = timed {
    var pages = 0
    var items = 0
    var cursor: String? = null
    do {
        val url = "$baseUrl/segments".toHttpUrl().newBuilder().addQueryParameter("limit", "$PER_PAGE")
        cursor?.let { url.addQueryParameter("next_token", it) }
        val request = Request.Builder().url(url.build())
            .header("Authorization", "Bearer mock-token")
            .header("amperity-tenant", "acme")
            .header("api-version", "2024-04-01")
            .header("Accept", "application/json")
            .build()
        val page = http.newCall(request).execute().use { response ->
            check(response.isSuccessful) { "HTTP ${response.code}" }
            mapper.readValue(response.body.byteStream(), SegmentPageDto::class.java)
        }
        pages++
        items += page.data.size
        cursor = page.nextToken?.takeIf { it.isNotEmpty() }
    } while (cursor != null)
    pages to items
}

fun main(args: Array<String>) {
    val rounds = args.firstOrNull()?.toInt() ?: System.getProperty("bench.rounds")?.toInt() ?: 5
    MockServer("--segments", "${PAGES * PER_PAGE}").use { mock ->
        val mapper = ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        val http = OkHttpClient()
        val client = Client(tenant = "acme", token = "mock-token", baseUrl = mock.baseUrl, rateLimitPerSecond = null)
        client.use {
            val sdk = mutableListOf<Walk>()
            val okhttp = mutableListOf<Walk>()
            repeat(2) { // warm-up: JIT, connection pools
                walkSdk(client)
                walkOkHttp(http, mapper, mock.baseUrl)
            }
            repeat(rounds) {
                sdk += walkSdk(client)
                okhttp += walkOkHttp(http, mapper, mock.baseUrl)
            }
            for (walk in sdk + okhttp) check(walk.pages == PAGES && walk.items == PAGES * PER_PAGE) {
                "walked ${walk.pages} pages / ${walk.items} items, expected $PAGES / ${PAGES * PER_PAGE}"
            }
            fun report(name: String, walks: List<Walk>) {
                val rates = walks.map { it.pagesPerSecond }.sorted()
                println(
                    "%-22s median %7.0f pages/s  best %7.0f  worst %7.0f  (%d rounds of %d pages x %d)".format(
                        name, rates[rates.size / 2], rates.last(), rates.first(), rates.size, PAGES, PER_PAGE,
                    ),
                )
            }
            println("Walking $PAGES pages x $PER_PAGE segments against ${mock.origin} (same mock, alternating rounds)")
            report("amperity-kotlin (SDK)", sdk)
            report("OkHttp 5 + Jackson", okhttp)
            val ratio = sdk.map { it.pagesPerSecond }.sorted()[sdk.size / 2] / okhttp.map { it.pagesPerSecond }.sorted()[okhttp.size / 2]
            println("SDK / OkHttp median ratio: %.2f".format(ratio))
        }
        http.dispatcher.executorService.shutdown()
        http.connectionPool.evictAll()
    }
}
