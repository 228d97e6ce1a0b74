#![no_main]
//! `models`: see `amperity::fuzzing::models` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::models(data));
