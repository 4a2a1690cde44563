//! Untrusted text made inert wherever it is shown.
//!
//! Articles and records come from a repository's pull requests, so any of their
//! characters may be a terminal control: `ESC ] 0 ; … BEL` retitles a window,
//! `ESC [ 2 J` clears it, a carriage return hides what came before it, a
//! right-to-left override reorders what a reviewer reads. Everything shown is
//! passed through one of these:
//!
//! - [`Terminal`], the writer in front of stderr (and of stdout when it is a
//!   terminal): every control character but newline and tab is written as a
//!   visible escape (`\x1b`, `\r`, `\u{9b}`, `\u{202e}`). With colour on, the
//!   colour sequences `ESC [ digits ; m` stay (they only colour text).
//! - [`json`], for JSON on stdout: serde_json already escapes C0; DEL, C1 and
//!   the bidirectional controls are escaped as `\uXXXX` too (the same JSON value).
//! - [`link_allowed`] and [`page_link_allowed`], for links in review and
//!   HTML pages: only `http`, `https` and `mailto` (and, in a page, relative
//!   references) become links; anything else (`javascript:`, `data:`) is text.
//!
//! ```
//! use correct::inert;
//! assert_eq!(inert::terminal("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
//! assert_eq!(inert::json("\"a\u{9b}b\""), "\"a\\u009bb\"");
//! assert!(inert::link_allowed("https://example.org/x"));
//! assert!(!inert::link_allowed(" JavaScript:alert(1)"));
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` must not reach a terminal as it is: C0 controls other than
/// newline and tab, DEL, C1 controls, and the bidirectional embeddings,
/// overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every unsafe character written as a visible escape.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        c if !is_unsafe(c) => out.push(c),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Serialized JSON with DEL, C1 and bidirectional controls escaped as
/// `\uXXXX` (they can only stand inside strings; the value is unchanged).
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            // Newlines and tabs inside JSON strings are already escaped.
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether a source URL may become a link: an absolute `http:`, `https:` or
/// `mailto:` URL (in any case).
pub fn link_allowed(url: &str) -> bool {
    matches!(scheme(url), Scheme::Allowed)
}

/// Whether a link of a page may stay a link: [`link_allowed`], or a relative
/// reference (`#note`, `other.html`, `/a/b`), which names no scheme.
pub fn page_link_allowed(url: &str) -> bool {
    matches!(scheme(url), Scheme::Allowed | Scheme::Relative)
}

enum Scheme {
    Allowed,
    Relative,
    Refused,
}

/// The scheme of `url` as a browser reads it: leading spaces and controls
/// dropped, tabs and line breaks inside ignored. Anything unclear is refused.
fn scheme(url: &str) -> Scheme {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = url.find([':', '/', '?', '#']);
    match end {
        Some(at) if url[at..].starts_with(':') => {
            let scheme = &url[..at];
            let allowed = ["http", "https", "mailto"]
                .iter()
                .any(|allowed| scheme.eq_ignore_ascii_case(allowed));
            match allowed {
                true => Scheme::Allowed,
                false => Scheme::Refused,
            }
        }
        // `//host/…` takes the page's scheme: not a relative reference to trust.
        _ if url.starts_with("//") || url.starts_with("\\\\") => Scheme::Refused,
        _ if url.chars().any(char::is_control) => Scheme::Refused,
        _ => Scheme::Relative,
    }
}

/// A writer that makes what passes through it inert (see the module docs).
/// Text is passed on line by line; call `flush` at the end.
#[derive(Debug)]
pub struct Terminal<W: Write> {
    inner: W,
    /// Colour sequences (`ESC [ … m`) pass as they are.
    colour: bool,
    pending: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    /// Wraps `inner`; `colour` lets colour sequences through.
    pub fn new(inner: W, colour: bool) -> Terminal<W> {
        Terminal {
            inner,
            colour,
            pending: Vec::new(),
        }
    }

    /// Writes out `pending` up to `end`, made inert.
    fn emit(&mut self, end: usize) -> io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..end).collect();
        let text = String::from_utf8_lossy(&chunk);
        let shown = match self.colour {
            true => keep_colour(&text),
            false => terminal(&text).into_owned(),
        };
        self.inner.write_all(shown.as_bytes())
    }
}

/// `text` made inert except for colour sequences.
fn keep_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&terminal(&rest[..at]));
        let after = &rest[at + 1..];
        let sgr = after.strip_prefix('[').and_then(|params| {
            let len = params
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            (params.as_bytes().get(len) == Some(&b'm')).then_some(len + 2)
        });
        match sgr {
            Some(len) => {
                out.push('\u{1b}');
                out.push_str(&after[..len]);
                rest = &after[len..];
            }
            None => {
                out.push_str("\\x1b");
                rest = after;
            }
        }
    }
    out.push_str(&terminal(rest));
    out
}

impl<W: Write> Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = memchr::memrchr(b'\n', &self.pending) {
            self.emit(last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Keep an incomplete character for the next write.
        let end = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        self.emit(end)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        let end = self.pending.len();
        let _ = self.emit(end);
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(colour: bool, parts: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut t = Terminal::new(&mut out, colour);
            for part in parts {
                t.write_all(part).unwrap();
            }
            t.flush().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn controls_are_shown_not_obeyed() {
        let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m\u{202e}txt\u{7f}\n";
        let shown = through(false, &[hostile.as_bytes()]);
        assert_eq!(
            shown,
            "\\x1b]0;pwned\\x07\\x1b[2J\\r\\u{9b}31m\\u{202e}txt\\x7f\n"
        );
        assert!(!shown.chars().any(is_unsafe), "{shown:?}");
    }

    #[test]
    fn colour_passes_only_as_colour() {
        let shown = through(true, &[b"\x1b[1;31merror\x1b[0m \x1b[2J \x1b]0;t\x07\n"]);
        assert_eq!(
            shown,
            "\u{1b}[1;31merror\u{1b}[0m \\x1b[2J \\x1b]0;t\\x07\n"
        );
    }

    #[test]
    fn a_character_split_across_writes_survives() {
        let text = "caf\u{e9} \u{202e}\n".as_bytes();
        for cut in 0..text.len() {
            let shown = through(false, &[&text[..cut], &text[cut..]]);
            assert_eq!(shown, "caf\u{e9} \\u{202e}\n", "cut at {cut}");
        }
    }

    #[test]
    fn json_escapes_are_the_same_value() {
        let value = serde_json::json!({"reason": "a\u{1b}b\u{9b}c\u{7f}\u{202e}"});
        let text = serde_json::to_string(&value).unwrap();
        let inert = json(&text);
        assert!(!inert.chars().any(is_unsafe), "{inert}");
        let back: serde_json::Value = serde_json::from_str(&inert).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn only_web_and_mail_links_are_links() {
        for url in ["http://a", "HTTPS://a/b", "mailto:x@y"] {
            assert!(link_allowed(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "//evil.example",
            "java\u{0}script:x",
            "java\tscript:alert(1)",
        ] {
            assert!(!link_allowed(url), "{url}");
            assert!(!page_link_allowed(url), "{url}");
        }
        for url in ["#fn-1", "other.html", "a/b?c#d", "https://x"] {
            assert!(page_link_allowed(url), "{url}");
        }
        // A source is a web or mail address, never a relative one.
        assert!(!link_allowed("no scheme") && page_link_allowed("no scheme"));
    }
}
