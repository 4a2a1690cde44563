//! The changelog: what changed, where, why and on what sources. Deterministic:
//! the same inputs give the same bytes (no timestamps, stable order).

use std::io::{self, Write};

use sha2::{Digest, Sha256};

use crate::outcome::{Outcome, Position};
use crate::record::Record;
use crate::wire::{self, Changelog, CorrectionEntry, EditEntry, ErrorEntry, FileDigest};

/// Where the outputs go, as shown in the changelog (`/` separators).
#[derive(Debug, Clone, Copy)]
pub struct Written<'a, 't> {
    /// The corrected article's path.
    pub output: &'a str,
    /// Its text (the outcome's, plus any appended notice).
    pub text: &'t str,
    /// The diff's path.
    pub diff: &'a str,
}

/// Builds the changelog of one article from its input (`original`, hashed)
/// and what was written. `written` is `None` when a record failed (then no
/// file is written, and `output` and `diff` are `null`).
pub fn build<'a>(
    input: FileDigest<'a>,
    original: &'a str,
    written: Option<Written<'a, '_>>,
    records: &'a [Record],
    outcome: &'a Outcome,
) -> Changelog<'a> {
    let indexed = outcome.original(original);
    let corrections = outcome
        .corrections
        .iter()
        .map(|c| {
            let record = &records[c.record];
            CorrectionEntry {
                id: &record.id,
                status: c.status().as_str(),
                category: record.category.as_str(),
                reason: &record.reason,
                sources: &record.sources,
                record_file: &record.file,
                edits: c
                    .edits()
                    .iter()
                    .map(|e| EditEntry {
                        find: &original[e.original.start..e.original.end],
                        replace: &outcome.corrected[e.corrected.start..e.corrected.end],
                        original: span(e.original),
                        corrected: span(e.corrected),
                        matched: e.matched.tier.as_str(),
                        similarity: f64::from(e.matched.similarity) / 1000.0,
                    })
                    .collect(),
                notice: record.notice.as_deref(),
                error: c.failure().map(|f| {
                    let worded = f.worded(indexed, records, c.record);
                    ErrorEntry {
                        kind: f.kind.as_str(),
                        message: worded.message,
                        help: worded.help,
                    }
                }),
            }
        })
        .collect();
    Changelog {
        changelog_version: wire::CHANGELOG_VERSION,
        input,
        output: written.map(|w| FileDigest::of(w.output, w.text)),
        diff: written.map(|w| w.diff),
        summary: outcome.summary(),
        corrections,
    }
}

/// The changelog file's text: pretty JSON and a final newline.
pub fn to_file_text(changelog: &Changelog<'_>) -> String {
    let mut text = Vec::new();
    write_file(&mut text, changelog).expect("writing to memory cannot fail");
    String::from_utf8(text).expect("JSON is UTF-8")
}

/// Writes the changelog file's text into `out` (buffered: the JSON writer makes
/// many small writes).
pub fn write_file(out: &mut dyn Write, changelog: &Changelog<'_>) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 << 10, out);
    serde_json::to_writer_pretty(&mut out, changelog)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// One line of `--format json`.
pub fn to_line(changelog: &Changelog<'_>) -> String {
    serde_json::to_string(changelog).expect("changelog types always serialise")
}

impl<'a> FileDigest<'a> {
    /// The digest of the file at `path` holding `text`.
    pub fn of(path: &'a str, text: &str) -> FileDigest<'a> {
        FileDigest::hashed(path, text.len(), &sha256_hex(text.as_bytes()))
    }

    /// The digest of a file of `bytes` bytes whose sha256 (lowercase hex) is
    /// already known.
    pub fn hashed(path: &'a str, bytes: usize, sha256: &str) -> FileDigest<'a> {
        FileDigest {
            path,
            sha256: sha256.to_owned(),
            bytes,
        }
    }
}

/// Lowercase hex sha256.
///
/// ```
/// assert_eq!(
///     correct::render::changelog::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn span(p: Position) -> wire::Span {
    wire::Span {
        start: p.start,
        end: p.end,
        line: p.at.line,
        column: p.at.column,
    }
}
