// Reads the audit events of the last day and counts them by type.
//
// Reads the AMPERITY_* variables like ListSegments.
@file:JvmName("AuditEvents")

package com.amperity.examples

import com.amperity.sdk.AmperityException
import com.amperity.sdk.Client
import java.time.Duration
import java.time.Instant
import kotlin.system.exitProcess

fun main() {
    val to = Instant.now()
    val from = to.minus(Duration.ofDays(1))
    try {
        Client.fromEnv().use { client ->
            val byType = sortedMapOf<String, Int>()
            var latest: Instant? = null
            var count = 0
            for (event in client.auditEvents.list(happenedFrom = from, happenedTo = to, limit = 1000)) {
                byType.merge(event.eventType, 1, Int::plus)
                if (latest == null || event.happenedAt.isAfter(latest)) latest = event.happenedAt
                count++
            }
            byType.entries.sortedByDescending { it.value }.take(5).forEach { (type, n) -> println("%6d  %s".format(n, type)) }
            println("latest: ${latest ?: "none"}")
            println("Read $count audit events between $from and $to.")
        }
    } catch (e: AmperityException) {
        System.err.println("error: ${e.message}")
        exitProcess(1)
    }
}
