// Lists every segment of a tenant, one page of 100 at a time.
//
// Reads AMPERITY_TENANT, AMPERITY_TOKEN (or AMPERITY_CLIENT_ID + AMPERITY_CLIENT_SECRET) and,
// optionally, AMPERITY_BASE_URL.
@file:JvmName("ListSegments")

package com.amperity.examples

import com.amperity.sdk.AmperityException
import com.amperity.sdk.Client
import kotlin.system.exitProcess

fun main() {
    try {
        Client.fromEnv().use { client ->
            var count = 0
            val statuses = sortedMapOf<String, Int>()
            // Lazy: one request per page of 100, one page in memory at a time.
            for (segment in client.segments.list(limit = 100)) {
                if (count < 5) println("${segment.id}  ${segment.name}")
                statuses.merge(segment.status ?: "unknown", 1, Int::plus)
                count++
            }
            println("by status: $statuses")
            println("Listed $count segments of tenant ${client.tenant}.")
        }
    } catch (e: AmperityException) {
        System.err.println("error: ${e.message}")
        exitProcess(1)
    }
}
