// Starts a workflow run and waits for it to finish.
//
// Usage: RunWorkflow [CONFIG_ID]   (default: AMPERITY_CONFIG_ID, else cg-example)
// Reads the AMPERITY_* variables like ListSegments, plus AMPERITY_POLL_INTERVAL_MS (default 5000).
@file:JvmName("RunWorkflow")

package com.amperity.examples

import com.amperity.sdk.AmperityException
import com.amperity.sdk.Client
import com.amperity.sdk.RunStates
import com.amperity.sdk.WaitTimeoutException
import com.amperity.sdk.wireName
import java.time.Duration
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val configId = args.firstOrNull() ?: System.getenv("AMPERITY_CONFIG_ID") ?: "cg-example"
    val poll = Duration.ofMillis(System.getenv("AMPERITY_POLL_INTERVAL_MS")?.toLong() ?: 5000)
    try {
        Client.fromEnv().use { client ->
            val run = client.workflowRuns.run(configId)
            println("Started ${run.id} (${run.workflowType}) for $configId: ${run.state.wireName}")
            val done = client.workflowRuns.wait(run.id, pollInterval = poll, timeout = Duration.ofHours(2))
            val took = Duration.between(done.createdAt, done.endedAt ?: done.createdAt)
            println("Workflow ${done.id} ended ${done.state.wireName} after ${took.toMillis()} ms.")
            done.error?.let { println("error (${it.attribution}): ${it.message}") }
            if (done.state != RunStates.SUCCEEDED) exitProcess(2)
        }
    } catch (e: WaitTimeoutException) {
        System.err.println("still ${e.lastState} after ${e.waited}: giving up (the run goes on)")
        exitProcess(3)
    } catch (e: AmperityException) {
        System.err.println("error: ${e.message}")
        exitProcess(1)
    }
}
