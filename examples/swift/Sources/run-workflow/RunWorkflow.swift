// Starts a workflow run and waits for it to finish.
//
// Usage: run-workflow [CONFIG_ID [POLL_SECONDS]]   (defaults: AMPERITY_CONFIG_ID, else
// cg-example; 5 s). Reads the AMPERITY_* variables like list-segments. Exits 2 when the run ends
// in any state but succeeded, 3 when it is still going after two hours, 1 on any other error.
import Amperity
import Foundation

@main
struct RunWorkflow {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        let configId = arguments.first ?? ProcessInfo.processInfo.environment["AMPERITY_CONFIG_ID"] ?? "cg-example"
        let poll = arguments.dropFirst().first.flatMap(TimeInterval.init) ?? 5
        do {
            let client = try Client.fromEnvironment()
            let run = try await client.workflowRuns.run(configId: configId)
            print("Started \(run.id) (\(run.workflowType)) for \(configId): \(run.state.wireName)")
            let done = try await client.workflowRuns.wait(run.id, pollInterval: poll, timeout: 2 * 3600)
            let took = (done.endedAt ?? done.createdAt).timeIntervalSince(done.createdAt)
            print("Workflow \(done.id) ended \(done.state.wireName) after \(Int((took * 1000).rounded())) ms.")
            if let error = done.error { print("error (\(error.attribution ?? "unknown")): \(error.message)") }
            if done.state != .succeeded { exit(2) }
        } catch AmperityError.waitTimeout(let failure) {
            let state = failure.lastState ?? "running"
            fail("still \(state) after \(Int(failure.waited ?? 0)) s: giving up (the run goes on)", code: 3)
        } catch {
            fail("error: \(error.localizedDescription)", code: 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        exit(code)
    }
}
