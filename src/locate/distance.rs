//! Edit distance, the fuzzy tier's measure: the distances of a pattern
//! ending at each place of a text (Myers' bit-parallel algorithm, with the
//! dynamic program it must equal as its test), the alignment back to a
//! match's start, the stretch of a line closest to a pattern (for nearest
//! misses), and the distance of a context anchored at one end.

use std::ops::Range;

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
pub(super) fn align_back(text: &[(usize, char)], pat: &[char], distance: usize) -> Option<usize> {
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
    use super::*;
    use proptest::prelude::*;

    proptest! {
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

    #[test]
    fn anchored_context_allows_a_few_edits() {
        let before: Vec<char> = "in April ".chars().rev().collect();
        let text = "signed in Aprli ";
        let (edits, bytes) = anchored(&before, text.chars().rev(), 2).unwrap();
        assert_eq!(edits, 2);
        assert_eq!(bytes, "in Aprli ".len());
    }
}
