import Amperity
import Foundation
import XCTest

/// Lazy pagination: one request per page, `pages()` cursors, resuming, the cursor guards.
final class PaginationTests: XCTestCase {
    private func start(_ segments: Int = 1000) throws -> (MockServer, Client) {
        let mock = try startMock("--segments", String(segments))
        return (mock, try mock.client(retry: .none))
    }

    func testAFullWalkCountsEverySeededSegmentOnePagePerRequest() throws {
        let (mock, client) = try start(1000)
        let list = client.segments.list(limit: 100)
        XCTAssertTrue(try mock.requests().isEmpty, "a list sends nothing until it is walked")
        let ids = try list.collect().map(\.id)
        XCTAssertEqual(ids.count, 1000)
        XCTAssertEqual(Set(ids).count, 1000)
        let sent = try mock.apiRequests("segments")
        XCTAssertEqual(sent.count, 10)
        XCTAssertTrue(sent.allSatisfy { $0.query.contains("limit=100") })

        // The server's default page size (100) when no limit is given.
        try mock.clearRequests()
        XCTAssertEqual(try client.segments.list().collect().map(\.id), ids)
        XCTAssertEqual(try mock.apiRequests("segments").count, 10)
        XCTAssertTrue(try mock.apiRequests("segments").allSatisfy { !$0.query.contains("limit=") })

        try mock.clearRequests()
        var seen = 0
        try client.segments.list(limit: 999).forEach { _ in seen += 1 }
        XCTAssertEqual(seen, 1000)
        XCTAssertEqual(try mock.apiRequests("segments").count, 2)
    }

    func testPagesWithNextTokenAndTotal() throws {
        let (mock, client) = try start(1000)
        let pages = client.segments.list(limit: 300, withTotal: true).pages()
        XCTAssertNil(pages.resumeCursor)
        XCTAssertNil(pages.total)
        XCTAssertFalse(pages.isDone)
        var seen: [Page<Segment>] = []
        while let page = try pages.next() { seen.append(page) }
        XCTAssertEqual(seen.map(\.items.count), [300, 300, 300, 100])
        XCTAssertEqual(seen.first?.total, 1000)
        XCTAssertEqual(pages.total, 1000)
        XCTAssertTrue(seen.dropLast().allSatisfy { $0.nextToken != nil })
        XCTAssertNil(seen.last?.nextToken)
        XCTAssertTrue(pages.isDone)
        XCTAssertNil(pages.resumeCursor)
        XCTAssertNil(try pages.next(), "an exhausted cursor stays exhausted")
        let sent = try mock.apiRequests("segments")
        XCTAssertEqual(sent.count, 4)
        XCTAssertTrue(sent[0].query.contains("with_total=true"))
        // total is asked on the first page only.
        XCTAssertFalse(sent[1].query.contains("with_total"))
    }

    func testResumingFromANextToken() throws {
        let (mock, client) = try start(1000)
        let all = try client.segments.list(limit: 100).collect().map(\.id)
        let first = try XCTUnwrap(client.segments.list(limit: 100).pages().next())
        let cursor = try XCTUnwrap(first.nextToken)
        let rest = try client.segments.list(limit: 100, cursor: cursor).collect().map(\.id)
        XCTAssertEqual(rest, Array(all.dropFirst(100)))
        XCTAssertTrue(try mock.apiRequests("segments").last?.query.contains("next_token=") == true)
        // A walk that starts from a cursor reports it before its first page.
        XCTAssertEqual(client.segments.list(cursor: cursor).pages().resumeCursor, cursor)
    }

    func testResumeCursorAfterAnErrorMidWalk() throws {
        let (mock, client) = try start(1000)
        let expected = try client.segments.list(limit: 250).collect().map(\.id)
        let pages = client.segments.list(limit: 100).pages()
        var got: [String] = []
        got += try XCTUnwrap(pages.next()).items.map(\.id)
        got += try XCTUnwrap(pages.next()).items.map(\.id)
        try mock.fault("path=/api/segments,status=500")
        expectError(.serverError) { try pages.next() }
        XCTAssertFalse(pages.isDone)
        let cursor = try XCTUnwrap(pages.resumeCursor)
        XCTAssertEqual(pages.resumeCursor, cursor, "reading resumeCursor does not move it")
        try client.segments.list(limit: 100, cursor: cursor).forEach { got.append($0.id) }
        XCTAssertEqual(got, expected, "no duplicates, no gaps")
        XCTAssertEqual(Set(got).count, 1000)
    }

    func testTheSameCursorRetriesTheFailedPage() throws {
        let (mock, client) = try start(1000)
        let pages = client.segments.list(limit: 400).pages()
        let first = try XCTUnwrap(pages.next())
        try mock.fault("path=/api/segments,status=503")
        expectError(.serverError) { try pages.next() }
        let second = try XCTUnwrap(pages.next())
        XCTAssertEqual(second.items.count, 400)
        XCTAssertEqual(try XCTUnwrap(pages.next()).items.count, 200)
        XCTAssertNil(try pages.next())
        XCTAssertTrue(Set(first.items.map(\.id)).isDisjoint(with: second.items.map(\.id)))
    }

    func testAnEmptyPageInTheMiddleDoesNotEndTheWalk() throws {
        let (mock, client) = try start(1000)
        let expected = try client.segments.list(limit: 250).collect().map(\.id)
        try mock.clearRequests()
        try mock.fault("path=/api/segments,empty_page")
        let pages = client.segments.list(limit: 250).pages()
        let empty = try XCTUnwrap(pages.next())
        XCTAssertTrue(empty.items.isEmpty)
        XCTAssertNotNil(empty.nextToken)
        XCTAssertFalse(pages.isDone)
        var got: [String] = []
        while let page = try pages.next() { got += page.items.map(\.id) }
        XCTAssertEqual(got, expected)
        XCTAssertEqual(try mock.apiRequests("segments").count, 5)

        // The same through a plain walk.
        try mock.fault("path=/api/segments,empty_page")
        XCTAssertEqual(try client.segments.list(limit: 250).collect().map(\.id), expected)
    }

    func testARepeatedCursorStopsTheWalk() async throws {
        let (mock, client) = try start(1000)
        try mock.fault("path=/api/segments,repeat_cursor,count=0")
        let error = await expectError(.repeatedCursor) { try await walk(client.segments.list(limit: 100)) }
        XCTAssertTrue(error?.message.contains("list-segment") == true)
        XCTAssertNotNil(error?.failure.cursor)
        XCTAssertLessThanOrEqual(try mock.apiRequests("segments").count, 3)
    }

    func testEachWalkOfAPagedListStartsAfresh() async throws {
        let (mock, client) = try start(300)
        let list = client.segments.list(limit: 100)
        var first: [String] = []
        for try await segment in list {
            first.append(segment.id)
            if first.count == 150 { break }
        }
        XCTAssertEqual(try mock.apiRequests("segments").count, 2)
        var second: [String] = []
        for try await segment in list { second.append(segment.id) }
        XCTAssertEqual(second.count, 300)
        XCTAssertEqual(Array(second.prefix(150)), first)
        let sent = try mock.apiRequests("segments")
        XCTAssertEqual(sent.count, 5)
        XCTAssertFalse(sent[2].query.contains("next_token"), "the second walk starts at the first page")
        // A blocking walk of the same list is a third walk.
        XCTAssertEqual(try list.collect().map(\.id), second)
        // Two cursors of one list are independent.
        let a = list.pages()
        let b = list.pages()
        let a1 = try await a.next()
        let b1 = try await b.next()
        XCTAssertEqual(a1?.items.map(\.id), b1?.items.map(\.id))
    }

    func testEveryListEndpointPagesLazily() throws {
        let mock = try startMock("--segments", "1000")
        let client = try mock.client()
        func pages(_ prefix: String, _ walk: () throws -> Int) throws -> (Int, Int) {
            let before = try mock.apiRequests(prefix).count
            let count = try walk()
            return (count, try mock.apiRequests(prefix).count - before)
        }
        let campaigns = try pages("campaigns") { try client.campaigns.list(limit: 100).collect().count }
        XCTAssertEqual(campaigns.0, 250)
        XCTAssertEqual(campaigns.1, 3)
        let events = try pages("audit-events") { try client.auditEvents.list(limit: 1000).collect().count }
        XCTAssertEqual(events.0, 5000)
        XCTAssertEqual(events.1, 5)
        let runs = try pages("workflow/runs") { try client.workflowRuns.list(limit: 100).collect().count }
        XCTAssertEqual(runs.0, 500)
        XCTAssertEqual(runs.1, 5)
        let raw = try pages("segments") { try client.rawPages(path: "/segments", limit: 500).collect().count }
        XCTAssertEqual(raw.0, 1000)
        XCTAssertEqual(raw.1, 2)
        let unstable = try mock.client(apiVersion: "unstable")
        let drafts = try pages("campaign-drafts") { try unstable.campaignDrafts.list(limit: 15).collect().count }
        XCTAssertEqual(drafts.0, 40)
        XCTAssertEqual(drafts.1, 3)
    }

    func testEveryWayALastPageCanEnd() throws {
        for mode in ["empty", "null", "absent"] {
            let mock = try startMock("--segments", "120", "--last-cursor", mode)
            let client = try mock.client()
            XCTAssertEqual(try client.segments.list(limit: 50).collect().count, 120, mode)
            XCTAssertEqual(try mock.apiRequests("segments").count, 3, mode)
            mock.close()
        }
    }

    func testReadAheadRequestsTheNextPageWhileTheCallerHoldsThisOne() throws {
        let (mock, client) = try start(1000)
        let plain = try client.segments.list(limit: 100).collect().map(\.id)
        XCTAssertEqual(try client.segments.list(limit: 100, readAhead: true).collect().map(\.id), plain)
        try mock.clearRequests()
        let pages = client.segments.list(limit: 100, readAhead: true).pages()
        _ = try pages.next()
        let deadline = Date().addingTimeInterval(5)
        while try mock.apiRequests("segments").count < 2, Date() < deadline { usleep(5_000) }
        XCTAssertEqual(try mock.apiRequests("segments").count, 2, "page 2 is requested unasked")
        usleep(100_000)
        XCTAssertEqual(try mock.apiRequests("segments").count, 2, "one page ahead at most")
        XCTAssertEqual(try pages.next()?.items.count, 100)
    }
}
