import Amperity
import Foundation
import XCTest

/// The retry policy, seen from the requests the mock recorded, where the scenario table
/// (`tests/scenarios.tsv`, run by ``ScenariosTests``) does not reach: `RetryOptions.none`, the
/// operation of a refused run, a run created once, and the client-side rate limit.
final class RetryTests: XCTestCase {
    func testMaxAttemptsOneDisablesRetries() throws {
        let mock = try startMock("--segments", "30")
        let client = try mock.client(retry: .none)
        try mock.fault("path=/api/segments,status=503")
        expectError(.serverError) { try client.segments.list().collect() }
        XCTAssertEqual(try mock.apiRequests("segments").count, 1)
    }

    func testARunIsNotRetriedAfter500() throws {
        let mock = try startMock("--run-step-ms", "50")
        let client = try mock.client()
        try mock.fault("path=/api/workflow/runs,method=POST,status=500,count=3")
        let error = expectError(.serverError) { try client.workflowRuns.run(configId: "cg-once") }
        XCTAssertEqual(error?.operation, "run-workflow")
        XCTAssertEqual(try mock.apiRequests("workflow/runs").filter { $0.method == "POST" }.count, 1)
    }

    func testARunIsRetriedAfter429() async throws {
        let mock = try startMock("--run-step-ms", "50")
        let client = try mock.client()
        try mock.fault("path=/api/workflow/runs,method=POST,status=429,count=2")
        let run = try await client.workflowRuns.run(configId: "cg-example")
        XCTAssertTrue(run.id.hasPrefix("wf-"))
        let posts = try mock.apiRequests("workflow/runs").filter { $0.method == "POST" }
        XCTAssertEqual(posts.count, 3)
        // Exactly one run was created.
        let created = try await walk(client.workflowRuns.list(workflowType: "courier.group/run", limit: 1000))
            .filter { $0.name == "Courier group cg-example run" }
        XCTAssertEqual(created.map(\.id), [run.id])
    }

    func testTheClientSideRateLimitSpacesRequests() throws {
        let mock = try startMock("--segments", "300")
        var options = mock.options()
        options.rateLimit = .perSecond(20)
        let client = try Client(tenant: "acme", token: "mock-token", options: options)
        let started = Date()
        XCTAssertEqual(try client.segments.list(limit: 10).collect().count, 300) // 30 requests
        XCTAssertGreaterThanOrEqual(elapsed(since: started), 0.4, "30 requests at 20/s were not spaced")
    }
}
