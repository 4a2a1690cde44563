//! Plain text escaped so that CommonMark + GFM renders it literally: the
//! review page's and the pull-request comment's one scanner.
//!
//! Inline markup characters are escaped everywhere, block markers only at a
//! line's start, and what GitHub would turn into a link or a notification
//! (`@name`, `#123`, `http://`, `www.`) is broken up. The text is read 32 bytes
//! at a time: one mask per block marks the bytes to escape ([`Marked`]), and the
//! stretches between them are copied whole. The tests compare it with a
//! character-by-character reference, inside a line here and over whole
//! articles on the review page's body.

use std::ops::Range;

/// Appends `bytes[span]` to `out`. Most spans between two escapes are short:
/// those are copied as a fixed 32 bytes and cut back, with no call to `memcpy`.
#[inline(always)]
pub(crate) fn copy(out: &mut Vec<u8>, bytes: &[u8], span: Range<usize>) {
    let len = span.len();
    match bytes
        .get(span.start..)
        .and_then(|rest| rest.first_chunk::<32>())
    {
        Some(block) if len <= 32 => {
            out.extend_from_slice(block);
            out.truncate(out.len() - (32 - len));
        }
        _ => out.extend_from_slice(&bytes[span]),
    }
}

/// Text escaped as one whole line.
pub(crate) fn escape_line(text: &str) -> String {
    let mut out = Vec::new();
    escape_into(&mut out, text.as_bytes(), true);
    String::from_utf8(out).expect("escapes are ASCII put before ASCII characters")
}

/// Escapes plain text so that CommonMark + GFM renders it literally. `at_start`:
/// the text begins a line, where `#`, `-`, `1.` and the like would start a block.
///
/// Inline markup characters are always escaped; block markers only at a line's
/// start; leading spaces become entities so that they cannot start a code block.
pub(crate) fn escape_into(out: &mut Vec<u8>, text: &[u8], at_start: bool) {
    let mut copied = match at_start {
        true => escape_line_start(out, text),
        false => 0,
    };
    // The characters to escape are ASCII: what is put before or instead of
    // one keeps UTF-8.
    for at in Marked::new(text, markup_mask) {
        copy(out, text, copied..at);
        copied = escape_at(out, text, at);
    }
    copy(out, text, copied..text.len());
}

/// Escapes what would open a block at the start of `line` (which may go on past
/// the line: only its first characters are looked at) and returns how many bytes
/// of it were written: leading spaces and tabs as entities, the digits of `1.`
/// and `1)` followed by a backslash. None of these bytes is inline markup or a
/// line break, so the caller's scan goes on from there.
#[inline(always)]
pub(crate) fn escape_line_start(out: &mut Vec<u8>, line: &[u8]) -> usize {
    match line.first() {
        Some(b' ' | b'\t' | b'0'..=b'9' | b'#' | b'+' | b'-' | b'=') => {
            escape_block_opening(out, line)
        }
        // Most lines start with a letter.
        _ => 0,
    }
}

pub(crate) fn escape_block_opening(out: &mut Vec<u8>, line: &[u8]) -> usize {
    /// Entities for runs of up to 16 spaces or tabs.
    const SPACES: &[u8] =
        b"&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;&#32;";
    const TABS: &[u8] = b"&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;&#9;";
    let spaces = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    for run in line[..spaces].chunk_by(|a, b| a == b) {
        let entities = if run[0] == b' ' { SPACES } else { TABS };
        let each = entities.len() / 16;
        for chunk in run.chunks(16) {
            out.extend_from_slice(&entities[..each * chunk.len()]);
        }
    }
    let rest = &line[spaces..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(rest.get(digits), Some(b'.' | b')')) {
        out.extend_from_slice(&rest[..digits]);
        out.push(b'\\');
        return spaces + digits;
    }
    if matches!(rest.first(), Some(b'#' | b'+' | b'-' | b'=')) {
        // `>` is escaped with the inline characters.
        out.push(b'\\');
    }
    spaces
}

/// The positions of the bytes that a mask marks, in order; the mask gives one
/// bit per byte of a 32-byte block, bit 0 for its first byte.
pub(crate) struct Marked<'a, M> {
    bytes: &'a [u8],
    mask: M,
    /// Where the next block starts.
    next: usize,
    /// Where the current block starts, and its marks not yet given.
    base: usize,
    bits: u32,
}

impl<'a, M: Fn(&[u8; 32]) -> u32> Marked<'a, M> {
    pub(crate) fn new(bytes: &'a [u8], mask: M) -> Self {
        Marked {
            bytes,
            mask,
            next: 0,
            base: 0,
            bits: 0,
        }
    }
}

impl<M: Fn(&[u8; 32]) -> u32> Iterator for Marked<'_, M> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            let at = self.next;
            let left = self.bytes.len().checked_sub(at).filter(|&n| n > 0)?;
            self.base = at;
            if let Some(block) = self.bytes[at..].first_chunk::<32>() {
                self.bits = (self.mask)(block);
                self.next = at + 32;
                continue;
            }
            // The tail: the last 32 bytes when there are that many (their first
            // bytes were looked at already); else the few there are, padded.
            self.bits = match self.bytes.last_chunk::<32>() {
                Some(last) => (self.mask)(last) >> (32 - left),
                None => {
                    let mut padded = [0u8; 32];
                    padded[..left].copy_from_slice(&self.bytes[at..]);
                    (self.mask)(&padded)
                }
            };
            self.next = self.bytes.len();
        }
        let at = self.base + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(at)
    }
}

/// One bit per byte of `block` that needs escaping (32 bytes: the mask fits in
/// 32 bits).
#[inline(always)]
pub(crate) fn markup_mask(block: &[u8; 32]) -> u32 {
    crate::text::bits::mask(block, is_markup) as u32
}

/// One bit per byte of `block` that needs escaping or ends a line.
#[inline(always)]
pub(crate) fn markup_or_line_break_mask(block: &[u8; 32]) -> u32 {
    crate::text::bits::mask(block, |b| is_markup(b) | (b == b'\n')) as u32
}

/// Escapes the marked byte `text[at]` (see [`is_markup`]) into `out`;
/// returns where copying goes on. Most take a backslash before them. `<` and
/// `>` become entities (GFM's extended autolinks swallow a backslash before
/// them). What GitHub would turn into a link or a notification is broken up so
/// that it renders as the text it is: `@name` (a mention) and `#123` (an issue)
/// get a zero-width space after their first character, and the `:` of
/// `http://`, the `.` of `www.` and the `@` of an e-mail address become
/// entities, which no extended autolink starts with.
#[inline]
pub(crate) fn escape_at(out: &mut Vec<u8>, text: &[u8], at: usize) -> usize {
    const ZERO_WIDTH_SPACE: &[u8] = b"&#8203;";
    let next = text.get(at + 1).copied();
    let before = &text[..at];
    let ends_with = |word: &[u8]| {
        before.len() >= word.len() && before[before.len() - word.len()..].eq_ignore_ascii_case(word)
    };
    match text[at] {
        b'<' => out.extend_from_slice(b"&lt;"),
        b'>' => out.extend_from_slice(b"&gt;"),
        b'@' if next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => {
            out.extend_from_slice(b"&#64;");
            out.extend_from_slice(ZERO_WIDTH_SPACE);
        }
        b'#' if next.is_some_and(|b| b.is_ascii_digit()) => {
            out.push(b'#');
            out.extend_from_slice(ZERO_WIDTH_SPACE);
        }
        b':' if text[at + 1..].starts_with(b"//")
            && (ends_with(b"http") || ends_with(b"https")) =>
        {
            out.extend_from_slice(b"&#58;");
        }
        b'.' if ends_with(b"www") => out.extend_from_slice(b"&#46;"),
        b'@' | b'#' | b':' | b'.' => return at,
        _ => {
            out.push(b'\\');
            return at;
        }
    }
    at + 1
}

/// A character that starts inline markup anywhere in a line (one of
/// ``\ ` * _ [ ] < > | ~ &``), or one that may start a GitHub link or
/// notification (`@`, `#`, `:`, `.`; see [`escape_at`]), as comparisons the
/// compiler can vectorise.
#[inline(always)]
pub(crate) fn is_markup(b: u8) -> bool {
    (b == b'@')
        | (b == b'#')
        | (b == b':')
        | (b == b'.')
        | (b == b'\\')
        | (b == b'`')
        | (b == b'*')
        | (b == b'_')
        | (b == b'[')
        | (b == b']')
        | (b == b'<')
        | (b == b'>')
        | (b == b'|')
        | (b == b'~')
        | (b == b'&')
}

/// Text escaped inside a line (nothing it starts with opens a block).
pub(crate) fn escape_inside(text: &str) -> String {
    let mut out = Vec::new();
    escape_into(&mut out, text.as_bytes(), false);
    String::from_utf8(out).expect("escapes are ASCII put before ASCII characters")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Characters that start inline markup anywhere in a line.
    const INLINE_MARKUP: &[u8] = b"\\`*_[]<>|~&";
    /// Characters that may start a GitHub link or notification.
    const GITHUB_MARKUP: &[u8] = b"@#:.";

    /// How the reference escapes the character at `i` of `line` (after the
    /// line's start was dealt with): the rules of [`escape_at`], one by one.
    pub(crate) fn escaped_by_hand(line: &str, i: usize, c: char) -> String {
        let before = &line[..i];
        let after = &line[i + c.len_utf8()..];
        let lower = before.to_ascii_lowercase();
        let next = after.chars().next();
        match c {
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '@' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '_' || n == '-') => {
                "&#64;&#8203;".into()
            }
            '#' if next.is_some_and(|n| n.is_ascii_digit()) => "#&#8203;".into(),
            ':' if after.starts_with("//")
                && (lower.ends_with("http") || lower.ends_with("https")) =>
            {
                "&#58;".into()
            }
            '.' if lower.ends_with("www") => "&#46;".into(),
            c if c.is_ascii() && INLINE_MARKUP.contains(&(c as u8)) => format!("\\{c}"),
            c => c.to_string(),
        }
    }

    proptest::proptest! {
        /// Inside a line, the one-pass scan escapes each character as the
        /// reference does, one at a time.
        #[test]
        fn text_inside_a_line_escapes_as_the_reference_does(
            text in "[a1 \t#+=.)*_<>&é@:/whtps`|~\\\\-]{0,200}",
        ) {
            let by_hand: String = text
                .char_indices()
                .map(|(i, c)| escaped_by_hand(&text, i, c))
                .collect();
            proptest::prop_assert_eq!(escape_inside(&text), by_hand);
        }
    }

    #[test]
    fn inline_markup_is_escaped_everywhere() {
        assert_eq!(
            escape_line("a *b* _c_ `d` [e](f) <g> | ~h~ & \\"),
            r"a \*b\* \_c\_ \`d\` \[e\](f) &lt;g&gt; \| \~h\~ \& \\"
        );
    }

    #[test]
    fn nothing_github_would_link_or_notify_survives() {
        assert_eq!(
            escape_line("ask @someone about #123, mail a@b.org, see <http://z> or www.x.org"),
            "ask &#64;&#8203;someone about #&#8203;123, mail a&#64;&#8203;b.org, see &lt;http&#58;//z&gt; or www&#46;x.org"
        );
        // What is not a mention, an issue or a link stays as it is.
        assert_eq!(
            escape_line("a # b, 5 @ 6, ratio 3:1, e.g. this"),
            "a # b, 5 @ 6, ratio 3:1, e.g. this"
        );
    }

    #[test]
    fn long_runs_escape_like_short_ones() {
        let text = format!("{}*{}_x", "a".repeat(40), "b".repeat(31));
        assert_eq!(
            escape_inside(&text),
            format!("{}\\*{}\\_x", "a".repeat(40), "b".repeat(31))
        );
        for b in 0..=u8::MAX {
            let listed = INLINE_MARKUP.contains(&b) || GITHUB_MARKUP.contains(&b);
            assert_eq!(is_markup(b), listed, "{b}");
        }
        // Markup at every position of a block and of a short tail.
        for len in 1..70 {
            for at in 0..len {
                let mut text = "a".repeat(len);
                text.replace_range(at..=at, "`");
                assert_eq!(escape_inside(&text), text.replace('`', "\\`"), "{len} {at}");
            }
        }
    }

    #[test]
    fn block_markers_are_escaped_at_line_start_only() {
        assert_eq!(escape_line("# Title"), r"\# Title");
        assert_eq!(escape_line("1. one"), r"1\. one");
        assert_eq!(escape_line("12) twelve"), r"12\) twelve");
        assert_eq!(escape_line("- item"), r"\- item");
        assert_eq!(escape_line("    code"), "&#32;&#32;&#32;&#32;code");
        // Runs longer than the entity table, spaces and tabs mixed.
        let indent = format!("{}\t\t{} x", " ".repeat(17), " ".repeat(33));
        let entities = format!("{}&#9;&#9;{}x", "&#32;".repeat(17), "&#32;".repeat(34));
        assert_eq!(escape_line(&indent), entities);
        assert_eq!(escape_inside("# 1. -"), "# 1. -");
    }
}
