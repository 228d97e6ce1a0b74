package com.amperity.sdk

import com.amperity.sdk.ffi.Client as FfiClient
import java.util.concurrent.ConcurrentHashMap

/**
 * `Thread.interrupt()` during a blocking call: a JNA call does not see the interrupt, so a
 * daemon watchdog looks at the threads with a call in progress (every 20 ms, only while there
 * are some) and cancels the native client of an interrupted one (its `cancel()`, given as
 * [register]'s action: a [Client]'s or a [StreamClient]'s); the call then returns within
 * milliseconds and throws [InterruptedException]. The core cancels per client: other threads'
 * calls on the same client end too, with [CancelledException].
 */
internal object Interrupts {
    private val calls = ConcurrentHashMap<Thread, () -> Unit>()
    private val lock = Object()
    private var watchdog: Thread? = null

    fun register(thread: Thread, cancel: () -> Unit) {
        calls[thread] = cancel
        synchronized(lock) {
            if (watchdog == null) {
                watchdog = Thread(::watch, "amperity-interrupt-watchdog").apply {
                    isDaemon = true
                    start()
                }
            }
            lock.notifyAll()
        }
    }

    fun unregister(thread: Thread) {
        calls.remove(thread)
    }

    private fun watch() {
        try {
            while (true) {
                synchronized(lock) {
                    while (calls.isEmpty()) lock.wait()
                }
                for ((thread, cancel) in calls) {
                    if (thread.isInterrupted) {
                        calls.remove(thread, cancel)
                        runCatching { cancel() }
                    }
                }
                Thread.sleep(20)
            }
        } catch (_: InterruptedException) {
            // Someone stops the watchdog itself (a container shutting its threads down): end
            // quietly; the next call starts a new one.
            synchronized(lock) { watchdog = null }
        }
    }
}

/**
 * Runs a blocking call of [client] so that interrupting the calling thread cancels it: throws
 * [InterruptedException] (clearing the interrupt status) when the thread is interrupted before
 * or during the call.
 */
internal inline fun <T> interruptible(client: FfiClient, block: () -> T): T = interruptible(client::cancel, block)

/**
 * Runs a blocking native call so that interrupting the calling thread runs [cancel] (the
 * cancel of the native client making the call): throws [InterruptedException] (clearing the
 * interrupt status) when the thread is interrupted before or during the call.
 */
internal inline fun <T> interruptible(noinline cancel: () -> Unit, block: () -> T): T {
    if (Thread.interrupted()) throw InterruptedException("interrupted before the Amperity call started")
    val thread = Thread.currentThread()
    Interrupts.register(thread, cancel)
    try {
        return block()
    } catch (e: CancelledException) {
        if (Thread.interrupted()) {
            throw InterruptedException("the Amperity call was interrupted: ${e.message}").apply { initCause(e) }
        }
        throw e
    } finally {
        Interrupts.unregister(thread)
    }
}
