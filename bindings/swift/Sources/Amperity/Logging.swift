import AmperityBindings
import Foundation

/// Severity of the SDK's log records.
public typealias LogLevel = AmperityBindings.LogLevel

extension AmperitySDK {
    /// Receives the native core's log records up to `level` (`.warn` by default: a deprecated
    /// operation's `Deprecation`/`Sunset` headers, once per operation and client); `nil` stops
    /// them. `handler` gets the level, the core's target (`amperity::transport`,
    /// `amperity::deprecation`, …) and the message, on the thread of the call that logs.
    ///
    /// ```swift
    /// AmperitySDK.setLogHandler(level: .debug) { level, target, message in
    ///     print("[amperity \(level)] \(message)")
    /// }
    /// ```
    public static func setLogHandler(
        level: LogLevel = .warn, _ handler: (@Sendable (LogLevel, String, String) -> Void)?
    ) {
        setLogSink(sink: handler.map(HandlerSink.init), maxLevel: level)
    }
}

/// The native sink that calls the Swift handler.
private final class HandlerSink: LogSink {
    private let handler: @Sendable (LogLevel, String, String) -> Void

    init(_ handler: @escaping @Sendable (LogLevel, String, String) -> Void) {
        self.handler = handler
    }

    func log(level: LogLevel, target: String, message: String) {
        handler(level, target, message)
    }
}
