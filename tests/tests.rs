//! Integration tests: the `correct` binary over miniature projects, one test per
//! rule of SPEC.md. All modules build as this one test binary.

#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::panic,
    reason = "one test crate, whose helpers fail a test by panicking"
)]

mod support;

mod applying;
mod browser;
mod catalogue;
mod changes;
mod diff_tools;
mod drift;
mod errors;
mod failures;
mod faults;
mod fuzz_replay;
mod honest;
mod hostile;
mod house_style;
mod html;
mod markdown;
mod modes;
mod notices;
mod properties;
mod review;
mod shards;
mod spec_examples;
mod workflow;
