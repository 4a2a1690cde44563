//! The pigeonhole pieces of a pattern for the fuzzy tier: with at most `k`
//! edits, one of `k + 1` pieces of `find` stands exactly in any match, so
//! only the text around the pieces' occurrences is checked. The pieces are
//! cut where a sample of the text says they are rare ([`GramCounts`]).

use std::ops::Range;

use super::normalized::{AsciiBlocks, back_chars, forward_chars};
use super::tolerant::MAX_REGIONS;

/// One piece of a pattern: its characters `from..to`, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) bytes: Range<usize>,
}

/// The pigeonhole pieces of a normalized pattern for at most `k` edits: `k + 1`
/// stretches of about equal length, one of which a match must hold exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pieces {
    pub(super) k: usize,
    /// The pattern's length in characters.
    pub(super) m: usize,
    pub(super) pieces: Vec<Piece>,
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

/// The regions of one pattern: windows around its pieces' occurrences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regions {
    pub(super) list: Vec<Region>,
    /// The pieces, as [`Pieces`] has them.
    pub(super) pieces: Vec<Piece>,
    /// Whether the list stopped at [`MAX_REGIONS`].
    pub(super) capped: bool,
}

/// One window of the text that may hold a match: around an occurrence of a piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Region {
    pub(super) range: Range<usize>,
    /// Where the piece occurs (a byte offset of the text), and which piece.
    pub(super) hit: usize,
    pub(super) piece: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
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
    }
}
