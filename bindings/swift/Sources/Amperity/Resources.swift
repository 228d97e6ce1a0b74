import AmperityBindings
import Foundation

// The resource groups of a Client besides the lists (generated in Lists.swift). Each call has a blocking `throws` form and an `async throws`
// form that runs the same core call on the client's queue; lists are lazy `PagedList`s.

// The workflow-run calls besides `list` (generated with the other lists in Lists.swift).
extension WorkflowRuns {
    /// Starts a workflow run (`POST /workflow/runs`; retried only when refused with 429, since
    /// the endpoint has no idempotency key), blocking.
    ///
    /// - Parameters:
    ///   - configId: what to run: a courier group (`cg-…`), orchestration group (`og-…`) or
    ///     campaign (`cc-…`).
    ///   - rangeFrom: courier groups: inclusive start of the data range.
    ///   - rangeTo: courier groups: exclusive end of the data range; only with `rangeFrom`.
    ///   - runMode: courier groups: what the run does (the scheduled mode when `nil`).
    public func run(configId: String, rangeFrom: Date? = nil, rangeTo: Date? = nil, runMode: RunMode? = nil)
        throws -> Workflow
    {
        let request = WorkflowRunRequest(configId: configId, rangeFrom: rangeFrom, rangeTo: rangeTo, runMode: runMode)
        return try native.call { try $0.runWorkflow(request: request) }
    }

    /// Starts a workflow run (see the blocking form), on the client's queue.
    public func run(configId: String, rangeFrom: Date? = nil, rangeTo: Date? = nil, runMode: RunMode? = nil)
        async throws -> Workflow
    {
        let request = WorkflowRunRequest(configId: configId, rangeFrom: rangeFrom, rangeTo: rangeTo, runMode: runMode)
        return try await native.offload { try $0.runWorkflow(request: request) }
    }

    /// Fetches a workflow run (`GET /workflow/runs/{id}`), blocking;
    /// ``AmperityError/notFound(_:)`` when unknown.
    public func get(_ workflowId: String, view: WorkflowView = .overview) throws -> Workflow {
        try native.call { try $0.getWorkflowRun(workflowId: workflowId, view: view) }
    }

    /// Fetches a workflow run (see the blocking form), on the client's queue.
    public func get(_ workflowId: String, view: WorkflowView = .overview) async throws -> Workflow {
        try await native.offload { try $0.getWorkflowRun(workflowId: workflowId, view: view) }
    }

    /// Asks a workflow run to stop (`POST /workflow/runs/{id}/stop`), blocking;
    /// ``AmperityError/conflict(_:)`` when it has already ended.
    public func stop(_ workflowId: String) throws -> Workflow {
        try native.call { try $0.stopWorkflowRun(workflowId: workflowId) }
    }

    /// Asks a workflow run to stop (see the blocking form), on the client's queue.
    public func stop(_ workflowId: String) async throws -> Workflow {
        try await native.offload { try $0.stopWorkflowRun(workflowId: workflowId) }
    }

    /// Polls a workflow run until it finishes and returns its verbose view (a failed run is
    /// returned, not thrown, unless `failOnUnsuccessful`: check its `state`), blocking the
    /// calling thread.
    ///
    /// - Parameters:
    ///   - pollInterval: seconds between polls (the core's 5 s when `nil`).
    ///   - timeout: give up after this many seconds with ``AmperityError/waitTimeout(_:)``, whose
    ///     ``AmperityError/Failure/workflow`` is the last run seen (the core's one hour when `nil`).
    ///   - failOnUnsuccessful: throw ``AmperityError/runFailed(_:)`` when the run ends failed,
    ///     canceled or stopped.
    ///   - onProgress: called after the first poll and whenever the state or the number of
    ///     finished tasks changes (the polls then use the verbose view); what it throws ends the
    ///     wait and is rethrown.
    public func wait(
        _ workflowId: String, pollInterval: TimeInterval? = nil, timeout: TimeInterval? = nil,
        failOnUnsuccessful: Bool = false, onProgress: (@Sendable (WaitProgress) throws -> Void)? = nil
    ) throws -> Workflow {
        let options = waitOptions(pollInterval, timeout, failOnUnsuccessful)
        return try native.call { try Self.wait($0, workflowId, options, onProgress) }
    }

    /// Polls a workflow run until it finishes (see the blocking form), on the client's queue;
    /// cancelling the task ends the wait with `CancellationError`.
    public func wait(
        _ workflowId: String, pollInterval: TimeInterval? = nil, timeout: TimeInterval? = nil,
        failOnUnsuccessful: Bool = false, onProgress: (@Sendable (WaitProgress) throws -> Void)? = nil
    ) async throws -> Workflow {
        let options = waitOptions(pollInterval, timeout, failOnUnsuccessful)
        return try await native.offload { try Self.wait($0, workflowId, options, onProgress) }
    }

    private static func wait(
        _ client: AmperityBindings.Client, _ workflowId: String, _ options: WaitOptions,
        _ onProgress: (@Sendable (WaitProgress) throws -> Void)?
    ) throws -> Workflow {
        guard let onProgress else {
            return try client.waitForWorkflowRun(workflowId: workflowId, options: options)
        }
        let observer = ProgressObserver(onProgress)
        do {
            return try client.waitForWorkflowRunWithProgress(
                workflowId: workflowId, options: options, observer: observer)
        } catch AmperityBindings.AmperityError.Cancelled {
            if let thrown = observer.thrown { throw CallbackFailure(error: thrown) }
            throw AmperityBindings.AmperityError.Cancelled(operation: "get-workflow")
        }
    }

    private func waitOptions(_ pollInterval: TimeInterval?, _ timeout: TimeInterval?, _ failOnUnsuccessful: Bool)
        -> WaitOptions
    {
        let defaults = WaitOptions()
        return WaitOptions(
            pollIntervalMs: pollInterval.map(milliseconds) ?? defaults.pollIntervalMs,
            timeoutMs: timeout.map(milliseconds) ?? defaults.timeoutMs,
            failOnUnsuccessful: failOnUnsuccessful)
    }
}

/// The native observer of a wait: calls the user's closure; what it throws ends the wait (the
/// closure runs on the waiting thread, one call at a time).
private final class ProgressObserver: WaitObserver, @unchecked Sendable {
    private let callback: @Sendable (WaitProgress) throws -> Void
    private let lock = NSLock()
    private var error: (any Error)?

    init(_ callback: @escaping @Sendable (WaitProgress) throws -> Void) {
        self.callback = callback
    }

    var thrown: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }

    func onProgress(progress: WaitProgress) -> Bool {
        do {
            try callback(progress)
            return true
        } catch {
            lock.lock()
            self.error = error
            lock.unlock()
            return false
        }
    }
}

/// The ingest-job endpoints of a ``Client``.
public struct IngestJobs: Sendable {
    let native: Native

    /// Lists the ingest jobs started in `[createdFrom, createdTo)` (`GET /ingest/jobs`; not
    /// paginated, and only the last 7 days are kept), blocking.
    public func list(createdFrom: Date, createdTo: Date, withTotal: Bool = false) throws -> IngestJobList {
        let query = IngestJobQuery(createdFrom: createdFrom, createdTo: createdTo, withTotal: withTotal)
        return try native.call { try $0.listIngestJobs(query: query) }
    }

    /// Lists the ingest jobs of a time window (see the blocking form), on the client's queue.
    public func list(createdFrom: Date, createdTo: Date, withTotal: Bool = false) async throws -> IngestJobList {
        let query = IngestJobQuery(createdFrom: createdFrom, createdTo: createdTo, withTotal: withTotal)
        return try await native.offload { try $0.listIngestJobs(query: query) }
    }

    /// Fetches one ingest job (`GET /ingest/jobs/{id}`), blocking; ``AmperityError/notFound(_:)``
    /// when unknown.
    public func get(_ jobId: String) throws -> IngestJob {
        try native.call { try $0.getIngestJob(jobId: jobId) }
    }

    /// Fetches one ingest job (see the blocking form), on the client's queue.
    public func get(_ jobId: String) async throws -> IngestJob {
        try await native.offload { try $0.getIngestJob(jobId: jobId) }
    }
}

// The Profile API calls besides `list` (generated with the other lists in Lists.swift).
extension Indexes {
    /// Fetches one index (`GET /indexes/{id}`), blocking; `.api` with kind `.notFound` when
    /// unknown.
    public func get(_ indexId: String) throws -> ProfileIndex {
        try native.call { try $0.getIndex(indexId: indexId) }
    }

    /// Fetches one index (`GET /indexes/{id}`) on the client's queue.
    public func get(_ indexId: String) async throws -> ProfileIndex {
        try await native.offload { try $0.getIndex(indexId: indexId) }
    }
}

extension Profiles {
    /// Fetches one profile of an index (`GET /indexes/{index_id}/profiles/{profile_id}`),
    /// blocking; `.api` with kind `.notFound` when unknown.
    public func get(indexId: String, profileId: String) throws -> Profile {
        try native.call { try $0.getProfile(indexId: indexId, profileId: profileId) }
    }

    /// Fetches one profile of an index on the client's queue.
    public func get(indexId: String, profileId: String) async throws -> Profile {
        try await native.offload { try $0.getProfile(indexId: indexId, profileId: profileId) }
    }
}
