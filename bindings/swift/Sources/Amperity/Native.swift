import AmperityBindings
import Dispatch

/// The native client and the dispatch queues its blocking calls run on, shared by a ``Client``,
/// its resource groups and its lists.
///
/// Element X's pattern: an `async` call suspends the caller and runs the blocking core on a
/// dispatch queue of this client (never on the caller's thread, never on Swift's cooperative
/// pool, which does not grow when its threads block), then resumes with the result.
final class Native: Sendable {
    /// The generated client (thread-safe: one per tenant, shared by every thread).
    let client: AmperityBindings.Client
    /// Label of the queues this client's calls run on.
    private let label: String

    init(_ client: AmperityBindings.Client, label: String) {
        self.client = client
        self.label = label
    }

    /// Runs `body` on the caller's thread, with the core's errors as ``AmperityError``.
    func call<T>(_ body: (AmperityBindings.Client) throws -> T) throws -> T {
        try mapErrors { try body(client) }
    }

    /// Runs `body` on this client's queue and suspends the caller until it returns.
    func offload<T: Sendable>(
        _ body: @escaping @Sendable (AmperityBindings.Client) throws -> T
    ) async throws -> T {
        let client = self.client
        return try await run { try body(client) }
    }

    /// Runs any blocking `body` on this client's queue (used by list cursors). Cancelling the
    /// task cancels the client's calls in progress (the core has no per-call cancel), and the
    /// call then throws `CancellationError`.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let client = self.client
        return try await runCancellable(label: label, cancel: { client.cancel() }, body)
    }
}

/// Runs a blocking native call on a queue labelled `label`; cancelling the task runs `cancel`
/// (the native client's, which ends its calls in progress), and the call then throws
/// `CancellationError` instead of the core's ``AmperityError/cancelled(_:)``.
func runCancellable<T: Sendable>(
    label: String, cancel: @escaping @Sendable () -> Void, _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    do {
        return try await withTaskCancellationHandler {
            try await runOnQueue(label: label, body)
        } onCancel: {
            cancel()
        }
    } catch AmperityError.cancelled(let failure) {
        if Task.isCancelled { throw CancellationError() }
        throw AmperityError.cancelled(failure)
    }
}

/// Runs a blocking native call on a queue labelled `label` and suspends the caller until it
/// returns, with the core's errors as ``AmperityError``.
func runOnQueue<T: Sendable>(label: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await runBlocking(label: label) { Result { try body() } }.mapError { AmperityError.from($0) }.get()
}

/// Runs a blocking call that cannot fail on a queue labelled `label` and suspends the caller
/// until it returns.
func runBlocking<T: Sendable>(label: String, _ body: @escaping @Sendable () -> T) async -> T {
    // One serial queue per call: such a queue is "overcommit", so GCD gives it a thread even
    // when every worker is blocked in the core. A shared `.concurrent` queue is not: its
    // width is about the number of cores (on Linux too), so two long `wait`s on a 2-core
    // machine would hold back every other call of the client.
    await withCheckedContinuation { continuation in
        DispatchQueue(label: label, qos: .userInitiated).async { continuation.resume(returning: body()) }
    }
}

/// Runs a blocking native call on the caller's thread, with the core's errors as ``AmperityError``.
func mapErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw AmperityError.from(error)
    }
}

/// Seconds as whole milliseconds for the core: negative and NaN stay invalid (the core refuses
/// them with its own message), huge values saturate.
func milliseconds(_ seconds: Double) -> Int64 {
    if seconds.isNaN { return -1 }
    let ms = (seconds * 1000).rounded()
    if ms >= Double(Int64.max) { return Int64.max }
    if ms <= Double(Int64.min) { return Int64.min }
    return Int64(ms)
}
