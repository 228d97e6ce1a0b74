//! The native Amperity SDK library.
//!
//! One library file (`libamperity.so` / `libamperity.a`) carries two thin layers over the
//! `amperity` core crate:
//! - [`c_api`]: the C API declared in `include/amperity.h` (every symbol prefixed `amperity_`);
//! - the uniffi surface that the generated Python, Kotlin and Swift code calls. It is the core's
//!   own `uniffi_api` module (feature `uniffi`), so the models cross the boundary as the core
//!   defines them; this crate only links it in.
//!
//! Neither layer holds behaviour of its own: configuration, auth, retries, pagination and errors
//! all live in the core.

pub mod c_api;

pub use amperity_core::uniffi_api;
