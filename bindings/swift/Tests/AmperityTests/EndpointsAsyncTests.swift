import Amperity
import Foundation
import XCTest

/// Every record of a list, walked with `for try await`.
func walk<Element>(_ list: PagedList<Element>) async throws -> [Element] {
    var items: [Element] = []
    for try await item in list { items.append(item) }
    return items
}

/// Every endpoint through the `async throws` forms, against one mock per test.
final class EndpointsAsyncTests: XCTestCase {
    private func start() throws -> (MockServer, Client) {
        let mock = try startMock("--segments", "250", "--campaigns", "30", "--campaign-drafts", "7", "--run-step-ms", "30")
        return (mock, try mock.client())
    }

    func testSegmentsList() async throws {
        let (mock, client) = try start()
        let segments = try await walk(client.segments.list(limit: 100))
        XCTAssertEqual(segments.count, 250)
        XCTAssertEqual(Set(segments.map(\.id)).count, 250)
        XCTAssertEqual(try mock.apiRequests("segments").count, 3)
    }

    func testCampaignsDraftsAndFilter() async throws {
        let (mock, client) = try start()
        let campaigns = try await walk(client.campaigns.list(limit: 7))
        XCTAssertEqual(campaigns.count, 30)
        let filtered = try await walk(client.campaigns.list(destinationDataTemplateId: "ptg-2XsDnXwEu", limit: 4))
        XCTAssertEqual(filtered.count, 6)
        XCTAssertTrue(
            try mock.apiRequests("campaigns").contains { $0.query.contains("destination_data_template_id=ptg-2XsDnXwEu") })

        let refused = await expectError(.badRequest) { try await walk(client.campaignDrafts.list()) }
        XCTAssertEqual(refused?.status, 400)
        XCTAssertEqual(refused?.operation, "list-campaign-draft")
        let unstable = try mock.client(apiVersion: "unstable")
        let drafts = try await walk(unstable.campaignDrafts.list(limit: 3))
        XCTAssertEqual(drafts.count, 7)
    }

    func testAuditEventsOfAWindow() async throws {
        let (_, client) = try start()
        let to = Date().addingTimeInterval(-3600)
        let from = to.addingTimeInterval(-2 * 86_400)
        let events = try await walk(client.auditEvents.list(happenedFrom: from, happenedTo: to, limit: 500))
        XCTAssertFalse(events.isEmpty)
        XCTAssertTrue(events.allSatisfy { $0.happenedAt >= from && $0.happenedAt < to })
        // Newest first.
        XCTAssertEqual(events.map(\.happenedAt), events.map(\.happenedAt).sorted(by: >))
    }

    func testWorkflowRunsListWithFilters() async throws {
        let (mock, client) = try start()
        let failed = try await walk(client.workflowRuns.list(state: .failed, limit: 30))
        XCTAssertFalse(failed.isEmpty)
        XCTAssertTrue(failed.allSatisfy { $0.state == .failed && $0.error != nil })
        let ended = Date().addingTimeInterval(-86_400 * 40)
        let endedRuns = try await walk(client.workflowRuns.list(endedFrom: ended, workflowType: "campaign.send", limit: 30))
        XCTAssertFalse(endedRuns.isEmpty)
        XCTAssertTrue(endedRuns.allSatisfy { $0.endedAt != nil && $0.workflowType == "campaign.send" })
        let queries = try mock.apiRequests("workflow/runs").map(\.query)
        XCTAssertTrue(queries.contains { $0.contains("state=failed") })
        XCTAssertTrue(queries.contains { $0.contains("ended_from=") && $0.contains("type=campaign.send") })
    }

    func testRunGetWaitAndStop() async throws {
        let (_, client) = try start()
        let run = try await client.workflowRuns.run(configId: "cg-example")
        XCTAssertFalse(run.isFinished)
        let overview = try await client.workflowRuns.get(run.id)
        XCTAssertEqual(overview.id, run.id)
        XCTAssertTrue(overview.taskInstances.isEmpty)
        let verbose = try await client.workflowRuns.get(run.id, view: .verbose)
        XCTAssertEqual(verbose.principalId, "api-key|ak-mock")
        let done = try await client.workflowRuns.wait(run.id, pollInterval: 0.02, timeout: 20)
        XCTAssertEqual(done.state, .succeeded)
        XCTAssertFalse(done.taskInstances.isEmpty)

        let failing = try await client.workflowRuns.run(configId: "cg-fail-example")
        let failed = try await client.workflowRuns.wait(failing.id, pollInterval: 0.02, timeout: 20)
        XCTAssertEqual(failed.state, .failed)
        XCTAssertEqual(failed.error?.attribution, "customer")

        let stopping = try await client.workflowRuns.run(configId: "cc-async-stop")
        XCTAssertEqual(stopping.workflowType, "campaign.send")
        let stopped = try await client.workflowRuns.stop(stopping.id)
        XCTAssertEqual(stopped.state, .canceled)
        let conflict = await expectError(.conflict) { try await client.workflowRuns.stop(stopping.id) }
        XCTAssertEqual(conflict?.status, 409)
        XCTAssertEqual(conflict?.operation, "stop-workflow")
        let missing = await expectError(.notFound) { try await client.workflowRuns.get("wf-20240101-00000-nothere") }
        XCTAssertTrue(
            missing?.message.hasPrefix(
                "get-workflow failed with HTTP 404 (not_found): workflow wf-20240101-00000-nothere not found") == true,
            missing?.message ?? "")
    }

    func testWaitTimeout() async throws {
        let (_, client) = try start()
        var running: Workflow?
        for try await run in client.workflowRuns.list(state: .started, limit: 5) {
            running = run
            break
        }
        let run = try XCTUnwrap(running)
        let error = await expectError(.waitTimeout) {
            try await client.workflowRuns.wait(run.id, pollInterval: 0.01, timeout: 0.04)
        }
        XCTAssertEqual(error?.failure.workflowId, run.id)
        XCTAssertEqual(error?.failure.lastState, "started")
        XCTAssertGreaterThanOrEqual(error?.failure.waited ?? 0, 0.04)
    }

    func testIngestJobs() async throws {
        let (_, client) = try start()
        let now = Date()
        let list = try await client.ingestJobs.list(createdFrom: now.addingTimeInterval(-7 * 86_400), createdTo: now)
        XCTAssertEqual(list.items.count, 60)
        XCTAssertNil(list.total)
        let job = try await client.ingestJobs.get(list.items[3].id)
        XCTAssertEqual(job, list.items[3])
        let missing = await expectError(.notFound) { try await client.ingestJobs.get("isj-nothere") }
        XCTAssertEqual(missing?.status, 404)
    }

    func testRawAndRawPages() async throws {
        let (mock, client) = try start()
        let response = try await client.raw(.get, path: "/campaigns", query: ["limit": "2", "with_total": "true"])
        XCTAssertEqual(response.status, 200)
        let body = try jsonObject(response.body)
        XCTAssertEqual((body["data"] as? [Any])?.count, 2)
        XCTAssertEqual(body["total"] as? Int, 30)
        XCTAssertEqual(try mock.apiRequests("campaigns").last?.query, "limit=2&with_total=true")

        let cursor = client.rawPages(path: "/segments", limit: 100, withTotal: true).pages()
        var count = 0
        while let page = try await cursor.next() { count += page.items.count }
        XCTAssertEqual(count, 250)
        XCTAssertEqual(cursor.total, 250)

        let created = try await client.raw(
            .post, path: "/workflow/runs", body: #"{"config_id":"og-raw","run_mode":"refresh"}"#)
        XCTAssertEqual(created.status, 201)
        let run = try jsonObject(created.body)
        XCTAssertEqual(run["type"] as? String, "amperity.orchestration.orchestration/run")
        let id = try XCTUnwrap(run["id"] as? String)
        let fetched = try await client.workflowRuns.get(id)
        XCTAssertEqual(fetched.id, id)

        let refused = await expectError(.badRequest) {
            try await client.raw(.post, path: "/workflow/runs", body: #"{"config_id":"cg-x","bogus":"1"}"#)
        }
        XCTAssertEqual(refused?.failure.detail, "unknown field: bogus")
        XCTAssertEqual(refused?.operation, "POST /workflow/runs")
    }
}
