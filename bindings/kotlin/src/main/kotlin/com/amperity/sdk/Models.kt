package com.amperity.sdk

import com.amperity.sdk.ffi.RunState
import com.amperity.sdk.ffi.runStateIsTerminal
import com.amperity.sdk.ffi.runStateName
import com.amperity.sdk.ffi.runStateParse

// The models are the uniffi-generated data classes of package com.amperity.sdk.ffi (times as
// java.time.Instant, free-form JSON as String). Kotlin callers use them through these aliases;
// Java callers import them from com.amperity.sdk.ffi. The aliases of the list items (Segment,
// Workflow, ...) are generated in Lists.kt. RunState is not aliased (Kotlin cannot
// reach its nested objects such as RunState.Succeeded through an alias): import
// com.amperity.sdk.ffi.RunState.

/** One HTTP exchange as the request hook sees it (no secrets). */
typealias RequestInfo = com.amperity.sdk.ffi.RequestInfo

/** Where a waited-for run stands: the run, tasks finished/total, time waited (ms). */
typealias WaitProgress = com.amperity.sdk.ffi.WaitProgress

/** An ingest job and what each of its feeds loaded. */
typealias IngestJob = com.amperity.sdk.ffi.IngestJob

/** What one feed of an ingest job loaded. */
typealias IngestFeed = com.amperity.sdk.ffi.IngestFeed

/** One file of an ingest feed. */
typealias IngestFile = com.amperity.sdk.ffi.IngestFile

/** Every ingest job of a time window, with the total when requested. */
typealias IngestJobList = com.amperity.sdk.ffi.IngestJobList

/** `Deprecation`/`Sunset` headers one operation answered with. */
typealias DeprecationNotice = com.amperity.sdk.ffi.DeprecationNotice

/** What a courier-group run does: SOURCE, REFRESH or FULL. */
typealias RunMode = com.amperity.sdk.ffi.RunMode

/** How much of a workflow run `get` returns: OVERVIEW or VERBOSE. */
typealias WorkflowView = com.amperity.sdk.ffi.WorkflowView

/** Hosting region of a tenant: AWS (default), AZURE, AUSTRALIA. */
typealias Region = com.amperity.sdk.ffi.Region

/** HTTP method of a raw request: GET or POST. */
typealias RawMethod = com.amperity.sdk.ffi.RawMethod

/** Kind of a [TransportException]: DNS, CONNECT, TLS, TIMEOUT, CONNECTION_RESET, PROXY, OTHER. */
typealias TransportKind = com.amperity.sdk.ffi.TransportKind

/** Helpers on [RunState], also callable from Java as `RunStates.isTerminal(state)`. */
object RunStates {
    /** True for states a run does not leave: succeeded, failed, canceled, stopped, skipped. */
    @JvmStatic
    fun isTerminal(state: RunState): Boolean = runStateIsTerminal(state)

    /** The lowercase wire form of a state (`in-progress`; unknown values as received). */
    @JvmStatic
    fun wireName(state: RunState): String = runStateName(state)

    /** Parses a wire or display value (`in-progress`, `In progress`); never fails. */
    @JvmStatic
    fun parse(value: String): RunState = runStateParse(value)

    // The states as constants of the public package, so that code compares states without
    // importing the generated package (`done.state == RunStates.SUCCEEDED`).

    /** Scheduled, not started. */
    @JvmField val SCHEDULED: RunState = RunState.Scheduled

    /** Started. */
    @JvmField val STARTED: RunState = RunState.Started

    /** In progress. */
    @JvmField val IN_PROGRESS: RunState = RunState.InProgress

    /** Running. */
    @JvmField val RUNNING: RunState = RunState.Running

    /** Succeeded (terminal). */
    @JvmField val SUCCEEDED: RunState = RunState.Succeeded

    /** Failed (terminal). */
    @JvmField val FAILED: RunState = RunState.Failed

    /** Canceled (terminal). */
    @JvmField val CANCELED: RunState = RunState.Canceled

    /** Stopped (terminal). */
    @JvmField val STOPPED: RunState = RunState.Stopped

    /** Skipped (terminal). */
    @JvmField val SKIPPED: RunState = RunState.Skipped
}

/** True for states a run does not leave: succeeded, failed, canceled, stopped, skipped. */
val RunState.isTerminal: Boolean get() = runStateIsTerminal(this)

/** The lowercase wire form of this state, e.g. `in-progress`. */
val RunState.wireName: String get() = runStateName(this)
