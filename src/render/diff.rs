//! The unified diff, input -> corrected, in the form `git apply` and `patch -p1`
//! accept: `--- a/<path>` / `+++ b/<path>` headers, 3 lines of context and
//! `\ No newline at end of file` where due.

use similar::TextDiff;

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

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
    let diff = TextDiff::from_lines(old, new);
    let (a, b) = (git_path("a/", path), git_path("b/", path));
    diff.unified_diff().context_radius(CONTEXT).header(&a, &b).to_string()
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
    let needs_quotes = name.bytes().any(|b| b < 0x20 || b >= 0x7f || b == b'"' || b == b'\\');
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
                b if b < 0x20 || b >= 0x7f => quoted.push_str(&format!("\\{b:03o}")),
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
        assert_eq!(diff, "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n");
    }

    #[test]
    fn crlf_lines_keep_their_cr() {
        let diff = unified("a.txt", "x\r\ny\r\n", "x\r\nz\r\n");
        assert!(diff.ends_with("-y\r\n+z\r\n"), "{diff:?}");
    }

    #[test]
    fn quotes_like_git() {
        assert_eq!(git_path("b/", "q\"t.txt"), r#""b/q\"t.txt""#);
        assert_eq!(git_path("b/", "plain.txt"), "b/plain.txt");
    }
}
