import Amperity
import Foundation
import XCTest

/// HTTPS to the mock's self-signed certificate: trusted through `extraRootCertificates`, refused
/// without it.
final class TLSTests: XCTestCase {
    func testExtraRootCertificates() throws {
        let pemPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("amperity-mock-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: pemPath) }
        let mock = try startMock("--tls", "--cert-out", pemPath, "--segments", "15")
        XCTAssertTrue(mock.origin.hasPrefix("https://127.0.0.1:"), mock.origin)
        let pem = try String(contentsOfFile: pemPath, encoding: .utf8)
        XCTAssertTrue(pem.contains("BEGIN CERTIFICATE"))

        var options = mock.options()
        options.extraRootCertificates = [pem]
        let trusting = try Client(tenant: "acme", token: "mock-token", options: options)
        XCTAssertEqual(try trusting.segments.list(limit: 10).collect().count, 15)

        let untrusting = try Client(tenant: "acme", token: "mock-token", options: mock.options(retry: .none))
        let error = expectError(.transport) { try untrusting.segments.list().collect() }
        XCTAssertEqual(error?.failure.transportKind, .tls)
        XCTAssertTrue(error?.message.hasPrefix("transport error (tls) during list-segment: ") == true, error?.message ?? "")

        let garbage = expectError(.configuration) {
            var bad = mock.options()
            bad.extraRootCertificates = ["not a certificate"]
            return try Client(tenant: "acme", token: "mock-token", options: bad)
        }
        XCTAssertTrue(garbage?.message.hasPrefix("invalid configuration: ") == true)
    }
}

/// `caFile`, `SSL_CERT_FILE` (in the platform verifier's reading) and the platform verifier.
final class TrustStoreTests: XCTestCase {
    func testCAFileAndThePlatformVerifier() throws {
        let pemPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("amperity-mock-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: pemPath) }
        let mock = try startMock("--tls", "--cert-out", pemPath, "--segments", "15")

        var options = mock.options()
        options.caFile = pemPath
        let trusting = try Client(tenant: "acme", token: "mock-token", options: options)
        XCTAssertEqual(try trusting.segments.list(limit: 10).collect().count, 15)

        var missing = mock.options()
        missing.caFile = pemPath + ".missing"
        let error = expectError(.configuration) { try Client(tenant: "acme", token: "mock-token", options: missing) }
        XCTAssertTrue(error?.message.contains("ca_file") == true, error?.message ?? "")

        var platform = mock.options(retry: .none)
        platform.platformVerifier = true
        let strict = try Client(tenant: "acme", token: "mock-token", options: platform)
        expectError(.transport) { try strict.segments.list().collect() }
        platform.caFile = pemPath
        expectError(.configuration) { try Client(tenant: "acme", token: "mock-token", options: platform) }
    }
}
