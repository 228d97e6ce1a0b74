//! The native library (C API and uniffi scaffolding) lands with the bindings issues.
