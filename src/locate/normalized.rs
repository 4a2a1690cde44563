//! The normalized copy of an article, which the tolerant tiers search:
//! typography that editors and CMSs change without meaning to is made equal
//! (’ ‘ and '; “ ” and "; – — and -; any run of whitespace, line breaks, NBSP
//! and thin spaces included, one space), and every byte of the copy knows
//! where it came from, so the span replaced is always the article's own
//! bytes.

use std::ops::Range;

use rayon::prelude::*;

/// The character a normalized text holds for `c`; `None` for whitespace, which
/// collapses into one space per run.
fn canonical(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' => Some('\''),
        '\u{201C}' | '\u{201D}' => Some('"'),
        '\u{2013}' | '\u{2014}' => Some('-'),
        c if c.is_whitespace() => None,
        c => Some(c),
    }
}

/// `text` normalized: see the module docs.
///
/// ```
/// use correct::locate::tolerant::normalize;
/// assert_eq!(normalize("the pact\u{2019}s  terms –\r\n in\u{a0}1941"), "the pact's terms - in 1941");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        match canonical(c) {
            None if in_space => {}
            None => {
                out.push(' ');
                in_space = true;
            }
            Some(c) => {
                out.push(c);
                in_space = false;
            }
        }
    }
    out
}

/// A normalized copy of an article and, for each of its characters, the
/// offset in the article where it starts.
#[derive(Debug)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// Stretches of the normalized text that map to the article at a constant
    /// shift: `(normalized, article)` offsets where each starts, in order. A
    /// character maps to `article + (i - normalized)` of the last stretch that
    /// starts at or before it. Only whitespace runs and the folded quotes and
    /// dashes start a stretch, so this is a small fraction of the text (a
    /// table entry per byte was four times the text's size).
    stretches: Vec<(u32, u32)>,
    /// Which blocks of the normalized text are ASCII.
    pub(crate) ascii: AsciiBlocks,
}

impl Normalized {
    /// Normalizes `original` (at most 4 GiB; the input limit is far below).
    pub fn new(original: &str) -> Normalized {
        Normalized::in_parts(original, crate::par::parts(original.len()))
    }

    /// [`Normalized::new`], the text cut into about `parts` parts normalized
    /// on as many cores. A cut falls only between two ASCII characters that
    /// are not whitespace, which normalize to themselves and end no run, so
    /// the parts' texts and stretches, joined, are the whole text's.
    fn in_parts(original: &str, parts: usize) -> Normalized {
        let bytes = original.as_bytes();
        let plain = |b: u8| b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0B && b != 0x0C;
        let mut cuts = vec![0];
        for i in 1..parts {
            // Looked for up to the next part's start only: a text without
            // such a pair (all CJK, say) is read once, not once per cut.
            let from = (original.len() * i / parts).max(cuts[cuts.len() - 1] + 1);
            let to = (original.len() * (i + 1) / parts).min(bytes.len());
            if let Some(at) = (from..to).find(|&at| plain(bytes[at - 1]) && plain(bytes[at]))
                && at > cuts[cuts.len() - 1]
            {
                cuts.push(at);
            }
        }
        cuts.push(original.len());
        cuts.dedup();
        // No character normalizes to more bytes than it has, so each part is
        // written into its own stretch of one buffer the article's size, and
        // the parts are then moved together: the copy is never held twice.
        let mut buffer = vec![0u8; original.len()];
        let mut slices = Vec::with_capacity(cuts.len());
        let mut rest = buffer.as_mut_slice();
        for cut in cuts.windows(2) {
            let (slice, after) = rest.split_at_mut(cut[1] - cut[0]);
            slices.push((&original[cut[0]..cut[1]], slice));
            rest = after;
        }
        let normalized: Vec<(usize, Vec<(u32, u32)>)> = slices
            .into_par_iter()
            .map(|(part, slice)| normalize_part(part, slice))
            .collect();
        let mut len = 0;
        let mut stretches: Vec<(u32, u32)> = Vec::new();
        for ((written, part_stretches), cut) in normalized.into_iter().zip(&cuts) {
            for (n, a) in part_stretches {
                mapped(&mut stretches, len + n as usize, *cut + a as usize);
            }
            buffer.copy_within(*cut..*cut + written, len);
            len += written;
        }
        buffer.truncate(len);
        mapped(&mut stretches, len, original.len());
        let text = String::from_utf8(buffer).expect("normalized parts are whole characters");
        let ascii = AsciiBlocks::of(&text);
        Normalized {
            text,
            stretches,
            ascii,
        }
    }

    /// The article offset where the normalized character holding byte `i`
    /// starts (or the article's end, for the text's end).
    fn start_of(&self, i: usize) -> usize {
        let i = (0..=i)
            .rev()
            .find(|&b| self.text.is_char_boundary(b))
            .unwrap_or(0);
        let at = self.stretches.partition_point(|&(n, _)| n as usize <= i);
        let (n, a) = self.stretches[at.saturating_sub(1)];
        a as usize + (i - n as usize)
    }

    /// The article's byte range for the normalized range `range`: from the start
    /// of its first character to the start of the character after it (a trailing
    /// whitespace run is taken whole).
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        self.start_of(range.start)..self.start_of(range.end)
    }
}

/// Adds the stretch that maps normalized offset `normalized` to article
/// offset `at`, unless the last one already does.
fn mapped(stretches: &mut Vec<(u32, u32)>, normalized: usize, at: usize) {
    let shifted = stretches
        .last()
        .map(|&(n, a)| a as usize + (normalized - n as usize));
    if shifted != Some(at) {
        stretches.push((normalized as u32, at as u32));
    }
}

/// One part of a text normalized into `out` (at least the part's length),
/// and how many bytes it took, with its stretches (offsets in the part).
///
/// ASCII, most of most texts, is normalized a byte at a time by a table of
/// its whitespace (it is otherwise its own canonical character); every other
/// character goes through [`canonical`]. A stretch starts only where the article's offset
/// stops moving with the normalized one: after a run of whitespace, or a
/// character that normalized to fewer bytes.
fn normalize_part(original: &str, out: &mut [u8]) -> (usize, Vec<(u32, u32)>) {
    let bytes = original.as_bytes();
    let mut stretches: Vec<(u32, u32)> = Vec::new();
    // How far the article's offset runs ahead of the normalized one in the
    // last stretch (normalizing never lengthens a text).
    let mut ahead = usize::MAX;
    let (mut len, mut at, mut in_space) = (0, 0, false);
    while at < bytes.len() {
        // Eight bytes at a time while they are their own normalized form
        // and the stretch runs on: most of a text.
        if ahead == at - len
            && let Some(eight) = bytes.get(at..at + 8)
            && plain_eight(eight, in_space)
        {
            out[len..len + 8].copy_from_slice(eight);
            (len, at, in_space) = (len + 8, at + 8, eight[7] == b' ');
            continue;
        }
        let b = bytes[at];
        if b.is_ascii() {
            // Without a branch on the kind of byte: most bytes are letters
            // and single spaces, in no order a predictor could learn.
            let space = ASCII_SPACE[b as usize];
            let collapsed = space & in_space;
            in_space = space;
            if !collapsed {
                if ahead != at - len {
                    stretches.push((len as u32, at as u32));
                    ahead = at - len;
                }
                out[len] = if space { b' ' } else { b };
                len += 1;
            }
            at += 1;
            continue;
        }
        let c = original[at..]
            .chars()
            .next()
            .expect("`at` is a character boundary");
        let width = c.len_utf8();
        let c = match canonical(c) {
            None if in_space => {
                at += width;
                continue;
            }
            None => ' ',
            Some(c) => c,
        };
        in_space = c == ' ';
        if ahead != at - len {
            stretches.push((len as u32, at as u32));
            ahead = at - len;
        }
        len += c.encode_utf8(&mut out[len..]).len();
        at += width;
    }
    (len, stretches)
}

/// Whether `eight` bytes normalize to themselves after a space
/// (`in_space`) or not: ASCII letters, digits, punctuation and single
/// spaces (no control byte, so no other whitespace; no space after a space).
fn plain_eight(eight: &[u8], in_space: bool) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let mut word = [0; 8];
    word.copy_from_slice(eight);
    let word = u64::from_le_bytes(word);
    // Under 0x80 each, and none under 0x20 (a byte under 0x20 borrows
    // into its high bit; no byte here has it set of its own).
    if word & HIGH != 0 || word.wrapping_sub(0x20 * ONES) & !word & HIGH != 0 {
        return false;
    }
    // The spaces: the bytes that XOR 0x20 leaves zero (each under 0x80,
    // so adding 0x7F sets the high bit of every other one, with no carry).
    let other = word ^ (0x20 * ONES);
    let spaces = !(((other & !HIGH) + !HIGH) | other) & HIGH;
    spaces & spaces >> 8 == 0 && !(in_space && spaces & 0x80 != 0)
}

/// Whether each ASCII byte is whitespace to [`canonical`] (`char::is_whitespace`).
const ASCII_SPACE: [bool; 128] = {
    let mut space = [false; 128];
    let mut b = 0;
    while b < 128 {
        space[b] = (b as u8 as char).is_whitespace();
        b += 1;
    }
    space
};

/// Which 4 KiB blocks of a text hold only ASCII: stepping over characters
/// there is arithmetic, which reads none of the text (the regions of a
/// pattern's pieces are spread over the whole text, so each read of it would
/// be a cache miss).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsciiBlocks(Vec<bool>);

const ASCII_BLOCK: usize = 4096;

impl AsciiBlocks {
    /// The blocks of `text`.
    pub fn of(text: &str) -> AsciiBlocks {
        AsciiBlocks(
            text.as_bytes()
                .chunks(ASCII_BLOCK)
                .map(<[u8]>::is_ascii)
                .collect(),
        )
    }

    /// Whether the bytes `range` of the text are known to be ASCII.
    pub(super) fn all(&self, range: Range<usize>) -> bool {
        range.is_empty()
            || (range.start / ASCII_BLOCK..=(range.end - 1) / ASCII_BLOCK)
                .all(|b| self.0.get(b).copied().unwrap_or(false))
    }
}

/// The offset `n` characters before `at` (or the text's start).
pub(super) fn back_chars(text: &str, ascii: &AsciiBlocks, at: usize, n: usize) -> usize {
    let bytes = text.as_bytes();
    if at >= n && (ascii.all(at - n..at) || bytes[at - n..at].is_ascii()) {
        return at - n;
    }
    let mut at = at;
    for _ in 0..n {
        match text[..at].chars().next_back() {
            Some(c) => at -= c.len_utf8(),
            None => break,
        }
    }
    at
}

/// The offset `n` characters after `at` (or the text's end).
pub(super) fn forward_chars(text: &str, ascii: &AsciiBlocks, at: usize, n: usize) -> usize {
    let bytes = text.as_bytes();
    if at + n <= bytes.len() && (ascii.all(at..at + n) || bytes[at..at + n].is_ascii()) {
        return at + n;
    }
    let mut at = at;
    for _ in 0..n {
        match text[at..].chars().next() {
            Some(c) => at += c.len_utf8(),
            None => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time path for ASCII normalizes each ASCII character
    /// as [`canonical`] does.
    #[test]
    fn every_ascii_character_normalizes_as_canonical_says() {
        for b in 0..=0x7Fu8 {
            let c = b as char;
            let expected = match canonical(c) {
                Some(c) => c.to_string(),
                None => " ".to_owned(),
            };
            assert_eq!(
                Normalized::new(&format!("{c}")).text,
                expected,
                "byte {b:#04x}"
            );
        }
    }

    #[test]
    fn normalized_offsets_point_into_the_original() {
        let original = "it\u{2019}s  a \u{201C}test\u{201D}\r\nend";
        let n = Normalized::new(original);
        assert_eq!(n.text, "it's a \"test\" end");
        let at = n.text.find("\"test\"").unwrap();
        let range = n.original(at..at + 6);
        assert_eq!(&original[range], "\u{201C}test\u{201D}");
        let at = n.text.find("s a").unwrap();
        assert_eq!(&original[n.original(at..at + 3)], "s  a");
    }

    proptest! {
        /// The stretches map every normalized byte where a table of one
        /// entry per byte (the character's start in the article) did.
        #[test]
        fn stretches_map_every_byte_as_a_table_per_byte_did(
            original in prop_oneof![
                "[ab\u{e9}\u{2019}\u{201C}\u{2013} \t\r\n\u{0B}\u{0C}\u{1C}\u{85}\u{a0}\u{2028}\u{3000}\u{1F600}]{0,80}",
                // Mostly runs of plain ASCII, read eight bytes at a time.
                "([a-z.,]{1,12}( |  |\n|\u{2019}|\u{a0}|\u{7F}|\u{1F})){0,30}",
            ],
        ) {
            let mut table = Vec::new();
            let mut in_space = false;
            for (at, c) in original.char_indices() {
                let c = match canonical(c) {
                    None if in_space => continue,
                    None => { in_space = true; ' ' }
                    Some(c) => { in_space = false; c }
                };
                table.extend(std::iter::repeat_n(at, c.len_utf8()));
            }
            table.push(original.len());
            let n = Normalized::new(&original);
            prop_assert_eq!(table.len(), n.text.len() + 1);
            for (i, &at) in table.iter().enumerate() {
                prop_assert_eq!(n.start_of(i), at, "byte {}", i);
            }
        }

        /// Eight bytes are read at once exactly when each is ASCII from
        /// the space on and no space follows a space.
        #[test]
        fn eight_bytes_are_plain_when_each_is_printable_ascii_and_no_space_doubles(
            printable in prop::array::uniform8(prop::sample::select(vec![
                0x20u8, 0x21, 0x2E, 0x41, 0x61, 0x7A, 0x7E, 0x7F,
            ])),
            other in proptest::option::of((0usize..8, prop::sample::select(vec![
                0x00u8, 0x09, 0x0A, 0x0D, 0x1F, 0x80, 0xA0, 0xC3, 0xE2, 0xFF,
            ]))),
            in_space in any::<bool>(),
        ) {
            let mut eight = printable;
            if let Some((at, byte)) = other {
                eight[at] = byte;
            }
            let printable = eight.iter().all(|&b| (0x20..0x80).contains(&b));
            let doubled = (in_space && eight[0] == b' ')
                || eight.windows(2).any(|pair| pair == b"  ");
            prop_assert_eq!(plain_eight(&eight, in_space), printable && !doubled);
        }

        /// Normalized in parts on several cores, a text is what one pass gives.
        #[test]
        fn a_text_normalized_in_parts_is_the_text_normalized_whole(
            text in "[ab \t\n\r\u{0B}\u{0C}\u{a0}’“–é]{0,300}",
            parts in 1usize..50,
        ) {
            let (one, many) = (Normalized::in_parts(&text, 1), Normalized::in_parts(&text, parts));
            prop_assert_eq!(&many.text, &one.text);
            prop_assert_eq!(&many.stretches, &one.stretches);
            prop_assert_eq!(&one.text, &normalize(&text));
        }
    }
}
