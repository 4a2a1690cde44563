//! The search itself: every `find` (or `replace`) text located in one pass over
//! the article, cut into a few chunks per core for large texts, then the matches
//! each record's context admits.
//!
//! When there are thousands of patterns that are single words wanted only as
//! whole words (spelling lists, house style), those are looked up word by word
//! in a hash table; the rest go through one Aho-Corasick automaton. Both find
//! exactly what an overlapping search followed by the whole-word check would.

use std::collections::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Input, MatchKind};
use rayon::prelude::*;

use super::budget::Budget;
use super::lookup::{is_word, search_words};
use super::{fits_around, is_whole_word};
use crate::record::Record;

/// All occurrences (overlapping) of a set of patterns, found in one pass.
pub(super) struct Matcher<'t> {
    text: &'t str,
    ids: HashMap<&'t str, usize>,
    /// Per pattern, its matches in order of start (whole words only for the
    /// patterns looked up word by word).
    found: Vec<Vec<Raw>>,
    /// Per pattern, whether it was looked up word by word.
    by_word: Vec<bool>,
}

/// One match of a pattern, and whether it stands as a whole word: worked out
/// during the search, while that part of the text is in cache (checked later,
/// pattern by pattern, each check would be a cache miss somewhere in the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Raw {
    start: usize,
    whole_word: bool,
}

/// The distinct patterns of `patterns` (each with whether its record wants
/// whole words): each pattern's id, the patterns by id, and whether each is
/// one word that every record wants whole.
fn distinct<'p>(
    patterns: impl Iterator<Item = (&'p str, bool)>,
) -> (HashMap<&'p str, usize>, Vec<&'p str>, Vec<bool>) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut list = Vec::new();
    let mut words_only = Vec::new();
    for (p, whole_word) in patterns {
        let id = *ids.entry(p).or_insert_with(|| {
            list.push(p);
            words_only.push(is_word(p));
            list.len() - 1
        });
        words_only[id] &= whole_word;
    }
    (ids, list, words_only)
}

impl<'t> Matcher<'t> {
    /// Searches `text` for every pattern, each given with whether the record
    /// that wants it asks for `whole_word`, keeping as many matches as
    /// `budget` admits (when it is spent, the matches are partial).
    pub(super) fn new<'p: 't>(
        text: &'t str,
        patterns: impl Iterator<Item = (&'p str, bool)>,
        budget: &Budget,
    ) -> Matcher<'t> {
        Matcher::build(
            text,
            patterns,
            WORD_LOOKUP_MIN,
            super::batch::PREFIXES_MIN,
            budget,
        )
    }

    /// The pattern with the most matches, and how many it has.
    pub(super) fn most_found(&self) -> Option<(&'t str, usize)> {
        let (pattern, id) = self
            .ids
            .iter()
            .max_by_key(|(p, id)| (self.found[**id].len(), *p))?;
        Some((pattern, self.found[*id].len()))
    }

    /// Looks single-word patterns that every record wants as whole words up
    /// word by word when there are at least `word_lookup_min` of them, and
    /// finds other patterns of four bytes or more by their rarest four when
    /// there are at least `prefixes_min` of them (tests set 0 or `usize::MAX`
    /// to compare the ways).
    fn build<'p: 't>(
        text: &'t str,
        patterns: impl Iterator<Item = (&'p str, bool)>,
        word_lookup_min: usize,
        prefixes_min: usize,
        budget: &Budget,
    ) -> Matcher<'t> {
        let (ids, list, mut words_only) = distinct(patterns);
        if words_only.iter().filter(|&&w| w).count() < word_lookup_min {
            words_only.fill(false);
        }
        let mut found = vec![Vec::new(); list.len()];
        let (words, others): (Vec<usize>, Vec<usize>) =
            (0..list.len()).partition(|&id| words_only[id]);
        // Many long patterns (sentences, say) make an automaton too large to
        // search fast: they are found by their rarest bytes instead.
        let (long, others): (Vec<usize>, Vec<usize>) = others
            .into_iter()
            .partition(|&id| list[id].len() >= super::prefixes::PREFIX);
        let (long, others) = match long.len() >= prefixes_min {
            true => (long, others),
            false => (Vec::new(), [long, others].concat()),
        };
        let of = |ids: &[usize]| ids.iter().map(|&id| list[id]).collect::<Vec<&str>>();
        if !long.is_empty() {
            let every = super::batch::every_occurrence_by(text, &of(&long), 0, budget);
            for (&id, starts) in long.iter().zip(every) {
                found[id].extend(starts.into_iter().map(|start| Raw {
                    start,
                    whole_word: is_whole_word(text, start..start + list[id].len()),
                }));
            }
        }
        if !others.is_empty() {
            let every = search_automaton(text, &of(&others), budget);
            for (k, raw) in every.into_iter().flatten() {
                found[others[k]].push(raw);
            }
        }
        if !words.is_empty() {
            let index: foldhash::HashMap<&str, usize> =
                words.iter().map(|&id| (list[id], id)).collect();
            for (id, start) in search_words(text, &index, budget).into_iter().flatten() {
                found[id].push(Raw {
                    start,
                    whole_word: true,
                });
            }
        }
        Matcher {
            text,
            ids,
            found,
            by_word: words_only,
        }
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

/// From this many single-word patterns on, words are looked up rather than
/// searched with the automaton. Measured on the benchmark's prose (20 MB, one
/// thread): the DFA searches at 0.1 ns a byte for one to three patterns (it
/// has a prefilter), 2.1 for ten to a hundred, 3.1 for a thousand and 5.5 for
/// 7,851, with 2.4 million raw matches per 100 MB to sort out; the word lookup
/// costs 4 to 5 ns a byte whatever the number of patterns, and finds only the
/// whole words (end to end on 100 MB with 7,851 patterns: 0.92 s against 1.20 s).
const WORD_LOOKUP_MIN: usize = 2048;

/// Pattern sets up to this many bytes get a DFA (fastest to search, but its size
/// grows with the patterns); larger sets a contiguous NFA, quick to build.
const DFA_MAX_PATTERN_BYTES: usize = 1 << 18;

/// Texts below this size are searched by one thread.
const PARALLEL_MIN: usize = 4 << 20;

/// Every overlapping match of `patterns` as (pattern, match), chunk by chunk;
/// for each pattern in order of start. A DFA searches fastest; for pattern sets
/// too large for one, a contiguous NFA still searches in one pass. Both are
/// used through their concrete types, so the search loop is compiled for each.
fn search_automaton(text: &str, patterns: &[&str], budget: &Budget) -> Vec<Vec<(usize, Raw)>> {
    let longest = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
    let total: usize = patterns.iter().map(|p| p.len()).sum();
    let dfa = (total <= DFA_MAX_PATTERN_BYTES)
        .then(|| {
            DFA::builder()
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .ok()
        })
        .flatten();
    let chunks = chunks(text);
    match dfa {
        Some(dfa) => search_in_chunks(&dfa, text, longest, chunks, budget),
        None => {
            let nfa = contiguous::NFA::builder()
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .expect("literal patterns within the record limits always build");
            search_in_chunks(&nfa, text, longest, chunks, budget)
        }
    }
}

/// How many chunks to cut `text` into: for a large text, chunks of at least
/// [`PARALLEL_MIN`] bytes, up to sixteen per core, so that the others take over
/// the chunks of a core busy with other work (the input's hash is worked out
/// meanwhile) and no core waits long for the last one.
pub(super) fn chunks(text: &str) -> usize {
    match text.len() / PARALLEL_MIN {
        0 => 1,
        n => n.clamp(1, 16 * rayon::current_num_threads().clamp(1, 8)),
    }
}

fn search_in_chunks<A: Automaton + Sync>(
    automaton: &A,
    text: &str,
    longest: usize,
    chunks: usize,
    budget: &Budget,
) -> Vec<Vec<(usize, Raw)>> {
    // Overlapping matches come in order of their end; for one pattern that is
    // also the order of their start. Chunks come in text order.
    let chunk = |lo: usize, hi: usize| -> Vec<(usize, Raw)> {
        let end = (hi + longest.saturating_sub(1)).min(text.len());
        let mut tally = budget.tally();
        automaton
            .try_find_overlapping_iter(Input::new(&text.as_bytes()[lo..end]))
            .expect("an unanchored overlapping search of a Standard automaton cannot fail")
            .filter(|m| lo + m.start() < hi)
            .take_while(|_| tally.admit())
            .map(|m| {
                // Patterns are whole UTF-8 texts, so their matches start and end
                // on character boundaries.
                let span = lo + m.start()..lo + m.end();
                let raw = Raw {
                    start: span.start,
                    whole_word: is_whole_word(text, span),
                };
                (m.pattern().as_usize(), raw)
            })
            .collect()
    };
    if chunks == 1 {
        return vec![chunk(0, text.len())];
    }
    let cut = |i: usize| text.len() * i / chunks;
    (0..chunks)
        .into_par_iter()
        .map(|i| chunk(cut(i), cut(i + 1)))
        .collect()
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
    /// Every match of the record's pattern, whatever its context (found again
    /// for a pattern looked up word by word: only failures ask).
    pub(super) fn raw(&self, record: usize) -> Vec<usize> {
        let pattern = (self.pattern)(&self.records[record]);
        let Some(&id) = self.matcher.ids.get(pattern.as_str()) else {
            return Vec::new();
        };
        if !self.matcher.by_word[id] {
            return self.matcher.found[id].iter().map(|raw| raw.start).collect();
        }
        let finder = memchr::memmem::Finder::new(pattern);
        let haystack = self.matcher.text.as_bytes();
        let mut starts = Vec::new();
        let mut from = 0;
        while let Some(at) = finder.find(&haystack[from..]) {
            starts.push(from + at);
            from += at + 1;
        }
        starts
    }

    pub(super) fn matches(&mut self, record: usize) -> &[usize] {
        let r = &self.records[record];
        let pattern = (self.pattern)(r);
        let Some(&id) = self.matcher.ids.get(pattern.as_str()) else {
            return &[];
        };
        let key = (id, r.before.as_deref(), r.after.as_deref(), r.whole_word);
        let text = self.matcher.text;
        let found = &self.matcher.found[id];
        self.cache.entry(key).or_insert_with(|| {
            let mut kept = Vec::new();
            let mut free_from = 0;
            for raw in found {
                let span = raw.start..raw.start + pattern.len();
                if raw.start >= free_from
                    && (raw.whole_word || !r.whole_word)
                    && fits_around(text, span.clone(), r)
                {
                    kept.push(raw.start);
                    free_from = span.end;
                }
            }
            kept
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Texts of words, digits, non-ASCII letters and marks, punctuation and
    /// spaces; long enough to be cut into chunks when `long`.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("teh"),
            Just("the"),
            Just("tehn"),
            Just("1945"),
            Just("é"),
            Just("ß"),
            Just("’"),
            Just("\u{301}"),
            Just("дом"),
            Just(" "),
            Just("\n"),
            Just("-"),
            Just("."),
            Just("_"),
        ];
        proptest::collection::vec(piece, 0..80).prop_map(|p| p.concat())
    }

    fn pattern() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("teh"),
            Just("the"),
            Just("eh"),
            Just("1945"),
            Just("é"),
            Just("téh"),
            Just("дом"),
            Just("teh-the"),
            Just("ß’"),
            Just("e\u{301}"),
        ]
        .prop_map(str::to_owned)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Looking words up, and finding long patterns by their rarest four
        /// bytes, find exactly what the automaton and the whole-word check
        /// find, for every record, whole words or not.
        #[test]
        fn words_looked_up_match_the_automaton(
            text in text(),
            repeat in 1usize..3,
            patterns in proptest::collection::vec((pattern(), any::<bool>()), 1..6),
        ) {
            let text = text.repeat(repeat);
            let records: Vec<Record> = patterns
                .iter()
                .enumerate()
                .map(|(i, (find, whole_word))| Record {
                    whole_word: *whole_word,
                    ..Record::new(&format!("r{i}"), find, "x")
                })
                .collect();
            let build = |word_lookup_min, prefixes_min| {
                Matcher::build(
                    &text,
                    records.iter().map(|r| (r.find.as_str(), r.whole_word)),
                    word_lookup_min,
                    prefixes_min,
                    &Budget::of(usize::MAX),
                )
                .with_records(&records, |r| &r.find)
            };
            let mut automaton = build(usize::MAX, usize::MAX);
            let (mut words, mut prefixes) = (build(0, usize::MAX), build(usize::MAX, 0));
            for (i, record) in records.iter().enumerate() {
                prop_assert_eq!(words.matches(i).to_vec(), automaton.matches(i).to_vec(), "{:?}", record);
                prop_assert_eq!(words.raw(i), automaton.raw(i));
                prop_assert_eq!(prefixes.matches(i).to_vec(), automaton.matches(i).to_vec(), "{:?}", record);
                prop_assert_eq!(prefixes.raw(i), automaton.raw(i));
            }
        }
    }

    #[test]
    fn chunked_search_finds_every_match_once_even_across_cuts() {
        let patterns = ["abc", "bcd", "c", "cdcd"];
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        let text = "abcdcdabcdcbcdcabc".repeat(7);
        let whole = search_in_chunks(&dfa, &text, 4, 1, &Budget::of(usize::MAX)).concat();
        for chunks in 2..9 {
            let mut cut =
                search_in_chunks(&dfa, &text, 4, chunks, &Budget::of(usize::MAX)).concat();
            for pattern in 0..patterns.len() {
                let starts: Vec<usize> = cut
                    .iter()
                    .filter(|m| m.0 == pattern)
                    .map(|m| m.1.start)
                    .collect();
                assert!(starts.windows(2).all(|w| w[0] < w[1]), "in order of start");
            }
            let mut expected = whole.clone();
            cut.sort_unstable();
            expected.sort_unstable();
            assert_eq!(cut, expected, "{chunks} chunks");
        }
    }
}
