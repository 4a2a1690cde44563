//! The tolerant tiers, for a record whose `find` has no exact match.
//!
//! **Normalized**: typography that editors and CMSs change without meaning to is
//! made equal (’ ‘ and '; “ ” and "; – — and -; any run of whitespace, line
//! breaks, NBSP and thin spaces included, and any other run). The search runs on a
//! normalized copy of the article whose every byte knows where it came from, so
//! the span replaced is always the article's own bytes.
//!
//! **Fuzzy**: an approximate match within a bounded edit distance (in characters,
//! on the normalized texts). Candidates come from the pigeonhole rule: with at most
//! `k` edits, one of `k + 1` pieces of `find` occurs exactly, so only the regions
//! around those occurrences are checked, each with a semi-global edit distance
//! (Sellers' algorithm); the start of a match is found by aligning backwards.

use std::ops::Range;

use memchr::memmem;
use rayon::prelude::*;

/// Fuzzy matching never runs for a `find` shorter than this (in characters).
pub const FUZZY_MIN_CHARS: usize = 8;
/// Nor for one longer than this: its distance table would cost too much.
pub const FUZZY_MAX_CHARS: usize = 2000;
/// Regions checked per fuzzy search, at most (a piece of `find` that occurs
/// everywhere gives up rather than scanning the whole archive).
pub(crate) const MAX_REGIONS: usize = 100_000;
/// Regions are sifted ([`fuzzy_in_regions`]) for patterns allowed at most
/// this many edits.
const SIFT_MAX_EDITS: usize = 32;

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

/// One approximate match, in normalized byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The matched text.
    pub range: Range<usize>,
    /// Edits (insertions, deletions, substitutions of characters) from the pattern.
    pub distance: usize,
}

/// Every approximate match of `pattern` in `hay` with at most `k` edits, best
/// first among overlapping ones, in text order. Both texts are normalized.
///
/// ```
/// use correct::locate::tolerant::fuzzy_find;
/// let found = fuzzy_find("the Soviet Union declared war on Japan", "Soveit Union declared", 2);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].distance, 2);
/// assert_eq!(&"the Soviet Union declared war on Japan"[found[0].range.clone()], "Soviet Union declared");
/// ```
pub fn fuzzy_find(hay: &str, pattern: &str, k: usize) -> Vec<Candidate> {
    let Some(pieces) = Pieces::of(pattern, k) else {
        return Vec::new();
    };
    let (ascii, regions) = regions_of(hay, pattern, &pieces);
    fuzzy_in_regions(hay, &ascii, pattern, k, &regions, None)
}

/// The regions of `pattern`'s pieces in `hay`, each piece searched on its own
/// (the locate stage searches all records' pieces in one pass instead).
fn regions_of(hay: &str, pattern: &str, pieces: &Pieces) -> (AsciiBlocks, Regions) {
    let hits: Vec<Vec<u32>> = pieces
        .texts(pattern)
        .map(|piece| {
            memmem::find_iter(hay.as_bytes(), piece.as_bytes())
                .map(|at| at as u32)
                .collect()
        })
        .collect();
    let ascii = AsciiBlocks::of(hay);
    let regions = pieces.regions(hay, &ascii, hits.iter().map(Vec::as_slice));
    (ascii, regions)
}

/// [`fuzzy_find`] in the regions that [`Pieces::regions`] gave (the locate
/// stage finds the pieces of every record in one pass over the text).
///
/// Overlapping regions are merged and each merged region is verified whole,
/// but only if one of its pieces' occurrences can be the exact piece of a
/// match: the rest of the pattern must align around it within the `k` edits
/// ([`Anchored::passes`]). Every match has such a piece (that is the
/// pigeonhole rule), and its region lies in the merged region that holds the
/// match, so a merged region without one holds no end within `k` edits and
/// verifying it would find nothing. Most regions of a pattern that is not in
/// the text fail that check within a few characters.
///
/// A caller that only wants candidates of fewer than `under` edits says so:
/// the regions are then sifted for anchors within `under - 1` edits. Those
/// candidates come out exactly as without it (the best are kept first where
/// candidates overlap, so one left out never hid them); others may be missing.
pub(crate) fn fuzzy_in_regions(
    hay: &str,
    ascii: &AsciiBlocks,
    pattern: &str,
    k: usize,
    regions: &Regions,
    under: Option<usize>,
) -> Vec<Candidate> {
    match under {
        Some(0) => Vec::new(),
        Some(d) => fuzzy_in(hay, ascii, pattern, k, regions, Some(k.min(d - 1))),
        None => fuzzy_in(hay, ascii, pattern, k, regions, Some(k)),
    }
}

/// Candidates within `k` edits, from the merged regions where a piece can
/// anchor a match within `sift` edits (all of them with `None`).
fn fuzzy_in(
    hay: &str,
    ascii: &AsciiBlocks,
    pattern: &str,
    k: usize,
    regions: &Regions,
    sift: Option<usize>,
) -> Vec<Candidate> {
    let pat: Vec<char> = pattern.chars().collect();
    let Regions {
        list,
        pieces,
        capped,
    } = regions;
    if pat.is_empty() || list.is_empty() {
        return Vec::new();
    }
    // At the cap, a match's own piece may be among the occurrences left out:
    // every region is verified, as the cap leaves them. So is every region of
    // a long pattern with many edits allowed, where the check would cost
    // about what the verification does (its band is 2k + 1 wide).
    let sift = sift.filter(|&s| !*capped && s <= SIFT_MAX_EDITS);
    let myers = Myers::new(&pat);
    let mut anchored = Anchored {
        hay,
        ascii,
        pattern,
        pat: &pat,
        grams: sift.and_then(|s| Grams::of(&pat, s)),
        text: Vec::new(),
        above: Vec::new(),
        row: Vec::new(),
    };
    let passes = |r: &Region| match sift {
        Some(s) => anchored.passes(&pieces[r.piece], r.hit, s),
        None => true,
    };
    let found = merged_alive(list, passes)
        .into_iter()
        .flat_map(|region| in_region(hay, region, &pat, &myers, k))
        .collect();
    best_apart(found)
}

/// The regions (in order of start) merged where they overlap, each merged
/// region kept if one of its regions `passes` (asked until one does).
fn merged_alive(list: &[Region], mut passes: impl FnMut(&Region) -> bool) -> Vec<Range<usize>> {
    let mut merged: Vec<(Range<usize>, bool)> = Vec::new();
    for r in list {
        match merged.last_mut() {
            Some((last, alive)) if r.range.start <= last.end => {
                last.end = last.end.max(r.range.end);
                if !*alive {
                    *alive = passes(r);
                }
            }
            _ => {
                let alive = passes(r);
                merged.push((r.range.clone(), alive));
            }
        }
    }
    (merged.into_iter())
        .filter_map(|(region, alive)| alive.then_some(region))
        .collect()
}

/// Of overlapping candidates, the best (fewest edits, then leftmost), in
/// text order.
fn best_apart(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by_key(|c| (c.distance, c.range.start));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in found {
        if kept
            .iter()
            .all(|o| c.range.end <= o.range.start || o.range.end <= c.range.start)
        {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| c.range.start);
    kept
}

/// The regions of one pattern: windows around its pieces' occurrences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regions {
    list: Vec<Region>,
    /// The pieces, as [`Pieces`] has them.
    pieces: Vec<Piece>,
    /// Whether the list stopped at [`MAX_REGIONS`].
    capped: bool,
}

/// One window of the text that may hold a match: around an occurrence of a piece.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Region {
    range: Range<usize>,
    /// Where the piece occurs (a byte offset of the text), and which piece.
    hit: usize,
    piece: usize,
}

/// One piece of a pattern: its characters `from..to`, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    from: usize,
    to: usize,
    bytes: Range<usize>,
}

/// The check of [`Anchored::passes`] for one pattern in one text: the
/// pattern's q-grams, which reject most anchors before the band is run, and
/// buffers kept from one region to the next.
struct Anchored<'a> {
    hay: &'a str,
    ascii: &'a AsciiBlocks,
    pattern: &'a str,
    pat: &'a [char],
    grams: Option<Grams>,
    text: Vec<char>,
    above: Vec<usize>,
    row: Vec<usize>,
}

/// The q-grams of a pattern, for the q-gram lemma (Jokinen and Ukkonen): one
/// edit destroys at most q of the pattern's `m - q + 1` q-grams, so a stretch
/// within `k` edits of it holds at least `need = m - q + 1 - k * q` of them.
/// A window that holds fewer (counted as its q-grams found in the pattern's
/// set) holds no match. The set is a 2^16-bit table of hashes: a collision
/// only counts a q-gram the pattern lacks, so the test never rejects a match.
struct Grams {
    q: usize,
    need: usize,
    set: Box<[u64; GRAM_WORDS]>,
}

const GRAM_BITS: u32 = 16;
const GRAM_WORDS: usize = (1 << GRAM_BITS) / 64;

impl Grams {
    /// The largest q (at most 4) that leaves a positive `need`; `None` when
    /// none does (short patterns with many edits allowed).
    fn of(pat: &[char], k: usize) -> Option<Grams> {
        let m = pat.len();
        let q = (1..=4usize)
            .rev()
            .find(|&q| m + 1 > q * (k + 1) && m - q + 1 - k * q >= 2)?;
        let mut set = Box::new([0u64; GRAM_WORDS]);
        let mut h = 0u64;
        for (i, &c) in pat.iter().enumerate() {
            h = Self::push(h, c, q);
            if i + 1 >= q {
                let at = Self::slot(h);
                set[at / 64] |= 1 << (at % 64);
            }
        }
        Some(Grams {
            q,
            need: m - q + 1 - k * q,
            set,
        })
    }

    /// The last `q` characters, 16 bits each (wider characters fold: a
    /// collision, which only ever counts too many).
    fn push(h: u64, c: char, q: usize) -> u64 {
        let h = (h << 16) | u64::from(c as u32 & 0xFFFF);
        if q == 4 { h } else { h & ((1 << (16 * q)) - 1) }
    }

    fn slot(h: u64) -> usize {
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - GRAM_BITS)) as usize
    }

    /// Whether `window` (`chars` characters) holds at least `need` of the
    /// pattern's q-grams; it stops as soon as the answer is known.
    fn enough(&self, window: &str, chars: usize) -> bool {
        let Some(grams) = (chars + 1).checked_sub(self.q) else {
            return false;
        };
        // Misses the window can afford before `need` is out of reach.
        let Some(mut spare) = grams.checked_sub(self.need) else {
            return false;
        };
        let mut h = 0u64;
        let mut found = 0;
        for (i, c) in window.chars().enumerate() {
            h = Self::push(h, c, self.q);
            if i + 1 >= self.q {
                let at = Self::slot(h);
                if self.set[at / 64] >> (at % 64) & 1 == 1 {
                    found += 1;
                    if found >= self.need {
                        return true;
                    }
                } else if spare == 0 {
                    return false;
                } else {
                    spare -= 1;
                }
            }
        }
        false
    }
}

impl Anchored<'_> {
    /// Whether the pattern can match with at most `k` edits holding `piece`
    /// exactly where it occurs at byte `hit`, or at an occurrence of it that
    /// overlaps that one (the search keeps occurrences apart, so those are
    /// not listed): the part of the pattern before the piece must align to
    /// text ending there, and the part after it to text starting there.
    fn passes(&mut self, piece: &Piece, hit: usize, k: usize) -> bool {
        let text = self.pattern[piece.bytes.clone()].as_bytes();
        let bytes = self.hay.as_bytes();
        (hit..(hit + text.len()).min(bytes.len()))
            .filter(|&start| bytes[start] == text[0] && bytes[start..].starts_with(text))
            .any(|start| self.around(piece, start, start + text.len(), k))
    }

    fn around(&mut self, piece: &Piece, start: usize, end: usize, k: usize) -> bool {
        let (hay, pat) = (self.hay, self.pat);
        // Every stretch the band could accept lies in this window.
        if let Some(grams) = &self.grams {
            let (from, to) = (
                back_chars(hay, self.ascii, start, piece.from + k),
                forward_chars(hay, self.ascii, end, pat.len() - piece.to + k),
            );
            // The window's length in characters, as far as the edges allowed.
            let chars = match self.ascii.all(from..to) || hay[from..to].is_ascii() {
                true => to - from,
                false => hay[from..to].chars().count(),
            };
            if !grams.enough(&hay[from..to], chars) {
                return false;
            }
        }
        let before = pat[..piece.from].iter().rev().copied();
        let Some(edits) = self.edits(before, hay[..start].chars().rev(), piece.from, k) else {
            return false;
        };
        let after = pat[piece.to..].iter().copied();
        self.edits(after, hay[end..].chars(), pat.len() - piece.to, k - edits)
            .is_some()
    }

    /// The fewest edits (at most `k`) turning `part` (`n` characters, read
    /// away from the anchor) into some stretch of `text` that starts at the
    /// anchor: a dynamic program in a band of `k` around the diagonal that
    /// stops as soon as a row holds nothing within `k`.
    fn edits(
        &mut self,
        part: impl Iterator<Item = char>,
        mut text: impl Iterator<Item = char>,
        n: usize,
        k: usize,
    ) -> Option<usize> {
        const FAR: usize = usize::MAX / 2;
        if n == 0 {
            return Some(0);
        }
        // The text is read only as far as the band reaches.
        self.text.clear();
        let mut more = true;
        self.above.clear();
        self.above.extend(0..=k);
        let (mut lo, mut hi) = (0, 0);
        for (i, c) in (1usize..).zip(part) {
            while more && self.text.len() < i + k {
                match text.next() {
                    Some(t) => self.text.push(t),
                    None => more = false,
                }
            }
            (lo, hi) = (i.saturating_sub(k), (i + k).min(self.text.len()));
            if lo > hi {
                return None;
            }
            self.row.resize(hi + 1, FAR);
            if lo > 0 {
                self.row[lo - 1] = FAR;
            }
            let above = |j: usize| self.above.get(j).copied().unwrap_or(FAR);
            let mut best = FAR;
            for j in lo..=hi {
                let d = match j {
                    0 => i,
                    _ => (above(j) + 1)
                        .min(above(j - 1) + usize::from(self.text[j - 1] != c))
                        .min(self.row[j - 1] + 1),
                };
                self.row[j] = d;
                best = best.min(d);
            }
            if best > k {
                return None;
            }
            std::mem::swap(&mut self.above, &mut self.row);
        }
        let fewest = self.above[lo..=hi].iter().copied().min().unwrap_or(FAR);
        (fewest <= k).then_some(fewest)
    }
}

/// The pigeonhole pieces of a normalized pattern for at most `k` edits: `k + 1`
/// stretches of about equal length, one of which a match must hold exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pieces {
    k: usize,
    /// The pattern's length in characters.
    m: usize,
    pieces: Vec<Piece>,
}

impl Pieces {
    /// The pieces of `pattern`; `None` when no match could be told from
    /// noise (an empty pattern, or `k` edits or more than it has characters).
    pub fn of(pattern: &str, k: usize) -> Option<Pieces> {
        let bytes_at: Vec<usize> = pattern
            .char_indices()
            .map(|(i, _)| i)
            .chain([pattern.len()])
            .collect();
        let m = bytes_at.len() - 1;
        if m == 0 || k >= m {
            return None;
        }
        let count = k + 1;
        let pieces = (0..count)
            .map(|p| (p * m / count, (p + 1) * m / count))
            .filter(|(from, to)| from != to)
            .map(|(from, to)| Piece {
                from,
                to,
                bytes: bytes_at[from]..bytes_at[to],
            })
            .collect();
        Some(Pieces { k, m, pieces })
    }

    /// Pieces of `pattern` chosen to be rare in the text that `counts`
    /// sampled: still `k + 1` stretches that cover it, so one of them stands
    /// exactly in any match (the pigeonhole rule holds for any such cut), but
    /// each between a few characters shorter and several longer than an even
    /// cut, so that together they stand as seldom as the sample says they can
    /// (an even cut of a sentence gives pieces like ` for the ` that stand a
    /// hundred thousand times in 100 MB of prose). Patterns too short for
    /// grams to tell are cut evenly, as [`Pieces::of`] does.
    pub(crate) fn rare(pattern: &str, k: usize, counts: &GramCounts) -> Option<Pieces> {
        let even = Pieces::of(pattern, k)?;
        let (m, count) = (even.m, k + 1);
        let avg = m / count;
        if avg <= GRAM {
            return Some(even);
        }
        let lengths = GRAM.max(avg - 4)..=avg + 8;
        let bytes_at: Vec<usize> = pattern
            .char_indices()
            .map(|(i, _)| i)
            .chain([pattern.len()])
            .collect();
        let rarity = Rarity::of(pattern, &bytes_at, lengths, counts);
        let Some(cuts) = rarity.fewest(count) else {
            return Some(even);
        };
        let pieces = cuts
            .windows(2)
            .map(|cut| Piece {
                from: cut[0],
                to: cut[1],
                bytes: bytes_at[cut[0]]..bytes_at[cut[1]],
            })
            .collect();
        Some(Pieces { k, m, pieces })
    }

    /// The text of each piece, in order.
    pub fn texts<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pieces.iter().map(move |p| &pattern[p.bytes.clone()])
    }

    /// Windows of `hay` (byte ranges) that may hold a match, from `hits`: per
    /// piece in order, the starts of its leftmost non-overlapping occurrences
    /// in `hay` (byte offsets: texts under 4 GiB, as [`Normalized`] is). At most `MAX_REGIONS` in all, the earlier pieces first;
    /// returned in order of start.
    pub fn regions<'h>(
        &self,
        hay: &str,
        ascii: &AsciiBlocks,
        hits: impl IntoIterator<Item = &'h [u32]>,
    ) -> Regions {
        let (m, k) = (self.m, self.k);
        let mut list = Vec::new();
        for (piece, (p, hits)) in self.pieces.iter().zip(hits).enumerate() {
            for hit in hits.iter().map(|&hit| hit as usize) {
                let start = back_chars(hay, ascii, hit, p.from + k);
                let end = forward_chars(hay, ascii, hit, m - p.from + k);
                list.push(Region {
                    range: start..end,
                    hit,
                    piece,
                });
                if list.len() >= MAX_REGIONS {
                    return self.sorted(list, true);
                }
            }
        }
        self.sorted(list, false)
    }

    /// The regions in order of start, as they are merged.
    fn sorted(&self, mut list: Vec<Region>, capped: bool) -> Regions {
        list.sort_by_key(|r| r.range.start);
        Regions {
            list,
            pieces: self.pieces.clone(),
            capped,
        }
    }
}

/// How often each stretch of a pattern that could be a piece may stand in
/// the text: its rarest gram's count (plus one), for every end `b` and length
/// in `lengths` (characters).
struct Rarity {
    m: usize,
    lengths: std::ops::RangeInclusive<usize>,
    /// `at[b * span + len - lo]`; `u64::MAX` where no stretch fits.
    at: Vec<u64>,
}

impl Rarity {
    fn of(
        pattern: &str,
        bytes_at: &[usize],
        lengths: std::ops::RangeInclusive<usize>,
        counts: &GramCounts,
    ) -> Rarity {
        let bytes = pattern.as_bytes();
        let m = bytes_at.len() - 1;
        let (lo, hi) = (*lengths.start(), *lengths.end());
        let span = hi - lo + 1;
        // The count of the gram starting at each byte (none past the end).
        let grams: Vec<u32> = (0..bytes.len())
            .map(|i| {
                bytes
                    .get(i..i + GRAM)
                    .map_or(u32::MAX, |gram| counts.of(gram))
            })
            .collect();
        let mut at = vec![u64::MAX; (m + 1) * span];
        for b in lo..=m {
            // Grams that end within the stretch start at most here.
            let last = bytes_at[b] - GRAM;
            let mut rarest = u32::MAX;
            let mut from = bytes_at[b] + 1;
            for len in 1..=hi.min(b) {
                let a = b - len;
                let new = grams
                    .get(bytes_at[a]..from.min(last + 1))
                    .unwrap_or_default();
                rarest = new.iter().fold(rarest, |rarest, &count| rarest.min(count));
                from = bytes_at[a];
                if len >= lo {
                    at[b * span + len - lo] = u64::from(rarest) + 1;
                }
            }
        }
        Rarity { m, lengths, at }
    }

    /// The cuts (character offsets, 0 and `m` included) of `count` stretches
    /// that cover the pattern and together stand least often; `None` when
    /// the lengths allow none.
    fn fewest(&self, count: usize) -> Option<Vec<usize>> {
        let (m, lo, hi) = (self.m, *self.lengths.start(), *self.lengths.end());
        let span = hi - lo + 1;
        // cost[j][b]: the fewest occurrences of j stretches that cover the
        // first b characters; `cut` the length of the last of them.
        let mut cost = vec![u64::MAX; (count + 1) * (m + 1)];
        let mut cut = vec![0usize; (count + 1) * (m + 1)];
        cost[0] = 0;
        for j in 1..=count {
            let rest = count - j;
            let first = (j * lo).max(m.saturating_sub(rest * hi));
            let last = (j * hi).min(m.saturating_sub(rest * lo));
            for b in first..=last {
                for len in lo..=hi.min(b) {
                    let before = cost[(j - 1) * (m + 1) + b - len];
                    let here = self.at[b * span + len - lo];
                    if before == u64::MAX || here == u64::MAX {
                        continue;
                    }
                    if before + here < cost[j * (m + 1) + b] {
                        cost[j * (m + 1) + b] = before + here;
                        cut[j * (m + 1) + b] = len;
                    }
                }
            }
        }
        if cost[count * (m + 1) + m] == u64::MAX {
            return None;
        }
        let mut cuts = vec![m];
        for j in (1..=count).rev() {
            let to = cuts[cuts.len() - 1];
            cuts.push(to - cut[j * (m + 1) + to]);
        }
        cuts.reverse();
        Some(cuts)
    }
}

/// The length in bytes of the grams [`GramCounts`] counts.
const GRAM: usize = 5;
const COUNT_BITS: u32 = 20;
/// The sample is every n-th block of this size, n chosen so that it holds
/// about [`SAMPLE_BYTES`].
const SAMPLE_BLOCK: usize = 64 * 1024;
const SAMPLE_BYTES: usize = 8 << 20;

/// How often each gram of 5 bytes stands in a sample of a text (hashed into
/// 2^20 counters, so a count can only be too high): the estimate by which
/// [`Pieces::rare`] picks pieces. Any estimate gives correct pieces; a good one
/// gives fewer occurrences to check.
pub(crate) struct GramCounts(Vec<u16>);

impl GramCounts {
    /// The counts of `text`, or of every n-th 64 KiB block of it when it is
    /// larger than 8 MiB (counted on every core).
    pub(crate) fn sample(text: &str) -> GramCounts {
        let bytes = text.as_bytes();
        let stride = (bytes.len() / SAMPLE_BYTES).max(1);
        let blocks: Vec<&[u8]> = bytes.chunks(SAMPLE_BLOCK).step_by(stride).collect();
        let count = |block: &[u8], counts: &mut [u16]| {
            for gram in block.windows(GRAM) {
                let slot = &mut counts[Self::slot(gram)];
                *slot = slot.saturating_add(1);
            }
        };
        GramCounts(crate::par::tally(
            &blocks,
            1 << COUNT_BITS,
            count,
            u16::saturating_add,
        ))
    }

    fn slot(gram: &[u8]) -> usize {
        let mut word = [0u8; 8];
        word[..GRAM].copy_from_slice(gram);
        (u64::from_le_bytes(word).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - COUNT_BITS)) as usize
    }

    /// The count of `gram` (`GRAM` bytes).
    fn of(&self, gram: &[u8]) -> u32 {
        u32::from(self.0[Self::slot(gram)])
    }
}

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
    fn all(&self, range: Range<usize>) -> bool {
        range.is_empty()
            || (range.start / ASCII_BLOCK..=(range.end - 1) / ASCII_BLOCK)
                .all(|b| self.0.get(b).copied().unwrap_or(false))
    }
}

/// The offset `n` characters before `at` (or the text's start).
fn back_chars(text: &str, ascii: &AsciiBlocks, at: usize, n: usize) -> usize {
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
fn forward_chars(text: &str, ascii: &AsciiBlocks, at: usize, n: usize) -> usize {
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

/// Sellers' algorithm over one region: each best end with at most `k` edits,
/// then its start by aligning backwards.
fn in_region(
    hay: &str,
    region: Range<usize>,
    pat: &[char],
    myers: &Myers,
    k: usize,
) -> Vec<Candidate> {
    let chars: Vec<(usize, char)> = hay[region.clone()]
        .char_indices()
        .map(|(i, c)| (region.start + i, c))
        .collect();
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut j = 0;
    myers.each_end(chars.iter().map(|&(_, c)| c), |d| {
        j += 1;
        if d <= k {
            ends.push((j, d));
        }
    });
    // Neighbouring ends belong to one match: keep the best end of each run. Among
    // equals, one that does not cut a word (where the pattern does not), else the
    // earliest (no extra text).
    let is_word = |c: Option<char>| c.is_some_and(crate::text::is_word_char);
    let cuts_word =
        |end: usize| is_word(pat.last().copied()) && is_word(chars.get(end).map(|&(_, c)| c));
    let mut runs: Vec<Vec<(usize, usize)>> = Vec::new();
    for (end, d) in ends {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|&(e, _)| end == e + 1) => run.push((end, d)),
            _ => runs.push(vec![(end, d)]),
        }
    }
    let best_ends: Vec<(usize, usize)> = runs
        .into_iter()
        .filter_map(|run| {
            let fewest = run.iter().map(|&(_, d)| d).min()?;
            run.iter()
                .filter(|&&(_, d)| d == fewest)
                .min_by_key(|&&(end, _)| (cuts_word(end), end))
                .copied()
        })
        .collect();
    best_ends
        .into_iter()
        .filter_map(|(end, d)| {
            let start = align_back(&chars[..end], pat, d)?;
            let byte_start = chars[start].0;
            let byte_end = chars.get(end).map_or(region.end, |&(b, _)| b);
            Some(Candidate {
                range: byte_start..byte_end,
                distance: d,
            })
        })
        .collect()
}

/// The stretch of `hay` (one line, say) closest to `pattern` in edit distance,
/// as a byte range; `None` for an empty pattern or line.
///
/// ```
/// use correct::locate::tolerant::closest;
/// let line = "In 1945 the pact was signed by both.";
/// assert_eq!(&line[closest(line, "the pakt was sined").unwrap()], "the pact was signed");
/// ```
pub fn closest(hay: &str, pattern: &str) -> Option<Range<usize>> {
    let pat: Vec<char> = pattern.chars().collect();
    if pat.is_empty() || hay.is_empty() {
        return None;
    }
    let chars: Vec<(usize, char)> = hay.char_indices().collect();
    let ends = end_distances(&chars, &pat);
    let fewest = *ends.iter().min()?;
    // Among the best ends, the stretch whose length is nearest the pattern's.
    let (start, end) = ends
        .iter()
        .enumerate()
        .filter(|&(_, &d)| d == fewest)
        .filter_map(|(j, _)| Some((align_back(&chars[..=j], &pat, fewest)?, j + 1)))
        .min_by_key(|&(start, end)| (end - start).abs_diff(pat.len()))?;
    let byte_end = chars.get(end).map_or(hay.len(), |&(b, _)| b);
    let best = chars[start].0..byte_end;
    // Whole words: a stretch that ends inside a word shows as a cut word.
    let word = |c: &char| crate::text::is_word_char(*c);
    let start = best.start
        - hay[..best.start]
            .chars()
            .rev()
            .take_while(word)
            .map(char::len_utf8)
            .sum::<usize>();
    let end = best.end
        + hay[best.end..]
            .chars()
            .take_while(word)
            .map(char::len_utf8)
            .sum::<usize>();
    Some(start..end)
}

/// The stretch of `hay` that `pattern` aligns to with the fewest edits
/// (Levenshtein, in characters, the stretch starting and ending anywhere),
/// widened to whole words, and that number of edits. The search is
/// bit-parallel (Myers' algorithm in Hyyrö's blocked form): it costs the
/// text's length times the pattern's in 64-character blocks, and finds the
/// same distances as the plain dynamic program (`end_distances`, which a
/// test compares it with).
///
/// ```
/// use correct::locate::tolerant::best_alignment;
/// let hay = "the teh story and more";
/// let (at, edits) = best_alignment(hay, "tehx").unwrap();
/// assert_eq!((&hay[at], edits), ("teh", 1));
/// ```
pub fn best_alignment(hay: &str, pattern: &str) -> Option<(Range<usize>, usize)> {
    let pat: Vec<char> = pattern.chars().collect();
    if pat.is_empty() || hay.is_empty() {
        return None;
    }
    // The first end with the fewest edits, read as the text streams by: no
    // copy of the text's characters (a 100 MB article would need 1.6 GB).
    let (mut best, mut end, mut at) = (usize::MAX, 0usize, 0usize);
    Myers::new(&pat).each_end(hay.chars(), |d| {
        if d < best {
            (best, end) = (d, at);
        }
        at += 1;
    });
    let fewest = best;
    // The stretch is found again in a window around that end (ties: the
    // stretch whose length is nearest the pattern's, which may end later).
    let window_start = (end + 1).saturating_sub(pat.len() + fewest);
    let window_end = end + 1 + fewest;
    let byte_at = |chars: usize| hay.char_indices().nth(chars).map_or(hay.len(), |(b, _)| b);
    let from = byte_at(window_start);
    let to = from
        + hay[from..]
            .char_indices()
            .nth(window_end - window_start)
            .map_or(hay.len() - from, |(b, _)| b);
    let found = closest(&hay[from..to], pattern)?;
    let (mut start, mut end) = (from + found.start, from + found.end);
    // Spaces the pattern does not have at its ends are not part of the miss.
    if !pattern.starts_with(char::is_whitespace) {
        start = end.min(start + (hay[start..end].len() - hay[start..end].trim_start().len()));
    }
    if !pattern.ends_with(char::is_whitespace) {
        end = start.max(end - (hay[start..end].len() - hay[start..end].trim_end().len()));
    }
    Some((start..end, fewest))
}

/// [`end_distances`], bit-parallel: one 64-bit word per 64 pattern characters.
#[cfg(test)]
fn bit_parallel_end_distances(chars: &[(usize, char)], pat: &[char]) -> Vec<usize> {
    let mut ends = Vec::with_capacity(chars.len());
    Myers::new(pat).each_end(chars.iter().map(|&(_, c)| c), |d| ends.push(d));
    ends
}

/// A pattern prepared for Myers' bit-parallel edit distance (in Hyyrö's
/// blocked form): per character, the bits of the pattern positions that hold
/// it, 64 positions to a word.
pub(crate) struct Myers {
    m: usize,
    blocks: usize,
    /// ASCII characters: `blocks` words each, in one table.
    ascii: Vec<u64>,
    others: std::collections::HashMap<char, Vec<u64>>,
    none: Vec<u64>,
}

impl Myers {
    /// Prepares `pat` (not empty).
    pub(crate) fn new(pat: &[char]) -> Myers {
        let m = pat.len();
        let blocks = m.div_ceil(64).max(1);
        let mut ascii = vec![0u64; 128 * blocks];
        let mut others: std::collections::HashMap<char, Vec<u64>> =
            std::collections::HashMap::new();
        for (i, &c) in pat.iter().enumerate() {
            let bit = 1 << (i % 64);
            match c.is_ascii() {
                true => ascii[c as usize * blocks + i / 64] |= bit,
                false => others.entry(c).or_insert_with(|| vec![0; blocks])[i / 64] |= bit,
            }
        }
        Myers {
            m,
            blocks,
            ascii,
            others,
            none: vec![0; blocks],
        }
    }

    fn peq(&self, c: char) -> &[u64] {
        match c.is_ascii() {
            true => &self.ascii[c as usize * self.blocks..(c as usize + 1) * self.blocks],
            false => self.others.get(&c).unwrap_or(&self.none),
        }
    }

    /// Calls `end` with, for each character of `chars` in turn, the fewest edits
    /// aligning the whole pattern to a stretch ending with it (the stretch may
    /// start anywhere).
    pub(crate) fn each_end(&self, chars: impl Iterator<Item = char>, mut end: impl FnMut(usize)) {
        let (m, blocks) = (self.m, self.blocks);
        let mut pv = vec![u64::MAX; blocks];
        let mut mv = vec![0u64; blocks];
        // The last row of each block: the distance of its last pattern character.
        let mut score: Vec<usize> = (0..blocks).map(|b| ((b + 1) * 64).min(m)).collect();
        let last_bit = 1u64 << ((m.max(1) - 1) % 64);
        for c in chars {
            let eqs = self.peq(c);
            // The top row is 0 everywhere: the stretch may start anywhere.
            let mut h_in: i32 = 0;
            for b in 0..blocks {
                let high = if b + 1 == blocks { last_bit } else { 1 << 63 };
                let (p, n) = (pv[b], mv[b]);
                let mut eq = eqs[b];
                let xv = eq | n;
                if h_in < 0 {
                    eq |= 1;
                }
                let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
                let mut ph = n | !(xh | p);
                let mut mh = p & xh;
                let h_out: i32 = if ph & high != 0 {
                    1
                } else if mh & high != 0 {
                    -1
                } else {
                    0
                };
                ph <<= 1;
                mh <<= 1;
                if h_in < 0 {
                    mh |= 1;
                } else if h_in > 0 {
                    ph |= 1;
                }
                pv[b] = mh | !(xv | ph);
                mv[b] = ph & xv;
                score[b] = score[b].wrapping_add_signed(h_out as isize);
                h_in = h_out;
            }
            end(score[blocks - 1]);
        }
    }
}

/// For each character of `chars`, the fewest edits aligning all of `pat` to a
/// stretch ending with it (Sellers' algorithm: the stretch may start anywhere).
fn end_distances(chars: &[(usize, char)], pat: &[char]) -> Vec<usize> {
    let m = pat.len();
    // column[i]: fewest edits aligning pat[..i] to a stretch ending here.
    let mut column: Vec<usize> = (0..=m).collect();
    let mut ends = Vec::with_capacity(chars.len());
    for &(_, c) in chars {
        let mut diagonal = column[0];
        column[0] = 0;
        for i in 1..=m {
            let substitute = diagonal + usize::from(pat[i - 1] != c);
            diagonal = column[i];
            column[i] = substitute.min(column[i] + 1).min(column[i - 1] + 1);
        }
        ends.push(column[m]);
    }
    ends
}

/// The start (char index into `text`) of an alignment of `pat` ending at the end
/// of `text` with `distance` edits, the longest such stretch that costs no more.
fn align_back(text: &[(usize, char)], pat: &[char], distance: usize) -> Option<usize> {
    let m = pat.len();
    let span = (m + distance).min(text.len());
    let stretch = &text[text.len() - span..];
    // cost[j]: edits aligning the reversed pattern to the last j characters.
    let mut cost: Vec<usize> = (0..=span).collect();
    for i in 1..=m {
        let p = pat[m - i];
        let mut diagonal = cost[0];
        cost[0] = i;
        for j in 1..=span {
            let c = stretch[span - j].1;
            let substitute = diagonal + usize::from(p != c);
            diagonal = cost[j];
            cost[j] = substitute.min(cost[j] + 1).min(cost[j - 1] + 1);
        }
    }
    let best = (0..=span)
        .filter(|&j| cost[j] == distance)
        .min_by_key(|&j| j.abs_diff(m))?;
    (best > 0).then(|| text.len() - best)
}

/// Fewest edits turning `pattern` into some stretch of `text` that starts at its
/// first character (`text` reads away from the anchor), and that stretch's length
/// in bytes. Used for `before` (both reversed) and `after`.
pub fn anchored(
    pattern: &[char],
    text: impl Iterator<Item = char>,
    k: usize,
) -> Option<(usize, usize)> {
    let m = pattern.len();
    let stretch: Vec<char> = text.take(m + k).collect();
    let mut column: Vec<usize> = (0..=m).collect();
    let mut best = (column[m], 0usize, 0usize); // (edits, chars, bytes)
    let mut bytes = 0;
    for (j, &c) in stretch.iter().enumerate() {
        let mut diagonal = column[0];
        column[0] = j + 1;
        for i in 1..=m {
            let substitute = diagonal + usize::from(pattern[i - 1] != c);
            diagonal = column[i];
            column[i] = substitute.min(column[i] + 1).min(column[i - 1] + 1);
        }
        bytes += c.len_utf8();
        let chars = j + 1;
        if column[m] < best.0 || (column[m] == best.0 && chars.abs_diff(m) < best.1.abs_diff(m)) {
            best = (column[m], chars, bytes);
        }
    }
    (best.0 <= k).then_some((best.0, best.2))
}

#[cfg(test)]
mod tests {
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

        #[test]
        fn bit_parallel_distances_equal_the_dynamic_program(
            hay in "[ab é\n]{0,300}",
            pat in "[abé ]{1,150}",
        ) {
            let chars: Vec<(usize, char)> = hay.char_indices().collect();
            let pat: Vec<char> = pat.chars().collect();
            prop_assert_eq!(
                bit_parallel_end_distances(&chars, &pat),
                end_distances(&chars, &pat)
            );
        }
    }

    proptest! {
        /// Skipping the merged regions where no piece can anchor a match
        /// changes nothing: every region verified gives the same candidates.
        #[test]
        fn sifting_regions_finds_what_verifying_all_of_them_finds(
            hay in "[ab c]{0,400}",
            pattern in "[ab c]{1,40}",
            k in 0usize..8,
        ) {
            if let Some(pieces) = Pieces::of(&pattern, k) {
                let (ascii, regions) = regions_of(&hay, &pattern, &pieces);
                prop_assert_eq!(
                    fuzzy_in(&hay, &ascii, &pattern, k, &regions, Some(k)),
                    fuzzy_in(&hay, &ascii, &pattern, k, &regions, None)
                );
            }
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

        /// Rare pieces are `k + 1` stretches that cover the pattern in order.
        #[test]
        fn rare_pieces_cut_the_pattern_into_k_plus_one_stretches(
            hay in "[ab c]{0,300}",
            pattern in "[ab cé]{1,90}",
            k in 0usize..10,
        ) {
            let counts = GramCounts::sample(&hay);
            if let Some(pieces) = Pieces::rare(&pattern, k, &counts) {
                prop_assert_eq!(pieces.pieces.len(), k + 1);
                let mut at = 0;
                for piece in &pieces.pieces {
                    prop_assert_eq!(piece.from, at);
                    prop_assert!(piece.to > piece.from);
                    at = piece.to;
                }
                prop_assert_eq!(at, pattern.chars().count());
                prop_assert_eq!(pieces.texts(&pattern).collect::<String>(), pattern.clone());
            }
        }

        /// Pieces cut to be rare find the candidates an even cut finds, sifted
        /// or not: any k + 1 stretches obey the pigeonhole rule.
        #[test]
        fn rare_pieces_find_what_even_pieces_find(
            hay in "[ab c]{0,500}",
            pattern in "[ab c]{1,80}",
            k in 0usize..8,
            sift in any::<bool>(),
        ) {
            let counts = GramCounts::sample(&hay);
            if let (Some(even), Some(rare)) = (Pieces::of(&pattern, k), Pieces::rare(&pattern, k, &counts)) {
                let (ascii, even) = regions_of(&hay, &pattern, &even);
                let (_, rare) = regions_of(&hay, &pattern, &rare);
                let sift = sift.then_some(k);
                prop_assert_eq!(
                    fuzzy_in(&hay, &ascii, &pattern, k, &rare, sift),
                    fuzzy_in(&hay, &ascii, &pattern, k, &even, sift)
                );
            }
        }

        /// Asked only for candidates under `under` edits, the sifted search
        /// gives exactly those of the full one.
        #[test]
        fn candidates_under_a_bound_are_those_of_the_full_search(
            hay in "[ab c]{0,400}",
            pattern in "[ab c]{1,40}",
            k in 0usize..8,
            under in 0usize..9,
        ) {
            if let Some(pieces) = Pieces::of(&pattern, k) {
                let (ascii, regions) = regions_of(&hay, &pattern, &pieces);
                let wanted = |found: Vec<Candidate>| -> Vec<Candidate> {
                    found.into_iter().filter(|c| c.distance < under).collect()
                };
                prop_assert_eq!(
                    wanted(fuzzy_in_regions(&hay, &ascii, &pattern, k, &regions, Some(under))),
                    wanted(fuzzy_in(&hay, &ascii, &pattern, k, &regions, None))
                );
            }
        }
    }

    #[test]
    fn the_best_alignment_of_a_long_find_is_where_it_stands() {
        // 400 characters, 12% of them changed, in a text of other sentences.
        let sentence: String = (0..58).map(|i| format!("word{i:02} ")).collect();
        assert!(sentence.len() > 400);
        let mut changed: Vec<char> = sentence.chars().collect();
        for i in (0..changed.len()).step_by(8) {
            changed[i] = 'X';
        }
        let changed: String = changed.into_iter().collect();
        let hay = format!("Other text here.\n{changed}\nMore text after it.\n");
        let (at, edits) = best_alignment(&hay, &sentence).unwrap();
        assert_eq!(at.start, 17, "{at:?}");
        assert!(at.end >= 17 + sentence.len() - 1, "{at:?}");
        assert_eq!(edits, sentence.len().div_ceil(8));
    }
    use super::*;

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

    #[test]
    fn fuzzy_finds_a_typo_and_refuses_past_the_bound() {
        let hay = "The neutrality pact was signed in April 1941 in Moscow.";
        let found = fuzzy_find(hay, "neutrality pcat was signed", 2);
        assert_eq!(found.len(), 1);
        assert_eq!(&hay[found[0].range.clone()], "neutrality pact was signed");
        assert_eq!(found[0].distance, 2);
        assert!(fuzzy_find(hay, "neutrality pcat was singed", 2).is_empty());
    }

    #[test]
    fn fuzzy_handles_insertions_and_deletions() {
        let hay = "abc the Battle of Khalkhin Gol xyz";
        let found = fuzzy_find(hay, "Battle of Khalkin Gol", 1);
        assert_eq!(&hay[found[0].range.clone()], "Battle of Khalkhin Gol");
        let found = fuzzy_find(hay, "Battle of Khalkhhin Gol", 1);
        assert_eq!(&hay[found[0].range.clone()], "Battle of Khalkhin Gol");
    }

    #[test]
    fn fuzzy_finds_every_separate_match() {
        let hay = "signed the pact; later, signed the pakt";
        let found = fuzzy_find(hay, "signed the pact", 1);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].distance, found[1].distance), (0, 1));
    }

    #[test]
    fn anchored_context_allows_a_few_edits() {
        let before: Vec<char> = "in April ".chars().rev().collect();
        let text = "signed in Aprli ";
        let (edits, bytes) = anchored(&before, text.chars().rev(), 2).unwrap();
        assert_eq!(edits, 2);
        assert_eq!(bytes, "in Aprli ".len());
    }
}
