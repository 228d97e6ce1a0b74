// swift-tools-version: 6.0
// The Amperity SDK for Swift: the idiomatic `Amperity` library over the uniffi bindings of the
// native core (libamperity). tests/swift.sh generates Sources/AmperityBindings/AmperityBindings.swift
// and Sources/AmperityFFI/AmperityFFI.h from the library it builds, then passes the library's
// directory on the command line (`-Xlinker -L<dir> -Xlinker -rpath -Xlinker <dir>`), so this
// manifest carries no machine path and no unsafe flags.
import PackageDescription

let package = Package(
    name: "Amperity",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Amperity", targets: ["Amperity"]),
    ],
    targets: [
        // The C declarations of libamperity's uniffi scaffolding (links -lamperity).
        .systemLibrary(name: "AmperityFFI", path: "Sources/AmperityFFI"),
        // uniffi-generated Swift: the core's records, enums, errors and objects, unchanged.
        .target(name: "AmperityBindings", dependencies: ["AmperityFFI"], path: "Sources/AmperityBindings"),
        // The idiomatic layer: Client, resource groups, async/sync calls, AsyncSequence lists, errors.
        .target(name: "Amperity", dependencies: ["AmperityBindings"], path: "Sources/Amperity"),
        .testTarget(name: "AmperityTests", dependencies: ["Amperity"], path: "Tests/AmperityTests"),
    ],
    swiftLanguageModes: [.v6]
)
