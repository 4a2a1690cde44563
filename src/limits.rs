//! Limits that keep a bad input from exhausting memory or the stack.
//!
//! Each is checked before the work it bounds. Going over a limit on what is
//! read is a run error (exit 2) that names the file, the limit and what to do;
//! going over one on what the records would make (edits, the corrected text,
//! the matches a search holds) fails the records concerned as `too_large`
//! (exit 1, nothing written), each named in its record file. They sit far above
//! any real article or correction set (a 100 MB file with 22,152 records runs
//! well inside them).

use std::path::Path;

/// Largest article read: 1 GiB.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Largest record file read: 256 MiB (a million records fit).
pub const MAX_RECORD_FILE_BYTES: u64 = 256 << 20;

/// Most records for one article, over all its record files.
pub const MAX_RECORDS: usize = 1_000_000;

/// Most edits made in one article, over all its records (a million
/// one-word fixes fit): each edit is a changelog entry, so this bounds the
/// changelog and review page a small record file can ask for.
pub const MAX_EDITS: usize = 1_000_000;

/// Most matches one search of a text of `len` bytes holds before the
/// records pick theirs: one per 16 bytes of text, plus [`MAX_EDITS`], at the
/// exact tier's 40 bytes a match (40 MB and 2.5 bytes per byte of text; a
/// search that holds a match in fewer bytes holds as many more). Real prose is
/// far below it: the benchmark's 100 MB with 22,152 records holds 23,126
/// matches, 7,851 patterns matched inside words about 2.4 million, and the
/// tolerant tier's pieces of 10,000 missing sentences in 10 MB 1.4 million (at
/// 12 bytes each). Past it the records fail as `too_large`.
///
/// ```
/// assert_eq!(correct::limits::max_matches(160_000_000), 11_000_000);
/// ```
pub fn max_matches(len: usize) -> usize {
    MAX_EDITS + len / 16
}

/// Largest corrected article: the same as the largest article read, since the
/// corrected text is the next edition's input.
pub const MAX_OUTPUT_BYTES: u64 = MAX_INPUT_BYTES;

/// Longest `find`, `replace`, `before`, `after`, `reason` or `notice`: 1 MiB.
pub const MAX_TEXT_FIELD_BYTES: usize = 1 << 20;

/// Deepest JSON nesting in a record file (serde_json's own limit, which turns
/// deeper input into an error instead of overflowing the stack).
pub const MAX_NESTING: usize = 128;

pub use crate::confine::Bounded;

/// Reads the regular file `path` (relative to `cwd`, or absolute) unless it
/// holds more than `limit` bytes, never through a link inside the project
/// (see `crate::confine`).
pub fn read(cwd: &Path, path: &Path, limit: u64) -> Result<Bounded, crate::confine::Denied> {
    crate::confine::read(cwd, path, limit)
}

/// A size for people: whole units alone, anything else in bytes with a rounded
/// unit beside it.
///
/// ```
/// assert_eq!(correct::limits::size(1 << 30), "1 GiB");
/// assert_eq!(correct::limits::size((1 << 30) + 1), "1073741825 bytes (1.0 GiB)");
/// assert_eq!(correct::limits::size(3 << 19), "1572864 bytes (1.5 MiB)");
/// assert_eq!(correct::limits::size(900), "900 bytes");
/// ```
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    match UNITS.iter().find(|(unit, _)| bytes >= *unit) {
        Some((unit, name)) if bytes.is_multiple_of(*unit) => format!("{} {name}", bytes / unit),
        Some((unit, name)) => format!("{bytes} bytes ({:.1} {name})", bytes as f64 / *unit as f64),
        None => format!("{bytes} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        // Sparse: its size is known without writing it.
        std::fs::File::create(&path).unwrap().set_len(5000).unwrap();
        assert!(matches!(
            read(dir.path(), Path::new("big"), 4999).unwrap(),
            Bounded::TooLarge(5000)
        ));
        assert!(
            matches!(read(dir.path(), Path::new("big"), 5000).unwrap(), Bounded::Read(b) if b.len() == 5000)
        );
    }
}
