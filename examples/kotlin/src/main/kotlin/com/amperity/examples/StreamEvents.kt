// Streams events through an EventSender from four producer threads, then prints the delivery
// report and the rate.
//
// Usage: StreamEvents [COUNT] (default 10 000). Sends to AMPERITY_STREAM_ID of AMPERITY_TENANT
// with AMPERITY_STREAM_TOKEN (optionally AMPERITY_STREAM_BASE_URL, the tenant's host by
// default). Without AMPERITY_STREAM_TOKEN it streams to the bundled mock server at
// AMPERITY_STREAM_BASE_URL, else AMPERITY_BASE_URL without its /api (tenant acme, token
// mock-stream-token, stream AMPERITY_STREAM_ID or is-example: the mock takes any stream id).
@file:JvmName("StreamEvents")

package com.amperity.examples

import com.amperity.sdk.AmperityException
import com.amperity.sdk.StreamClient
import kotlin.concurrent.thread
import kotlin.system.exitProcess

private const val PRODUCERS = 4

fun main(args: Array<String>) {
    val env = { name: String -> System.getenv(name)?.takeIf { it.isNotBlank() } }
    val count = args.getOrNull(0)?.toInt() ?: 10_000
    val token = env("AMPERITY_STREAM_TOKEN")
    val streamId = env("AMPERITY_STREAM_ID") ?: if (token == null) "is-example" else stop("AMPERITY_STREAM_ID is not set")
    try {
        val streams = if (token != null) {
            val tenant = env("AMPERITY_TENANT") ?: stop("AMPERITY_TENANT is not set")
            StreamClient(tenant = tenant, token = token, baseUrl = env("AMPERITY_STREAM_BASE_URL"))
        } else {
            val mock = env("AMPERITY_STREAM_BASE_URL") ?: env("AMPERITY_BASE_URL")?.removeSuffix("/api")
                ?: stop("no AMPERITY_STREAM_TOKEN and no mock: set AMPERITY_STREAM_BASE_URL to a mock's origin (cargo run -p amperity-mock)")
            System.err.println("No AMPERITY_STREAM_TOKEN set: streaming to the mock Amperity server at $mock")
            StreamClient(tenant = "acme", token = "mock-stream-token", baseUrl = mock)
        }
        streams.use {
            val started = System.nanoTime()
            // One sender shared by every producer; `send` waits while its queue is full, and
            // leaving `use` closes it: everything queued is delivered first.
            val sender = streams.sender(streamId)
            sender.use {
                val producers = (0 until PRODUCERS).map { producer ->
                    thread(name = "producer-$producer") {
                        for (n in producer until count step PRODUCERS) {
                            sender.send("""{"event_id":"ev-%06d","producer":$producer,"type":"page_view","url":"/products/${n % 97}"}""".format(n))
                        }
                    }
                }
                producers.forEach { it.join() }
            }
            val report = sender.closeReport!!
            val seconds = (System.nanoTime() - started) / 1e9
            println("stream $streamId: ${report.accepted} accepted, ${report.failed.size} failed, ${report.retried} retries")
            for (failure in report.failed.take(5)) println("  event ${failure.sequence} failed: ${failure.error.message}")
            println("Streamed $count events in %.2f s (%.0f events/s).".format(seconds, count / seconds))
            if (report.failed.isNotEmpty()) exitProcess(2)
        }
    } catch (e: AmperityException) {
        stop("error: ${e.message}")
    }
}

private fun stop(message: String): Nothing {
    System.err.println(message)
    exitProcess(1)
}
