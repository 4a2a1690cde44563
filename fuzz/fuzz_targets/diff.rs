//! Fuzz target `diff`: see `checks::diff` for what it holds.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|pair: (String, String)| checks::diff(pair));
