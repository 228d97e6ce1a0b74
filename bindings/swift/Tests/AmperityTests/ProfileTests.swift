import Amperity
import Foundation
import XCTest

/// The Profile API against the mock: indexes, profiles, filters, gets and its own api-version.
final class ProfileTests: XCTestCase {
    private let customers = "idx-3kPq7Zt2c"
    private let loyalty = "idx-8Wm4Rx1cL"
    private let empty = "idx-5Hn2Yv9bE"

    func testIndexesListAndGet() throws {
        let mock = try startMock()
        let client = try mock.client()
        let indexes = try client.indexes.list().collect()
        XCTAssertEqual(indexes.map(\.id), [customers, loyalty, empty])
        XCTAssertTrue(try client.indexes.get(loyalty).extra.keys.contains("build_id"))
        XCTAssertNil(try client.indexes.get(empty).description)
        XCTAssertTrue(try mock.apiRequests("indexes").allSatisfy { $0.header("api-version") == "2025-07-31" })
    }

    func testProfilesFilteredByAnEmailWithReservedCharacters() async throws {
        let mock = try startMock()
        let client = try mock.client()
        var found: [Profile] = []
        for try await profile in client.profiles.list(indexId: customers, conditions: ["email": "a+b@x.com"]) {
            found.append(profile)
        }
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.attributes["email"], "\"a+b@x.com\"")  // values are JSON texts
        let query = try XCTUnwrap(mock.apiRequests("indexes").first?.query)
        XCTAssertTrue(query.contains("a%2Bb%40x.com"), query)
        let none = try client.profiles.list(indexId: customers, conditions: ["given_name": "Mary Ann", "email": "nobody@x"]).collect()
        XCTAssertTrue(none.isEmpty, "conditions are ANDed")
    }

    func testPagesOf25AndGet() async throws {
        let mock = try startMock()
        let client = try mock.client()
        // In an async test `next()` is the async form, which XCTUnwrap's autoclosure cannot await.
        let pages = client.profiles.list(indexId: customers, withTotal: true).pages()
        let firstPage = try await pages.next()
        let first = try XCTUnwrap(firstPage)
        XCTAssertEqual(first.items.count, 25)
        XCTAssertEqual(first.total, 3000)
        let loyalPage = try await client.profiles.list(indexId: loyalty, limit: 1).pages().next()
        let loyal = try XCTUnwrap(loyalPage?.items.first)
        XCTAssertTrue(loyal.attributes.keys.contains("email"))  // an array of objects, merged
        let again = try await client.profiles.get(indexId: loyalty, profileId: loyal.id)
        XCTAssertEqual(again, loyal)
    }

    func testUnknownIdsAndBadFilters() throws {
        let mock = try startMock()
        let client = try mock.client()
        let error = expectError(.notFound) { try client.indexes.get("idx-nope") }
        XCTAssertEqual(error?.status, 404)
        XCTAssertTrue(error?.message.contains("The requested entity does not exist.") ?? false)
        expectError(.notFound) { try client.profiles.get(indexId: customers, profileId: "cl-nope") }
        try mock.clearRequests()
        expectError(.invalidArgument) { try client.profiles.list(indexId: customers, conditions: ["": "x"]).collect() }
        XCTAssertTrue(try mock.apiRequests("indexes").isEmpty)
    }

    func testProfileAPIVersionIsItsOwnSetting() throws {
        let mock = try startMock()
        var options = mock.options(apiVersion: "unstable")
        XCTAssertEqual(try Client(tenant: "acme", token: "mock-token", options: options).indexes.list().collect().count, 3)
        options.profileAPIVersion = "2024-04-01"
        let client = try Client(tenant: "acme", token: "mock-token", options: options)
        expectError(.badRequest) { try client.indexes.list().collect() }
    }
}
