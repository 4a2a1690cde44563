//! The search itself: every `find` (or `replace`) text located in one Aho-Corasick
//! pass over the article, cut into one chunk per core for large texts, then the
//! matches each record's context admits.

use std::collections::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Input, MatchKind};
use rayon::prelude::*;

use super::fits_context;
use crate::record::Record;

/// All occurrences (overlapping) of a set of patterns, found in one pass.
pub(super) struct Matcher<'t> {
    text: &'t str,
    ids: HashMap<&'t str, usize>,
    starts: Vec<Vec<usize>>,
}

impl<'t> Matcher<'t> {
    pub(super) fn new<'p: 't>(
        text: &'t str,
        patterns: impl Iterator<Item = &'p str>,
    ) -> Matcher<'t> {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut list = Vec::new();
        for p in patterns {
            ids.entry(p).or_insert_with(|| {
                list.push(p);
                list.len() - 1
            });
        }
        let mut starts = vec![Vec::new(); list.len()];
        if !list.is_empty() {
            // A DFA searches fastest; for pattern sets too large for one, a
            // contiguous NFA still searches in one pass. Both are used through
            // their concrete types, so the search loop is compiled for each.
            let longest = list.iter().map(|p| p.len()).max().unwrap_or(0);
            let total: usize = list.iter().map(|p| p.len()).sum();
            let dfa = (total <= DFA_MAX_PATTERN_BYTES)
                .then(|| {
                    DFA::builder()
                        .match_kind(MatchKind::Standard)
                        .build(&list)
                        .ok()
                })
                .flatten();
            let found = match dfa {
                Some(dfa) => search(&dfa, text.as_bytes(), longest),
                None => {
                    let nfa = contiguous::NFA::builder()
                        .match_kind(MatchKind::Standard)
                        .build(&list)
                        .expect("literal patterns within the record limits always build");
                    search(&nfa, text.as_bytes(), longest)
                }
            };
            for (pattern, start) in found.into_iter().flatten() {
                starts[pattern].push(start);
            }
        }
        Matcher { text, ids, starts }
    }

    /// Binds the matcher to records whose pattern `pattern(record)` it searched.
    pub(super) fn with_records<'r>(
        self,
        records: &'r [Record],
        pattern: fn(&Record) -> &String,
    ) -> RecordMatches<'t, 'r> {
        RecordMatches {
            matcher: self,
            records,
            pattern,
            cache: HashMap::new(),
        }
    }
}

/// A pattern and the context a record demands of it: (pattern, before, after, whole_word).
type ContextKey<'r> = (usize, Option<&'r str>, Option<&'r str>, bool);

/// Pattern sets up to this many bytes get a DFA (fastest to search, but its size
/// grows with the patterns); larger sets a contiguous NFA, quick to build.
const DFA_MAX_PATTERN_BYTES: usize = 1 << 18;

/// Texts below this size are searched by one thread.
const PARALLEL_MIN: usize = 4 << 20;

/// Every overlapping match as (pattern, start), chunk by chunk; for each pattern
/// in order of start. Large texts are cut into one chunk per core, each searched past its end
/// by the longest pattern so that no match across a cut is lost or found twice.
fn search<A: Automaton + Sync>(
    automaton: &A,
    text: &[u8],
    longest: usize,
) -> Vec<Vec<(usize, usize)>> {
    let chunks = (text.len() / PARALLEL_MIN).clamp(1, rayon::current_num_threads().clamp(1, 8));
    search_in_chunks(automaton, text, longest, chunks)
}

fn search_in_chunks<A: Automaton + Sync>(
    automaton: &A,
    text: &[u8],
    longest: usize,
    chunks: usize,
) -> Vec<Vec<(usize, usize)>> {
    // Overlapping matches come in order of their end; for one pattern that is
    // also the order of their start. Chunks come in text order.
    let chunk = |lo: usize, hi: usize| -> Vec<(usize, usize)> {
        let end = (hi + longest.saturating_sub(1)).min(text.len());
        automaton
            .try_find_overlapping_iter(Input::new(&text[lo..end]))
            .expect("an unanchored overlapping search of a Standard automaton cannot fail")
            .map(|m| (m.pattern().as_usize(), lo + m.start()))
            .filter(|&(_, start)| start < hi)
            .collect()
    };
    if chunks == 1 {
        return vec![chunk(0, text.len())];
    }
    let cut = |i: usize| text.len() * i / chunks;
    let found: Vec<Vec<(usize, usize)>> = (0..chunks)
        .into_par_iter()
        .map(|i| chunk(cut(i), cut(i + 1)))
        .collect();
    found
}

/// Per record: the matches of its pattern that satisfy its context, cached by
/// (pattern, before, after, whole_word) so that many records sharing a word cost
/// one filtering.
pub(super) struct RecordMatches<'t, 'r> {
    matcher: Matcher<'t>,
    records: &'r [Record],
    pattern: fn(&Record) -> &String,
    cache: HashMap<ContextKey<'r>, Vec<usize>>,
}

impl RecordMatches<'_, '_> {
    pub(super) fn raw(&self, record: usize) -> &[usize] {
        let pattern = (self.pattern)(&self.records[record]);
        self.matcher
            .ids
            .get(pattern.as_str())
            .map_or(&[], |&id| &self.matcher.starts[id])
    }

    pub(super) fn matches(&mut self, record: usize) -> &[usize] {
        let r = &self.records[record];
        let pattern = (self.pattern)(r);
        let Some(&id) = self.matcher.ids.get(pattern.as_str()) else {
            return &[];
        };
        let key = (id, r.before.as_deref(), r.after.as_deref(), r.whole_word);
        let text = self.matcher.text;
        let starts = &self.matcher.starts[id];
        self.cache.entry(key).or_insert_with(|| {
            let mut kept = Vec::new();
            let mut free_from = 0;
            for &start in starts {
                let end = start + pattern.len();
                if start >= free_from && fits_context(text, start..end, r) {
                    kept.push(start);
                    free_from = end;
                }
            }
            kept
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_search_finds_every_match_once_even_across_cuts() {
        let patterns = ["abc", "bcd", "c", "cdcd"];
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        let text = "abcdcdabcdcbcdcabc".repeat(7);
        let whole = search_in_chunks(&dfa, text.as_bytes(), 4, 1).concat();
        for chunks in 2..9 {
            let mut cut = search_in_chunks(&dfa, text.as_bytes(), 4, chunks).concat();
            for pattern in 0..patterns.len() {
                let starts: Vec<usize> =
                    cut.iter().filter(|m| m.0 == pattern).map(|m| m.1).collect();
                assert!(starts.windows(2).all(|w| w[0] < w[1]), "in order of start");
            }
            let mut expected = whole.clone();
            cut.sort_unstable();
            expected.sort_unstable();
            assert_eq!(cut, expected, "{chunks} chunks");
        }
    }
}
