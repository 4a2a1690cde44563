//! The tolerant tiers' searches for every record that found no exact match,
//! done once per text rather than once per record.
//!
//! Each record that misses needs three searches: its `find` in the prose as it
//! reads (Markdown, across inline markup), its normalized `find` in the
//! normalized text, and the pigeonhole pieces of its `find` and `replace`
//! ([`tolerant::Pieces`], cut where the text is rare) for the fuzzy tier. Done
//! record by record, each is a pass over the whole text, so a thousand
//! drifting records cost a thousand passes. Here all the patterns of one
//! haystack are searched together and the text is read once, in parts on
//! every core: thousands of patterns by their rarest four or eight bytes
//! ([`Prefixes`]), a few by an Aho-Corasick automaton. Each pattern then gets
//! exactly the matches its own search would have found (every overlapping
//! one, or the leftmost non-overlapping ones, as `str::match_indices` and
//! `memmem::find_iter` give them), so the tiers decide as they did.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use super::budget::Budget;
use super::prefixes::{PREFIX, Prefixes};
use super::tolerant::{self, GramCounts, Normalized};
use crate::record::Record;
use crate::syntax::protected::Protected;

/// The matches one search wants of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// Every occurrence, overlapping ones included.
    All,
    /// The leftmost non-overlapping occurrences, at most this many.
    Apart(usize),
}

/// Patterns searched together in one haystack, each with the matches its
/// searches want.
#[derive(Default)]
struct Patterns<'p> {
    ids: HashMap<&'p str, usize>,
    list: Vec<&'p str>,
    /// Per pattern: whether every occurrence is wanted, and the most
    /// non-overlapping ones wanted (0: none).
    all: Vec<bool>,
    apart: Vec<usize>,
}

impl<'p> Patterns<'p> {
    fn add(&mut self, pattern: &'p str, wanted: Wanted) -> usize {
        let id = *self.ids.entry(pattern).or_insert_with(|| {
            self.list.push(pattern);
            self.all.push(false);
            self.apart.push(0);
            self.list.len() - 1
        });
        match wanted {
            Wanted::All => self.all[id] = true,
            Wanted::Apart(most) => self.apart[id] = self.apart[id].max(most),
        }
        id
    }

    /// Reads `hay` once: per pattern, its occurrences as wanted, as many as
    /// `budget` allows.
    fn search(&self, hay: &str, budget: &Budget) -> Found {
        self.search_in(hay, crate::par::parts(hay.len()), PREFIXES_MIN, budget)
    }

    /// [`Patterns::search`] with the text read in `parts` parts, each for
    /// the matches that start in it (the parts' matches, in order, are the
    /// whole text's), and [`Prefixes`] for patterns of [`PREFIX`] bytes or
    /// more when there are at least `prefixes_min` of them (tests set 0 or
    /// `usize::MAX` to compare the two ways). Once `budget` is spent the
    /// search stops: its results are then partial, and the budget says so.
    fn search_in(&self, hay: &str, parts: usize, prefixes_min: usize, budget: &Budget) -> Found {
        let n = self.list.len();
        let mut found = Found {
            all: vec![Vec::new(); n],
            apart: vec![Vec::new(); n],
        };
        // Patterns of four bytes or more are found by four or eight of them
        // (`Prefixes`), shorter ones by an Aho-Corasick automaton: each
        // pattern's occurrences come from one of the two, in order of start.
        let (long, short): (Vec<usize>, Vec<usize>) = (0..n)
            .filter(|&id| !self.list[id].is_empty())
            .partition(|&id| self.list[id].len() >= PREFIX);
        let (long, short) = match long.len() >= prefixes_min {
            true => (long, short),
            // A few patterns: the automaton's prefilter skips most of the text.
            false => (Vec::new(), [long, short].concat()),
        };
        let matches = by_prefix(hay, &long, &self.list, parts, budget)
            .into_iter()
            .chain(by_automaton(hay, &short, &self.list, parts, budget))
            .flatten();
        // The non-overlapping ones are picked as they come, as a left-to-right
        // search would.
        let mut free_from = vec![0usize; n];
        for (id, start) in matches {
            let id = id as usize;
            if self.all[id] {
                found.all[id].push(start);
            }
            let apart = &mut found.apart[id];
            if start as usize >= free_from[id] && apart.len() < self.apart[id] {
                apart.push(start);
                free_from[id] = start as usize + self.list[id].len();
            }
        }
        found
    }
}

/// Bytes a match is held in here: its (pattern, start) pair while the
/// parts are read, then its start in its pattern's list.
const HELD_PER_MATCH: usize = 12;

/// From this many patterns of [`PREFIX`] bytes or more on, they are found by
/// [`Prefixes`] rather than by an automaton.
pub(super) const PREFIXES_MIN: usize = 64;

/// Every (pattern id, start) of the patterns `ids` (each [`PREFIX`] bytes or
/// more), the text read in `parts` on as many cores: in order of start for
/// each pattern.
fn by_prefix(
    hay: &str,
    ids: &[usize],
    list: &[&str],
    parts: usize,
    budget: &Budget,
) -> Vec<Vec<(u32, u32)>> {
    if ids.is_empty() {
        return Vec::new();
    }
    let prefixes = Prefixes::of(ids, list, hay.as_bytes());
    let automaton = OnceLock::new();
    each_part(hay.len(), parts, |starts| {
        prefixes
            .find(hay.as_bytes(), starts.clone(), list, budget)
            .unwrap_or_else(|| {
                let automaton = automaton.get_or_init(|| Automaton::of(ids, list));
                automaton.find(hay, starts, budget)
            })
    })
}

/// [`by_prefix`] for any patterns, by one Aho-Corasick automaton.
fn by_automaton(
    hay: &str,
    ids: &[usize],
    list: &[&str],
    parts: usize,
    budget: &Budget,
) -> Vec<Vec<(u32, u32)>> {
    if ids.is_empty() {
        return Vec::new();
    }
    if ids.len() <= STARTS_MAX {
        let starts = Starts::of(ids, list);
        return each_part(hay.len(), parts, |part| starts.find(hay, part, budget));
    }
    let automaton = Automaton::of(ids, list);
    each_part(hay.len(), parts, |starts| {
        automaton.find(hay, starts, budget)
    })
}

/// At most this many patterns are found by where they start ([`Starts`]).
const STARTS_MAX: usize = 16;

/// A few patterns, found by the places where one of them starts: a
/// leftmost search, which the automaton's vectorized prefilter (Teddy)
/// speeds over most of a text, then each pattern compared there. An
/// overlapping search has no such prefilter and reads every byte: five
/// rare three-byte pieces took 90 ms in 100 MB that way.
struct Starts<'i> {
    leftmost: AhoCorasick,
    ids: &'i [usize],
    patterns: Vec<&'i [u8]>,
}

impl<'i> Starts<'i> {
    fn of(ids: &'i [usize], list: &[&'i str]) -> Starts<'i> {
        let patterns: Vec<&[u8]> = ids.iter().map(|&id| list[id].as_bytes()).collect();
        Starts {
            leftmost: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&patterns)
                .expect("literal patterns within the record limits always build"),
            ids,
            patterns,
        }
    }

    /// [`Automaton::find`]'s matches: the leftmost search gives, from any
    /// place on, the nearest place where some pattern starts, so stepping
    /// one byte past each such place visits every one of them in order;
    /// each is a match, so the budget bounds the steps.
    fn find(&self, hay: &str, starts: Range<usize>, budget: &Budget) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        let mut tally = budget.tally();
        let longest = self.patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let end = (starts.end + longest).min(hay.len());
        let bytes = hay.as_bytes();
        let mut from = starts.start;
        while from < starts.end {
            let input = aho_corasick::Input::new(bytes).span(from..end);
            let Some(m) = self.leftmost.find(input) else {
                break;
            };
            let at = m.start();
            if at >= starts.end {
                break;
            }
            for (pattern, &id) in self.patterns.iter().zip(self.ids) {
                if bytes[at..].starts_with(pattern) {
                    if !tally.admit() {
                        return found;
                    }
                    found.push((id as u32, at as u32));
                }
            }
            from = at + 1;
        }
        found
    }
}

/// `find` for each of `parts` even parts of the starts `0..len`, on as many
/// cores, the results in order of the parts.
fn each_part<T: Send>(len: usize, parts: usize, find: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let size = len.div_ceil(parts.max(1));
    (0..parts.max(1))
        .into_par_iter()
        .map(|part| find(part * size..((part + 1) * size).min(len)))
        .collect()
}

/// The automaton for patterns of these lengths: a DFA, which reads a text
/// fastest (a table lookup a byte), for a few short patterns, whose table
/// stays small (one row of at most 256 entries a pattern byte); else a
/// contiguous NFA, compact for any number.
fn kind(lengths: impl Iterator<Item = usize>) -> aho_corasick::AhoCorasickKind {
    let (mut patterns, mut bytes) = (0, 0);
    for len in lengths {
        patterns += 1;
        bytes += len;
    }
    match patterns <= DFA_PATTERNS && bytes <= DFA_BYTES {
        true => aho_corasick::AhoCorasickKind::DFA,
        false => aho_corasick::AhoCorasickKind::ContiguousNFA,
    }
}

/// At most this many patterns of at most this many bytes together are
/// searched by a DFA (a table of at most 4 MiB).
const DFA_PATTERNS: usize = 100;
const DFA_BYTES: usize = 4096;

/// Patterns in one Aho-Corasick automaton, with their ids and the longest's
/// length.
struct Automaton<'i> {
    automaton: AhoCorasick,
    ids: &'i [usize],
    longest: usize,
}

impl<'i> Automaton<'i> {
    fn of(ids: &'i [usize], list: &[&str]) -> Automaton<'i> {
        Automaton {
            automaton: AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(kind(ids.iter().map(|&id| list[id].len()))))
                .build(ids.iter().map(|&id| list[id]))
                .expect("literal patterns within the record limits always build"),
            ids,
            longest: ids.iter().map(|&id| list[id].len()).max().unwrap_or(0),
        }
    }

    /// Every (pattern id, start) of the matches that start in `starts`, the
    /// text read as far as the longest pattern reaches past it. One pattern's
    /// matches come in order of their ends, which for one length is the order
    /// of their starts.
    fn find(&self, hay: &str, starts: Range<usize>, budget: &Budget) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        let mut tally = budget.tally();
        if starts.is_empty() {
            return found;
        }
        let end = (starts.end + self.longest).min(hay.len());
        let input = aho_corasick::Input::new(hay.as_bytes()).span(starts.start..end);
        let mut state = aho_corasick::automaton::OverlappingState::start();
        loop {
            self.automaton.find_overlapping(input.clone(), &mut state);
            let Some(m) = state.get_match() else { break };
            if m.start() < starts.end {
                if !tally.admit() {
                    break;
                }
                found.push((self.ids[m.pattern().as_usize()] as u32, m.start() as u32));
            }
        }
        found
    }
}

/// The occurrences of each pattern of a [`Patterns`].
struct Found {
    all: Vec<Vec<u32>>,
    apart: Vec<Vec<u32>>,
}

impl Found {
    /// Every occurrence of pattern `id`.
    fn all(&self, id: usize) -> Vec<usize> {
        self.all[id].iter().map(|&at| at as usize).collect()
    }
}

/// Every occurrence of each pattern, overlapping ones too, in one pass.
pub(super) fn every_occurrence(hay: &str, patterns: &[&str]) -> Vec<Vec<usize>> {
    every_occurrence_by(hay, patterns, PREFIXES_MIN, &Budget::of(usize::MAX))
}

/// [`every_occurrence`], by [`Prefixes`] from `prefixes_min` long patterns on
/// (tests set 0 or `usize::MAX` to compare the two ways), as many as `budget`
/// admits.
pub(super) fn every_occurrence_by(
    hay: &str,
    patterns: &[&str],
    prefixes_min: usize,
    budget: &Budget,
) -> Vec<Vec<usize>> {
    let mut set = Patterns::default();
    let ids: Vec<usize> = patterns.iter().map(|p| set.add(p, Wanted::All)).collect();
    let found = set.search_in(hay, crate::par::parts(hay.len()), prefixes_min, budget);
    ids.into_iter().map(|id| found.all(id)).collect()
}

/// What one record's searches found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Searches {
    /// Starts of `find` in the prose as it reads, leftmost non-overlapping
    /// (Markdown inputs, records not `"scope": "any"`).
    pub(super) in_prose: Vec<usize>,
    /// Starts of the normalized `find` in the normalized text, every one.
    pub(super) normalized: Vec<usize>,
    /// Fuzzy regions of `find` and of `replace` in the normalized text
    /// (empty where the fuzzy tier does not apply).
    pub(super) find_regions: tolerant::Regions,
    pub(super) replace_regions: tolerant::Regions,
}

/// The normalized texts and fuzzy pieces of one record's `find` and `replace`.
struct Prepared {
    find: String,
    find_pieces: Option<tolerant::Pieces>,
    replace: String,
    replace_pieces: Option<tolerant::Pieces>,
}

impl Prepared {
    /// The record's texts, and its pieces cut by the gram counts of `hay`
    /// (sampled once, by the first record whose fuzzy tier needs them).
    fn of(record: &Record, share: f64, hay: &str, counts: &OnceLock<GramCounts>) -> Prepared {
        let find = tolerant::normalize(&record.find);
        let replace = tolerant::normalize(&record.replace);
        let pieces = |original: &str, normal: &str| {
            super::tiers::fuzzy_bound(original, share).and_then(|k| {
                let counts = counts.get_or_init(|| GramCounts::sample(hay));
                tolerant::Pieces::rare(normal, k, counts)
            })
        };
        Prepared {
            find_pieces: pieces(&record.find, &find),
            replace_pieces: match record.replace.is_empty() {
                true => None,
                false => pieces(&record.replace, &replace),
            },
            find,
            replace,
        }
    }
}

/// The patterns of the records `missing` (with their `prepared` texts): in
/// the prose as it reads, `find` of those `in_prose`; in the normalized
/// text, every normalized `find` and every piece.
fn patterns_of<'r>(
    records: &'r [Record],
    missing: &[usize],
    prepared: &'r [Prepared],
    in_prose: impl Fn(usize) -> bool,
) -> (Patterns<'r>, Patterns<'r>) {
    let mut prose_patterns = Patterns::default();
    let mut patterns = Patterns::default();
    for (&i, p) in missing.iter().zip(prepared) {
        if in_prose(i) {
            prose_patterns.add(&records[i].find, Wanted::Apart(usize::MAX));
        }
        patterns.add(&p.find, Wanted::All);
        for (pieces, text) in [(&p.find_pieces, &p.find), (&p.replace_pieces, &p.replace)] {
            for piece in pieces.iter().flat_map(|pieces| pieces.texts(text)) {
                patterns.add(piece, Wanted::Apart(tolerant::MAX_REGIONS));
            }
        }
    }
    (prose_patterns, patterns)
}

/// Runs the searches of `records[i]` for every `i` in `missing`: one pass over
/// the normalized text, and one over the prose as it reads for a Markdown
/// input. Then calls `each` with every record's index and what its searches
/// found, on as many cores as there are (a record's fuzzy regions exist only
/// while `each` runs: for thousands of records, all at once would take
/// gigabytes). The result is parallel to `missing`; when the searches found
/// more matches than [`Budget::for_text`] allows, nothing is decided and the
/// error is that number.
pub(super) fn search_each<R: Send>(
    normalized: &Normalized,
    records: &[Record],
    missing: &[usize],
    share: f64,
    prose: Option<&Protected>,
    each: impl Fn(usize, Searches) -> R + Sync,
) -> Result<Vec<R>, usize> {
    let counts = OnceLock::new();
    let prepared: Vec<Prepared> = missing
        .par_iter()
        .map(|&i| Prepared::of(&records[i], share, &normalized.text, &counts))
        .collect();
    let in_prose = |i: usize| prose.is_some() && !records[i].anywhere;
    let (prose_patterns, patterns) = patterns_of(records, missing, &prepared, in_prose);
    let budget = Budget::for_text(normalized.text.len(), HELD_PER_MATCH);
    let prose_found = prose.map(|p| prose_patterns.search(&p.prose.text, &budget));
    let found = patterns.search(&normalized.text, &budget);
    if budget.is_spent() {
        return Err(budget.size);
    }
    let hits = |text: &str| found.apart[patterns.ids[text]].as_slice();
    let regions = |pieces: &Option<tolerant::Pieces>, text: &str| match pieces {
        Some(pieces) => pieces.regions(
            &normalized.text,
            &normalized.ascii,
            pieces.texts(text).map(hits),
        ),
        None => tolerant::Regions::default(),
    };
    let decided = missing
        .par_iter()
        .zip(&prepared)
        .map(|(&i, p)| {
            let searches = Searches {
                in_prose: match &prose_found {
                    Some(f) if in_prose(i) => {
                        let id = prose_patterns.ids[records[i].find.as_str()];
                        f.apart[id].iter().map(|&at| at as usize).collect()
                    }
                    _ => Vec::new(),
                },
                normalized: found.all(patterns.ids[p.find.as_str()]),
                find_regions: regions(&p.find_pieces, &p.find),
                replace_regions: regions(&p.replace_pieces, &p.replace),
            };
            each(i, searches)
        })
        .collect::<Vec<R>>();
    Ok(decided)
}

/// [`search`] record by record, each search its own pass (`str::match_indices`,
/// `memmem`): the plain reference the batch is tested against.
#[cfg(test)]
pub(super) fn one_by_one(
    normalized: &Normalized,
    record: &Record,
    share: f64,
    prose: Option<&Protected>,
) -> Searches {
    use memchr::memmem;
    let p = Prepared::of(record, share, &normalized.text, &OnceLock::new());
    let hay = normalized.text.as_str();
    let every = |pattern: &str| -> Vec<usize> {
        let (hay, pattern) = (hay.as_bytes(), pattern.as_bytes());
        match pattern.is_empty() {
            true => Vec::new(),
            false => (0..hay.len())
                .filter(|&at| hay[at..].starts_with(pattern))
                .collect(),
        }
    };
    let apart = |pattern: &str| -> Vec<u32> {
        memmem::find_iter(hay.as_bytes(), pattern.as_bytes())
            .take(tolerant::MAX_REGIONS)
            .map(|at| at as u32)
            .collect()
    };
    let regions = |pieces: &Option<tolerant::Pieces>, text: &str| match pieces {
        Some(pieces) => {
            let hits: Vec<Vec<u32>> = pieces.texts(text).map(apart).collect();
            pieces.regions(hay, &normalized.ascii, hits.iter().map(Vec::as_slice))
        }
        None => tolerant::Regions::default(),
    };
    Searches {
        in_prose: match prose {
            Some(prose) if !record.anywhere && !record.find.is_empty() => prose
                .prose
                .text
                .match_indices(record.find.as_str())
                .map(|(at, _)| at)
                .collect(),
            _ => Vec::new(),
        },
        normalized: every(&p.find),
        find_regions: regions(&p.find_pieces, &p.find),
        replace_regions: regions(&p.replace_pieces, &p.replace),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::prefixes::{Keys, STRIDE, seen};
    use super::*;

    fn record(find: &str, replace: &str, anywhere: bool) -> Record {
        let mut r = Record::new("r", find, replace);
        r.anywhere = anywhere;
        r
    }

    /// A text and patterns that share their four bytes everywhere would
    /// make every position compare every pattern: past its budget the scan
    /// gives up, and the automaton finds what it would have found.
    #[test]
    fn a_scan_past_its_budget_gives_way_to_the_automaton() {
        let text = "x".repeat(200_000);
        let patterns: Vec<String> = (4..200).map(|n| "x".repeat(n)).collect();
        let list: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let ids: Vec<usize> = (0..list.len()).collect();
        let prefixes = Prefixes::of(&ids, &list, text.as_bytes());
        assert!(
            prefixes
                .find(
                    text.as_bytes(),
                    0..text.len(),
                    &list,
                    &Budget::of(usize::MAX)
                )
                .is_none()
        );
        let mut set = Patterns::default();
        for pattern in &list {
            set.add(pattern, Wanted::All);
        }
        let (scanned, automaton) = (
            set.search_in(&text, 3, 0, &Budget::of(usize::MAX)),
            set.search_in(&text, 1, usize::MAX, &Budget::of(usize::MAX)),
        );
        assert_eq!(scanned.all, automaton.all);
        assert_eq!(scanned.all[0].len(), 200_000 - 3);
    }

    /// Patterns cut from `text`: its first and last `ends` bytes (or a
    /// little more, to a character's end), and at each of `cuts` (where, and
    /// at least how many bytes).
    fn cut_from<'t>(
        text: &'t str,
        ends: &[usize],
        cuts: &[(prop::sample::Index, usize)],
    ) -> Vec<&'t str> {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        let mut patterns = Vec::new();
        for &len in ends {
            let head = bounds.iter().find(|&&b| b >= len);
            let tail = bounds.iter().rev().find(|&&b| b + len <= text.len());
            patterns.extend(head.map(|&b| &text[..b]));
            patterns.extend(tail.map(|&b| &text[b..]));
        }
        for (at, len) in cuts {
            let from = bounds[at.index(bounds.len())];
            if let Some(&to) = bounds.iter().find(|&&b| b >= from + len) {
                patterns.push(&text[from..to]);
            }
        }
        patterns
    }

    proptest! {
        /// Read in parts (as a large text is, on several cores), and with
        /// patterns found by their rarest bytes or by the automaton, a
        /// text gives every pattern the occurrences one pass gives it.
        #[test]
        fn a_text_read_in_parts_gives_what_one_pass_gives(
            text in "[ab cé’]{0,300}",
            patterns in proptest::collection::vec(("[ab cé]{0,12}", any::<bool>(), 0usize..4), 1..12),
            parts in 1usize..40,
            by_prefix in any::<bool>(),
        ) {
            let mut set = Patterns::default();
            for (pattern, all, most) in &patterns {
                set.add(pattern, if *all { Wanted::All } else { Wanted::Apart(*most) });
            }
            let prefixes_min = if by_prefix { 0 } else { usize::MAX };
            let (one, many) = (
                set.search_in(&text, 1, usize::MAX, &Budget::of(usize::MAX)),
                set.search_in(&text, parts, prefixes_min, &Budget::of(usize::MAX)),
            );
            prop_assert_eq!(&one.all, &many.all);
            prop_assert_eq!(&one.apart, &many.apart);
            // And one pass finds each pattern where `str::match_indices` does.
            for (pattern, _, _) in &patterns {
                let id = set.ids[pattern.as_str()];
                if set.all[id] && !pattern.is_empty() {
                    let every: Vec<u32> = (0..text.len())
                        .filter(|&at| text.as_bytes()[at..].starts_with(pattern.as_bytes()))
                        .map(|at| at as u32)
                        .collect();
                    prop_assert_eq!(&one.all[id], &every);
                }
            }
        }

        /// Patterns cut from the text itself (so found often, at its very
        /// start and end too), four to twenty bytes long: found by four or
        /// by eight of their bytes, in parts, each is found wherever it
        /// stands.
        #[test]
        fn patterns_cut_from_the_text_are_found_wherever_they_stand(
            text in "[ab cé]{8,200}",
            cuts in proptest::collection::vec((any::<prop::sample::Index>(), 4usize..=20), 1..12),
            parts in 1usize..20,
        ) {
            // The text's first and last four and eight bytes or so.
            let patterns: Vec<&str> = cut_from(&text, &[4, 8], &cuts)
                .into_iter()
                .filter(|p| p.len() >= PREFIX)
                .collect();
            let mut set = Patterns::default();
            for pattern in &patterns {
                set.add(pattern, Wanted::All);
            }
            let found = set.search_in(&text, parts, 0, &Budget::of(usize::MAX));
            for pattern in &patterns {
                let every: Vec<u32> = (0..text.len())
                    .filter(|&at| text.as_bytes()[at..].starts_with(pattern.as_bytes()))
                    .map(|at| at as u32)
                    .collect();
                prop_assert_eq!(&found.all[set.ids[pattern]], &every, "{:?}", pattern);
            }
        }

        /// Read at [`STRIDE`], long patterns (cut from the text, so found
        /// often, at its ends too, and a few that are not) are found where
        /// they stand, in order, whatever the parts: as a read of every
        /// position finds them. In a text that repeats a few bytes, a
        /// pattern overlaps itself, and several of its grams stand at one
        /// position read.
        #[test]
        fn patterns_read_at_a_stride_are_found_wherever_they_stand(
            text in prop_oneof![
                "[ab cé]{15,300}",
                ("[ab c]{1,3}", 15usize..100).prop_map(|(unit, n)| unit.repeat(n)),
            ],
            cuts in proptest::collection::vec((any::<prop::sample::Index>(), 15usize..=40), 1..10),
            others in proptest::collection::vec("[ab cé]{15,20}", 0..3),
            parts in 1usize..20,
        ) {
            let mut patterns: Vec<&str> = others.iter().map(String::as_str).collect();
            patterns.extend(cut_from(&text, &[15], &cuts));
            patterns.sort_unstable();
            patterns.dedup();
            let ids: Vec<usize> = (0..patterns.len()).collect();
            let seen = seen::<u64>(text.as_bytes(), true);
            let keys = Keys::<u64>::of(&ids, &patterns, &seen, STRIDE);
            prop_assert_eq!(keys.entries.len(), STRIDE * patterns.len());
            let budget = Budget::of(usize::MAX);
            let found = each_part(text.len(), parts, |starts| {
                let (mut work, mut tally) = (usize::MAX, budget.tally());
                let mut found = Vec::new();
                keys.find(text.as_bytes(), &starts, &patterns, (&mut work, &mut tally), &mut found)
                    .expect("no allowance to pass");
                found
            });
            let mut each = vec![Vec::new(); patterns.len()];
            for (id, at) in found.concat() {
                each[id as usize].push(at);
            }
            for (pattern, got) in patterns.iter().zip(&each) {
                let every: Vec<u32> = (0..text.len())
                    .filter(|&at| text.as_bytes()[at..].starts_with(pattern.as_bytes()))
                    .map(|at| at as u32)
                    .collect();
                prop_assert_eq!(got, &every, "{:?}", pattern);
            }
        }

        /// A few patterns found by where they start, one part at a time,
        /// give what the overlapping automaton gives, in the same order.
        #[test]
        fn a_few_patterns_by_their_starts_are_what_the_automaton_finds(
            text in "[ab cé]{0,300}",
            patterns in proptest::collection::vec("[ab cé]{1,4}", 1..=STARTS_MAX),
            parts in 1usize..20,
        ) {
            let list: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let ids: Vec<usize> = (0..list.len()).collect();
            let (starts, automaton) = (Starts::of(&ids, &list), Automaton::of(&ids, &list));
            let budget = Budget::of(usize::MAX);
            let by_pattern = |found: Vec<(u32, u32)>| {
                let mut each = vec![Vec::new(); list.len()];
                for (id, at) in found {
                    each[id as usize].push(at);
                }
                each
            };
            let (a, b) = (
                by_pattern(each_part(text.len(), parts, |p| starts.find(&text, p, &budget)).concat()),
                by_pattern(each_part(text.len(), parts, |p| automaton.find(&text, p, &budget)).concat()),
            );
            prop_assert_eq!(a, b);
        }

        /// On small alphabets pieces overlap themselves and each other, and
        /// patterns repeat: every record still gets what its own searches find.
        #[test]
        fn one_pass_finds_what_each_record_would_find_alone(
            text in "[ab c’\n*_]{0,400}",
            finds in proptest::collection::vec(("[ab c'*]{0,30}", "[ab cd]{0,30}", any::<bool>()), 1..8),
            markdown in any::<bool>(),
            share in prop::sample::select(vec![0.0, 0.1, 0.3]),
        ) {
            let records: Vec<Record> = finds.iter().map(|(f, r, a)| record(f, r, *a)).collect();
            let normalized = Normalized::new(&text);
            let protected = markdown.then(|| Protected::of(&text));
            let missing: Vec<usize> = (0..records.len()).collect();
            let batch = search_each(&normalized, &records, &missing, share, protected.as_ref(), |_, s| s).expect("within the budget");
            for (record, got) in records.iter().zip(batch) {
                prop_assert_eq!(got, one_by_one(&normalized, record, share, protected.as_ref()));
            }
        }
    }
}
