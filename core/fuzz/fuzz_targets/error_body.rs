#![no_main]
//! `error_body`: see `amperity::fuzzing::error_body` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::error_body(data));
