//! `correct` turns editorial corrections into reviewable data.
//!
//! Each correction is a *record*: the exact wrong text of an article, its
//! replacement, the reason and the sources. The pipeline, one module per stage:
//!
//! 1. `project`: which inputs, their records, their output paths;
//! 2. [`record`]: load and validate record files;
//! 3. [`locate`]: find every record in the ORIGINAL text;
//! 4. `apply`: conflicts, then the corrected text; [`outcome`] holds the result;
//! 5. [`render`]: diff, changelog, review page and report from one outcome;
//! 6. [`output`]: write all outputs or none, or compare them for `--check`.
//!
//! [`run`] drives the stages for the command line; [`cli`] parses it.
//!
//! ```
//! let json = br#"{"id": "khalkhin-gol-date", "find": "1945", "replace": "1939",
//!   "before": "May to September ", "category": "date",
//!   "reason": "The Battle of Khalkhin Gol was fought in 1939.",
//!   "sources": [{"title": "Battles of Khalkhin Gol"}]}"#;
//! let records = correct::record::parse_file("r.json", json).unwrap();
//! let outcome = correct::outcome::correct("from May to September 1945, a victory", &records);
//! assert_eq!(outcome.corrected, "from May to September 1939, a victory");
//! let diff = correct::render::diff::unified("input/a.txt", "from May to September 1945, a victory", &outcome.corrected);
//! assert!(diff.contains("+from May to September 1939, a victory"));
//! ```

mod apply;
pub mod cli;
pub mod commands;
pub mod config;
mod confine;
pub mod derive;
pub mod error;
pub mod evidence;
pub mod inert;
pub mod limits;
mod lint;
pub mod locate;
mod manual;
pub mod markdown;
pub mod outcome;
pub mod output;
mod par;
mod project;
mod rebase;
pub mod record;
pub mod render;
pub mod run;
mod schema;
pub mod syntax;
pub mod text;
pub mod wire;

/// The line index, as `correct::lines` (it lives in [`text`]).
pub use text::lines;
