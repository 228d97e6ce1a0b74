#![no_main]
//! `cursor`: see `amperity::fuzzing::cursor` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::cursor(data));
