//! Fuzzes `handbook::fuzzing::git` (see its docs for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::git(data));
