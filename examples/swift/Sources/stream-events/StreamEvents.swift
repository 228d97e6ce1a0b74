// Streams events through an EventSender from four producer tasks, then prints the delivery
// report and the rate.
//
// Usage: stream-events [COUNT] (default 10 000). Sends to AMPERITY_STREAM_ID of AMPERITY_TENANT
// with AMPERITY_STREAM_TOKEN (optionally AMPERITY_STREAM_BASE_URL, the tenant's host by
// default). Without AMPERITY_STREAM_TOKEN it streams to the bundled mock server at
// AMPERITY_STREAM_BASE_URL, else AMPERITY_BASE_URL without its /api (tenant acme, token
// mock-stream-token, stream AMPERITY_STREAM_ID or is-example: the mock takes any stream id).
// Exits 2 when some events could not be delivered.
import Amperity
import Foundation

@main
struct StreamEvents {
    static let producers = 4

    static func main() async {
        let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
        let token = environment("AMPERITY_STREAM_TOKEN")
        do {
            let streams: StreamClient
            let streamId: String
            if let token {
                guard let tenant = environment("AMPERITY_TENANT") else { fail("AMPERITY_TENANT is not set") }
                guard let id = environment("AMPERITY_STREAM_ID") else { fail("AMPERITY_STREAM_ID is not set") }
                streams = try StreamClient(
                    tenant: tenant, token: token, options: StreamOptions(baseURL: environment("AMPERITY_STREAM_BASE_URL")))
                streamId = id
            } else {
                let api = environment("AMPERITY_BASE_URL").map { $0.hasSuffix("/api") ? String($0.dropLast(4)) : $0 }
                guard let mock = environment("AMPERITY_STREAM_BASE_URL") ?? api else {
                    fail("no AMPERITY_STREAM_TOKEN and no mock: set AMPERITY_STREAM_BASE_URL to a mock's origin (cargo run -p amperity-mock)")
                }
                FileHandle.standardError.write(
                    Data("No AMPERITY_STREAM_TOKEN set: streaming to the mock Amperity server at \(mock)\n".utf8))
                streams = try StreamClient(
                    tenant: "acme", token: "mock-stream-token", options: StreamOptions(baseURL: mock))
                streamId = environment("AMPERITY_STREAM_ID") ?? "is-example"
            }
            let start = Date()
            // One sender shared by every producer task; `send` waits (off the task's thread)
            // while its queue is full, and `close` delivers everything queued first.
            let sender = try streams.sender(streamId: streamId)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        for n in stride(from: producer, to: count, by: producers) {
                            let id = String(repeating: "0", count: max(0, 6 - String(n).count)) + String(n)
                            try await sender.send(
                                #"{"event_id":"ev-\#(id)","producer":\#(producer),"type":"page_view","url":"/products/\#(n % 97)"}"#)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let report = await sender.close()
            let seconds = Date().timeIntervalSince(start)
            print("stream \(streamId): \(report.accepted) accepted, \(report.failed.count) failed, \(report.retried) retries")
            for failure in report.failed.prefix(5) {
                print("  event \(failure.sequence) failed: \(failure.error.message)")
            }
            print("Streamed \(count) events in \(String(format: "%.2f", seconds)) s (\(Int((Double(count) / seconds).rounded())) events/s).")
            if !report.failed.isEmpty { exit(2) }
        } catch {
            fail("error: \(error.localizedDescription)")
        }
    }

    /// A variable of the environment, `nil` when unset or blank.
    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        exit(1)
    }
}
