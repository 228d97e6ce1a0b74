import Amperity
import Foundation
import XCTest

/// The retry policy, seen from the requests the mock recorded.
final class RetryTests: XCTestCase {
    func testRetryAfterIsHonouredThenTheCallSucceeds() throws {
        let mock = try startMock("--segments", "300")
        let client = try mock.client()
        try mock.fault("path=/api/segments,status=429,retry_after=1,count=1")
        let started = Date()
        XCTAssertEqual(try client.segments.list(limit: 300).collect().count, 300)
        let took = elapsed(since: started)
        XCTAssertGreaterThanOrEqual(took, 0.9, "Retry-After: 1 was not honoured")
        XCTAssertLessThan(took, 5)
        XCTAssertEqual(try mock.apiRequests("segments").count, 2)
    }

    func testAGetIsRetriedAfter503UpToMaxAttempts() async throws {
        let mock = try startMock("--segments", "300")
        let client = try mock.client()
        try mock.fault("path=/api/segments,status=503,count=2")
        let segments = try await walk(client.segments.list(limit: 300))
        XCTAssertEqual(segments.count, 300)
        XCTAssertEqual(try mock.apiRequests("segments").count, 3)

        try mock.clearRequests()
        try mock.fault("path=/api/segments,status=503,count=5")
        let error = await expectError(.serverError) { try await walk(client.segments.list(limit: 300)) }
        XCTAssertEqual(error?.status, 503)
        XCTAssertEqual(try mock.apiRequests("segments").count, 3, "maxAttempts 3: three requests, then the error")

        // The same for a 4-attempt client.
        try mock.clearFaults()
        try mock.clearRequests()
        let patient = try mock.client(retry: RetryOptions(maxAttempts: 4, initialBackoff: 0.005, maxBackoff: 0.01))
        try mock.fault("path=/api/workflow/runs,status=500,count=3")
        let runs = try await walk(patient.workflowRuns.list(limit: 500))
        XCTAssertEqual(runs.count, 500)
        XCTAssertEqual(try mock.apiRequests("workflow/runs").count, 4)
    }

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

    func testARawPostIsRetriedOnlyWhenIdempotent() throws {
        let mock = try startMock("--run-step-ms", "50")
        let client = try mock.client()
        try mock.fault("path=/api/workflow/runs,method=POST,status=503,count=2")
        expectError(.serverError) { try client.raw(.post, path: "/workflow/runs", body: #"{"config_id":"cg-a"}"#) }
        XCTAssertEqual(try mock.apiRequests("workflow/runs").count, 1)
        try mock.clearRequests()
        // One 503 left in the rule: the idempotent POST retries through it.
        let ok = try client.raw(.post, path: "/workflow/runs", body: #"{"config_id":"cg-b"}"#, idempotent: true)
        XCTAssertEqual(ok.status, 201)
        XCTAssertEqual(try mock.apiRequests("workflow/runs").count, 2)
    }

    func testBrokenConnectionsAreRetriedForAGet() throws {
        let mock = try startMock("--segments", "300")
        let client = try mock.client()
        try mock.fault("path=/api/segments,close_mid_body,count=2")
        XCTAssertEqual(try client.segments.list(limit: 300).collect().count, 300)
        XCTAssertEqual(try mock.apiRequests("segments").count, 3)
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
