// swift-tools-version: 6.2
// The Amperity SDK for Swift: the idiomatic `Amperity` library over the uniffi bindings of the
// native core (libamperity). `generate.sh` writes Sources/AmperityBindings/AmperityBindings.swift
// and Sources/AmperityFFI/AmperityFFI.h from the library the package links.
//
// Linking: in the repository, tests/swift.sh passes the library's directory on the command line
// (`-Xlinker -L<dir> -Xlinker -rpath -Xlinker <dir>`), so no machine path is written here. The
// release's source package (tests/release.sh) is this same manifest plus a lib/ folder holding
// libamperity.so: then the flags below link it, and a consumer needs none (tools 6.2 lets a
// dependency carry unsafe flags).
import Foundation
import PackageDescription

let bundledLibrary = Context.packageDirectory + "/lib"
let linkBundledLibrary: [LinkerSetting] =
    FileManager.default.fileExists(atPath: bundledLibrary + "/libamperity.so")
    ? [.unsafeFlags(["-L", bundledLibrary, "-Xlinker", "-rpath", "-Xlinker", bundledLibrary])]
    : []
let hasTests = FileManager.default.fileExists(atPath: Context.packageDirectory + "/Tests/AmperityTests")

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
        .target(
            name: "AmperityBindings", dependencies: ["AmperityFFI"], path: "Sources/AmperityBindings",
            linkerSettings: linkBundledLibrary),
        // The idiomatic layer: Client, resource groups, async/sync calls, AsyncSequence lists, errors.
        .target(name: "Amperity", dependencies: ["AmperityBindings"], path: "Sources/Amperity"),
    ] + (hasTests ? [.testTarget(name: "AmperityTests", dependencies: ["Amperity"], path: "Tests/AmperityTests")] : []),
    swiftLanguageModes: [.v6]
)
