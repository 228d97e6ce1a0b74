import Amperity
import Foundation
import XCTest

/// The client's settings, the headers it sends, `Deprecation` notices and `fromEnvironment`.
final class ClientTests: XCTestCase {
    func testVersion() {
        XCTAssertEqual(AmperitySDK.version, "0.1.0")
        XCTAssertEqual(AmperitySDK.userAgentProduct, "amperity-swift/0.1.0")
    }

    func testClientReportsItsSettingsAndSendsThem() throws {
        let mock = try startMock("--segments", "20")
        let client = try mock.client()
        XCTAssertEqual(client.tenant, "acme")
        XCTAssertEqual(client.baseURL, mock.baseURL)
        XCTAssertEqual(client.apiVersion, "2024-04-01")
        XCTAssertTrue(client.userAgent.contains("amperity-swift/0.1.0"), client.userAgent)
        XCTAssertTrue(client.userAgent.hasSuffix(AmperitySDK.userAgentProduct), client.userAgent)
        XCTAssertTrue(client.deprecationNotices.isEmpty)
        // Nothing is sent until the first call.
        XCTAssertTrue(try mock.requests().isEmpty)

        _ = try client.segments.list(limit: 1).pages().next()
        let sent = try XCTUnwrap(mock.apiRequests("segments").last)
        XCTAssertEqual(sent.header("user-agent"), client.userAgent)
        XCTAssertTrue(sent.header("user-agent")?.contains("amperity-swift/0.1.0") == true)
        XCTAssertEqual(sent.header("amperity-tenant"), "acme")
        XCTAssertEqual(sent.header("api-version"), "2024-04-01")
        XCTAssertEqual(sent.header("authorization"), "Bearer ***")
        XCTAssertEqual(sent.header("accept"), "application/json")
        XCTAssertNil(sent.header("x-amperity-tenant"))
    }

    func testUserAgentSuffixAndTrailingSlash() throws {
        let mock = try startMock("--segments", "5")
        var options = mock.options()
        options.baseURL = mock.baseURL + "/"
        options.userAgentSuffix = "acme-etl/2.1"
        let client = try Client(tenant: "acme", token: "mock-token", options: options)
        XCTAssertEqual(client.baseURL, mock.baseURL)
        XCTAssertTrue(client.userAgent.hasSuffix("amperity-swift/0.1.0 acme-etl/2.1"), client.userAgent)
        XCTAssertEqual(try client.segments.list().collect().count, 5)
        XCTAssertEqual(try mock.apiRequests("segments").last?.header("user-agent"), client.userAgent)
    }

    func testRegionsDecideTheDefaultBaseURL() throws {
        XCTAssertEqual(try Client(tenant: "acme", token: "t").baseURL, "https://app.amperity.com/api")
        XCTAssertEqual(
            try Client(tenant: "acme", token: "t", options: ClientOptions(region: .azure)).baseURL,
            "https://acme.amperity.com/api")
        XCTAssertEqual(
            try Client(tenant: "acme", token: "t", options: ClientOptions(region: .australia)).baseURL,
            "https://app-aws-apse2.amperity.com/api")
    }

    func testDeprecationWarningsReachTheLogHandler() throws {
        let records = LogRecorder()
        AmperitySDK.setLogHandler { level, target, message in records.append(level, target, message) }
        defer { AmperitySDK.setLogHandler(nil) }
        let mock = try startMock("--segments", "5")
        let client = try mock.client()
        try mock.fault("path=/api/segments,deprecation")
        _ = try client.segments.list(limit: 1).pages().next()
        let warnings = records.items.filter { $0.1 == "amperity::deprecation" }
        XCTAssertEqual(warnings.count, 1)
        XCTAssertEqual(warnings.first?.0, .warn)
        XCTAssertTrue(warnings.first?.2.contains("list-segment") == true)
    }

    func testTheRequestHookSeesEveryAttempt() throws {
        let mock = try startMock("--segments", "5")
        let seen = Recorder<RequestInfo>()
        var options = mock.options()
        options.onRequest = { seen.append($0) }
        let client = try Client(tenant: "acme", token: "mock-token", options: options)
        try mock.fault("path=/api/segments,status=503,count=1")
        _ = try client.segments.list(limit: 5).pages().next()
        XCTAssertEqual(seen.items.map(\.status), [503, 200])
        XCTAssertEqual(seen.items.map(\.attempt), [1, 2])
        XCTAssertTrue(seen.items.allSatisfy { $0.operation == "list-segment" && $0.method == "GET" })
    }

    func testErrorsSayHowManyAttemptsWereMade() throws {
        let mock = try startMock("--segments", "5")
        let client = try mock.client()
        try mock.fault("path=/api/segments,status=503,count=0")
        let error = expectError(.serverError) { try client.segments.list(limit: 1).pages().next() }
        XCTAssertEqual(error?.failure.attempts, try mock.apiRequests("segments").count)
        XCTAssertGreaterThanOrEqual(error?.failure.attempts ?? 0, 2)
    }

    func testDeprecationHeadersAreCollected() throws {
        let mock = try startMock("--campaigns", "5")
        let client = try mock.client()
        XCTAssertTrue(client.deprecationNotices.isEmpty)
        try mock.fault("path=/api/campaigns,deprecation")
        _ = try client.campaigns.list(limit: 1).pages().next()
        let notice = try XCTUnwrap(client.deprecationNotices.first)
        XCTAssertEqual(client.deprecationNotices.count, 1)
        XCTAssertEqual(notice.operation, "list-campaign")
        XCTAssertEqual(notice.deprecation, "Tue, 1 Sep 2026 23:59:59 GMT")
        XCTAssertEqual(notice.sunset, "Wed, 1 Dec 2027 23:59:59 GMT")
        XCTAssertEqual(notice.deprecatedAt, Date(timeIntervalSince1970: 1_788_307_199))
        XCTAssertEqual(notice.sunsetAt, Date(timeIntervalSince1970: 1_827_705_599))

        // Latest values per operation; other operations get their own entry.
        try mock.fault("path=/api/campaigns,deprecation=@1788000000,sunset=Thu, 2 Dec 2027 00:00:00 GMT")
        try mock.fault("path=/api/segments,deprecation")
        _ = try client.campaigns.list(limit: 1).pages().next()
        _ = try client.segments.list(limit: 1).pages().next()
        let notices = client.deprecationNotices
        XCTAssertEqual(notices.count, 2)
        let campaigns = try XCTUnwrap(notices.first { $0.operation == "list-campaign" })
        XCTAssertEqual(campaigns.deprecation, "@1788000000")
        XCTAssertEqual(campaigns.sunset, "Thu, 2 Dec 2027 00:00:00 GMT")
        XCTAssertTrue(notices.contains { $0.operation == "list-segment" })
    }

    func testFromEnvironmentWithATokenAndTheUnstableApiVersion() throws {
        let mock = try startMock("--campaign-drafts", "4")
        let client = try Client.fromEnvironment(
            [
                "AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "mock-token", "AMPERITY_BASE_URL": mock.baseURL,
                "AMPERITY_API_VERSION": "unstable", "AMPERITY_REGION": "Azure", "AMPERITY_CLIENT_ID": "  ",
            ],
            options: mock.options(apiVersion: "2024-04-01"))
        XCTAssertEqual(client.tenant, "acme")
        XCTAssertEqual(client.baseURL, mock.baseURL) // an explicit base URL wins over the region
        XCTAssertEqual(client.apiVersion, "unstable") // the environment wins over the options
        XCTAssertEqual(try client.campaignDrafts.list().collect().count, 4)
    }

    func testFromEnvironmentWithClientCredentials() throws {
        let mock = try startMock("--segments", "12")
        let client = try Client.fromEnvironment(
            [
                "AMPERITY_TENANT": "acme", "AMPERITY_CLIENT_ID": "mock-client", "AMPERITY_CLIENT_SECRET": "mock-secret",
                "AMPERITY_BASE_URL": mock.baseURL, "AMPERITY_TOKEN": "",
                "AMPERITY_TOKEN_URL": mock.origin + "/api/v0/oauth2/token",
            ],
            options: mock.options())
        XCTAssertEqual(try client.segments.list(limit: 5).collect().count, 12)
        XCTAssertEqual(try mock.tokenRequests().count, 1)
    }
}

/// Collects log records from the `@Sendable` handler.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [(LogLevel, String, String)] = []

    func append(_ level: LogLevel, _ target: String, _ message: String) {
        lock.lock()
        records.append((level, target, message))
        lock.unlock()
    }

    var items: [(LogLevel, String, String)] {
        lock.lock()
        defer { lock.unlock() }
        return records
    }
}
