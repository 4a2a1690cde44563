//! Thousands of single-word patterns wanted as whole words (spelling lists,
//! house style), found by looking each word of the text up in a hash table.
//! The runs of bytes that may hold words are found 64 bytes at a time, by
//! two bits per byte (may it be in a word; is it part of a non-ASCII
//! character), and a sieve (a bit per hashed pattern) passes over most
//! words without a lookup.

use rayon::prelude::*;

use super::budget::{Budget, Tally};
use super::matcher::chunks;
use crate::text::is_word_char;

/// Whether `pattern` is one word: alphanumeric characters only, so that its
/// whole-word matches are exactly the words of the text equal to it.
pub(super) fn is_word(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(is_word_char)
}

/// Every word of `text` found in `index`, as (pattern, start), chunk by chunk in
/// text order. A word is a longest run of alphanumeric characters, as
/// [`is_whole_word`] sees them. Large texts are cut as [`chunks`] says.
pub(super) fn search_words(
    text: &str,
    index: &foldhash::HashMap<&str, usize>,
    budget: &Budget,
) -> Vec<Vec<(usize, usize)>> {
    let sieve = Sieve::of(index.keys());
    let chunk = |lo: usize, hi: usize| {
        let mut found = Vec::new();
        let mut tally = budget.tally();
        // The sieve is asked inline, once per word of the text; the few words
        // it lets through, and runs with non-ASCII characters, are handled in
        // calls of their own (this loop stays small enough to be one function).
        for_each_run(text.as_bytes(), lo, hi, |start, end, ascii| match ascii {
            true => {
                if sieve.may_hold(text.as_bytes(), start..end) {
                    look_up(text, index, start..end, (&mut found, &mut tally));
                }
            }
            false => look_up_words(text, index, &sieve, start..end, (&mut found, &mut tally)),
        });
        found
    };
    let chunks = chunks(text);
    match chunks {
        1 => vec![chunk(0, text.len())],
        _ => (0..chunks)
            .into_par_iter()
            .map(|i| chunk(text.len() * i / chunks, text.len() * (i + 1) / chunks))
            .collect(),
    }
}

/// [`look_up`] for each word of the run `text[run]`: its non-ASCII characters
/// may or may not be alphanumeric, so it holds one or more words.
#[inline(never)]
fn look_up_words(
    text: &str,
    index: &foldhash::HashMap<&str, usize>,
    sieve: &Sieve,
    run: std::ops::Range<usize>,
    (found, tally): (&mut Vec<(usize, usize)>, &mut Tally<'_>),
) {
    words_in(&text[run.clone()], |at| {
        let at = run.start + at.start..run.start + at.end;
        if sieve.may_hold(text.as_bytes(), at.clone()) {
            look_up(text, index, at, (&mut *found, &mut *tally));
        }
    });
}

/// Adds (pattern, start) to `found` if the word `text[at]` is a pattern (and
/// the budget admits it).
#[inline(never)]
fn look_up(
    text: &str,
    index: &foldhash::HashMap<&str, usize>,
    at: std::ops::Range<usize>,
    (found, tally): (&mut Vec<(usize, usize)>, &mut Tally<'_>),
) {
    if let Some(&id) = index.get(&text[at.clone()])
        && tally.admit()
    {
        found.push((id, at.start));
    }
}

/// A bit per hashed pattern: most words of a text are no pattern, and the
/// sieve passes over nearly all of them without a hash-table lookup (it never
/// passes over a pattern).
struct Sieve {
    bits: Vec<u64>,
    shift: u32,
}

impl Sieve {
    fn of<'w>(words: impl ExactSizeIterator<Item = &'w &'w str>) -> Sieve {
        // About 64 bits per pattern, between 8 KiB and 2 MiB.
        let bits = (words.len() * 64)
            .next_power_of_two()
            .clamp(1 << 16, 1 << 24);
        let mut sieve = Sieve {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
        };
        for word in words {
            let bit = sieve.bit(word.as_bytes(), 0..word.len());
            sieve.bits[bit / 64] |= 1 << (bit % 64);
        }
        sieve
    }

    /// A hash of the length of `text[at]` and of its first and last eight bytes
    /// (read straight from the text where it can be: no copy per word).
    #[inline(always)]
    fn bit(&self, text: &[u8], at: std::ops::Range<usize>) -> usize {
        let n = at.len();
        let (head, tail) = if n >= 8 {
            (load(text, at.start), load(text, at.end - 8))
        } else if at.start + 8 <= text.len() {
            let head = load(text, at.start) & (u64::MAX >> (64 - 8 * n));
            (head, head)
        } else {
            let mut eight = [0; 8];
            eight[..n].copy_from_slice(&text[at]);
            let head = u64::from_le_bytes(eight);
            (head, head)
        };
        let mixed = (head ^ tail.rotate_left(29) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> self.shift) as usize
    }

    #[inline(always)]
    fn may_hold(&self, text: &[u8], at: std::ops::Range<usize>) -> bool {
        let bit = self.bit(text, at);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The eight bytes of `text` from `at`, as one number.
#[inline(always)]
fn load(text: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(text[at..at + 8].try_into().expect("eight bytes"))
}

/// A byte that may belong to a word: ASCII alphanumeric, or part of a non-ASCII
/// character (which [`words_in`] then looks at closely).
#[inline(always)]
fn in_run(b: u8) -> bool {
    crate::text::may_be_word_byte(b)
}

/// Two bits per byte of `block` (up to 64 bytes): whether it may belong to a
/// word, and whether it is part of a non-ASCII character.
#[inline(always)]
fn run_bits(block: &[u8]) -> (u64, u64) {
    let (mut flags, mut high) = ([0u8; 64], [0u8; 64]);
    for ((flag, high), &b) in flags.iter_mut().zip(&mut high).zip(block) {
        *flag = u8::from(in_run(b));
        *high = u8::from(!b.is_ascii());
    }
    (
        crate::text::bits::pack(&flags),
        crate::text::bits::pack(&high),
    )
}

/// Calls `f` with every longest run of [`in_run`] bytes that starts in `lo..hi`
/// (a run that starts before `lo` belongs to the chunk before), whole, and
/// whether the run is all ASCII.
#[inline(always)]
fn for_each_run(bytes: &[u8], lo: usize, hi: usize, mut f: impl FnMut(usize, usize, bool)) {
    let mut base = lo;
    if lo > 0 && in_run(bytes[lo - 1]) {
        while base < bytes.len() && in_run(bytes[base]) {
            base += 1;
        }
    }
    // The open run's start, and its non-ASCII bytes in the blocks before.
    let mut start = None;
    let mut high_before = 0;
    loop {
        // A run still open at the end of the text ends at a byte past it, in a
        // block of its own: `f` is called in one place, so it is inlined.
        let (bits, high, len) = match bytes.get(base..) {
            Some(rest) if !rest.is_empty() => {
                let block = &rest[..rest.len().min(64)];
                let (bits, high) = run_bits(block);
                (bits, high, block.len())
            }
            _ if start.is_some() => (0, 0, 1),
            _ => return,
        };
        let inside = u64::MAX >> (64 - len);
        let mut from = 0;
        loop {
            let after = inside & (u64::MAX << from);
            match start {
                None => {
                    let starts = bits & after;
                    if starts == 0 {
                        break;
                    }
                    from = starts.trailing_zeros();
                    if base + from as usize >= hi {
                        return;
                    }
                    start = Some((base + from as usize, from));
                }
                Some((run, first)) => {
                    let ends = !bits & after;
                    if ends == 0 {
                        // The run goes on into the next block.
                        high_before |= high & (u64::MAX << first);
                        start = Some((run, 0));
                        break;
                    }
                    from = ends.trailing_zeros();
                    let within = (u64::MAX << first) & !(u64::MAX << from);
                    let ascii = (high_before | (high & within)) == 0;
                    f(run, base + from as usize, ascii);
                    (start, high_before) = (None, 0);
                }
            }
        }
        base += len;
    }
}

/// Calls `f` with the span of every word of `run`, in order.
fn words_in(run: &str, mut f: impl FnMut(std::ops::Range<usize>)) {
    let mut start = None;
    for (at, c) in run.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(at),
            (false, Some(word)) => {
                f(word..at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(word) = start {
        f(word..run.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_know_whether_they_are_ascii_across_blocks() {
        // Long runs with one non-ASCII character placed at every offset, so that
        // runs start, end and hold it on either side of a 64-byte block edge.
        // The text ends after a last ASCII word, or in the run with é.
        for (offset, len, end) in (0..140).flat_map(|offset| {
            [1, 63, 64, 65, 130]
                .into_iter()
                .flat_map(move |len| [(offset, len, ", e"), (offset, len, "")])
        }) {
            let mut text = " ".repeat(offset);
            text.push_str(&"a".repeat(len));
            text.push_str(" b ");
            text.push_str(&"c".repeat(len / 2));
            text.push('é');
            text.push_str(&"d".repeat(len / 2));
            text.push_str(end);
            let bytes = text.as_bytes();
            let mut runs = Vec::new();
            for_each_run(bytes, 0, bytes.len(), |s, e, ascii| {
                assert_eq!(ascii, text[s..e].is_ascii(), "{offset} {len}: {s}..{e}");
                runs.push(&text[s..e]);
            });
            let expected: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
            assert_eq!(runs, expected, "{offset} {len} {end:?}");
        }
    }

    #[test]
    fn words_are_found_in_every_chunk_once() {
        // Cut anywhere, even inside a character or a word, each word is found
        // by the chunk it starts in.
        let text = "teh é teh’teh дом teh1 teh";
        let index: foldhash::HashMap<&str, usize> = [("teh", 0), ("дом", 1)].into_iter().collect();
        let bytes = text.as_bytes();
        let whole: Vec<(usize, usize)> = {
            let mut found = Vec::new();
            for_each_run(bytes, 0, bytes.len(), |s, e, _| {
                words_in(&text[s..e], |w| {
                    if let Some(&id) = index.get(&text[s + w.start..s + w.end]) {
                        found.push((id, s + w.start));
                    }
                });
            });
            found
        };
        assert_eq!(whole, [(0, 0), (0, 7), (0, 13), (1, 17), (0, 29)]);
        for cut in 0..=bytes.len() {
            let mut found = Vec::new();
            for (lo, hi) in [(0, cut), (cut, bytes.len())] {
                for_each_run(bytes, lo, hi, |s, e, _| {
                    words_in(&text[s..e], |w| {
                        if let Some(&id) = index.get(&text[s + w.start..s + w.end]) {
                            found.push((id, s + w.start));
                        }
                    });
                });
            }
            assert_eq!(found, whole, "cut at {cut}");
        }
    }
}
