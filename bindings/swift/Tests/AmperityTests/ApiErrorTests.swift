import Amperity
import Foundation
import XCTest

/// Every HTTP error kind, each raised by a real answer of the mock (an injected status or a real
/// refusal), with the core's message, status, operation and ids.
final class ApiErrorTests: XCTestCase {
    private func start() throws -> (MockServer, Client) {
        let mock = try startMock("--segments", "50", "--run-step-ms", "10000")
        return (mock, try mock.client(retry: .none))
    }

    /// Injects `status` on `/api/segments`, checks every field of the error, returns it.
    @discardableResult
    private func statusFault(
        _ mock: MockServer, _ client: Client, _ status: Int, _ kind: ErrorKind, wire: String, reason: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> AmperityError? {
        try mock.fault("path=/api/segments,status=\(status)")
        let error = expectError(kind, file: file, line: line) { try client.segments.list().pages().next() }
        XCTAssertEqual(error?.status, status, file: file, line: line)
        XCTAssertEqual(error?.operation, "list-segment", file: file, line: line)
        XCTAssertEqual(error?.failure.detail, reason, file: file, line: line)
        let requestId = try XCTUnwrap(error?.requestId, "the mock sends request_id", file: file, line: line)
        let traceId = try XCTUnwrap(error?.traceId, "the mock sends trace_id", file: file, line: line)
        XCTAssertEqual(
            error?.message,
            "list-segment failed with HTTP \(status) (\(wire)): \(reason) [request_id \(requestId)] [trace_id \(traceId)]",
            file: file, line: line)
        XCTAssertNil(error?.retryAfter, file: file, line: line)
        XCTAssertEqual(try mock.apiRequests("segments").count, 1, "no retry with maxAttempts 1", file: file, line: line)
        try mock.clearRequests()
        return error
    }

    func testBadRequest() throws {
        let (mock, client) = try start()
        let injected = try statusFault(mock, client, 400, .badRequest, wire: "bad_request", reason: "Bad Request")
        XCTAssertEqual(injected?.isRetryable, false)
        // Real refusals: an unknown view, a limit above the server's maximum.
        let view = expectError(.badRequest) {
            try client.raw(.get, path: "/workflow/runs/wf-x", query: ["view": "everything"])
        }
        XCTAssertEqual(view?.failure.detail, #"view must be overview or verbose, not "everything""#)
        let limit = expectError(.badRequest) { try client.segments.list(limit: 1001).collect() }
        XCTAssertEqual(limit?.failure.detail, #"limit must be an integer from 1 to 1000, not "1001""#)
        XCTAssertEqual(try mock.apiRequests("segments").last?.query, "limit=1001")
    }

    func testUnauthorized() throws {
        let (mock, client) = try start()
        try statusFault(mock, client, 401, .unauthorized, wire: "unauthorized", reason: "Unauthorized")
        let wrong = try mock.client(token: "wrong-token-s3cr3t", retry: .none)
        let error = expectError(.unauthorized, secrets: ["wrong-token-s3cr3t", "s3cr3t"]) {
            try wrong.segments.list().collect()
        }
        XCTAssertEqual(error?.status, 401)
        XCTAssertEqual(error?.failure.detail, "Authentication required: invalid or expired token")
        XCTAssertTrue(
            error?.message.hasPrefix(
                "list-segment failed with HTTP 401 (unauthorized): Authentication required: invalid or expired token") == true)
        // A static token is not refreshed: exactly one request.
        XCTAssertEqual(try mock.apiRequests("segments").count, 1)
        XCTAssertTrue(try mock.tokenRequests().isEmpty)
    }

    func testForbidden() throws {
        let (mock, client) = try start()
        try statusFault(mock, client, 403, .forbidden, wire: "forbidden", reason: "Forbidden")
        // A real one: a tenant the token is not for.
        let other = try Client(tenant: "globex", token: "mock-token", options: mock.options(retry: .none))
        let error = expectError(.forbidden) { try other.workflowRuns.get("wf-1") }
        XCTAssertEqual(error?.status, 403)
        XCTAssertEqual(error?.operation, "get-workflow")
        XCTAssertEqual(error?.failure.detail, "not authorized for tenant globex")
    }

    func testNotFound() throws {
        let (mock, client) = try start()
        try statusFault(mock, client, 404, .notFound, wire: "not_found", reason: "Not Found")
        let error = expectError(.notFound) { try client.workflowRuns.get("wf-20240101-00000-nothere") }
        XCTAssertEqual(error?.operation, "get-workflow")
        XCTAssertEqual(error?.status, 404)
        XCTAssertTrue(
            error?.message.hasPrefix(
                "get-workflow failed with HTTP 404 (not_found): workflow wf-20240101-00000-nothere not found") == true,
            error?.message ?? "")
        let endpoint = expectError(.notFound) { try client.raw(.get, path: "/no/such/thing") }
        XCTAssertEqual(endpoint?.failure.detail, "no such endpoint: GET /api/no/such/thing")
    }

    func testConflict() throws {
        let (mock, client) = try start()
        try statusFault(mock, client, 409, .conflict, wire: "conflict", reason: "Conflict")
        let run = try client.workflowRuns.run(configId: "cg-conflict")
        XCTAssertEqual(try client.workflowRuns.stop(run.id).state, .canceled)
        let error = expectError(.conflict) { try client.workflowRuns.stop(run.id) }
        XCTAssertEqual(error?.operation, "stop-workflow")
        XCTAssertEqual(error?.failure.detail, "workflow \(run.id) has already ended (state canceled)")
    }

    func testRateLimitedCarriesRetryAfterInSeconds() throws {
        let (mock, client) = try start()
        try mock.fault("path=/api/segments,status=429,retry_after=7")
        let error = expectError(.rateLimited) { try client.segments.list().collect() }
        XCTAssertEqual(error?.status, 429)
        XCTAssertEqual(error?.retryAfter, 7)
        XCTAssertEqual(error?.isRetryable, true)
        XCTAssertTrue(error?.message.hasPrefix("list-segment failed with HTTP 429 (rate_limited): Too Many Requests") == true)

        // A Retry-After longer than maxRetryAfter (2 s) is thrown at once, even with retries on.
        let retrying = try mock.client()
        try mock.fault("path=/api/segments,status=429,retry_after=30")
        try mock.clearRequests()
        let started = Date()
        let long = expectError(.rateLimited) { try retrying.segments.list().collect() }
        XCTAssertEqual(long?.retryAfter, 30)
        XCTAssertLessThan(elapsed(since: started), 1.5)
        XCTAssertEqual(try mock.apiRequests("segments").count, 1)
    }

    func testServerErrors() throws {
        let (mock, client) = try start()
        let e500 = try statusFault(mock, client, 500, .serverError, wire: "server_error", reason: "Internal Server Error")
        XCTAssertEqual(e500?.isRetryable, true)
        try statusFault(mock, client, 503, .serverError, wire: "server_error", reason: "Service Unavailable")
        // A gateway's HTML page: no ids, the detail is a snippet of the body.
        try mock.fault("path=/api/segments,status=502,html")
        let html = expectError(.serverError) { try client.segments.list().collect() }
        XCTAssertEqual(html?.status, 502)
        XCTAssertNil(html?.requestId)
        XCTAssertNil(html?.traceId)
        XCTAssertTrue(
            html?.message.hasPrefix(
                "list-segment failed with HTTP 502 (server_error): unexpected non-JSON response body (text/html") == true,
            html?.message ?? "")
        XCTAssertTrue(html?.failure.detail.contains("502 Bad Gateway") == true)
    }

    func testOtherStatusesAreHttpStatus() throws {
        let (mock, client) = try start()
        let teapot = try statusFault(mock, client, 418, .httpStatus, wire: "other", reason: "I'm a teapot")
        XCTAssertEqual(teapot?.isRetryable, false)
        try statusFault(mock, client, 422, .httpStatus, wire: "other", reason: "Unprocessable Entity")
    }

    func testErrorsAreEquatableAndMatchable() throws {
        let (mock, client) = try start()
        try mock.fault("path=/api/workflow/runs,status=404")
        do {
            _ = try client.workflowRuns.get("wf-1")
            XCTFail("expected a 404")
        } catch AmperityError.notFound(let failure) {
            XCTAssertEqual(failure.status, 404)
            XCTAssertEqual(failure.operation, "get-workflow")
            XCTAssertNotNil(failure.requestId)
            XCTAssertEqual(AmperityError.notFound(failure), AmperityError.notFound(failure))
            XCTAssertNotEqual(AmperityError.notFound(failure), AmperityError.conflict(failure))
        }
    }
}
