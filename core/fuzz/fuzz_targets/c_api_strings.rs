#![no_main]
//! `c_api_strings`: the C API's string entry points with arbitrary bytes (NUL and invalid UTF-8
//! included); see `bindings/src/c_api/fuzzing.rs` for the input and the invariants. The ffi crate
//! builds only as a C library (cdylib/staticlib), so its C API module is compiled in here from
//! its sources, exactly as the library compiles it.

#[allow(dead_code, unused_imports)]
#[path = "../../../bindings/src/c_api/mod.rs"]
mod c_api;

libfuzzer_sys::fuzz_target!(|data: &[u8]| c_api::fuzzing::c_api_strings(data));
