import Amperity
import Foundation
import XCTest

/// One row of `tests/scenarios.tsv` (its header says the format and the procedure).
struct Scenario: Sendable {
    let line: Int
    let name: String
    let fault: String?
    let call: String
    let settings: [(String, String)]
    let outcome: String
    let status: Int?
    let requests: Int
    let minMs: Double?
    let maxMs: Double?
}

/// The language-neutral scenario table, every row against one mock reset before each row.
final class ScenariosTests: XCTestCase {
    /// The one table from ``AmperityError`` cases to the table's outcome names.
    static let outcomes: [ErrorKind: String] = [
        .badRequest: "bad_request",
        .unauthorized: "unauthorized",
        .forbidden: "forbidden",
        .notFound: "not_found",
        .conflict: "conflict",
        .rateLimited: "rate_limited",
        .serverError: "server_error",
        .httpStatus: "api_other",
        .transport: "transport",
        .timeout: "timeout",
        .decode: "decode",
        .repeatedCursor: "repeated_cursor",
    ]

    static let runBody = #"{"config_id":"cg-scenario"}"#

    /// The calls of the table's vocabulary; the second argument is the setup's workflow id.
    static let calls: [String: @Sendable (Client, String) throws -> Void] = [
        "list_segments_first_page": { client, _ in _ = try client.segments.list(limit: 10).pages().next() },
        "list_segments_walk": { client, _ in
            let pages = client.segments.list(limit: 100).pages()
            while try pages.next() != nil {}
        },
        "get_workflow_run": { client, id in _ = try client.workflowRuns.get(id) },
        "run_workflow": { client, _ in _ = try client.workflowRuns.run(configId: "cg-scenario") },
        "raw_get": { client, _ in _ = try client.raw(.get, path: "/segments") },
        "raw_post": { client, _ in _ = try client.raw(.post, path: "/workflow/runs", body: runBody) },
        "raw_post_idempotent": { client, _ in
            _ = try client.raw(.post, path: "/workflow/runs", body: runBody, idempotent: true)
        },
    ]

    /// `$AMPERITY_SCENARIOS`, else `tests/scenarios.tsv` of the repository holding this file.
    static func tableURL() -> URL {
        if let path = ProcessInfo.processInfo.environment["AMPERITY_SCENARIOS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // bindings/swift/Tests/AmperityTests/ScenariosTests.swift -> the repository root.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("tests/scenarios.tsv")
    }

    static func load() throws -> [Scenario] {
        let url = tableURL()
        let text = try String(contentsOf: url, encoding: .utf8)
        var header: [String]?
        var rows: [Scenario] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let columns = header else {
                header = cells
                continue
            }
            guard cells.count == columns.count else {
                throw HarnessError("\(url.path):\(index + 1): \(cells.count) cells, expected \(columns.count)")
            }
            let row = Dictionary(uniqueKeysWithValues: zip(columns, cells))
            func cell(_ name: String) throws -> String {
                guard let value = row[name] else { throw HarnessError("\(url.path): no column \(name)") }
                return value
            }
            func dash(_ name: String) throws -> String? {
                let value = try cell(name)
                return value == "-" ? nil : value
            }
            let settings = try cell("settings").split(separator: ",").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw HarnessError("\(url.path):\(index + 1): setting \(pair)") }
                return (parts[0], parts[1])
            }
            let requestsText = try cell("requests")
            guard let requests = Int(requestsText) else {
                throw HarnessError("\(url.path):\(index + 1): requests \(requestsText)")
            }
            let name = try cell("name")
            let fault = try dash("fault")
            let call = try cell("call")
            let outcome = try cell("outcome")
            let status = try dash("status").flatMap { Int($0) }
            let minMs = try dash("min_ms").flatMap { Double($0) }
            let maxMs = try dash("max_ms").flatMap { Double($0) }
            rows.append(
                Scenario(
                    line: index + 1, name: name, fault: fault, call: call, settings: settings, outcome: outcome,
                    status: status, requests: requests, minMs: minMs, maxMs: maxMs))
        }
        return rows
    }

    /// The client a row's settings describe (see the table's header).
    private func makeClient(for scenario: Scenario, _ mock: MockServer) throws -> Client {
        var retry = RetryOptions(maxAttempts: nil, initialBackoff: 0.001, maxBackoff: 0.01)
        var options = ClientOptions(
            baseURL: mock.baseURL, connectTimeout: 2, requestTimeout: 5, rateLimit: .off)
        var oauth = false
        for (key, value) in scenario.settings {
            switch (key, value) {
            case ("attempts", _): retry.maxAttempts = Int(value)
            case ("backoff_ms", _):
                let bounds = value.split(separator: "-").compactMap { Double($0) }
                guard bounds.count == 2 else { throw HarnessError("\(scenario.name): backoff_ms=\(value)") }
                retry.initialBackoff = bounds[0] / 1000
                retry.maxBackoff = bounds[1] / 1000
            case ("timeout_ms", _): options.requestTimeout = Double(value).map { $0 / 1000 }
            case ("max_retry_after_ms", _): retry.maxRetryAfter = Double(value).map { $0 / 1000 }
            case ("max_response_bytes", _): options.maxResponseBytes = Int64(value)
            case ("auth", "token"): oauth = false
            case ("auth", "client_credentials"): oauth = true
            default: throw HarnessError("scenario \(scenario.name): unknown setting \(key)=\(value)")
            }
        }
        guard retry.maxAttempts != nil else { throw HarnessError("scenario \(scenario.name): attempts is required") }
        options.retry = retry
        if oauth {
            return try Client(tenant: "acme", clientId: "mock-client", clientSecret: "mock-secret", options: options)
        }
        return try Client(tenant: "acme", token: "mock-token", options: options)
    }

    /// Runs one row; returns what differs from the table (empty when nothing does).
    private func run(_ scenario: Scenario, _ mock: MockServer) throws -> [String] {
        try mock.clearFaults()
        try mock.clearRequests()
        var workflowId = ""
        if scenario.call == "get_workflow_run" {
            let setup = try mock.client()
            guard let first = try setup.workflowRuns.list(limit: 1).pages().next()?.items.first else {
                return ["setup: no workflow run"]
            }
            workflowId = first.id
        }
        try mock.clearRequests()
        if let fault = scenario.fault { try mock.fault(fault) }
        guard let call = Self.calls[scenario.call] else { return ["unknown call \(scenario.call)"] }
        let client = try makeClient(for: scenario, mock)
        var outcome = "ok"
        var status: Int?
        var message = ""
        let started = Date()
        do {
            try call(client, workflowId)
        } catch let error as AmperityError {
            outcome = Self.outcomes[error.kind] ?? "unexpected \(error.kind)"
            status = error.status
            message = error.message
        }
        let tookMs = elapsed(since: started) * 1000
        let sent = try mock.apiRequests().count
        var problems: [String] = []
        if outcome != scenario.outcome {
            problems.append("outcome \(outcome), expected \(scenario.outcome) (\(message))")
        }
        if status != scenario.status {
            problems.append("status \(status.map(String.init) ?? "-"), expected \(scenario.status.map(String.init) ?? "-")")
        }
        if sent != scenario.requests { problems.append("\(sent) requests, expected \(scenario.requests)") }
        if let min = scenario.minMs, tookMs < min {
            problems.append("took \(Int(tookMs)) ms, expected at least \(Int(min)) ms")
        }
        if let max = scenario.maxMs, tookMs > max {
            problems.append("took \(Int(tookMs)) ms, expected at most \(Int(max)) ms")
        }
        return problems
    }

    func testTheTableIsWellFormed() throws {
        let rows = try Self.load()
        XCTAssertGreaterThanOrEqual(rows.count, 40)
        XCTAssertEqual(Set(rows.map(\.name)).count, rows.count, "scenario names are unique")
        let known = Set(Self.outcomes.values).union(["ok"])
        for row in rows {
            XCTAssertNotNil(Self.calls[row.call], "scenario \(row.name): unknown call \(row.call)")
            XCTAssertTrue(known.contains(row.outcome), "scenario \(row.name): unknown outcome \(row.outcome)")
        }
    }

    func testEveryScenarioOfTheTable() throws {
        let mock = try startMock("--segments", "300", "--run-step-ms", "50")
        let rows = try Self.load()
        for row in rows {
            let problems = try run(row, mock)
            if !problems.isEmpty {
                XCTFail("scenario \(row.name) (tests/scenarios.tsv:\(row.line)): \(problems.joined(separator: "; "))")
            }
        }
    }
}
