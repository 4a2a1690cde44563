//! The unified diff, input -> corrected, in the form `git apply` and `patch -p1`
//! accept: `--- a/<path>` / `+++ b/<path>` headers, 3 lines of context and
//! `\ No newline at end of file` where due.

use std::fmt::Write as _;

use std::ops::Range;

use similar::{Algorithm, ChangeTag, DiffOp, DiffTag, TextDiff};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// One hunk: line ranges of the old and new text (0-based, end exclusive) and
/// the line operations inside it, with [`CONTEXT`] lines around the changes.
struct Hunk {
    old: Range<usize>,
    new: Range<usize>,
    ops: Vec<DiffOp>,
}

/// The lines of `old` and `new` (ending at LF only, as `git` and `patch` read them:
/// a CR stays part of its line) and the hunks between them, computed by `similar`.
fn hunks<'a>(old: &'a str, new: &'a str) -> (Vec<&'a str>, Vec<&'a str>, Vec<Hunk>) {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let hunks = similar::group_diff_ops(ops, CONTEXT)
        .into_iter()
        .map(|ops| {
            let (first, last) = (&ops[0], &ops[ops.len() - 1]);
            Hunk {
                old: first.old_range().start..last.old_range().end,
                new: first.new_range().start..last.new_range().end,
                ops,
            }
        })
        .collect();
    (old_lines, new_lines, hunks)
}

fn header(path: &str) -> String {
    format!(
        "--- {}\n+++ {}\n",
        git_path("a/", path),
        git_path("b/", path)
    )
}

fn hunk_header(out: &mut String, hunk: &Hunk) {
    let _ = writeln!(
        out,
        "@@ -{} +{} @@",
        HunkRange(hunk.old.clone()),
        HunkRange(hunk.new.clone())
    );
}

/// Renders the diff that turns `old` into `new`; both headers name `path` (the
/// input, relative to the working directory). Empty when nothing changed.
///
/// ```
/// let diff = correct::render::diff::unified("input/a.txt", "May 1945\n", "May 1939\n");
/// assert_eq!(diff, "--- a/input/a.txt\n+++ b/input/a.txt\n@@ -1 +1 @@\n-May 1945\n+May 1939\n");
/// ```
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (old_lines, new_lines, hunks) = hunks(old, new);
    let mut out = header(path);
    for hunk in hunks {
        hunk_header(&mut out, &hunk);
        for op in &hunk.ops {
            let (tag, old_at, new_at) = op.as_tag_tuple();
            if matches!(tag, DiffTag::Equal) {
                old_at.for_each(|i| push_line(&mut out, ' ', old_lines[i]));
                continue;
            }
            old_at.for_each(|i| push_line(&mut out, '-', old_lines[i]));
            new_at.for_each(|i| push_line(&mut out, '+', new_lines[i]));
        }
    }
    out
}

/// git's plain word diff (`git diff --word-diff=plain`): the same headers and hunks
/// as [`unified`], each hunk's lines shown once with `[-removed-]{+added+}` marks.
///
/// ```
/// let diff = correct::render::diff::word_diff("a.txt", "fought in 1945.\n", "fought in 1939.\n");
/// assert_eq!(diff, "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\nfought in [-1945.-]{+1939.+}\n");
/// ```
pub fn word_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (old_lines, new_lines, hunks) = hunks(old, new);
    let mut out = header(path);
    for hunk in hunks {
        hunk_header(&mut out, &hunk);
        let before = old_lines[hunk.old.clone()].concat();
        let after = new_lines[hunk.new.clone()].concat();
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
    }
    out
}

fn push_line(out: &mut String, prefix: char, line: &str) {
    out.push(prefix);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
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
