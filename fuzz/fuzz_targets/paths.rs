//! Fuzzes `handbook::fuzzing::paths` (see its docs for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::paths(data));
