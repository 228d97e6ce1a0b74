#![no_main]
//! `config`: see `amperity::fuzzing::config` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::config(data));
