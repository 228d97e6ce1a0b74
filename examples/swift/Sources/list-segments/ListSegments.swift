// Lists every segment of a tenant, one page of 100 at a time.
//
// Reads AMPERITY_TENANT, AMPERITY_TOKEN (or AMPERITY_CLIENT_ID + AMPERITY_CLIENT_SECRET) and,
// optionally, AMPERITY_REGION, AMPERITY_BASE_URL, AMPERITY_API_VERSION (Client.fromEnvironment).
import Amperity
import Foundation

@main
struct ListSegments {
    static func main() async {
        do {
            let client = try Client.fromEnvironment()
            var count = 0
            var statuses: [String: Int] = [:]
            // Lazy: one request per page of 100, one page in memory, off the caller's thread.
            for try await segment in client.segments.list(limit: 100) {
                if count < 5 { print("\(segment.id)  \(segment.name)") }
                statuses[segment.status ?? "unknown", default: 0] += 1
                count += 1
            }
            print("by status: \(statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
            print("Listed \(count) segments of tenant \(client.tenant).")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
            exit(1)
        }
    }
}
