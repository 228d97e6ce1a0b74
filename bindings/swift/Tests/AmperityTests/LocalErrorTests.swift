import Amperity
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors that are not an HTTP status: configuration, invalid arguments, transport, timeouts,
/// undecodable bodies; none of them may carry a secret.
final class LocalErrorTests: XCTestCase {
    private func refused(
        _ expected: String, secrets: [String] = [], file: StaticString = #filePath, line: UInt = #line,
        _ make: () throws -> Client
    ) {
        let error = expectError(.configuration, secrets: secrets, file: file, line: line) { try make() }
        XCTAssertEqual(error?.message, "invalid configuration: \(expected)", file: file, line: line)
        XCTAssertEqual(error?.failure.detail, expected, file: file, line: line)
        XCTAssertNil(error?.status, file: file, line: line)
        XCTAssertEqual(error?.isRetryable, false, file: file, line: line)
    }

    func testConfigurationErrors() {
        refused("tenant id is empty") { try Client(tenant: "", token: "t") }
        refused(#"tenant id "ac me" contains ' '; only letters, digits, '-', '_' and '.' are allowed"#) {
            try Client(tenant: "ac me", token: "t")
        }
        refused("the access token is empty") { try Client(tenant: "acme", token: " ") }
        refused("access token contains characters not allowed in an HTTP header", secrets: ["tok-SECRET"]) {
            try Client(tenant: "acme", token: "tok-SECRET\nX-Evil: 1")
        }
        refused(
            #"base URL "http://example.com/api" uses plain http:// to a non-loopback host; a bearer token never travels in clear text, use https://"#
        ) {
            try Client(tenant: "acme", token: "t", options: ClientOptions(baseURL: "http://example.com/api"))
        }
        refused("base URL must not carry credentials", secrets: ["hunter2pw"]) {
            try Client(
                tenant: "acme", token: "t", options: ClientOptions(baseURL: "https://user:hunter2pw@example.com/api"))
        }
        refused(#"base URL "ftp://example.com" must use https://"#) {
            try Client(tenant: "acme", token: "t", options: ClientOptions(baseURL: "ftp://example.com"))
        }
        refused("the OAuth client secret is empty") { try Client(tenant: "acme", clientId: "id", clientSecret: "") }
        refused("request_timeout_ms must not be negative, got -1000") {
            try Client(tenant: "acme", token: "t", options: ClientOptions(requestTimeout: -1))
        }
        refused("timeouts must be greater than zero") {
            try Client(tenant: "acme", token: "t", options: ClientOptions(connectTimeout: 0))
        }
        refused("retry max_attempts must be at least 1") {
            try Client(tenant: "acme", token: "t", options: ClientOptions(retry: RetryOptions(maxAttempts: 0)))
        }
        refused("rate limit must be a positive number of requests per second, got 0") {
            try Client(tenant: "acme", token: "t", options: ClientOptions(rateLimit: .perSecond(0)))
        }
        refused("invalid proxy URL: not a valid proxy URL", secrets: ["pw55"]) {
            try Client(tenant: "acme", token: "t", options: ClientOptions(proxy: "http://u:pw55@[::1"))
        }
        refused("max_response_bytes must be greater than zero") {
            try Client(tenant: "acme", token: "t", options: ClientOptions(maxResponseBytes: 0))
        }
    }

    func testFromEnvironmentRefusals() {
        refused("AMPERITY_TENANT is not set") { try Client.fromEnvironment([:]) }
        refused("AMPERITY_TENANT is not set") { try Client.fromEnvironment(["AMPERITY_TENANT": " ", "AMPERITY_TOKEN": "t"]) }
        refused("AMPERITY_REGION must be aws, azure or australia, got \"mars\"") {
            try Client.fromEnvironment(["AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t", "AMPERITY_REGION": "mars"])
        }
        refused("no credentials: set a token or client_id and client_secret") {
            try Client.fromEnvironment(["AMPERITY_TENANT": "acme"])
        }
        refused("set either a token or client credentials, not both", secrets: ["tok-SECRET-1", "cs-SECRET-2"]) {
            try Client.fromEnvironment([
                "AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "tok-SECRET-1", "AMPERITY_CLIENT_ID": "id",
                "AMPERITY_CLIENT_SECRET": "cs-SECRET-2",
            ])
        }
        refused("client_id needs a client_secret") {
            try Client.fromEnvironment(["AMPERITY_TENANT": "acme", "AMPERITY_CLIENT_ID": "id"])
        }
        refused("client_secret needs a client_id", secrets: ["cs-SECRET-3"]) {
            try Client.fromEnvironment(["AMPERITY_TENANT": "acme", "AMPERITY_CLIENT_SECRET": "cs-SECRET-3"])
        }
        refused("token_url is only used with client credentials") {
            try Client.fromEnvironment([
                "AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t", "AMPERITY_TOKEN_URL": "https://example.com/token",
            ])
        }
    }

    func testInvalidArgumentsAreThrownBeforeAnythingIsSent() throws {
        let mock = try startMock("--segments", "10")
        let client = try mock.client()
        // A list is lazy: limit 0 is refused at the first page, not when the list is made.
        let list = client.segments.list(limit: 0)
        let error = expectError(.invalidArgument) { try list.collect() }
        XCTAssertEqual(error?.message, "invalid argument: limit must be at least 1")
        XCTAssertEqual(error?.failure.detail, "limit must be at least 1")
        expectError(.invalidArgument) { try client.campaigns.list(limit: -3).pages().next() }
        expectError(.invalidArgument) { try client.rawPages(path: "/segments", limit: 0).collect() }

        let wait = expectError(.invalidArgument) { try client.workflowRuns.wait("wf-1", pollInterval: 0) }
        XCTAssertEqual(wait?.failure.detail, "poll_interval must be greater than zero")
        let empty = expectError(.invalidArgument) { try client.workflowRuns.run(configId: "") }
        XCTAssertEqual(empty?.message, "invalid argument: config_id is empty")
        let range = expectError(.invalidArgument) {
            try client.workflowRuns.run(configId: "cg-1", rangeFrom: Date(), rangeTo: Date().addingTimeInterval(-60))
        }
        XCTAssertEqual(range?.failure.detail, "range_to must be after range_from")
        let path = expectError(.invalidArgument) { try client.raw(.get, path: "segments") }
        XCTAssertTrue(path?.failure.detail.contains("must start with '/'") == true, path?.message ?? "")
        let body = expectError(.invalidArgument) { try client.raw(.get, path: "/segments", body: "{}") }
        XCTAssertEqual(body?.failure.detail, "a raw GET cannot carry a body")
        let ingest = expectError(.invalidArgument) {
            try client.ingestJobs.list(createdFrom: Date(), createdTo: Date().addingTimeInterval(-3600))
        }
        XCTAssertEqual(ingest?.failure.detail, "created_to must be after created_from")
        let negative = expectError(.invalidArgument) { try client.workflowRuns.wait("wf-1", pollInterval: -0.005) }
        XCTAssertEqual(negative?.failure.detail, "poll_interval_ms must not be negative, got -5")
        XCTAssertTrue(try mock.requests().isEmpty, "an invalid argument sent a request")
    }

    func testInvalidArgumentAsync() async throws {
        let mock = try startMock("--segments", "10")
        let client = try mock.client()
        let error = await expectError(.invalidArgument) { try await walk(client.auditEvents.list(limit: 0)) }
        XCTAssertEqual(error?.message, "invalid argument: limit must be at least 1")
        await expectError(.invalidArgument) { try await client.workflowRuns.wait("wf-1", pollInterval: 0) }
        XCTAssertTrue(try mock.requests().isEmpty)
    }

    func testConnectingToAClosedPortIsATransportError() throws {
        let port = try closedPort()
        let client = try Client(
            tenant: "acme", token: "tok-SECRET-4",
            options: ClientOptions(baseURL: "http://127.0.0.1:\(port)/api", retry: .none, rateLimit: .off))
        let error = expectError(.transport, secrets: ["tok-SECRET-4"]) { try client.segments.list().collect() }
        XCTAssertEqual(error?.failure.transportKind, .connect)
        XCTAssertEqual(error?.operation, "list-segment")
        XCTAssertEqual(error?.isRetryable, true)
        XCTAssertNil(error?.status)
        XCTAssertTrue(error?.message.hasPrefix("transport error (connect) during list-segment: ") == true, error?.message ?? "")
    }

    func testAConnectFailureIsRetriedThenThrownAsync() async throws {
        let port = try closedPort()
        let client = try Client(
            tenant: "acme", token: "t",
            options: ClientOptions(baseURL: "http://127.0.0.1:\(port)/api", retry: MockServer.fastRetry, rateLimit: .off))
        let error = await expectError(.transport) { try await client.workflowRuns.get("wf-1") }
        XCTAssertEqual(error?.failure.transportKind, .connect)
        XCTAssertEqual(error?.operation, "get-workflow")
    }

    func testASocksProxyIsUsedNotAPanic() throws {
        let port = try closedPort()
        let client = try Client(
            tenant: "acme", token: "tok-SECRET-6",
            options: ClientOptions(
                baseURL: "https://acme.example.com/api", retry: .none, rateLimit: .off,
                proxy: "socks5://proxyuser:s0cks-pa55@127.0.0.1:\(port)"))
        let error = expectError(.transport, secrets: ["s0cks-pa55", "tok-SECRET-6"]) {
            try client.segments.list().collect()
        }
        XCTAssertFalse(error?.message.contains("internal error") ?? true, error?.message ?? "")
    }

    func testAProxyPasswordNeverAppears() throws {
        let port = try closedPort()
        let client = try Client(
            tenant: "acme", token: "tok-SECRET-5",
            options: ClientOptions(
                baseURL: "https://acme.example.com/api", retry: .none, rateLimit: .off,
                proxy: "http://proxyuser:pr0xy-pa55@127.0.0.1:\(port)"))
        let error = expectError(.transport, secrets: ["pr0xy-pa55", "tok-SECRET-5"]) {
            try client.segments.list().collect()
        }
        XCTAssertEqual(error?.failure.transportKind, .proxy)
        XCTAssertTrue(
            error?.message.hasPrefix(
                "transport error (proxy) during list-segment: could not reach the proxy at 127.0.0.1:\(port)") == true,
            error?.message ?? "")
    }

    func testABrokenConnectionIsATransportError() throws {
        let mock = try startMock("--segments", "20")
        let client = try mock.client(retry: .none)
        try mock.fault("path=/api/segments,close_mid_body")
        let error = expectError(.transport) { try client.segments.list().collect() }
        XCTAssertEqual(error?.operation, "list-segment")
        XCTAssertEqual(error?.failure.transportKind, .connectionReset)
        XCTAssertTrue(
            error?.message.hasPrefix("transport error (connection_reset) during list-segment: ") == true,
            error?.message ?? "")
    }

    func testASlowAnswerIsATimeout() throws {
        let mock = try startMock("--segments", "20")
        let client = try mock.client(retry: .none, requestTimeout: 0.3)
        try mock.fault("path=/api/segments,delay_ms=1500")
        let started = Date()
        let error = expectError(.timeout) { try client.segments.list().collect() }
        XCTAssertLessThan(elapsed(since: started), 1.4)
        XCTAssertEqual(error?.operation, "list-segment")
        XCTAssertEqual(error?.isRetryable, true)
        XCTAssertTrue(error?.message.hasPrefix("timed out during list-segment: ") == true, error?.message ?? "")
        // The same client is fine once the server answers in time.
        XCTAssertEqual(try client.segments.list().collect().count, 20)
    }

    func testUndecodableBodiesAreDecodeErrors() throws {
        let mock = try startMock("--segments", "20")
        let client = try mock.client(retry: .none)
        try mock.fault("path=/api/segments,malformed_json")
        let malformed = expectError(.decode) { try client.segments.list().collect() }
        XCTAssertEqual(malformed?.operation, "list-segment")
        XCTAssertTrue(
            malformed?.message.hasPrefix("could not decode the response of list-segment: ") == true, malformed?.message ?? "")
        XCTAssertEqual(malformed?.isRetryable, false)

        try mock.fault("path=/api/workflow/runs,truncated_json")
        let truncated = expectError(.decode) { try client.workflowRuns.list().collect() }
        XCTAssertEqual(truncated?.operation, "list-workflows")

        var options = mock.options(retry: .none)
        options.maxResponseBytes = 10_000
        let small = try Client(tenant: "acme", token: "mock-token", options: options)
        try mock.fault("path=/api/segments,huge_body=200000")
        let huge = expectError(.decode) { try small.segments.list().collect() }
        XCTAssertEqual(huge?.operation, "list-segment")
        XCTAssertEqual(try small.segments.list().collect().count, 20)
    }

    func testRepeatedCursor() throws {
        let mock = try startMock("--segments", "100")
        let client = try mock.client()
        try mock.fault("path=/api/segments,repeat_cursor,count=0")
        let error = expectError(.repeatedCursor) { try client.segments.list(limit: 10).collect() }
        XCTAssertEqual(error?.operation, "list-segment")
        XCTAssertEqual(
            error?.message,
            "list-segment returned a cursor it had already returned; stopping instead of looping forever")
        XCTAssertFalse(error?.failure.cursor?.isEmpty ?? true)
        XCTAssertLessThanOrEqual(try mock.apiRequests("segments").count, 3)
    }
}

/// A local TCP port nothing listens on (bound, then closed again).
func closedPort() throws -> Int {
    #if canImport(Glibc)
    let stream = Int32(SOCK_STREAM.rawValue)
    #else
    let stream = SOCK_STREAM
    #endif
    let fd = socket(AF_INET, stream, 0)
    guard fd >= 0 else { throw HarnessError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw HarnessError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw HarnessError("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
