//! Where a match may stand: its context (`before`, `after`, `whole_word`),
//! grapheme and word boundaries.

use super::*;

pub(super) fn span(start: usize, find: &str) -> Range<usize> {
    start..start + find.len()
}

/// Whether the span `at` satisfies the record's `before` and `after` (its
/// `whole_word` is checked apart, see [`is_whole_word`]).
/// Whether the match of `record` at `at` stands on grapheme boundaries with
/// its `before` and `after` around it.
pub(crate) fn fits_around(text: &str, at: Range<usize>, record: &Record) -> bool {
    on_grapheme_boundaries(text, at.clone())
        && record
            .before
            .as_deref()
            .is_none_or(|b| text[..at.start].ends_with(b))
        && record
            .after
            .as_deref()
            .is_none_or(|a| text[at.end..].starts_with(a))
}

/// Whether `at` starts and ends between user-perceived characters (grapheme
/// clusters): a combining mark, a zero-width joiner or a variation selector
/// belongs to the character before it, so no match starts or ends before one
/// (`cafe` does not match the start of `café` written with U+0301), and CR LF
/// is one. Between two ASCII characters other than CR LF there is always a
/// boundary, which is checked first.
///
/// ```
/// # use correct::locate::on_grapheme_boundaries;
/// assert!(on_grapheme_boundaries("cafe au lait", 0..4));
/// assert!(!on_grapheme_boundaries("cafe\u{301} au lait", 0..4));
/// assert!(!on_grapheme_boundaries("a\r\nb", 0..2));
/// assert!(!on_grapheme_boundaries("👩\u{200d}💻 x", 0..4), "inside a ZWJ sequence");
/// ```
pub fn on_grapheme_boundaries(text: &str, at: Range<usize>) -> bool {
    is_boundary(text, at.start) && is_boundary(text, at.end)
}

pub(super) fn is_boundary(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    if at == 0 || at >= bytes.len() {
        return true;
    }
    let (before, after) = (bytes[at - 1], bytes[at]);
    if before.is_ascii() && after.is_ascii() {
        return !(before == b'\r' && after == b'\n');
    }
    unicode_segmentation::GraphemeCursor::new(at, text.len(), true)
        .is_boundary(text, 0)
        .unwrap_or(true)
}

/// The characters just before and after `at` are not alphanumeric (text ends count).
pub(super) fn is_whole_word(text: &str, at: Range<usize>) -> bool {
    let joined = |c: Option<char>| c.is_some_and(crate::text::is_word_char);
    !joined(text[..at.start].chars().next_back()) && !joined(text[at.end..].chars().next())
}
