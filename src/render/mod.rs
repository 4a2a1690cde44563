//! Renderers: each turns one [`crate::outcome::Outcome`] into one output, as a
//! `String`. None of them does I/O.

pub(crate) mod annotations;
pub mod changelog;
pub mod changes;
pub(crate) mod comment;
pub mod diagnostic;
pub mod diff;
pub mod failure;
mod format;
pub mod html;
pub(crate) mod jsonld;
pub mod notice;
pub mod report;
pub mod review;
pub(crate) mod sarif;
pub mod wdiff;

pub use format::Format;
