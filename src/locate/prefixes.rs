//! Thousands of patterns found in one read of a text by a few of their
//! bytes, the rarest in it ([`Prefixes`]): the batch's scan for the patterns
//! that are long enough, several times faster than an Aho-Corasick
//! automaton that large.

use std::ops::{ControlFlow, Range};

use super::budget::{Budget, Tally};

/// Patterns at least this long (in bytes) are found by their rarest four
/// bytes (or eight, from [`WIDE`] bytes on).
pub(super) const PREFIX: usize = 4;

const SLOT_BITS: u32 = 16;

/// The filter has more bits than there are slots, so that thousands of
/// patterns leave most of it clear.
const FILTER_BITS: u32 = 20;

/// The rarity of grams is counted in about this much of a text: every
/// n-th block of 64 KiB, n chosen for a large text so that this much is read.
const SAMPLE_BYTES: usize = 8 << 20;

/// Patterns at least this long (in bytes) are found by eight of their bytes
/// rather than four: even the rarest four bytes of a ten-byte piece of
/// prose are common words' (in the 100 MB drift benchmark, those of the
/// patterns this long stood 16 M times where the patterns matched 235 k
/// times; their rarest eight stand 1.4 M times).
const WIDE: usize = 8;

/// Patterns by a few of their bytes, the rarest in the text (so that ` the`
/// never stands for a pattern that holds `Kolkh`): by four bytes those
/// under [`WIDE`] bytes, by eight the rest. A scan for thousands of
/// patterns at once, several times faster than an Aho-Corasick automaton
/// that large, whose every step is a cache miss. A pattern long enough
/// whose grams are all about as rare is found by reading only every 8th
/// position of the text ([`Keys::stride`]): a table per gram width and
/// stride.
pub(super) struct Prefixes {
    narrow: Vec<Keys<u32>>,
    wide: Vec<Keys<u64>>,
}

/// A few bytes of a text read as one number: four or eight.
pub(super) trait Gram: Copy + Eq {
    const LEN: usize;
    /// `bytes`, [`Gram::LEN`] of them, as one number.
    fn of(bytes: &[u8]) -> Self;
    /// The bytes mixed: the high bits pick the filter bit and the slot.
    fn mixed(self) -> u64;

    fn slot(self) -> usize {
        (self.mixed() >> (64 - SLOT_BITS)) as usize
    }

    fn filter(self) -> usize {
        (self.mixed() >> (64 - FILTER_BITS)) as usize
    }
}

impl Gram for u32 {
    const LEN: usize = 4;

    fn of(bytes: &[u8]) -> u32 {
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    fn mixed(self) -> u64 {
        u64::from(self).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl Gram for u64 {
    const LEN: usize = 8;

    fn of(bytes: &[u8]) -> u64 {
        let mut eight = [0; 8];
        eight.copy_from_slice(&bytes[..8]);
        u64::from_le_bytes(eight)
    }

    fn mixed(self) -> u64 {
        (self ^ self >> 29).wrapping_mul(0xBF58_476D_1CE4_E5B9)
    }
}

/// The stride a table of long patterns reads the text at (see
/// [`Keys::stride`]); the others read every position.
pub(super) const STRIDE: usize = 8;

/// Patterns at least this long may be read at [`STRIDE`]: their
/// [`STRIDE`] entries of 16 bytes then hold at most four times their own
/// bytes, as a record file's patterns may be hundreds of megabytes.
const STRIDED_MIN: usize = 32;

/// Gram counts (in a sample of [`SAMPLE_BYTES`]) this low are rare enough
/// for any stride.
const RARE: u64 = 16;

/// What a candidate costs against a position read: a slot's entries and a
/// compare, against one gram hashed.
const CANDIDATE_COST: u64 = 32;

/// How often a pattern would be a candidate in the sample `seen` counts:
/// read at every position (wherever its rarest gram stands), and read at
/// [`STRIDE`] (wherever the rarest gram of each remainder of its grams'
/// positions stands, at one position in [`STRIDE`]: as often as those
/// stand on average, times the stride). `None`: shorter than
/// [`STRIDED_MIN`].
fn candidates<K: Gram>(bytes: &[u8], seen: &[u32]) -> (u64, Option<u64>) {
    let count = |gram: &[u8]| u64::from(seen[K::of(gram).slot()]);
    let rarest = bytes.windows(K::LEN).map(count).min().unwrap_or(0);
    let strided = (bytes.len() >= STRIDED_MIN.max(K::LEN + STRIDE - 1)).then(|| {
        (0..STRIDE)
            .filter_map(|remainder| {
                (bytes.windows(K::LEN).skip(remainder).step_by(STRIDE))
                    .map(count)
                    .min()
            })
            .sum::<u64>()
    });
    (rarest, strided)
}

/// The stride each of the patterns `ids` is read at: [`STRIDE`] for those
/// that are candidates about as rarely there (on average at most twice as
/// often as the rarest gram stands, plus [`RARE`]: sentences, whose rarest
/// grams stand a few times in a text), 1 for the others (the pieces of
/// common words). When no pattern is too short for the stride and those
/// at 1 would cost fewer candidates at [`STRIDE`] than a pass over the
/// text, they go to [`STRIDE`] too: the pass is saved.
fn strides<K: Gram>(ids: &[usize], list: &[&str], seen: &[u32]) -> Vec<usize> {
    let counts: Vec<(u64, Option<u64>)> = (ids.iter())
        .map(|&id| candidates::<K>(list[id].as_bytes(), seen))
        .collect();
    let stride = |&(rarest, strided): &(u64, Option<u64>)| match strided {
        Some(strided) if strided <= STRIDE as u64 * (2 * rarest + RARE) => STRIDE,
        _ => 1,
    };
    let mut strides: Vec<usize> = counts.iter().map(stride).collect();
    let sampled: u64 = seen.iter().map(|&c| u64::from(c)).sum();
    let extra: Option<u64> = (counts.iter().zip(&strides))
        .filter(|&(_, &s)| s == 1)
        .map(|(&(rarest, strided), _)| {
            Some(strided?.div_ceil(STRIDE as u64).saturating_sub(rarest))
        })
        .sum();
    if extra.is_some_and(|extra| extra * CANDIDATE_COST <= sampled) {
        strides.fill(STRIDE);
    }
    strides
}

/// Patterns by one gram each: a filter of 2^20 bits (128 KiB, so most
/// positions of a text are passed over after one look), and each hash
/// slot's patterns.
pub(super) struct Keys<K> {
    bits: Vec<u64>,
    /// `entries[slots[s]..slots[s + 1]]` are slot `s`'s (gram, pattern id,
    /// where in the pattern it stands).
    slots: Vec<u32>,
    pub(super) entries: Vec<(K, u32, u32)>,
    /// The farthest into a pattern its gram stands.
    reach: usize,
    /// Only the positions of the text that are multiples of this are read.
    /// A pattern then has `stride` entries, one for each remainder of its
    /// grams' positions in it divided by `stride` (the rarest gram of
    /// each): wherever the pattern stands, exactly one of those grams
    /// stands at a position that is read.
    stride: usize,
}

/// How often each slot's grams stand in a sample of a text (counted on
/// every core).
pub(super) fn seen<K: Gram>(hay: &[u8], wanted: bool) -> Vec<u32> {
    if !wanted {
        return vec![0; 1 << SLOT_BITS];
    }
    let stride = (hay.len() / SAMPLE_BYTES).max(1);
    let blocks: Vec<&[u8]> = hay.chunks(64 << 10).step_by(stride).collect();
    let count = |block: &[u8], seen: &mut [u32]| {
        for gram in block.windows(K::LEN) {
            seen[K::of(gram).slot()] += 1;
        }
    };
    crate::par::tally(&blocks, 1 << SLOT_BITS, count, |a, b| a + b)
}

impl<K: Gram> Keys<K> {
    /// The tables of the patterns `ids` (each at least a gram long), one
    /// per stride ([`strides`]), each pattern by its grams that `seen`
    /// counts least often.
    fn tables(ids: &[usize], list: &[&str], seen: &[u32]) -> Vec<Keys<K>> {
        let strides = strides::<K>(ids, list, seen);
        [1, STRIDE]
            .into_iter()
            .filter_map(|stride| {
                let ids: Vec<usize> = (ids.iter().zip(&strides))
                    .filter(|&(_, &s)| s == stride)
                    .map(|(&id, _)| id)
                    .collect();
                (!ids.is_empty()).then(|| Keys::of(&ids, list, seen, stride))
            })
            .collect()
    }

    /// The patterns `ids` (each holding at least `stride` grams), read at
    /// `stride`.
    pub(super) fn of(ids: &[usize], list: &[&str], seen: &[u32], stride: usize) -> Keys<K> {
        let mut entries: Vec<(K, u32, u32)> = ids
            .iter()
            .flat_map(|&id| {
                let bytes = list[id].as_bytes();
                (0..stride).map(move |remainder| {
                    let (at, gram) = (bytes.windows(K::LEN).enumerate())
                        .skip(remainder)
                        .step_by(stride)
                        .min_by_key(|&(at, gram)| (seen[K::of(gram).slot()], at))
                        .expect("a pattern here holds a gram for each remainder");
                    (K::of(gram), id as u32, at as u32)
                })
            })
            .collect();
        entries.sort_by_key(|&(key, id, at)| (key.slot(), id, at));
        let mut slots = vec![0u32; (1 << SLOT_BITS) + 1];
        let mut bits = vec![0u64; (1 << FILTER_BITS) / 64];
        for &(key, _, _) in &entries {
            slots[key.slot() + 1] += 1;
            let f = key.filter();
            bits[f / 64] |= 1 << (f % 64);
        }
        for s in 0..1 << SLOT_BITS {
            slots[s + 1] += slots[s];
        }
        let reach = entries.iter().map(|e| e.2 as usize).max().unwrap_or(0);
        Keys {
            bits,
            slots,
            entries,
            reach,
            stride,
        }
    }

    /// [`Prefixes::find`] for these patterns, into `found`; `None` once the
    /// work passes `work`.
    pub(super) fn find(
        &self,
        hay: &[u8],
        starts: &Range<usize>,
        list: &[&str],
        (work, tally): (&mut usize, &mut Tally<'_>),
        found: &mut Vec<(u32, u32)>,
    ) -> Option<()> {
        if starts.is_empty() || hay.len() < K::LEN {
            return Some(());
        }
        let from = found.len();
        // The grams read: from the first position the stride reads at or
        // after the first start, to the last a match starting in `starts`
        // can hold its gram at.
        let last = (starts.end - 1 + self.reach).min(hay.len() - K::LEN);
        let mut at = starts.start.next_multiple_of(self.stride);
        while at <= last {
            let key = K::of(&hay[at..at + K::LEN]);
            let f = key.filter();
            if self.bits[f / 64] >> (f % 64) & 1 != 0
                && self.verify(hay, at, key, starts, list, (work, tally), found)?
                    == ControlFlow::Break(())
            {
                // The budget is spent: the search stops.
                break;
            }
            at += self.stride;
        }
        if self.stride > 1 {
            // Read at a stride, a pattern's matches come as their grams
            // stand, not as they start.
            found[from..].sort_unstable_by_key(|&(id, start)| (start, id));
        }
        Some(())
    }

    /// The matches starting in `starts` of the patterns whose gram `key`
    /// stands at `at`, into `found`; `None` once the work passes `work`,
    /// `Break` once the budget is spent. Out of line: [`Keys::find`]'s scan
    /// keeps its registers.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn verify(
        &self,
        hay: &[u8],
        at: usize,
        key: K,
        starts: &Range<usize>,
        list: &[&str],
        (work, tally): (&mut usize, &mut Tally<'_>),
        found: &mut Vec<(u32, u32)>,
    ) -> Option<ControlFlow<()>> {
        let s = key.slot();
        let (from, to) = (self.slots[s] as usize, self.slots[s + 1] as usize);
        for &(k, id, offset) in &self.entries[from..to] {
            let Some(start) = at.checked_sub(offset as usize) else {
                continue;
            };
            if k != key || !starts.contains(&start) {
                continue;
            }
            let pattern = list[id as usize].as_bytes();
            // A compare costs the pattern's length; a match is paid
            // for by the match, as the automaton pays for it.
            *work = work.checked_sub(pattern.len())?;
            if hay[start..].starts_with(pattern) {
                if !tally.admit() {
                    return Some(ControlFlow::Break(()));
                }
                *work += pattern.len().min(WORK_PER_MATCH);
                // Offsets fit in 32 bits (Normalized's limit): half the
                // memory of the many piece hits a large text gives.
                found.push((id, start as u32));
            }
        }
        Some(ControlFlow::Continue(()))
    }
}

impl Prefixes {
    pub(super) fn of(ids: &[usize], list: &[&str], hay: &[u8]) -> Prefixes {
        let (narrow, wide): (Vec<usize>, Vec<usize>) =
            ids.iter().partition(|&&id| list[id].len() < WIDE);
        Prefixes {
            narrow: Keys::tables(&narrow, list, &seen::<u32>(hay, !narrow.is_empty())),
            wide: Keys::tables(&wide, list, &seen::<u64>(hay, !wide.is_empty())),
        }
    }

    /// Every (pattern id, start) of the patterns starting in `starts`, in
    /// order of start for each pattern, as many as `budget` admits.
    /// `None` when the work passes an allowance linear in the part's length
    /// and its matches (a hostile text and patterns can share their bytes
    /// everywhere: `xxxx…` in a text of `x`): the caller then uses the
    /// automaton, whose work is linear in both whatever they hold (the
    /// matches admitted so far stay counted: a pathological text may spend
    /// the budget up to twice as fast).
    pub(super) fn find(
        &self,
        hay: &[u8],
        starts: Range<usize>,
        list: &[&str],
        budget: &Budget,
    ) -> Option<Vec<(u32, u32)>> {
        let mut found = Vec::new();
        let mut tally = budget.tally();
        let reach = (self.narrow.iter().map(|k| k.reach))
            .chain(self.wide.iter().map(|k| k.reach))
            .max()
            .unwrap_or(0);
        let mut work = WORK_PER_BYTE * (starts.len() + reach) + WORK_MIN;
        // Each pattern is in one of the tables: its matches stay in order.
        for keys in &self.narrow {
            keys.find(hay, &starts, list, (&mut work, &mut tally), &mut found)?;
        }
        for keys in &self.wide {
            keys.find(hay, &starts, list, (&mut work, &mut tally), &mut found)?;
        }
        Some(found)
    }
}

/// [`Prefixes::find`]'s work allowance: compares of this many bytes per byte of text
/// (and a start), and up to this many bytes back per match.
const WORK_PER_BYTE: usize = 16;

const WORK_MIN: usize = 1 << 16;

const WORK_PER_MATCH: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences, whose grams all stand about as often, are read at the
    /// stride, however often they stand (each match is a candidate once
    /// either way); one whose only rare grams are at its start would be a
    /// candidate far more often there, and is read at every position. A
    /// few of those alone move to the stride, saving a pass; many do not.
    #[test]
    fn patterns_are_read_at_the_stride_where_it_costs_few_candidates() {
        let text = "the cat sat on the mat and the dog ate the rat. ".repeat(2_000);
        let seen = seen::<u64>(text.as_bytes(), true);
        let strides = |list: &[&str]| {
            let ids: Vec<usize> = (0..list.len()).collect();
            strides::<u64>(&ids, list, &seen)
        };
        let (rare, common) = (
            "Kolkhoz harvests of Kamchatka in 1946",
            "the dog ate the rat. the cat sat",
        );
        // Rare at its start only: three of its remainders' rarest grams
        // stand nowhere, five stand 2,000 times.
        let starts_rare: Vec<String> = (0..20)
            .map(|i| format!("Q{i:02} the cat sat on the mat and the dog"))
            .collect();
        let too_short = "the mat and";
        assert_eq!(strides(&[rare, common]), [STRIDE, STRIDE]);
        assert_eq!(strides(&[rare, &starts_rare[0], too_short]), [STRIDE, 1, 1]);
        assert_eq!(strides(&[rare, &starts_rare[0]]), [STRIDE, STRIDE]);
        let many: Vec<&str> = starts_rare.iter().map(String::as_str).collect();
        assert_eq!(strides(&many), vec![1; many.len()]);
    }
}
