// Walks segment pages from a running mock server with one Swift client and prints one JSON line.
//
//     swift-bench CLIENT BASE_URL PAGES LIMIT REPEATS
//
// CLIENT is `swift-sdk` (the Amperity package: `for try await` over a page cursor, typed
// `Segment` values) or `swift-urlsession` (URLSession + JSONDecoder into a Decodable struct with
// the same fields, the hand-written client an iOS developer would write). The line has the shape
// of tests/bench/python_clients.py: `seconds` is the median of REPEATS walks of exactly PAGES
// pages, `cpu_seconds` the process's user+system CPU per walk, `peak_rss_kib` its VmHWM and
// `rss_by_page` VmHWM at pages 1, 2, 4, 8, ... and the last page (of the last walk). A benchmark,
// not a test: it checks only that every walk saw PAGES * LIMIT records.
import Amperity
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// VmHWM of this process in KiB.
func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }
    return 0
}

/// User + system CPU seconds of this process.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// `BENCH_WORK_MS`: the caller's own work per page (the latency shape), slept after each page.
let workMicroseconds = useconds_t((Int(ProcessInfo.processInfo.environment["BENCH_WORK_MS"] ?? "") ?? 0) * 1000)

/// Records VmHWM at pages 1, 2, 4, 8, … and the last page, then does the page's work.
func checkpoint(_ n: Int, _ pages: Int, _ checkpoints: inout [[Int]]) {
    if n & (n - 1) == 0 || n == pages { checkpoints.append([n, peakRSSKiB()]) }
    if workMicroseconds > 0 { usleep(workMicroseconds) }
}

/// One client: walks `pages` pages of `limit` records and returns the records seen.
protocol Walker {
    func walk(pages: Int, limit: Int, checkpoints: inout [[Int]]) async throws -> Int
}

/// The SDK: one client, a fresh list walk per run.
struct SDKWalker: Walker {
    let client: Client
    var readAhead = false

    init(base: String) throws {
        client = try Client(tenant: "acme", token: "mock-token", options: ClientOptions(baseURL: base, rateLimit: .off))
    }

    func walk(pages: Int, limit: Int, checkpoints: inout [[Int]]) async throws -> Int {
        let cursor = client.segments.list(limit: limit, readAhead: readAhead).pages()
        var records = 0
        for n in 1...pages {
            guard let page = try await cursor.next() else { break }
            records += page.items.count
            checkpoint(n, pages, &checkpoints)
        }
        return records
    }
}

/// A segment as a hand-written client decodes it (the SDK's fields).
struct SegmentDTO: Decodable, Sendable {
    let id: String
    let name: String
    let status: String?
}

/// A page of segments as a hand-written client decodes it.
struct SegmentPageDTO: Decodable, Sendable {
    let data: [SegmentDTO]
    let nextToken: String?
    enum CodingKeys: String, CodingKey {
        case data
        case nextToken = "next_token"
    }
}

/// URLSession + JSONDecoder: one session (connection reuse), typed decoding.
struct URLSessionWalker: Walker {
    let base: String
    let session: URLSession

    init(base: String) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpAdditionalHeaders = [
            "Authorization": "Bearer mock-token", "amperity-tenant": "acme", "api-version": "2024-04-01",
            "Accept": "application/json",
        ]
        session = URLSession(configuration: configuration)
    }

    func walk(pages: Int, limit: Int, checkpoints: inout [[Int]]) async throws -> Int {
        let decoder = JSONDecoder()
        var records = 0
        var token: String?
        for n in 1...pages {
            var components = URLComponents(string: base + "/segments")!
            components.queryItems = [URLQueryItem(name: "limit", value: String(limit))]
            if let token { components.queryItems?.append(URLQueryItem(name: "next_token", value: token)) }
            let (data, response) = try await session.data(for: URLRequest(url: components.url!))
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw URLError(.badServerResponse)
            }
            let page = try decoder.decode(SegmentPageDTO.self, from: data)
            records += page.data.count
            token = page.nextToken
            checkpoint(n, pages, &checkpoints)
            if token == nil { break }
        }
        return records
    }
}

/// The streaming shape: `events` events through one sender (default options, the client's
/// default 1000 requests/s) to the mock at `origin`; one JSON line with the wall time and CPU.
func streamShape(origin: String, events: Int) throws {
    let client = try StreamClient(
        tenant: "acme", token: "mock-stream-token", options: StreamOptions(baseURL: origin))
    let sender = try client.sender(streamId: "is-bench-swift")
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu0 = cpuSeconds()
    for n in 0..<events {
        _ = try sender.send("{\"event_id\":\"ev-\(n)\",\"type\":\"page_view\",\"n\":\(n)}")
    }
    let report = sender.close()
    let line: [String: Any] = [
        "client": "swift-sdk-stream", "shape": "stream", "events": events, "accepted": report.accepted,
        "failed": report.failed.count, "retried": report.retried,
        "seconds": Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
        "cpu_seconds": cpuSeconds() - cpu0, "peak_rss_kib": peakRSSKiB(),
    ]
    let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

@main
struct SwiftBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 4, arguments[1] == "swift-sdk-stream", let events = Int(arguments[3]) {
            try streamShape(origin: arguments[2], events: events)
            return
        }
        guard arguments.count == 6, ["swift-sdk", "swift-sdk-read-ahead", "swift-urlsession"].contains(arguments[1]),
            let pages = Int(arguments[3]), let limit = Int(arguments[4]), let repeats = Int(arguments[5])
        else {
            FileHandle.standardError.write(Data("usage: swift-bench swift-sdk|swift-sdk-read-ahead|swift-urlsession BASE_URL PAGES LIMIT REPEATS\n".utf8))
            exit(2)
        }
        let name = arguments[1]
        let walker: any Walker
        if name.hasPrefix("swift-sdk") {
            var sdk = try SDKWalker(base: arguments[2])
            sdk.readAhead = name == "swift-sdk-read-ahead"
            walker = sdk
        } else {
            walker = URLSessionWalker(base: arguments[2])
        }
        var warmup: [[Int]] = []
        _ = try await walker.walk(pages: min(5, pages), limit: limit, checkpoints: &warmup)

        var checkpoints: [[Int]] = []
        var times: [Double] = []
        var records = 0
        let cpu0 = cpuSeconds()
        for _ in 0..<max(1, repeats) {
            checkpoints.removeAll()
            let start = DispatchTime.now().uptimeNanoseconds
            records = try await walker.walk(pages: pages, limit: limit, checkpoints: &checkpoints)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if records != pages * limit {
                FileHandle.standardError.write(Data("\(name): walked \(records) records, expected \(pages * limit)\n".utf8))
                exit(1)
            }
        }
        let cpu = (cpuSeconds() - cpu0) / Double(times.count)
        let line: [String: Any] = [
            "client": name, "repeats": times.count, "pages": pages, "limit": limit, "records": records,
            "seconds": times.sorted()[times.count / 2], "cpu_seconds": cpu, "peak_rss_kib": peakRSSKiB(),
            "rss_by_page": checkpoints,
        ]
        let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
