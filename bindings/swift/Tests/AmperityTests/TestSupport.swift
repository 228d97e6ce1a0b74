import Amperity
import Foundation
import XCTest

/// The case of an ``AmperityError`` without its payload, so tests can compare kinds.
enum ErrorKind: String, Equatable, Sendable {
    case badRequest, unauthorized, forbidden, notFound, conflict, rateLimited, serverError, httpStatus
    case transport, timeout, decode, configuration, invalidArgument, repeatedCursor, waitTimeout, runFailed
    case cancelled, queueFull, senderClosed
    case other
}

extension AmperityError {
    /// This error's case.
    var kind: ErrorKind {
        switch self {
        case .badRequest: return .badRequest
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .rateLimited: return .rateLimited
        case .serverError: return .serverError
        case .httpStatus: return .httpStatus
        case .transport: return .transport
        case .timeout: return .timeout
        case .decode: return .decode
        case .configuration: return .configuration
        case .invalidArgument: return .invalidArgument
        case .repeatedCursor: return .repeatedCursor
        case .waitTimeout: return .waitTimeout
        case .runFailed: return .runFailed
        case .cancelled: return .cancelled
        case .queueFull: return .queueFull
        case .senderClosed: return .senderClosed
        case .other: return .other
        }
    }
}

extension XCTestCase {
    /// Starts a mock server for this test; it is closed when the test ends.
    func startMock(_ arguments: String...) throws -> MockServer {
        let mock = try MockServer(arguments)
        addTeardownBlock { mock.close() }
        return mock
    }

    /// Runs `body`, which must throw an ``AmperityError``, checks its kind and the invariants every
    /// error keeps (`localizedDescription == message`, no secret anywhere), and returns it.
    @discardableResult
    func expectError<T>(
        _ kind: ErrorKind, secrets: [String] = [], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> T
    ) -> AmperityError? {
        do {
            let value = try body()
            XCTFail("expected \(kind), got the value \(value)", file: file, line: line)
        } catch let error as AmperityError {
            check(error, kind, secrets: secrets, file: file, line: line)
            return error
        } catch {
            XCTFail("expected AmperityError.\(kind), got \(type(of: error)): \(error)", file: file, line: line)
        }
        return nil
    }

    /// The `async` form of ``expectError(_:secrets:file:line:_:)``.
    @discardableResult
    func expectError<T>(
        _ kind: ErrorKind, secrets: [String] = [], file: StaticString = #filePath, line: UInt = #line,
        _ body: () async throws -> T
    ) async -> AmperityError? {
        do {
            let value = try await body()
            XCTFail("expected \(kind), got the value \(value)", file: file, line: line)
        } catch let error as AmperityError {
            check(error, kind, secrets: secrets, file: file, line: line)
            return error
        } catch {
            XCTFail("expected AmperityError.\(kind), got \(type(of: error)): \(error)", file: file, line: line)
        }
        return nil
    }

    private func check(
        _ error: AmperityError, _ kind: ErrorKind, secrets: [String], file: StaticString, line: UInt
    ) {
        XCTAssertEqual(error.kind, kind, "message: \(error.message)", file: file, line: line)
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        XCTAssertEqual(error.localizedDescription, error.message, file: file, line: line)
        XCTAssertEqual(error.description, error.message, file: file, line: line)
        XCTAssertEqual(error.errorDescription, error.message, file: file, line: line)
        assertNoSecrets(in: error, secrets + ["mock-token", "mock-secret"], file: file, line: line)
    }

    /// Fails when any text of `error` contains one of `secrets`.
    func assertNoSecrets(
        in error: AmperityError, _ secrets: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        let texts = [
            error.message, error.failure.detail, error.localizedDescription, String(describing: error),
            String(reflecting: error),
        ]
        for secret in secrets {
            for text in texts where text.contains(secret) {
                XCTFail("the secret \(secret.debugDescription) leaked into \(text.debugDescription)", file: file, line: line)
            }
        }
    }
}

/// Parses JSON text into `[String: Any]` (the harness's view of raw bodies).
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw HarnessError("not a JSON object: \(text.prefix(200))")
    }
    return object
}

/// A one-shot rendezvous between a task under test and the test: the task `arrive()`s and is held
/// (not cancellably) until the test `release()`s it.
actor Gate {
    private var arrived = false
    private var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    private var released = false
    private var releaseWaiters: [CheckedContinuation<Void, Never>] = []

    /// Called by the task: signals arrival, then waits for ``release()``.
    func arrive() async {
        arrived = true
        arrivalWaiters.forEach { $0.resume() }
        arrivalWaiters.removeAll()
        if released { return }
        await withCheckedContinuation { releaseWaiters.append($0) }
    }

    /// Called by the test: returns once the task has arrived.
    func waitForArrival() async {
        if arrived { return }
        await withCheckedContinuation { arrivalWaiters.append($0) }
    }

    /// Lets the held task go on.
    func release() {
        released = true
        releaseWaiters.forEach { $0.resume() }
        releaseWaiters.removeAll()
    }
}

/// Seconds since `start`.
func elapsed(since start: Date) -> TimeInterval {
    Date().timeIntervalSince(start)
}
