// Release smoke test of the Swift source package, built and run by tests/release.sh in a new
// SwiftPM project outside the repository that depends on the unpacked package by path.
// Arguments: base URL, expected version, segment count.
import Amperity
import Foundation

@main
struct Smoke {
    static func check(_ ok: Bool, _ what: @autoclosure () -> String) {
        if !ok {
            FileHandle.standardError.write(Data("swift smoke: FAILED: \(what())\n".utf8))
            exit(1)
        }
    }

    /// The blocking forms (a synchronous context picks them; async code gets the async ones).
    static func blockingCalls(_ client: Client, runId: String) throws -> (Workflow, [AuditEvent]) {
        let done = try client.workflowRuns.wait(runId, pollInterval: 0.05, timeout: 60)
        let now = Date()
        let events = try client.auditEvents.list(happenedFrom: now.addingTimeInterval(-86_400), happenedTo: now).collect()
        return (done, events)
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        let (baseURL, expected, segmentsExpected) = (arguments[1], arguments[2], Int(arguments[3]) ?? -1)
        check(AmperitySDK.version == expected, "AmperitySDK.version is \(AmperitySDK.version), expected \(expected)")
        let client = try Client(
            tenant: "acme", token: "mock-token", options: ClientOptions(baseURL: baseURL, rateLimit: .off))
        let agent = client.userAgent
        check(agent.contains("amperity-rust/\(expected)") && agent.contains("amperity-swift/\(expected)"), "User-Agent \(agent)")

        var ids = Set<String>()
        var count = 0
        for try await segment in client.segments.list(limit: 100) {
            ids.insert(segment.id)
            count += 1
        }
        check(count == segmentsExpected && ids.count == count, "listed \(count) segments (\(ids.count) distinct), expected \(segmentsExpected)")

        let run = try await client.workflowRuns.run(configId: "cg-example")
        let (done, events) = try blockingCalls(client, runId: run.id)
        check(run.id == done.id && done.state == .succeeded, "run \(run.id) ended \(done.state)")
        check(!events.isEmpty, "no audit events in the last day")

        do {
            _ = try await client.workflowRuns.get("wf-20240101-00000-nothere")
            check(false, "expected AmperityError.notFound for a missing run")
        } catch AmperityError.notFound(let failure) {
            check(failure.status == 404, "status \(failure.status.map(String.init) ?? "nil")")
        }
        print("swift smoke: Amperity \(AmperitySDK.version): \(count) segments, run \(done.id) succeeded, \(events.count) audit events; User-Agent \(agent)")
    }
}
