//! JSON wire types: the changelog exactly as SPEC.md names its fields. Built by
//! [`crate::render::changelog`], serialised with serde; nothing else lives here.

use serde::Serialize;

pub use crate::outcome::Summary;
use crate::record::Source;

/// The changelog format version written in every changelog.
pub const CHANGELOG_VERSION: u32 = 1;

/// `output/K.changelog.json`, and one line of `--format json`.
#[derive(Debug, Serialize)]
pub struct Changelog<'a> {
    /// Always [`CHANGELOG_VERSION`].
    pub changelog_version: u32,
    /// The article as read.
    pub input: FileDigest<'a>,
    /// The corrected article; `null` when a record failed.
    pub output: Option<FileDigest<'a>>,
    /// Path of the diff; `null` when a record failed.
    pub diff: Option<&'a str>,
    /// Counts.
    pub summary: Summary,
    /// One entry per record, ordered by position.
    pub corrections: Vec<CorrectionEntry<'a>>,
}

/// A file named by path, with its sha256 and size.
#[derive(Debug, Serialize)]
pub struct FileDigest<'a> {
    /// Path relative to the working directory, `/` separators.
    pub path: &'a str,
    /// Lowercase hex sha256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// One record's entry.
#[derive(Debug, Serialize)]
pub struct CorrectionEntry<'a> {
    /// The record's id.
    pub id: &'a str,
    /// `applied`, `already_applied` or `failed`.
    pub status: &'static str,
    /// The record's category.
    pub category: &'static str,
    /// The record's reason.
    pub reason: &'a str,
    /// The record's sources (plain strings become `{"title": ...}`).
    pub sources: &'a [Source],
    /// The file the record came from.
    pub record_file: &'a str,
    /// The edits it made.
    pub edits: Vec<EditEntry<'a>>,
    /// The record's corrections notice, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'a str>,
    /// Why it failed, for failed records only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorEntry>,
}

/// One edit.
#[derive(Debug, Serialize)]
pub struct EditEntry<'a> {
    /// The text replaced: the article's own bytes (the record's `find`, unless a
    /// tolerant tier matched).
    pub find: &'a str,
    /// The text put in its place.
    pub replace: &'a str,
    /// Where it was in the input.
    pub original: Span,
    /// Where it is in the output.
    pub corrected: Span,
    /// The matcher tier that found it: `exact`, `normalized` or `fuzzy`.
    #[serde(rename = "match")]
    pub matched: &'static str,
    /// How similar the record's `find` is to `find` here: 1.0 when exact.
    pub similarity: f64,
}

/// A span: UTF-8 byte offsets (end exclusive), 1-based line and column of start.
#[derive(Debug, Serialize)]
pub struct Span {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset, exclusive.
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode scalar values.
    pub column: usize,
}

/// Why a record failed.
#[derive(Debug, Serialize)]
pub struct ErrorEntry {
    /// `not_found`, `ambiguous`, `conflict`, `structure` or `too_large`.
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// What to do next.
    pub help: String,
}
