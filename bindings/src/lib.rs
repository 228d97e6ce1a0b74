//! The native Amperity SDK library.
//!
//! One library file (`libamperity.so` / `libamperity.a`) carries two thin layers over the
//! `amperity` core crate:
//! - [`c_api`]: the C API declared in `include/amperity.h` (every symbol prefixed `amperity_`);
//! - [`uniffi_api`]: the uniffi objects, records and errors that the generated Python, Kotlin and
//!   Swift code call.
//!
//! Neither layer holds behaviour of its own: configuration, auth, retries, pagination and errors
//! all live in the core.

pub mod c_api;
pub mod uniffi_api;

uniffi::setup_scaffolding!("amperity");
