#![no_main]
//! `headers`: see `amperity::fuzzing::headers` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::headers(data));
