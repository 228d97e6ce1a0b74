import Amperity
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the test harness itself (not of the SDK under test).
struct HarnessError: Error, LocalizedError, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    var errorDescription: String? { description }
}

/// One API request as the mock recorded it (`GET /__mock/requests`; auth masked as `Bearer ***`).
struct RecordedRequest: Decodable, Sendable {
    let method: String
    let path: String
    let query: String
    let headers: [[String]]
    let body: String

    /// The first value of a header, case-insensitive.
    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }
}

/// What the mock's Streaming Ingest endpoint accepted on one stream (`GET /__mock/streams/{id}`).
struct StreamEvents: Decodable, Sendable {
    let accepted: Int
    let duplicates: Int
    let checksum: String
    let bodies: [String]
}

/// The bundled mock Amperity server (`$AMPERITY_MOCK`) as a child process: its stdin pipe stays
/// open (it exits when the pipe closes), its origin is the first line it prints, the rest of its
/// stdout is drained. Each test starts its own on a free port.
final class MockServer: @unchecked Sendable {
    // @unchecked: `closed` is guarded by `lock`; everything else is immutable after init.
    let origin: String
    private let process: Process
    private let stdin: Pipe
    private let stdout: Pipe
    private let lock = NSLock()
    private var closed = false

    /// `origin` + `/api`, the base URL of a client.
    var baseURL: String { origin + "/api" }

    /// Starts the mock with these command-line flags, e.g. `["--segments", "250"]`.
    init(_ arguments: [String] = []) throws {
        guard let binary = ProcessInfo.processInfo.environment["AMPERITY_MOCK"], !binary.isEmpty else {
            throw HarnessError(
                "AMPERITY_MOCK is not set: point it at the amperity-mock binary "
                    + "(target/<profile>/amperity-mock; tests/swift.sh sets it)")
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("AMPERITY_MOCK=\(binary) is not an executable file (cargo build -p amperity-mock)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        stdin = Pipe()
        stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()

        // The first line is the origin; read it byte by byte so nothing after it is consumed.
        let fd = stdout.fileHandleForReading.fileDescriptor
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 {
                if byte == UInt8(ascii: "\n") { break }
                line.append(byte)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        let first = String(decoding: line, as: UTF8.self)
        guard first.hasPrefix("http://127.0.0.1:") || first.hasPrefix("https://127.0.0.1:") else {
            process.terminate()
            process.waitUntilExit()
            throw HarnessError("the mock (\(binary) \(arguments.joined(separator: " "))) printed \(first.debugDescription), not its origin")
        }
        origin = first
        // Drain whatever else it prints so it never blocks on a full pipe.
        let reader = stdout.fileHandleForReading
        let drain = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let fd = reader.fileDescriptor
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 || (n < 0 && errno == EINTR) { continue }
                return
            }
        }
        drain.name = "mock-stdout"
        drain.start()
    }

    deinit { close() }

    /// Closes the mock's stdin (it exits on EOF) and waits for it; idempotent.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        if closed { return }
        closed = true
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The retry options of test clients: 3 attempts with millisecond backoffs, `Retry-After` up to 2 s.
    static let fastRetry = RetryOptions(maxAttempts: 3, initialBackoff: 0.005, maxBackoff: 0.02, maxRetryAfter: 2)

    /// The options of a client for this mock: fast retries, no client-side rate limit.
    func options(
        retry: RetryOptions = MockServer.fastRetry, apiVersion: String? = nil, requestTimeout: TimeInterval? = nil
    ) -> ClientOptions {
        ClientOptions(
            baseURL: baseURL, apiVersion: apiVersion, requestTimeout: requestTimeout, retry: retry, rateLimit: .off)
    }

    /// A static-token client for this mock (tenant `acme`).
    func client(
        token: String = "mock-token", retry: RetryOptions = MockServer.fastRetry, apiVersion: String? = nil,
        requestTimeout: TimeInterval? = nil
    ) throws -> Client {
        try Client(
            tenant: "acme", token: token,
            options: options(retry: retry, apiVersion: apiVersion, requestTimeout: requestTimeout))
    }

    /// Queues a fault rule, e.g. `path=/api/segments,status=429,retry_after=1,count=2`.
    func fault(_ spec: String) throws {
        let (status, body) = try control("POST", "/__mock/faults", body: spec)
        guard status == 201 else { throw HarnessError("fault \(spec) refused: \(status) \(body)") }
    }

    /// Removes every queued fault rule.
    func clearFaults() throws {
        _ = try control("DELETE", "/__mock/faults")
    }

    /// Forgets the recorded requests.
    func clearRequests() throws {
        _ = try control("DELETE", "/__mock/requests")
    }

    /// Every API request recorded so far, oldest first.
    func requests() throws -> [RecordedRequest] {
        let (status, body) = try control("GET", "/__mock/requests")
        guard status == 200 else { throw HarnessError("GET /__mock/requests: \(status) \(body)") }
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(body.utf8))
    }

    /// Recorded requests to paths starting with `/api/` + `prefix`, OAuth token calls excluded.
    func apiRequests(_ prefix: String = "") throws -> [RecordedRequest] {
        try requests().filter { $0.path.hasPrefix("/api/" + prefix) && !$0.path.hasPrefix("/api/v0/oauth2") }
    }

    /// A Streaming Ingest client for this mock (tenant `acme`, the mock's streaming token, no
    /// client-side rate limit).
    func streamClient(
        token: String = "mock-stream-token", maxAttempts: Int? = nil, requestTimeout: TimeInterval? = 10
    ) throws -> StreamClient {
        try StreamClient(
            tenant: "acme", token: token,
            options: StreamOptions(
                baseURL: origin, requestTimeout: requestTimeout, maxAttempts: maxAttempts, rateLimit: .off))
    }

    /// What the Streaming Ingest endpoint accepted on `streamId`.
    func streamEvents(_ streamId: String) throws -> StreamEvents {
        let (status, body) = try control("GET", "/__mock/streams/" + streamId)
        guard status == 200 else { throw HarnessError("GET /__mock/streams/\(streamId): \(status) \(body)") }
        return try JSONDecoder().decode(StreamEvents.self, from: Data(body.utf8))
    }

    /// Recorded Streaming Ingest requests (`/stream/…`), of one stream when `streamId` is given.
    func streamRequests(_ streamId: String? = nil) throws -> [RecordedRequest] {
        try requests().filter {
            if let streamId { return $0.path == "/stream/v0/data/" + streamId }
            return $0.path.hasPrefix("/stream/")
        }
    }

    /// Recorded calls to the OAuth token endpoint.
    func tokenRequests() throws -> [RecordedRequest] {
        try requests().filter { $0.path == "/api/v0/oauth2/token" }
    }

    /// One synchronous request to the mock's control API.
    private func control(_ method: String, _ path: String, body: String? = nil) throws -> (Int, String) {
        guard let url = URL(string: origin + path) else { throw HarnessError("bad URL \(origin + path)") }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        let result = ControlResult()
        let done = DispatchSemaphore(value: 0)
        let task = MockServer.session.dataTask(with: request) { data, response, error in
            result.set(
                status: (response as? HTTPURLResponse)?.statusCode ?? 0,
                body: data.map { String(decoding: $0, as: UTF8.self) } ?? "", error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (status, text, error) = result.get()
        if let error { throw HarnessError("\(method) \(path) on the mock failed: \(error)") }
        return (status, text)
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.connectionProxyDictionary = [:]
        return URLSession(configuration: configuration)
    }()
}

/// The answer of one control request, handed from URLSession's queue to the waiting caller.
private final class ControlResult: @unchecked Sendable {
    // @unchecked: written once before the semaphore is signalled, read after it is awaited; the
    // lock makes that ordering explicit.
    private let lock = NSLock()
    private var status = 0
    private var body = ""
    private var error: (any Error)?

    func set(status: Int, body: String, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        self.status = status
        self.body = body
        self.error = error
    }

    func get() -> (Int, String, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (status, body, error)
    }
}
