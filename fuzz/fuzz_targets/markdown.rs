//! Fuzz target `markdown`: see `checks::markdown` for what it holds.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|case: checks::Case| checks::markdown(case));
