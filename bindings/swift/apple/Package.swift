// swift-tools-version: 6.0
// The Amperity SDK for Apple platforms (iOS, iOS simulator, macOS), as tests/mobile.sh assembles
// it in target/dist/amperity-swift/: the same `Amperity` sources as bindings/swift (Linux), over
// the uniffi bindings generated from the same build, linking AmperityFFI.xcframework (static
// libraries) from this folder. For a release, Package.release.swift (the same manifest with the
// XCFramework by URL and checksum) becomes the Package.swift of the distribution repository.
import Foundation
import PackageDescription

// The repository's XCTest suite, when copied beside the sources (the hosted-CI job does).
let hasTests = FileManager.default.fileExists(atPath: Context.packageDirectory + "/Tests/AmperityTests")

let package = Package(
    name: "Amperity",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Amperity", targets: ["Amperity"]),
    ],
    targets: [
        // The native core: libamperity.a per platform, with the C header and module map.
        .binaryTarget(name: "AmperityFFI", path: "AmperityFFI.xcframework"),
        // uniffi-generated Swift: the core's records, enums, errors and objects, unchanged.
        .target(
            name: "AmperityBindings", dependencies: ["AmperityFFI"], path: "Sources/AmperityBindings",
            linkerSettings: [.linkedFramework("Security"), .linkedFramework("CoreFoundation")]),
        // The idiomatic layer: Client, resource groups, async/sync calls, AsyncSequence lists, errors.
        .target(name: "Amperity", dependencies: ["AmperityBindings"], path: "Sources/Amperity"),
    ] + (hasTests ? [.testTarget(name: "AmperityTests", dependencies: ["Amperity"], path: "Tests/AmperityTests")] : []),
    swiftLanguageModes: [.v6]
)
