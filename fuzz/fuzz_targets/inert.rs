//! Fuzz target `inert`: see `checks::inert` for what it holds.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|text: String| checks::inert(text));
