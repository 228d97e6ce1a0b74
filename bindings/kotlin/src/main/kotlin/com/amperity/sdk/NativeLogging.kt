package com.amperity.sdk

import com.amperity.sdk.ffi.LogLevel
import com.amperity.sdk.ffi.LogSink
import com.amperity.sdk.ffi.setLogSink
import java.util.logging.Level
import java.util.logging.LogRecord
import java.util.logging.Logger

/**
 * The native core's log records in `java.util.logging`, logger `com.amperity.sdk` (SLF4J and
 * Logback users route JUL with their bridge). The level is read from the logger when a client is
 * created; warnings always come through, so a deprecated operation (`Deprecation`/`Sunset`
 * headers) is reported once per operation and client at `WARNING`. Each record's only parameter
 * is the core's target (`amperity::transport`, `amperity::deprecation`, ...).
 */
internal object NativeLogging {
    /** The logger the records go to. */
    val logger: Logger = Logger.getLogger("com.amperity.sdk")

    @Volatile
    private var installed: LogLevel? = null

    private object Sink : LogSink {
        override fun log(level: LogLevel, target: String, message: String) {
            // An exception must not go back into the native library.
            runCatching {
                val record = LogRecord(julLevel(level), message)
                record.loggerName = logger.name
                record.parameters = arrayOf(target)
                logger.log(record)
            }
        }
    }

    /** Installs the sink, or updates its level to the logger's current one. */
    fun sync() {
        val level = nativeLevel(effectiveLevel())
        if (level == installed) return
        synchronized(this) {
            if (level != installed) {
                setLogSink(Sink, level)
                installed = level
            }
        }
    }

    private fun effectiveLevel(): Level {
        var current: Logger? = logger
        while (current != null) {
            current.level?.let { return it }
            current = current.parent
        }
        return Level.INFO
    }

    private fun nativeLevel(level: Level): LogLevel = when {
        level.intValue() <= Level.FINER.intValue() -> LogLevel.TRACE
        level.intValue() <= Level.FINE.intValue() -> LogLevel.DEBUG
        level.intValue() <= Level.INFO.intValue() -> LogLevel.INFO
        else -> LogLevel.WARN
    }

    private fun julLevel(level: LogLevel): Level = when (level) {
        LogLevel.ERROR -> Level.SEVERE
        LogLevel.WARN -> Level.WARNING
        LogLevel.INFO -> Level.INFO
        LogLevel.DEBUG -> Level.FINE
        LogLevel.TRACE -> Level.FINEST
    }
}
