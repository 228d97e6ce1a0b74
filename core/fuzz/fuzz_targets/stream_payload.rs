#![no_main]
//! `stream_payload`: see `amperity::fuzzing::stream_payload` (core/src/fuzzing.rs) for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| amperity_core::fuzzing::stream_payload(data));
