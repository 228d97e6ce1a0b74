import Amperity
import Foundation
import XCTest

/// Every endpoint through the blocking (`throws`) forms, against one mock per test.
final class EndpointsTests: XCTestCase {
    private func start() throws -> (MockServer, Client) {
        let mock = try startMock("--segments", "250", "--campaigns", "30", "--campaign-drafts", "7", "--run-step-ms", "30")
        return (mock, try mock.client())
    }

    func testSegmentsListWalksEveryPage() throws {
        let (mock, client) = try start()
        let segments = try client.segments.list(limit: 100).collect()
        XCTAssertEqual(segments.count, 250)
        XCTAssertEqual(Set(segments.map(\.id)).count, 250)
        XCTAssertTrue(segments.allSatisfy { $0.id.hasPrefix("seg-") && !$0.name.isEmpty })
        // Every 10th seeded segment omits `status`.
        XCTAssertEqual(segments.filter { $0.status == nil }.count, 25)
        let sent = try mock.apiRequests("segments")
        XCTAssertEqual(sent.count, 3)
        XCTAssertTrue(sent.allSatisfy { $0.method == "GET" && $0.query.contains("limit=100") })
        XCTAssertFalse(sent[0].query.contains("next_token"))
        XCTAssertTrue(sent[1].query.contains("next_token="))
    }

    func testFieldsTheSDKDoesNotModelAreKeptAsJSONText() throws {
        let (_, client) = try start()
        // The mock gives every 25th segment a `created_by` object the model does not have.
        let segments = Array(try client.segments.list(limit: 50).collect().prefix(50))
        XCTAssertEqual(Array(segments[24].extra.keys), ["created_by"])
        let createdBy = try XCTUnwrap(segments[24].extra["created_by"])
        let decoded = try JSONSerialization.jsonObject(with: Data(createdBy.utf8)) as? [String: String]
        XCTAssertEqual(decoded, ["kind": "api-key", "id": "ak-00025"])
        XCTAssertTrue(segments.enumerated().allSatisfy { $0.offset % 25 == 24 || $0.element.extra.isEmpty })
    }

    func testCampaignsAndTheTemplateFilter() throws {
        let (mock, client) = try start()
        var campaigns: [Campaign] = []
        try client.campaigns.list(limit: 7).forEach { campaigns.append($0) }
        XCTAssertEqual(campaigns.count, 30)
        XCTAssertTrue(campaigns.allSatisfy { $0.id.hasPrefix("cc-") })
        XCTAssertEqual(try mock.apiRequests("campaigns").count, 5)

        try mock.clearRequests()
        let filtered = try client.campaigns.list(destinationDataTemplateId: "ptg-2QLLqXBEq", limit: 5).collect()
        XCTAssertEqual(filtered.count, 6) // campaign i uses template i % 5
        XCTAssertTrue(Set(filtered.map(\.id)).isSubset(of: Set(campaigns.map(\.id))))
        let sent = try mock.apiRequests("campaigns")
        XCTAssertEqual(sent.count, 2)
        XCTAssertTrue(sent[0].query.contains("destination_data_template_id=ptg-2QLLqXBEq"), sent[0].query)
    }

    func testCampaignDraftsNeedTheUnstableApiVersion() throws {
        let (mock, client) = try start()
        let error = expectError(.badRequest) { try client.campaignDrafts.list().collect() }
        XCTAssertEqual(error?.status, 400)
        XCTAssertEqual(error?.operation, "list-campaign-draft")
        XCTAssertEqual(error?.failure.detail, "/campaign-drafts requires api-version: unstable")
        XCTAssertTrue(
            error?.message.hasPrefix(
                "list-campaign-draft failed with HTTP 400 (bad_request): /campaign-drafts requires api-version: unstable"
            ) == true, error?.message ?? "")
        if let requestId = error?.requestId, let traceId = error?.traceId {
            XCTAssertTrue(error?.message.hasSuffix("[request_id \(requestId)] [trace_id \(traceId)]") == true)
        } else {
            XCTFail("the mock sends request_id and trace_id")
        }

        let unstable = try mock.client(apiVersion: "unstable")
        XCTAssertEqual(unstable.apiVersion, "unstable")
        let drafts = try unstable.campaignDrafts.list(limit: 3).collect()
        XCTAssertEqual(drafts.count, 7)
        XCTAssertTrue(drafts.allSatisfy { $0.name.hasPrefix("Draft: ") }, "\(drafts.map(\.name))")
        XCTAssertEqual(try mock.apiRequests("campaign-drafts").filter { $0.header("api-version") == "unstable" }.count, 3)
    }

    func testAuditEventsOfAWindow() throws {
        let (mock, client) = try start()
        let to = Date()
        let from = to.addingTimeInterval(-86_400)
        let events = try client.auditEvents.list(happenedFrom: from, happenedTo: to, limit: 200).collect()
        XCTAssertFalse(events.isEmpty)
        XCTAssertTrue(events.allSatisfy { $0.happenedAt >= from && $0.happenedAt < to }, "an event outside the window")
        XCTAssertTrue(events.allSatisfy { $0.eventId.hasPrefix("ae-") && $0.eventType.hasPrefix(":amperity.") })
        let all = try client.auditEvents.list(limit: 1000).collect()
        XCTAssertEqual(all.count, 5000)
        XCTAssertGreaterThan(all.count, events.count)
        let query = try XCTUnwrap(mock.apiRequests("audit-events").first { $0.query.contains("happened_from=") }).query
        XCTAssertTrue(query.contains("happened_to="), query)
    }

    func testWorkflowRunsListWithFilters() throws {
        let (mock, client) = try start()
        let succeeded = try client.workflowRuns.list(state: .succeeded, limit: 50).collect()
        XCTAssertFalse(succeeded.isEmpty)
        XCTAssertTrue(succeeded.allSatisfy { $0.state == .succeeded && $0.state.isTerminal && $0.isFinished })
        let running = try client.workflowRuns.list(state: .running, limit: 50).collect()
        XCTAssertFalse(running.isEmpty)
        XCTAssertTrue(running.allSatisfy { $0.state == .running && !$0.isFinished && $0.endedAt == nil })
        let typed = try client.workflowRuns.list(workflowType: "courier.group/run", limit: 50).collect()
        XCTAssertFalse(typed.isEmpty)
        XCTAssertTrue(typed.allSatisfy { $0.workflowType == "courier.group/run" })
        let since = Date().addingTimeInterval(-2 * 86_400)
        let recent = try client.workflowRuns.list(createdFrom: since, limit: 50).collect()
        XCTAssertTrue(recent.allSatisfy { $0.createdAt >= since })
        let all = try client.workflowRuns.list(limit: 100).collect()
        XCTAssertEqual(all.count, 500)
        XCTAssertGreaterThan(all.count, recent.count)
        // Lists carry every field but the task instances.
        XCTAssertTrue(all.allSatisfy { $0.taskInstances.isEmpty && $0.principalId != nil })
        let queries = try mock.apiRequests("workflow/runs").map(\.query)
        XCTAssertTrue(queries.contains { $0.contains("state=succeeded") })
        XCTAssertTrue(queries.contains { $0.contains("state=running") })
        XCTAssertTrue(queries.contains { $0.contains("type=courier.group") })
        XCTAssertTrue(queries.contains { $0.contains("created_from=") })
    }

    func testRunGetWaitAndStop() throws {
        let (mock, client) = try start()
        let run = try client.workflowRuns.run(configId: "cg-example", runMode: .full)
        XCTAssertTrue(run.id.hasPrefix("wf-"), run.id)
        XCTAssertEqual(run.workflowType, "courier.group/run")
        XCTAssertFalse(run.isFinished)
        let post = try XCTUnwrap(mock.apiRequests("workflow/runs").first { $0.method == "POST" })
        XCTAssertEqual(post.header("content-type")?.split(separator: ";").first, "application/json")
        let body = try jsonObject(post.body)
        XCTAssertEqual(body["config_id"] as? String, "cg-example")
        XCTAssertEqual(body["run_mode"] as? String, "full")

        let overview = try client.workflowRuns.get(run.id)
        XCTAssertEqual(overview.id, run.id)
        XCTAssertTrue(overview.taskInstances.isEmpty)
        XCTAssertNil(overview.principalId)
        let verbose = try client.workflowRuns.get(run.id, view: .verbose)
        XCTAssertEqual(verbose.principalId, "api-key|ak-mock")
        XCTAssertNotNil(verbose.launchedVersion)
        XCTAssertTrue(try mock.apiRequests("workflow/runs/").last?.query.contains("view=verbose") == true)

        let done = try client.workflowRuns.wait(run.id, pollInterval: 0.02, timeout: 20)
        XCTAssertEqual(done.state, .succeeded)
        XCTAssertTrue(done.isFinished)
        XCTAssertNotNil(done.endedAt)
        XCTAssertFalse(done.taskInstances.isEmpty) // wait returns the verbose view
        XCTAssertNil(done.error)

        let stopping = try client.workflowRuns.run(configId: "og-5tXq9")
        XCTAssertEqual(stopping.workflowType, "amperity.orchestration.orchestration/run")
        let stopped = try client.workflowRuns.stop(stopping.id)
        XCTAssertEqual(stopped.id, stopping.id)
        XCTAssertEqual(stopped.state, .canceled)
        XCTAssertTrue(stopped.state.isTerminal)
        XCTAssertEqual(try client.workflowRuns.get(stopping.id).state, .canceled)

        // Stopping an ended run is a conflict.
        let conflict = expectError(.conflict) { try client.workflowRuns.stop(stopping.id) }
        XCTAssertEqual(conflict?.status, 409)
        XCTAssertEqual(conflict?.operation, "stop-workflow")
        XCTAssertTrue(
            conflict?.message.hasPrefix(
                "stop-workflow failed with HTTP 409 (conflict): workflow \(stopping.id) has already ended (state canceled)")
                == true, conflict?.message ?? "")
    }

    func testVerboseViewOfASeededRunHasTaskInstances() throws {
        let (_, client) = try start()
        let seeded = try XCTUnwrap(client.workflowRuns.list(state: .failed, limit: 5).pages().next()?.items.first)
        let overview = try client.workflowRuns.get(seeded.id, view: .overview)
        XCTAssertTrue(overview.taskInstances.isEmpty)
        XCTAssertEqual(overview.state, .failed)
        let verbose = try client.workflowRuns.get(seeded.id, view: .verbose)
        XCTAssertFalse(verbose.taskInstances.isEmpty)
        XCTAssertTrue(verbose.taskInstances.allSatisfy { $0.workflowId == seeded.id && $0.id.hasPrefix("wft-") })
        XCTAssertEqual(verbose.taskInstances.last?.state, .failed)
        XCTAssertNotNil(verbose.error)
        XCTAssertNotNil(verbose.error?.attribution)
    }

    func testAFailedRunIsReturnedNotThrown() throws {
        let (_, client) = try start()
        let run = try client.workflowRuns.run(configId: "cg-fail-example")
        let failed = try client.workflowRuns.wait(run.id, pollInterval: 0.02, timeout: 20)
        XCTAssertEqual(failed.id, run.id)
        XCTAssertEqual(failed.state, .failed)
        XCTAssertTrue(failed.isFinished)
        XCTAssertEqual(failed.error?.attribution, "customer")
        XCTAssertTrue(failed.error?.message.contains("cg-fail-example") == true, failed.error?.message ?? "")
        XCTAssertEqual(failed.taskInstances.first?.state, .failed)
    }

    func testWaitTimesOutOnARunThatKeepsRunning() throws {
        let (_, client) = try start()
        let running = try XCTUnwrap(client.workflowRuns.list(state: .running, limit: 1).pages().next()?.items.first)
        let started = Date()
        let error = expectError(.waitTimeout) {
            try client.workflowRuns.wait(running.id, pollInterval: 0.01, timeout: 0.05)
        }
        XCTAssertGreaterThanOrEqual(elapsed(since: started), 0.05)
        XCTAssertEqual(error?.failure.workflowId, running.id)
        XCTAssertEqual(error?.failure.lastState, "running")
        XCTAssertGreaterThanOrEqual(error?.failure.waited ?? 0, 0.05)
        XCTAssertTrue(error?.message.hasPrefix("workflow run \(running.id) still running after waiting ") == true)
        XCTAssertNil(error?.status)
        XCTAssertEqual(error?.failure.workflow?.id, running.id)
    }

    func testWaitReportsProgressAndFailsOnAnUnsuccessfulEnd() async throws {
        let (_, client) = try start()
        let seen = Recorder<WaitProgress>()
        let run = try await client.workflowRuns.run(configId: "cg-progress")
        let done = try await client.workflowRuns.wait(run.id, pollInterval: 0.01) { seen.append($0) }
        let progress = seen.items
        XCTAssertTrue(progress.count >= 2, "\(progress)")
        XCTAssertEqual(progress.last?.workflow.state, done.state)
        XCTAssertEqual(progress.last?.tasksFinished, progress.last?.tasksTotal)
    }

    func testAThrowingProgressClosureEndsTheWaitAndFailuresCanThrow() throws {
        let (_, client) = try start()
        struct Enough: Error {}
        let again = try client.workflowRuns.run(configId: "cg-progress")
        do {
            _ = try client.workflowRuns.wait(again.id, pollInterval: 0.01) { _ in throw Enough() }
            XCTFail("the wait went on")
        } catch is Enough {}

        let failing = try client.workflowRuns.run(configId: "cg-fail-nightly")
        let error = expectError(.runFailed) {
            try client.workflowRuns.wait(failing.id, pollInterval: 0.01, failOnUnsuccessful: true)
        }
        XCTAssertEqual(error?.failure.workflow?.state, .failed)
        XCTAssertTrue(error?.message.contains("ended failed") == true, error?.message ?? "")
    }

    func testIngestJobsListAndGet() throws {
        let (mock, client) = try start()
        let now = Date()
        let list = try client.ingestJobs.list(createdFrom: now.addingTimeInterval(-7 * 86_400), createdTo: now, withTotal: true)
        XCTAssertFalse(list.items.isEmpty)
        XCTAssertEqual(list.total, Int64(list.items.count))
        let first = try XCTUnwrap(list.items.first)
        let job = try client.ingestJobs.get(first.id)
        XCTAssertEqual(job, first)
        XCTAssertFalse(job.tables.isEmpty)
        XCTAssertTrue(job.tables.allSatisfy { $0.jobId == job.id && !$0.files.isEmpty })
        let query = try XCTUnwrap(mock.apiRequests("ingest/jobs").first).query
        XCTAssertTrue(query.contains("created_from=") && query.contains("created_to=") && query.contains("with_total=true"), query)

        let narrow = try client.ingestJobs.list(createdFrom: now.addingTimeInterval(-86_400), createdTo: now)
        XCTAssertLessThan(narrow.items.count, list.items.count)
        XCTAssertNil(narrow.total)

        let missing = expectError(.notFound) { try client.ingestJobs.get("isj-20240101-00000-nothere") }
        XCTAssertEqual(missing?.status, 404)
        XCTAssertEqual(missing?.operation, "get-ingest-job")
        XCTAssertTrue(
            missing?.message.hasPrefix(
                "get-ingest-job failed with HTTP 404 (not_found): ingest job isj-20240101-00000-nothere not found") == true,
            missing?.message ?? "")
    }

    func testRawRequestsAndRawPages() throws {
        let (mock, client) = try start()
        let response = try client.raw(.get, path: "/segments", query: ["limit": "3"])
        XCTAssertEqual(response.status, 200)
        let body = try jsonObject(response.body)
        XCTAssertEqual((body["data"] as? [Any])?.count, 3)
        XCTAssertNotNil(body["next_token"] as? String)
        XCTAssertEqual(try mock.apiRequests("segments").last?.query, "limit=3")

        let items = try client.rawPages(path: "/segments", limit: 100).collect()
        XCTAssertEqual(items.count, 250)
        XCTAssertTrue(try (jsonObject(items[0])["id"] as? String)?.hasPrefix("seg-") == true)
        let typed = try client.segments.list(limit: 250).collect()
        XCTAssertEqual(try items.map { try jsonObject($0)["id"] as? String }, typed.map(\.id))

        let created = try client.raw(.post, path: "/workflow/runs", body: #"{"config_id":"cc-raw1"}"#)
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(try jsonObject(created.body)["type"] as? String, "campaign.send")

        let missing = expectError(.notFound) { try client.raw(.get, path: "/workflow/runs/wf-nope") }
        XCTAssertEqual(missing?.operation, "GET /workflow/runs/wf-nope")
    }
}

/// Collects values from a `@Sendable` closure.
final class Recorder<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T] = []

    func append(_ value: T) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var items: [T] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
