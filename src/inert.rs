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
    let bytes = text.as_bytes();
    let Some((at, _)) = next_unsafe(bytes) else {
        return Cow::Borrowed(text);
    };
    let mut out = Vec::with_capacity(text.len() + 8);
    out.extend_from_slice(&bytes[..at]);
    escape_json(&mut out, &bytes[at..]).expect("a Vec takes every write");
    Cow::Owned(String::from_utf8(out).expect("escapes keep UTF-8 whole"))
}

/// Where the first unsafe character of `bytes` starts, and that character
/// with its length in bytes (read from its UTF-8 encoding, without decoding
/// the text around it: a report's JSON runs to hundreds of megabytes).
fn next_unsafe(bytes: &[u8]) -> Option<(usize, (u32, usize))> {
    let mut from = 0;
    while let Some(i) = next_may_start_unsafe(&bytes[from..]) {
        let at = from + i;
        let next = |k: usize| bytes.get(at + k).copied().unwrap_or(0);
        let found = match bytes[at] {
            b'\n' | b'\t' => None,
            b @ (0..=0x1f | 0x7f) => Some((u32::from(b), 1)),
            // U+0080..U+009F: C2 80..C2 9F.
            0xc2 if (0x80..=0x9f).contains(&next(1)) => Some((u32::from(next(1)), 2)),
            // U+202A..U+202E: E2 80 AA..AE; U+2066..U+2069: E2 81 A6..A9.
            0xe2 if next(1) == 0x80 && (0xaa..=0xae).contains(&next(2)) => {
                Some((0x2000 | u32::from(next(2) & 0x3f), 3))
            }
            0xe2 if next(1) == 0x81 && (0xa6..=0xa9).contains(&next(2)) => {
                Some((0x2040 | u32::from(next(2) & 0x3f), 3))
            }
            _ => None,
        };
        if let Some(c) = found {
            return Some((at, c));
        }
        from = at + 1;
    }
    None
}

/// Whether `b` may start an unsafe character ([`is_unsafe`]): a C0 control,
/// DEL, or the first byte of a C1 control (C2) or a bidirectional one (E2).
fn may_start_unsafe(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2
}

/// The first byte of `bytes` that may start an unsafe character, looked for
/// eight bytes at a time: a word with none is passed over in a dozen
/// instructions (the usual tests for a byte below a value or equal to one,
/// exact as to whether any byte is).
fn next_may_start_unsafe(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGHS != 0;
    let has = |w: u64, b: u64| below(w ^ (ONES * b), 1);
    let mut words = bytes.chunks_exact(8);
    for (n, word) in (&mut words).enumerate() {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        if below(w, 0x20) || has(w, 0x7f) || has(w, 0xc2) || has(w, 0xe2) {
            return word
                .iter()
                .position(|&b| may_start_unsafe(b))
                .map(|i| n * 8 + i);
        }
    }
    let rest = words.remainder();
    let at = bytes.len() - rest.len();
    rest.iter()
        .position(|&b| may_start_unsafe(b))
        .map(|i| at + i)
}

/// Writes `bytes` to `out` with every unsafe character as `\uXXXX`.
fn escape_json(out: &mut impl Write, mut bytes: &[u8]) -> io::Result<()> {
    while let Some((at, (c, len))) = next_unsafe(bytes) {
        out.write_all(&bytes[..at])?;
        write!(out, "\\u{c:04x}")?;
        bytes = &bytes[at + len..];
    }
    out.write_all(bytes)
}

/// [`json`] as a writer, so that a report of hundreds of megabytes is made
/// inert as it is written rather than copied whole: what comes out is what
/// [`json`] makes of everything written, whatever the writes' boundaries (a
/// character cut between two writes waits for the rest of it). Wrap it in a
/// `BufWriter`, which hands it large writes; call `flush` at the end.
#[derive(Debug)]
pub struct Json<W: Write> {
    inner: W,
    /// The start of a character whose other bytes have not come yet.
    held: Vec<u8>,
}

impl<W: Write> Json<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Json<W> {
        Json {
            inner,
            held: Vec::new(),
        }
    }
}

/// The length of the UTF-8 sequence that `lead` starts (1 for any other byte).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// Where the character cut off at the end of `bytes` starts (`bytes.len()`
/// if none is).
fn cut_at_end(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(3);
    for at in (from..bytes.len()).rev() {
        if bytes[at] & 0xc0 != 0x80 {
            return match at + sequence_len(bytes[at]) > bytes.len() {
                true => at,
                false => bytes.len(),
            };
        }
    }
    bytes.len()
}

impl<W: Write> Write for Json<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        if let Some(&lead) = self.held.first() {
            let take = (sequence_len(lead) - self.held.len()).min(rest.len());
            self.held.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.held.len() < sequence_len(lead) {
                return Ok(buf.len());
            }
            escape_json(&mut self.inner, &std::mem::take(&mut self.held))?;
        }
        let cut = cut_at_end(rest);
        escape_json(&mut self.inner, &rest[..cut])?;
        self.held.extend_from_slice(&rest[cut..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // What is held now stays cut: it is passed on as it is.
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&held)?;
        self.inner.flush()
    }
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
    use proptest::prelude::*;

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

    /// [`json`] as it was first written: every character decoded and tested.
    fn json_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match is_unsafe(c) {
                true => out.push_str(&format!("\\u{:04x}", c as u32)),
                false => out.push(c),
            }
        }
        out
    }

    /// Text of the characters whose UTF-8 bytes look like an unsafe one's
    /// (C2 xx, E2 80 xx, E2 81 xx) on either side of each unsafe range.
    fn near_unsafe() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a',
            '\n',
            '\t',
            '\r',
            '\0',
            '\u{1f}',
            ' ',
            '\u{7e}',
            '\u{7f}',
            '\u{80}',
            '\u{9f}',
            '\u{a0}',
            '\u{e9}',
            '\u{2019}',
            '\u{2029}',
            '\u{202a}',
            '\u{202e}',
            '\u{202f}',
            '\u{2065}',
            '\u{2066}',
            '\u{2069}',
            '\u{206a}',
            '\u{1f600}',
        ]);
        prop::collection::vec(chars, 0..40).prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn json_escapes_what_a_reading_of_every_character_escapes(text in near_unsafe()) {
            proptest::prop_assert_eq!(json(&text), json_by_chars(&text));
        }

        #[test]
        fn the_json_writer_writes_what_json_makes_wherever_writes_are_cut(
            text in near_unsafe(),
            cuts in prop::collection::vec(0usize..200, 0..6),
        ) {
            let bytes = text.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort();
            let mut out = Vec::new();
            let mut writer = Json::new(&mut out);
            let mut from = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                writer.write_all(&bytes[from..cut]).unwrap();
                from = cut;
            }
            writer.flush().unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), json_by_chars(&text));
        }
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
