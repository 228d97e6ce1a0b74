import Amperity
import Foundation
import XCTest

/// OAuth2 client credentials: one token fetched and reused, refreshed after a 401 or expiry.
final class OAuthTests: XCTestCase {
    private func oauthClient(_ mock: MockServer, secret: String = "mock-secret", retry: RetryOptions = MockServer.fastRetry)
        throws -> Client
    {
        try Client(tenant: "acme", clientId: "mock-client", clientSecret: secret, options: mock.options(retry: retry))
    }

    func testATokenIsFetchedOnceAndReused() async throws {
        let mock = try startMock("--segments", "300")
        let client = try oauthClient(mock)
        XCTAssertTrue(try mock.requests().isEmpty, "no token is fetched before the first call")
        let segments = try await walk(client.segments.list(limit: 100))
        XCTAssertEqual(segments.count, 300)
        let runs = try await walk(client.workflowRuns.list(limit: 100))
        _ = try await client.workflowRuns.get(try XCTUnwrap(runs.first).id)
        let tokenCalls = try mock.tokenRequests()
        XCTAssertEqual(tokenCalls.count, 1)
        let call = try XCTUnwrap(tokenCalls.first)
        XCTAssertEqual(call.method, "POST")
        XCTAssertEqual(call.header("x-amperity-tenant"), "acme")
        XCTAssertEqual(call.header("content-type"), "application/x-www-form-urlencoded")
        XCTAssertTrue(call.body.contains("grant_type=client_credentials"), call.body)
        XCTAssertTrue(call.body.contains("client_id=mock-client"), call.body)
        XCTAssertTrue(call.body.contains("client_secret=***"), "the mock masks the secret: \(call.body)")
        let api = try mock.apiRequests()
        XCTAssertGreaterThanOrEqual(api.count, 5)
        XCTAssertTrue(api.allSatisfy { $0.header("authorization") == "Bearer ***" && $0.header("amperity-tenant") == "acme" })
    }

    func testATokenIsRefreshedAfterA401() throws {
        let mock = try startMock("--segments", "50")
        let client = try oauthClient(mock, retry: .none)
        XCTAssertEqual(try client.segments.list().collect().count, 50)
        XCTAssertEqual(try mock.tokenRequests().count, 1)
        try mock.fault("path=/api/segments,status=401,count=1")
        // The 401 is answered by one new token and one more attempt, even without retries.
        XCTAssertEqual(try client.segments.list().collect().count, 50)
        XCTAssertEqual(try mock.tokenRequests().count, 2)
        XCTAssertEqual(try mock.apiRequests("segments").count, 3)

        // A second 401 in a row is thrown: one refresh per call.
        try mock.fault("path=/api/segments,status=401,count=2")
        let error = expectError(.unauthorized) { try client.segments.list().collect() }
        XCTAssertEqual(error?.status, 401)
        XCTAssertEqual(try mock.tokenRequests().count, 3)
    }

    func testAnExpiredTokenIsReplaced() throws {
        let mock = try startMock("--segments", "10", "--token-ttl-secs", "1")
        let client = try oauthClient(mock)
        XCTAssertEqual(try client.segments.list().collect().count, 10)
        XCTAssertEqual(try client.segments.list().collect().count, 10)
        XCTAssertEqual(try mock.tokenRequests().count, 1)
        Thread.sleep(forTimeInterval: 1.0) // refreshed a tenth of the lifetime early: after 0.9 s
        XCTAssertEqual(try client.segments.list().collect().count, 10)
        XCTAssertEqual(try mock.tokenRequests().count, 2)
    }

    func testAWrongSecretIsUnauthorizedWithoutLeakingIt() async throws {
        let mock = try startMock("--segments", "10")
        let client = try oauthClient(mock, secret: "wrong-s3cret-value", retry: .none)
        let error = await expectError(.unauthorized, secrets: ["wrong-s3cret-value", "s3cret"]) {
            try await walk(client.segments.list())
        }
        XCTAssertEqual(error?.status, 401)
        XCTAssertEqual(error?.operation, "oauth2-token")
        XCTAssertEqual(error?.failure.detail, "invalid client credentials")
        XCTAssertTrue(error?.message.hasPrefix("oauth2-token failed with HTTP 401 (unauthorized): invalid client credentials") == true)
        XCTAssertTrue(try mock.apiRequests().isEmpty, "no API call without a token")
        // The recorded body is masked by the mock, and the clear secret went nowhere else.
        let recorded = try mock.requests()
        XCTAssertEqual(recorded.count, 1)
        XCTAssertFalse(recorded.contains { $0.headers.joined().joined().contains("wrong-s3cret-value") })
    }

    func testATokenForAnotherTenantIsForbidden() throws {
        let mock = try startMock("--segments", "10")
        let client = try Client(
            tenant: "globex", clientId: "mock-client", clientSecret: "mock-secret", options: mock.options(retry: .none))
        let error = expectError(.forbidden) { try client.segments.list().collect() }
        XCTAssertEqual(error?.operation, "oauth2-token")
        XCTAssertEqual(error?.failure.detail, "client is not authorized for tenant globex")
    }

    func testAnExplicitTokenURL() throws {
        let mock = try startMock("--segments", "7")
        let client = try Client(
            tenant: "acme", clientId: "mock-client", clientSecret: "mock-secret",
            tokenURL: mock.origin + "/api/v0/oauth2/token", options: mock.options())
        XCTAssertEqual(try client.segments.list(limit: 3).collect().count, 7)
        XCTAssertEqual(try mock.tokenRequests().count, 1)
        let bad = expectError(.configuration) {
            try Client(
                tenant: "acme", clientId: "mock-client", clientSecret: "mock-secret",
                tokenURL: "http://auth.example.com/token", options: mock.options())
        }
        XCTAssertTrue(bad?.message.contains("token URL") == true, bad?.message ?? "")
    }
}
