//! uniffi surface for Python, Kotlin and Swift.
