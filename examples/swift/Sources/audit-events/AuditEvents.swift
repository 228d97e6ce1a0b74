// Reads the audit events of the last day and counts them by type.
//
// Reads the AMPERITY_* variables like list-segments.
import Amperity
import Foundation

@main
struct AuditEvents {
    static func main() async {
        let to = Date()
        let from = to.addingTimeInterval(-86_400)
        do {
            let client = try Client.fromEnvironment()
            var byType: [String: Int] = [:]
            var latest: Date?
            var count = 0
            for try await event in client.auditEvents.list(happenedFrom: from, happenedTo: to, limit: 1000) {
                byType[event.eventType, default: 0] += 1
                if latest.map({ event.happenedAt > $0 }) ?? true { latest = event.happenedAt }
                count += 1
            }
            for (type, n) in byType.sorted(by: { $0.value > $1.value }).prefix(5) {
                print(String(repeating: " ", count: max(0, 6 - String(n).count)) + "\(n)  \(type)")
            }
            let iso = ISO8601DateFormatter()
            print("latest: \(latest.map(iso.string(from:)) ?? "none")")
            print("Read \(count) audit events between \(iso.string(from: from)) and \(iso.string(from: to)).")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
            exit(1)
        }
    }
}
