//! Text kernels: the low-level readings of text that the stages share, each
//! tested against a plain reference beside it.
//!
//! - [`lines`]: byte offsets to 1-based lines and columns (LF breaks; columns
//!   count characters), with a table per long line;
//! - `bits`: byte masks for the scans that read 32 or 64 bytes at a time;
//! - `escape`: plain text escaped for CommonMark + GFM (the review page, the
//!   pull-request comment), by those masks;
//! - [`words`]: which words of an edit change (the word diff, on `similar`'s
//!   word tokens, that the review page, the report, the index of changes and
//!   the tolerant tiers' messages share);
//! - `is_word_char` and `may_be_word_byte`: what a word character is, once,
//!   for `whole_word`, the word-by-word lookup of the exact tier and the fuzzy
//!   tier's "does this cut a word".

pub(crate) mod bits;
pub(crate) mod escape;
pub mod lines;
pub mod words;

/// Whether `c` belongs to a word: a letter or a digit, in any script. A
/// `whole_word` match, a pattern looked up word by word and the fuzzy tier's
/// "does this cut a word" all use this one definition.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether byte `b` of UTF-8 text may be part of a word character: an ASCII
/// letter or digit, or any byte of a non-ASCII character (which the scans
/// then decode and ask `is_word_char`). A superset: it never says no to a
/// byte of a word.
pub(crate) fn may_be_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() | !b.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte test is a superset of the character test: every byte of a
    /// word character passes it, and an ASCII byte passes only if it is one.
    #[test]
    fn a_word_byte_is_never_refused_for_a_word_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if is_word_char(c) {
                assert!(bytes.iter().all(|&b| may_be_word_byte(b)), "{c:?}");
            }
            if c.is_ascii() {
                assert_eq!(may_be_word_byte(c as u8), is_word_char(c), "{c:?}");
            }
        }
    }
}
