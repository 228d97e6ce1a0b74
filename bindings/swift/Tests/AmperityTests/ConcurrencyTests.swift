import Amperity
import Foundation
import XCTest

/// Async specifics: cancellation, resuming a cancelled walk, calls running side by side on the
/// client's queue, one client shared by many tasks.
final class ConcurrencyTests: XCTestCase {
    func testCancellingAnAsyncWalkThrowsCancellationErrorAndFetchesNothingMore() async throws {
        let mock = try startMock("--segments", "2000")
        let client = try mock.client()
        let gate = Gate()
        let task = Task { () -> Int in
            var seen = 0
            for try await _ in client.segments.list(limit: 5) {
                seen += 1
                if seen == 3 { await gate.arrive() } // held here until the test has cancelled
            }
            return seen
        }
        await gate.waitForArrival()
        task.cancel()
        await gate.release()
        do {
            let seen = try await task.value
            XCTFail("the cancelled walk finished with \(seen) items")
        } catch is CancellationError {
            // expected: the walk stops before fetching page 2
        } catch {
            XCTFail("expected CancellationError, got \(error)")
        }
        XCTAssertEqual(try mock.apiRequests("segments").count, 1, "a cancelled walk sends no further request")
    }

    func testACancelledPagesCursorReportsWhereToResume() async throws {
        let mock = try startMock("--segments", "500")
        let client = try mock.client()
        let expected = try await walk(client.segments.list(limit: 500)).map(\.id)
        try mock.clearRequests()
        let cursor = client.segments.list(limit: 20).pages()
        let gate = Gate()
        let task = Task { () -> [String] in
            var ids: [String] = []
            for _ in 0..<3 {
                guard let page = try await cursor.next() else { break }
                ids += page.items.map(\.id)
            }
            await gate.arrive()
            while let page = try await cursor.next() { ids += page.items.map(\.id) }
            return ids
        }
        await gate.waitForArrival()
        task.cancel()
        await gate.release()
        do {
            _ = try await task.value
            XCTFail("the cancelled walk finished")
        } catch is CancellationError {
            XCTAssertEqual(try mock.apiRequests("segments").count, 3)
        }
        XCTAssertFalse(cursor.isDone)
        let resume = try XCTUnwrap(cursor.resumeCursor)
        // The three pages the task saw, then the rest from the resume cursor: the whole list.
        var got = Array(expected.prefix(60))
        for try await segment in client.segments.list(limit: 20, cursor: resume) { got.append(segment.id) }
        XCTAssertEqual(got, expected, "no duplicates, no gaps")
        // The cursor itself was not spoilt: it continues where it stopped.
        let next = try await cursor.next()
        XCTAssertEqual(next?.items.map(\.id), Array(expected[60..<80]))
    }

    func testAnAlreadyCancelledTaskFetchesNothing() async throws {
        let mock = try startMock("--segments", "50")
        let client = try mock.client()
        let task = Task { () -> Int in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await walk(client.segments.list()).count
        }
        do {
            _ = try await task.value
            XCTFail("expected CancellationError")
        } catch is CancellationError {}
        XCTAssertTrue(try mock.requests().isEmpty)
    }

    func testConcurrentWaitsRunSideBySideOffTheCallersThreads() async throws {
        // Runs take 3 s to finish, so each wait below polls for its whole 0.5 s timeout.
        let mock = try startMock("--run-step-ms", "1000")
        let client = try mock.client()
        var runs: [Workflow] = []
        for i in 0..<8 { runs.append(try await client.workflowRuns.run(configId: "cg-parallel-\(i)")) }
        let timeout = 0.5
        let started = Date()
        let results = await withTaskGroup(of: (String, AmperityError?).self) { group in
            for run in runs {
                group.addTask {
                    do {
                        _ = try await client.workflowRuns.wait(run.id, pollInterval: 0.02, timeout: timeout)
                        return (run.id, nil)
                    } catch {
                        return (run.id, error as? AmperityError)
                    }
                }
            }
            var results: [(String, AmperityError?)] = []
            for await result in group { results.append(result) }
            return results
        }
        let took = elapsed(since: started)
        XCTAssertEqual(results.count, 8)
        for (id, error) in results {
            XCTAssertEqual(error?.kind, .waitTimeout)
            XCTAssertEqual(error?.failure.workflowId, id)
            XCTAssertEqual(error?.failure.lastState, "scheduled")
        }
        // Side by side: about one timeout. One after the other would be 8 timeouts, and on the
        // cooperative pool (one thread per core) at least 8 / cores of them.
        XCTAssertGreaterThanOrEqual(took, timeout)
        XCTAssertLessThan(took, timeout * 2.5, "8 concurrent waits took \(took) s")
        XCTAssertGreaterThanOrEqual(try mock.apiRequests("workflow/runs/").count, 8 * 5)
    }

    func testConcurrentAsyncLetCallsFinishTogether() async throws {
        let mock = try startMock("--run-step-ms", "30")
        let client = try mock.client()
        let run = try await client.workflowRuns.run(configId: "cg-example")
        // Every GET of a run is held 400 ms by the mock (the ingest list is not).
        try mock.fault("path=/api/workflow/runs/,method=GET,delay_ms=400,count=0")
        let started = Date()
        async let a = client.workflowRuns.get(run.id)
        async let b = client.workflowRuns.get(run.id, view: .verbose)
        async let c = client.ingestJobs.list(createdFrom: Date().addingTimeInterval(-86_400), createdTo: Date())
        async let d = client.workflowRuns.get(run.id)
        async let e = client.workflowRuns.get(run.id, view: .verbose)
        async let f = client.workflowRuns.get(run.id)
        let (ra, rb, rc, rd, re, rf) = try await (a, b, c, d, e, f)
        let took = elapsed(since: started)
        XCTAssertEqual([ra.id, rd.id, rf.id], [run.id, run.id, run.id])
        XCTAssertEqual(rb.principalId, "api-key|ak-mock")
        XCTAssertEqual(re.principalId, "api-key|ak-mock")
        XCTAssertFalse(rc.items.isEmpty)
        XCTAssertGreaterThanOrEqual(took, 0.4)
        // Five 400 ms calls, overlapping: about 400 ms; two at a time would be 1.2 s.
        XCTAssertLessThan(took, 0.9, "five 400 ms calls took \(took) s: they did not overlap")
        XCTAssertEqual(try mock.apiRequests("workflow/runs/").count, 5)
    }

    func testEightTasksShareOneClient() async throws {
        let mock = try startMock("--segments", "500")
        let client = try mock.client()
        let expected = try await walk(client.segments.list(limit: 500)).map(\.id)
        XCTAssertEqual(expected.count, 500)
        let lists = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for i in 0..<8 {
                group.addTask {
                    var ids: [String] = []
                    for _ in 0..<2 {
                        ids += try await walk(client.segments.list(limit: 50 + i)).map(\.id)
                        if i % 2 == 0 {
                            let run = try await client.workflowRuns.run(configId: "cg-task-\(i)")
                            let fetched = try await client.workflowRuns.get(run.id)
                            guard fetched.id == run.id else { throw HarnessError("got \(fetched.id), not \(run.id)") }
                        }
                    }
                    return (i, ids)
                }
            }
            var lists: [Int: [String]] = [:]
            for try await (i, ids) in group { lists[i] = ids }
            return lists
        }
        XCTAssertEqual(lists.count, 8)
        for (i, ids) in lists { XCTAssertEqual(ids, expected + expected, "task \(i)") }
        let pages = (0..<8).reduce(0) { $0 + 2 * ((500 + 50 + $1 - 1) / (50 + $1)) } + 1
        XCTAssertEqual(try mock.apiRequests("segments").count, pages)
        XCTAssertEqual(try mock.apiRequests("workflow/runs").filter { $0.method == "POST" }.count, 8)
    }

    func testBlockingCallsFromManyThreads() throws {
        let mock = try startMock("--segments", "200")
        let client = try mock.client()
        let counts = Counts()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let count = (try? client.segments.list(limit: 20 + i).collect().count) ?? -1
            counts.set(i, count)
        }
        XCTAssertEqual(counts.all(), Array(repeating: 200, count: 8))
    }
}

/// Results written by concurrent threads, one slot each.
private final class Counts: @unchecked Sendable {
    // @unchecked: `values` is guarded by `lock`.
    private let lock = NSLock()
    private var values = [Int](repeating: 0, count: 8)

    func set(_ index: Int, _ value: Int) {
        lock.lock()
        defer { lock.unlock() }
        values[index] = value
    }

    func all() -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
