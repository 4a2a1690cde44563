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
//!
//! This module searches; the normalized copy is made in `normalized`, the
//! pieces cut and their regions found in `pieces`, and edit distances
//! measured in `distance` (their public items are re-exported here).

use std::ops::Range;

use memchr::memmem;

use super::distance::{Myers, align_back};
pub use super::distance::{anchored, best_alignment, closest};
use super::normalized::{AsciiBlocks, back_chars, forward_chars};
pub use super::normalized::{Normalized, normalize};
pub(crate) use super::pieces::GramCounts;
use super::pieces::{Piece, Region};
pub use super::pieces::{Pieces, Regions};

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
}
