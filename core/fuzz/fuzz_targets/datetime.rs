#![no_main]
//! `datetime`: see `amperity::fuzzing::datetime` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::datetime(data));
