//! The unified diff, input -> corrected, in the form `git apply` and `patch -p1`
//! accept: `--- a/<path>` / `+++ b/<path>` headers, 3 lines of context and
//! `\ No newline at end of file` where due.

use std::fmt::Write as _;

use std::ops::Range;
use std::time::Duration;

use similar::{ChangeTag, DiffTag, TextDiff};

use crate::outcome::Outcome;
use crate::text::lines::{Indexed, LineIndex};

mod hunks;
use hunks::{Hunk, Lines, hunks};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// How long the line diff may search for the smallest diff.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

/// One replaced region: a byte range of the old text and the byte range of the
/// new text that replaces it. Outside its changes, the new text equals the old.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Replaced bytes of the old text.
    pub old: Range<usize>,
    /// Bytes of the new text that replace them.
    pub new: Range<usize>,
}

impl Change {
    /// The single change between two texts: everything between their common
    /// prefix and common suffix.
    pub fn between(old: &str, new: &str) -> Change {
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        Change {
            old: prefix..old.len() - suffix,
            new: prefix..new.len() - suffix,
        }
    }
}

fn header(path: &str) -> String {
    format!(
        "--- {}\n+++ {}\n",
        git_path("a/", path),
        git_path("b/", path)
    )
}

fn hunk_header(out: &mut impl Sink, hunk: &Hunk) {
    out.put(&format!(
        "@@ -{} +{} @@\n",
        HunkRange(hunk.old.clone()),
        HunkRange(hunk.new.clone())
    ));
}

/// Where a diff's text goes: a string in memory, or a writer.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// A writer behind a buffer of [`Buffered::BLOCK`] bytes; a text longer than
/// that (one line of a one-line article) goes straight through. The first
/// error stops the writing and is returned by [`Buffered::finish`].
struct Buffered<'w> {
    out: &'w mut dyn std::io::Write,
    buffer: Vec<u8>,
    error: Option<std::io::Error>,
}

impl Buffered<'_> {
    const BLOCK: usize = 1 << 16;

    fn flush(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(&self.buffer)
        {
            self.error = Some(e);
        }
        self.buffer.clear();
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.flush();
        self.error.map_or(Ok(()), Err)
    }
}

impl Sink for Buffered<'_> {
    fn put(&mut self, text: &str) {
        if self.buffer.len() + text.len() > Self::BLOCK {
            self.flush();
        }
        match text.len() > Self::BLOCK {
            true if self.error.is_none() => {
                if let Err(e) = self.out.write_all(text.as_bytes()) {
                    self.error = Some(e);
                }
            }
            true => {}
            false => self.buffer.extend_from_slice(text.as_bytes()),
        }
    }
}

/// Renders the diff that turns `old` into `new`; both headers name `path` (the
/// input, relative to the working directory). Empty when nothing changed.
///
/// ```
/// let diff = correct::render::diff::unified("input/a.txt", "May 1945\n", "May 1939\n");
/// assert_eq!(diff, "--- a/input/a.txt\n+++ b/input/a.txt\n@@ -1 +1 @@\n-May 1945\n+May 1939\n");
/// ```
pub fn unified(path: &str, old: &str, new: &str) -> String {
    whole(old, new, |old, new, changes| {
        unified_changes(path, old, new, changes)
    })
}

/// [`unified`] for texts whose differences are known: `changes` (sorted,
/// disjoint) are all that differ between `old` and `new`. Only their lines are
/// compared, so a 100 MB article with thousands of edits diffs in linear time.
pub fn unified_changes(
    path: &str,
    old: Indexed<'_>,
    new: Indexed<'_>,
    changes: &[Change],
) -> String {
    let mut out = String::new();
    unified_into(&mut out, path, old, new, changes);
    out
}

/// [`unified_changes`] written to `out` as it is rendered: the diff of a
/// one-line article holds that line twice, and is never held in memory.
pub fn write_unified_changes(
    out: &mut dyn std::io::Write,
    path: &str,
    old: Indexed<'_>,
    new: Indexed<'_>,
    changes: &[Change],
) -> std::io::Result<()> {
    let mut sink = Buffered {
        out,
        buffer: Vec::with_capacity(Buffered::BLOCK),
        error: None,
    };
    unified_into(&mut sink, path, old, new, changes);
    sink.finish()
}

fn unified_into(
    out: &mut impl Sink,
    path: &str,
    old: Indexed<'_>,
    new: Indexed<'_>,
    changes: &[Change],
) {
    render(
        out,
        path,
        Lines { old, new },
        changes,
        |out, lines, hunk| {
            for op in &hunk.ops {
                let (tag, old_at, new_at) = op.as_tag_tuple();
                if matches!(tag, DiffTag::Equal) {
                    old_at.for_each(|i| push_line(out, ' ', lines.old_line(i)));
                    continue;
                }
                old_at.for_each(|i| push_line(out, '-', lines.old_line(i)));
                new_at.for_each(|i| push_line(out, '+', lines.new_line(i)));
            }
        },
    );
}

/// git's plain word diff (`git diff --word-diff=plain`): the same headers and hunks
/// as [`unified`], each hunk's lines shown once with `[-removed-]{+added+}` marks.
///
/// ```
/// let diff = correct::render::diff::word_diff("a.txt", "fought in 1945.\n", "fought in 1939.\n");
/// assert_eq!(diff, "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\nfought in [-1945.-]{+1939.+}\n");
/// ```
pub fn word_diff(path: &str, old: &str, new: &str) -> String {
    whole(old, new, |old, new, changes| {
        word_diff_changes(path, old, new, changes)
    })
}

/// [`word_diff`] for texts whose differences are known (see [`unified_changes`]).
pub fn word_diff_changes(
    path: &str,
    old: Indexed<'_>,
    new: Indexed<'_>,
    changes: &[Change],
) -> String {
    let mut out = String::new();
    render(
        &mut out,
        path,
        Lines { old, new },
        changes,
        |out, lines, hunk| {
            let before: String = hunk.old.clone().map(|i| lines.old_line(i)).collect();
            let after: String = hunk.new.clone().map(|i| lines.new_line(i)).collect();
            for change in TextDiff::from_words(before.as_str(), after.as_str()).iter_all_changes() {
                let (open, close) = match change.tag() {
                    ChangeTag::Equal => ("", ""),
                    ChangeTag::Delete => ("[-", "-]"),
                    ChangeTag::Insert => ("{+", "+}"),
                };
                // Marks never span a line break, as in git's output.
                let mut parts = change.value().split('\n').peekable();
                while let Some(part) = parts.next() {
                    if !part.is_empty() {
                        let _ = write!(out, "{open}{part}{close}");
                    }
                    if parts.peek().is_some() {
                        out.push('\n');
                    }
                }
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
        },
    );
    out
}

/// How many lines of a stale file's diff `--check` shows.
const SHOWN_STALE_LINES: usize = 60;

/// What `--check` shows of an output that is stale: the diff from the file
/// on disk (`on_disk`) to what would be written (`expected`), its first
/// lines and how many more there are. An [`crate::output::Excerpt`].
pub fn stale_excerpt(path: &str, on_disk: &str, expected: &str) -> String {
    let diff = unified(path, on_disk, expected);
    let total = diff.lines().count();
    if total <= SHOWN_STALE_LINES {
        return diff;
    }
    let mut kept: String = diff.split_inclusive('\n').take(SHOWN_STALE_LINES).collect();
    kept.push_str(&format!("… ({} more lines)\n", total - SHOWN_STALE_LINES));
    kept
}

/// Indexes two whole texts and diffs them as one change.
fn whole(
    old: &str,
    new: &str,
    diff: impl FnOnce(Indexed<'_>, Indexed<'_>, &[Change]) -> String,
) -> String {
    let (old_lines, new_lines) = (LineIndex::new(old), LineIndex::new(new));
    let change = Change::between(old, new);
    diff(
        Indexed {
            text: old,
            lines: &old_lines,
        },
        Indexed {
            text: new,
            lines: &new_lines,
        },
        &[change],
    )
}

/// The headers, then each hunk's header and `body`, into `out`. Nothing when
/// nothing changed.
fn render<S: Sink>(
    out: &mut S,
    path: &str,
    lines: Lines<'_>,
    changes: &[Change],
    mut body: impl FnMut(&mut S, &Lines<'_>, &Hunk),
) {
    if lines.old.text == lines.new.text {
        return;
    }
    out.put(&header(path));
    for hunk in hunks(&lines, changes) {
        hunk_header(out, &hunk);
        body(out, &lines, &hunk);
    }
}

/// What differs between an outcome's original and corrected text, for
/// [`unified_changes`]: every edit, in order.
pub fn edits_of(outcome: &Outcome) -> Vec<Change> {
    let mut changes: Vec<Change> = outcome
        .corrections
        .iter()
        .flat_map(super::super::outcome::Correction::edits)
        .map(|e| Change {
            old: e.original.start..e.original.end,
            new: e.corrected.start..e.corrected.end,
        })
        .collect();
    changes.sort_by_key(|c| c.old.start);
    changes
}

fn push_line(out: &mut impl Sink, prefix: char, line: &str) {
    out.put(prefix.encode_utf8(&mut [0; 4]));
    out.put(line);
    if !line.ends_with('\n') {
        out.put("\n\\ No newline at end of file\n");
    }
}

/// `start,len` of a hunk side, 1-based; `start` alone when `len` is 1; an empty
/// side names the line before it.
struct HunkRange(Range<usize>);

impl std::fmt::Display for HunkRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.len() {
            1 => write!(f, "{}", self.0.start + 1),
            0 => write!(f, "{},0", self.0.start),
            n => write!(f, "{},{n}", self.0.start + 1),
        }
    }
}

/// A path as git writes it in a diff header: C-quoted when it holds a quote, a
/// backslash, a control character or a non-ASCII byte, and followed by a tab when
/// it holds a space (so that `patch` sees where the name ends).
///
/// ```
/// use correct::render::diff::git_path;
/// assert_eq!(git_path("a/", "input/my article.txt"), "a/input/my article.txt\t");
/// assert_eq!(git_path("a/", "input/café.txt"), r#""a/input/caf\303\251.txt""#);
/// ```
pub fn git_path(prefix: &str, path: &str) -> String {
    let name = format!("{prefix}{path}");
    let needs_quotes = name
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\');
    let mut out = if needs_quotes {
        let mut quoted = String::from("\"");
        for b in name.bytes() {
            match b {
                b'"' => quoted.push_str("\\\""),
                b'\\' => quoted.push_str("\\\\"),
                b'\t' => quoted.push_str("\\t"),
                b'\n' => quoted.push_str("\\n"),
                b'\r' => quoted.push_str("\\r"),
                0x07 => quoted.push_str("\\a"),
                0x08 => quoted.push_str("\\b"),
                0x0b => quoted.push_str("\\v"),
                0x0c => quoted.push_str("\\f"),
                b if !(0x20..0x7f).contains(&b) => quoted.push_str(&format!("\\{b:03o}")),
                b => quoted.push(char::from(b)),
            }
        }
        quoted.push('"');
        quoted
    } else {
        name
    };
    if out.contains(' ') {
        out.push('\t');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_diff_has_the_bytes_of_the_one_in_memory() {
        // A line longer than the stream's buffer, then many short lines.
        let long = "word ".repeat(30_000);
        let short: String = (0..5_000).map(|i| format!("line {i}\n")).collect();
        let old = format!("{long}1945\n{short}end 1945");
        let new = old.replace("1945", "1941");
        let (old_lines, new_lines) = (LineIndex::new(&old), LineIndex::new(&new));
        let at = |text: &str| {
            text.match_indices("194")
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        let changes: Vec<Change> = at(&old)
            .into_iter()
            .zip(at(&new))
            .map(|(o, n)| Change {
                old: o + 3..o + 4,
                new: n + 3..n + 4,
            })
            .collect();
        let old = Indexed {
            text: &old,
            lines: &old_lines,
        };
        let new = Indexed {
            text: &new,
            lines: &new_lines,
        };
        let in_memory = unified_changes("a.txt", old, new, &changes);
        let mut streamed = Vec::new();
        write_unified_changes(&mut streamed, "a.txt", old, new, &changes).unwrap();
        assert!(in_memory.len() > 2 * Buffered::BLOCK);
        assert_eq!(String::from_utf8(streamed).unwrap(), in_memory);
    }

    #[test]
    fn nothing_changed_is_an_empty_diff() {
        assert_eq!(unified("a.txt", "same\n", "same\n"), "");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let diff = unified("a.txt", "x\ny", "x\nz");
        assert_eq!(
            diff,
            "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn crlf_lines_keep_their_cr() {
        let diff = unified("a.txt", "x\r\ny\r\n", "x\r\nz\r\n");
        assert!(diff.ends_with("-y\r\n+z\r\n"), "{diff:?}");
    }

    #[test]
    fn a_stray_cr_does_not_end_a_line() {
        let diff = unified("a.txt", "x\ry\n", "x\rz\n");
        assert_eq!(
            diff,
            "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\ry\n+x\rz\n"
        );
    }

    #[test]
    fn an_empty_side_names_the_line_before() {
        assert_eq!(
            unified("a.txt", "", "new\n"),
            "--- a/a.txt\n+++ b/a.txt\n@@ -0,0 +1 @@\n+new\n"
        );
    }

    #[test]
    fn word_diff_keeps_context_lines_and_splits_marks_at_line_breaks() {
        let diff = word_diff(
            "a.txt",
            "keep\nold one\nold two\n",
            "keep\nnew one\nnew two\n",
        );
        assert_eq!(
            diff,
            "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\nkeep\n[-old-]{+new+} one\n[-old-]{+new+} two\n"
        );
    }

    #[test]
    fn quotes_like_git() {
        assert_eq!(git_path("b/", "q\"t.txt"), r#""b/q\"t.txt""#);
        assert_eq!(git_path("b/", "plain.txt"), "b/plain.txt");
    }
}
