//! The tolerant tiers' searches for every record that found no exact match,
//! done once per text rather than once per record.
//!
//! Each record that misses needs three searches: its `find` in the prose as it
//! reads (Markdown, across inline markup), its normalized `find` in the
//! normalized text, and the pigeonhole pieces of its `find` and `replace`
//! ([`tolerant::pieces`]) for the fuzzy tier. Done record by record, each is a
//! pass over the whole text, so a thousand drifting records cost a thousand
//! passes. Here all the patterns of one haystack go into one Aho-Corasick
//! automaton and the text is read once; each pattern then gets exactly the
//! matches its own search would have found (every overlapping one, or the
//! leftmost non-overlapping ones, as `str::match_indices` and
//! `memmem::find_iter` give them), so the tiers decide as they did.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use super::tolerant::{self, Normalized};
use crate::markdown::Protected;
use crate::record::Record;

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

    /// Reads `hay` once: per pattern, its occurrences as wanted.
    fn search(&self, hay: &str) -> Found {
        let n = self.list.len();
        let mut found = Found {
            all: vec![Vec::new(); n],
            apart: vec![Vec::new(); n],
        };
        let searchable: Vec<usize> = (0..n).filter(|&id| !self.list[id].is_empty()).collect();
        if searchable.is_empty() {
            return found;
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(searchable.iter().map(|&id| self.list[id]))
            .expect("literal patterns within the record limits always build");
        // One pattern's overlapping matches come in order of their ends, which
        // for one length is the order of their starts: the non-overlapping ones
        // are picked as they come, as a left-to-right search would.
        let mut free_from = vec![0usize; n];
        for m in automaton.find_overlapping_iter(hay) {
            let id = searchable[m.pattern().as_usize()];
            // Offsets fit in 32 bits (Normalized's limit): half the memory of
            // the millions of piece hits a large text can give.
            let start = m.start() as u32;
            if self.all[id] {
                found.all[id].push(start);
            }
            let apart = &mut found.apart[id];
            if m.start() >= free_from[id] && apart.len() < self.apart[id] {
                apart.push(start);
                free_from[id] = m.end();
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
    let mut set = Patterns::default();
    let ids: Vec<usize> = patterns.iter().map(|p| set.add(p, Wanted::All)).collect();
    let found = set.search(hay);
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
    fn of(record: &Record, share: f64) -> Prepared {
        let find = tolerant::normalize(&record.find);
        let replace = tolerant::normalize(&record.replace);
        let pieces = |original: &str, normal: &str| {
            super::tiers::fuzzy_bound(original, share).and_then(|k| tolerant::Pieces::of(normal, k))
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

/// Runs the searches of `records[i]` for every `i` in `missing`: one pass over
/// the normalized text, and one over the prose as it reads for a Markdown
/// input. Then calls `each` with every record's index and what its searches
/// found, on as many cores as there are (a record's fuzzy regions exist only
/// while `each` runs: for thousands of records, all at once would take
/// gigabytes). The result is parallel to `missing`.
pub(super) fn search_each<R: Send>(
    normalized: &Normalized,
    records: &[Record],
    missing: &[usize],
    share: f64,
    prose: Option<&Protected>,
    each: impl Fn(usize, Searches) -> R + Sync,
) -> Vec<R> {
    let prepared: Vec<Prepared> = missing
        .iter()
        .map(|&i| Prepared::of(&records[i], share))
        .collect();
    let in_prose = |i: usize| prose.is_some() && !records[i].anywhere;
    let mut prose_patterns = Patterns::default();
    let mut patterns = Patterns::default();
    for (&i, p) in missing.iter().zip(&prepared) {
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
    let prose_found = prose.map(|p| prose_patterns.search(&p.prose.text));
    let found = patterns.search(&normalized.text);
    let hits = |text: &str| found.apart[patterns.ids[text]].as_slice();
    let regions = |pieces: &Option<tolerant::Pieces>, text: &str| match pieces {
        Some(pieces) => pieces.regions(
            &normalized.text,
            &normalized.ascii,
            pieces.texts(text).map(hits),
        ),
        None => tolerant::Regions::default(),
    };
    missing
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
        .collect()
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
    let p = Prepared::of(record, share);
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

    use super::*;

    fn record(find: &str, replace: &str, anywhere: bool) -> Record {
        let mut r = Record::new("r", find, replace);
        r.anywhere = anywhere;
        r
    }

    proptest! {
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
            let batch = search_each(&normalized, &records, &missing, share, protected.as_ref(), |_, s| s);
            for (record, got) in records.iter().zip(batch) {
                prop_assert_eq!(got, one_by_one(&normalized, record, share, protected.as_ref()));
            }
        }
    }
}
