//! The unified diff, input -> corrected, in the form `git apply` and `patch -p1`
//! accept: `--- a/<path>` / `+++ b/<path>` headers, 3 lines of context and
//! `\ No newline at end of file` where due.

use std::fmt::Write as _;

use similar::{Algorithm, DiffTag};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// Renders the diff that turns `old` into `new`; both headers name `path` (the
/// input, relative to the working directory). Empty when nothing changed.
///
/// Lines end at LF only, as `git` and `patch` read them: a CR stays part of its
/// line, so CRLF and stray CRs round-trip. `similar` computes the line diff.
///
/// ```
/// let diff = correct::render::diff::unified("input/a.txt", "May 1945\n", "May 1939\n");
/// assert_eq!(diff, "--- a/input/a.txt\n+++ b/input/a.txt\n@@ -1 +1 @@\n-May 1945\n+May 1939\n");
/// ```
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let mut out = format!(
        "--- {}\n+++ {}\n",
        git_path("a/", path),
        git_path("b/", path)
    );
    for hunk in similar::group_diff_ops(ops, CONTEXT) {
        let (first, last) = (&hunk[0], &hunk[hunk.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            HunkRange(old_range),
            HunkRange(new_range)
        );
        for op in &hunk {
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

fn push_line(out: &mut String, prefix: char, line: &str) {
    out.push(prefix);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// `start,len` of a hunk side, 1-based; `start` alone when `len` is 1; an empty
/// side names the line before it.
struct HunkRange(std::ops::Range<usize>);

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
    fn quotes_like_git() {
        assert_eq!(git_path("b/", "q\"t.txt"), r#""b/q\"t.txt""#);
        assert_eq!(git_path("b/", "plain.txt"), "b/plain.txt");
    }
}
