// swift-tools-version: 6.0
// The Swift examples: five programs that depend on the SDK package (bindings/swift) by path,
// as an app would. tests/swift.sh builds and runs them against the bundled mock server.
// `amperity-swift` is a symlink to ../../bindings/swift: SwiftPM names a path dependency after its
// last path component, and "swift" would clash with this package's own directory name.
import PackageDescription

let package = Package(
    name: "AmperityExamples",
    platforms: [.macOS(.v12)],
    dependencies: [.package(path: "amperity-swift")],
    targets: [
        .executableTarget(
            name: "list-segments", dependencies: [.product(name: "Amperity", package: "amperity-swift")],
            path: "Sources/list-segments"),
        .executableTarget(
            name: "run-workflow", dependencies: [.product(name: "Amperity", package: "amperity-swift")],
            path: "Sources/run-workflow"),
        .executableTarget(
            name: "audit-events", dependencies: [.product(name: "Amperity", package: "amperity-swift")],
            path: "Sources/audit-events"),
        .executableTarget(
            name: "lookup-profile", dependencies: [.product(name: "Amperity", package: "amperity-swift")],
            path: "Sources/lookup-profile"),
        .executableTarget(
            name: "stream-events", dependencies: [.product(name: "Amperity", package: "amperity-swift")],
            path: "Sources/stream-events"),
    ],
    swiftLanguageModes: [.v6]
)
