// swift-tools-version: 6.0
// The Swift clients of tests/bench.sh: the SDK (bindings/swift) and URLSession + JSONDecoder.
import PackageDescription

let package = Package(
    name: "AmperitySwiftBench",
    dependencies: [.package(path: "../../../bindings/swift")],
    targets: [
        .executableTarget(
            name: "swift-bench", dependencies: [.product(name: "Amperity", package: "swift")],
            path: "Sources/swift-bench"),
    ],
    swiftLanguageModes: [.v6]
)
