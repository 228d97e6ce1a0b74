// Looks a customer profile up by email with the Profile API (a filtered profile list).
//
// Usage: lookup-profile [EMAIL [INDEX_ID]]. With tenant credentials in the environment (read
// like list-segments: AMPERITY_TENANT, AMPERITY_TOKEN or AMPERITY_CLIENT_ID +
// AMPERITY_CLIENT_SECRET, ...), the index defaults to the tenant's first one and the email to that
// of its first profile. Without credentials it asks the bundled mock server at AMPERITY_BASE_URL
// (tenant acme, token mock-token) for `a+b@x.com` in its customers index idx-3kPq7Zt2c (the `+`
// and `@` travel percent-encoded).
import Amperity
import Foundation

@main
struct LookupProfile {
    static let mockIndexId = "idx-3kPq7Zt2c"
    static let mockEmail = "a+b@x.com"

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let hasCredentials = environment("AMPERITY_TOKEN") != nil || environment("AMPERITY_CLIENT_ID") != nil
        do {
            let client: Client
            if hasCredentials {
                client = try Client.fromEnvironment()
            } else {
                guard let mock = environment("AMPERITY_BASE_URL") else {
                    fail("no credentials and no AMPERITY_BASE_URL: set AMPERITY_TOKEN, or point AMPERITY_BASE_URL at a mock (cargo run -p amperity-mock)")
                }
                FileHandle.standardError.write(
                    Data("No AMPERITY_TOKEN or AMPERITY_CLIENT_ID set: using the mock Amperity server at \(mock)\n".utf8))
                client = try Client(tenant: "acme", token: "mock-token", options: ClientOptions(baseURL: mock))
            }
            let index: ProfileIndex
            if let indexId = arguments.dropFirst().first ?? (hasCredentials ? nil : mockIndexId) {
                index = try await client.indexes.get(indexId)
            } else {
                guard let firstIndex = try await first(of: client.indexes.list(limit: 1)) else {
                    fail("the tenant has no Profile API index")
                }
                index = firstIndex
            }
            print("index \(index.id) (\(index.name))")
            var email = arguments.first ?? (hasCredentials ? nil : mockEmail)
            if email == nil {
                // Attribute values are JSON texts: a string's quotes are dropped.
                let profile = try await first(of: client.profiles.list(indexId: index.id, limit: 1))
                email = profile?.attributes["email"]?.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            guard let email else { fail("the index's first profile has no email attribute") }
            // Lazy: one request per page, off the caller's thread; the conditions are ANDed
            // exact matches.
            var matches: [Profile] = []
            for try await profile in client.profiles.list(indexId: index.id, conditions: ["email": email]) {
                matches.append(profile)
            }
            for profile in matches {
                print("profile \(profile.id)")
                for (name, value) in profile.attributes.sorted(by: { $0.key < $1.key }) {
                    print("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0) + " " + value)
                }
            }
            print("Found \(matches.count) profile\(matches.count == 1 ? "" : "s") with email \(email) in \(index.name).")
        } catch {
            fail("error: \(error.localizedDescription)")
        }
    }

    /// The first item of a list (fetching one page), or `nil` for an empty list.
    static func first<Element: Sendable>(of list: PagedList<Element>) async throws -> Element? {
        for try await item in list { return item }
        return nil
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
