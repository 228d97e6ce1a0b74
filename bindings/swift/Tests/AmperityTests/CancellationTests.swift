import Amperity
import Foundation
import XCTest

/// Cancellation over real sockets: `Client.cancel()` from another thread, and `Task`
/// cancellation of an `async` call blocked in the core (a stalled response, a workflow wait).
final class CancellationTests: XCTestCase {
    func testCancelEndsAStalledBlockingCallAndTheNextCallWorks() throws {
        let mock = try startMock("--segments", "100")
        let client = try mock.client()
        try mock.fault("path=/api/segments,delay_ms=20000,count=1")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { client.cancel() }
        let start = Date()
        let error = expectError(.cancelled) { try client.segments.list(limit: 10).pages().next() }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(error?.operation, "list-segment")
        XCTAssertEqual(try client.segments.list(limit: 10).pages().next()?.items.count, 10)
    }

    func testCancellingATaskEndsItsStalledCallWithCancellationError() async throws {
        let mock = try startMock("--segments", "100")
        let client = try mock.client()
        try mock.fault("path=/api/segments,delay_ms=20000,count=1")
        let task = Task { try await client.segments.list(limit: 10).pages().next() }
        try await Task.sleep(nanoseconds: 300_000_000)
        let cancelled = Date()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the cancelled call returned")
        } catch is CancellationError {
            let latency = Date().timeIntervalSince(cancelled)
            print("Task cancel during a stalled request: returned \(Int(latency * 1000)) ms later")
            XCTAssertLessThan(latency, 2)
        }
        XCTAssertEqual(try mock.apiRequests("segments").count, 1)
    }

    func testCancellingATaskEndsAWorkflowWait() async throws {
        let mock = try startMock("--run-step-ms", "60000")
        let client = try mock.client()
        let run = try await client.workflowRuns.run(configId: "cg-123")
        let task = Task { try await client.workflowRuns.wait(run.id, pollInterval: 30, timeout: 3600) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let cancelled = Date()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the cancelled wait returned")
        } catch is CancellationError {
            let latency = Date().timeIntervalSince(cancelled)
            print("Task cancel during a workflow wait: returned \(Int(latency * 1000)) ms later")
            XCTAssertLessThan(latency, 2)
        }
    }
}
