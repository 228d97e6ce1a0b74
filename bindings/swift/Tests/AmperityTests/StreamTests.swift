import Amperity
import Foundation
import XCTest

/// Streaming Ingest against the mock: single sends (blocking and async), local refusals, retries,
/// the sender's volume from several tasks, back-pressure, close and the secrecy of the token.
/// Each test starts its own mock, without the mock's rate limit so that volume runs at full speed.
final class StreamTests: XCTestCase {
    private func startStreamMock() throws -> MockServer {
        try startMock("--stream-rate-limit", "off")
    }

    func testSingleSendsCarryTheTenantHeaderAndNoAPIVersion() async throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        XCTAssertEqual(streams.baseURL, mock.origin)
        XCTAssertEqual(streams.tenant, "acme")
        try await streams.sendJSON(streamId: "is-json", event: #"{"order_id": "o-1", "total": 12.5}"#)
        try await streams.sendXML(streamId: "is-xml", event: "<records><record><id>1</id></record></records>")
        let blocking: @Sendable () throws -> Void = { try streams.sendJSON(streamId: "is-json", event: #"{"n": 2}"#) }
        try blocking()

        let sent = try mock.streamRequests("is-json")
        XCTAssertEqual(sent.count, 2)
        for request in sent {
            XCTAssertEqual(request.method, "POST")
            XCTAssertEqual(request.header("X-Amperity-Tenant"), "acme")
            XCTAssertNil(request.header("api-version"))
            XCTAssertNil(request.header("Amperity-Tenant"), "the control plane's header is not the stream's")
            XCTAssertEqual(request.header("Authorization"), "Bearer ***")
            XCTAssertEqual(request.header("Content-Type"), "application/json")
            XCTAssertTrue(request.header("User-Agent")?.contains(AmperitySDK.userAgentProduct) ?? false)
        }
        XCTAssertEqual(try mock.streamRequests("is-xml").first?.header("Content-Type"), "application/xml")
        XCTAssertEqual(try mock.streamEvents("is-json").bodies, [#"{"order_id": "o-1", "total": 12.5}"#, #"{"n": 2}"#])
        XCTAssertEqual(try mock.streamEvents("is-xml").accepted, 1)
    }

    func testDefaultsAndConfiguration() throws {
        let streams = try StreamClient(tenant: "acme-sb-12345", token: "t")
        XCTAssertEqual(streams.baseURL, "https://acme-sb-12345.amperity.com")
        expectError(.configuration) { try StreamClient(tenant: "acme", token: "") }
        expectError(.configuration) {
            try StreamClient(tenant: "acme", token: "t", options: StreamOptions(connectTimeout: -1))
        }
        XCTAssertEqual(SenderOptions().format, .json)
    }

    func testEventsTheServiceWouldRefuseAreRefusedLocallyWithoutARequest() throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        let oversized = #"{"blob":""# + String(repeating: "x", count: 1_000_000) + #""}"#
        let refused = [oversized, "", "   ", "{\"a\":1}\n{\"a\":2}", "[{}]", "42", "{not json"]
        for event in refused {
            let error = expectError(.invalidArgument) { try streams.sendJSON(streamId: "is-refusals", event: event) }
            XCTAssertFalse(error?.message.contains("xxxxxxxx") ?? true, "the message never quotes the event")
        }
        let ndjson = expectError(.invalidArgument) { try streams.sendJSON(streamId: "is-refusals", event: "{}\n{}") }
        XCTAssertTrue(ndjson?.message.contains("NDJSON") ?? false, ndjson?.message ?? "")
        expectError(.invalidArgument) {
            try streams.sendXML(streamId: "is-refusals", event: "<a>" + String(repeating: "x", count: 1_000_000) + "</a>")
        }
        expectError(.invalidArgument) { try streams.sendJSON(streamId: "", event: "{}") }
        let sender = try streams.sender(streamId: "is-refusals")
        for event in refused { expectError(.invalidArgument) { try sender.send(event) } }
        expectError(.invalidArgument) { try sender.trySend(oversized) }
        XCTAssertEqual(sender.pending, 0)
        XCTAssertEqual(sender.close().total, 0)
        expectError(.invalidArgument) { try streams.sender(streamId: "is-refusals", options: SenderOptions(workers: 0)) }
        expectError(.invalidArgument) { try streams.sender(streamId: "is-refusals", options: SenderOptions(queueCapacity: -1)) }
        expectError(.invalidArgument) { try streams.sender(streamId: "is-refusals", options: SenderOptions(maxRetries: 100)) }
        XCTAssertTrue(try mock.streamRequests().isEmpty)
    }

    func testA503IsRetriedThenAccepted() async throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        try mock.fault("path=/stream,status=503,count=1")
        try await streams.sendJSON(streamId: "is-retry", event: #"{"n":1}"#)
        XCTAssertEqual(try mock.streamRequests("is-retry").count, 2)
        XCTAssertEqual(try mock.streamEvents("is-retry").accepted, 1)

        try mock.fault("path=/stream,status=503,count=1")
        let sender = try streams.sender(streamId: "is-retry-sender")
        try await sender.send(#"{"n":2}"#)
        let report = await sender.close()
        XCTAssertEqual(report.accepted, 1)
        XCTAssertEqual(report.retried, 1)
        XCTAssertTrue(report.failed.isEmpty)
        XCTAssertEqual(try mock.streamEvents("is-retry-sender").accepted, 1)
        await expectError(.senderClosed) { try await sender.send("{}") }
    }

    func testA400IsNotRetried() throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient(maxAttempts: 3)
        try mock.fault("path=/stream,status=400,count=1")
        let error = expectError(.badRequest) { try streams.sendJSON(streamId: "is-bad", event: #"{"n":1}"#) }
        XCTAssertEqual(error?.failure.attempts, 1)
        XCTAssertEqual(error?.operation, "stream-ingest")
        XCTAssertEqual(try mock.streamRequests("is-bad").count, 1)

        try mock.fault("path=/stream,status=400,count=1")
        let event = #"{"customer":"secret@example.com"}"#
        let sender = try streams.sender(streamId: "is-bad-sender")
        let sequence = try sender.send(event)
        let report = sender.close()
        XCTAssertEqual(report.accepted, 0)
        XCTAssertEqual(report.retried, 0)
        XCTAssertEqual(report.failed.count, 1)
        let failure = try XCTUnwrap(report.failed.first)
        XCTAssertEqual(failure.sequence, sequence)
        XCTAssertEqual(failure.payload, event)
        XCTAssertEqual(failure.error.kind, .badRequest)
        XCTAssertEqual(failure.error.failure.attempts, 1)
        var dumped = ""
        dump(report, to: &dumped)
        for text in [String(describing: failure), String(reflecting: failure), String(describing: report), dumped] {
            XCTAssertFalse(text.contains("secret@example.com"), text)
        }
        XCTAssertTrue(String(describing: failure).contains("<\(event.utf8.count) bytes>"), String(describing: failure))
        XCTAssertEqual(try mock.streamRequests("is-bad-sender").count, 1)
    }

    func testTenThousandEventsFromFourTasksAreAllDeliveredAndReported() async throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        let sender = try streams.sender(streamId: "is-volume")
        let producers = 4
        let perProducer = 2_500
        let start = Date()
        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for producer in 0..<producers {
                group.addTask {
                    var mine: [Int64] = []
                    for n in 0..<perProducer {
                        mine.append(try await sender.send(#"{"producer":\#(producer),"n":\#(n)}"#))
                    }
                    return mine
                }
            }
            var all: [Int64] = []
            for try await part in group { all += part }
            return all
        }
        let report = await sender.close()
        let seconds = Date().timeIntervalSince(start)
        print("stream sender: \(report.accepted) events in \(String(format: "%.2f", seconds)) s (\(Int(Double(report.accepted) / seconds)) events/s)")
        XCTAssertEqual(report.accepted, 10_000, "\(report): \(report.failed.prefix(3))")
        XCTAssertTrue(report.failed.isEmpty)
        XCTAssertEqual(report.total, 10_000)
        XCTAssertEqual(Set(sequences), Set(0..<10_000))
        XCTAssertEqual(sender.pending, 0)
        let second = await sender.close()
        XCTAssertEqual(second.total, 0, "a second close reports nothing new")

        let seen = try mock.streamEvents("is-volume")
        XCTAssertEqual(seen.accepted, 10_000)
        XCTAssertEqual(seen.duplicates, 0)
        let sent = Set((0..<producers).flatMap { p in (0..<perProducer).map { #"{"producer":\#(p),"n":\#($0)}"# } })
        XCTAssertEqual(Set(seen.bodies), sent)
    }

    func testFlushReportsWhatFinishedAndCloseDeliversWhatIsStillQueued() async throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        let sender = try streams.sender(streamId: "is-queued", options: SenderOptions(queueCapacity: 1000, workers: 1))
        try await sender.send(#"{"n":-1}"#)
        let flushed = await sender.flush()
        XCTAssertEqual(flushed.accepted, 1)
        // The first request of the next events stalls: the rest stays queued meanwhile.
        try mock.fault("path=/stream,delay_ms=400,count=1")
        for n in 0..<200 { try sender.trySend(#"{"n":\#(n)}"#) }
        XCTAssertGreaterThan(sender.pending, 100)
        let report = await sender.close()
        XCTAssertEqual(report.accepted, 200, "\(report)")
        XCTAssertTrue(report.failed.isEmpty)
        XCTAssertEqual(sender.pending, 0)
        let seen = try mock.streamEvents("is-queued")
        XCTAssertEqual(seen.accepted, 201)
        XCTAssertEqual(seen.duplicates, 0)
    }

    func testTrySendThrowsQueueFullWhileTheWorkersAreStalled() throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        let sender = try streams.sender(streamId: "is-full", options: SenderOptions(queueCapacity: 2, workers: 1))
        try mock.fault("path=/stream,delay_ms=1500,count=1")
        var queued = 0
        let error = expectError(.queueFull) {
            for n in 0..<10 {
                try sender.trySend(#"{"n":\#(n)}"#)
                queued += 1
            }
        }
        XCTAssertTrue(error?.message.contains("2") ?? false, error?.message ?? "")
        // The capacity, plus the event the stalled worker may have taken.
        XCTAssertTrue((2...3).contains(queued), "queued \(queued)")
        let report = sender.close()
        XCTAssertEqual(report.accepted, queued)
        XCTAssertEqual(try mock.streamEvents("is-full").accepted, queued)
    }

    func testAClosedSenderTakesNoMoreEvents() throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient()
        let sender = try streams.sender(streamId: "is-closed")
        try sender.send("{}")
        XCTAssertEqual(sender.close().accepted, 1)
        let error = expectError(.senderClosed) { try sender.send("{}") }
        XCTAssertEqual(error?.message, "the sender is closed and takes no more events")
        expectError(.senderClosed) { try sender.trySend("{}") }
        XCTAssertEqual(sender.close().total, 0, "later closes add nothing")
        XCTAssertEqual(try mock.streamEvents("is-closed").accepted, 1)
    }

    func testCancellingATaskEndsItsStalledSendWithCancellationError() async throws {
        let mock = try startStreamMock()
        let streams = try mock.streamClient(requestTimeout: 60)
        try mock.fault("path=/stream,delay_ms=20000,count=1")
        let task = Task { try await streams.sendJSON(streamId: "is-cancel", event: "{}") }
        try await Task.sleep(nanoseconds: 300_000_000)
        let cancelled = Date()
        task.cancel()
        do {
            try await task.value
            XCTFail("the cancelled send returned")
        } catch is CancellationError {
            XCTAssertLessThan(Date().timeIntervalSince(cancelled), 2)
        }
        try await streams.sendJSON(streamId: "is-cancel", event: "{}")
        XCTAssertEqual(try mock.streamEvents("is-cancel").accepted, 1)
    }

    func testTheTokenNeverAppearsInErrorsOrDescriptions() throws {
        let mock = try startStreamMock()
        let secret = "s3cr3t-stream-token-42"
        let streams = try StreamClient(
            tenant: "acme", token: secret, options: StreamOptions(baseURL: mock.origin, maxAttempts: 1, rateLimit: .off))
        expectError(.unauthorized, secrets: [secret]) { try streams.sendJSON(streamId: "is-secret", event: "{}") }
        let sender = try streams.sender(streamId: "is-secret", options: SenderOptions(maxRetries: 0))
        try sender.send(#"{"n":1}"#)
        let report = sender.close()
        let failure = try XCTUnwrap(report.failed.first)
        XCTAssertEqual(failure.error.kind, .unauthorized)
        assertNoSecrets(in: failure.error, [secret])
        var dumped = ""
        dump(report, to: &dumped)
        for text in [
            String(describing: streams), String(reflecting: streams), String(describing: sender),
            String(describing: failure), dumped,
        ] {
            XCTAssertFalse(text.contains(secret), text)
        }
        // The control plane's token is not a streaming token either (the mock's 401 hints so).
        let controlPlane = try mock.streamClient(token: "mock-token")
        expectError(.unauthorized) { try controlPlane.sendJSON(streamId: "is-secret", event: "{}") }
        expectError(.configuration, secrets: [secret]) {
            try StreamClient(tenant: "acme", token: secret, options: StreamOptions(baseURL: "ftp://example.com"))
        }
        expectError(.configuration, secrets: [secret]) {
            try StreamClient(tenant: "acme", token: secret, options: StreamOptions(proxy: "not a url"))
        }
        XCTAssertEqual(try mock.streamEvents("is-secret").accepted, 0)
    }
}
