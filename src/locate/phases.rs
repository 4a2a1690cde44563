//! One text's records located phase by phase: the exact tier for every
//! record in one search, then, for those it left without a place, whether
//! they are already applied, the tolerant tiers, and the failures.

use std::ops::Range;

use super::context::*;
use super::failure::*;
use super::matcher::{self, Matcher};
use super::*;
use crate::record::{Occurrence, Record};
use crate::syntax::protected::Protected;

/// [`locate_with_evidence`] for `find` as written, whatever the record's `case`:
/// the exact tier for every record, then for those it left without a place
/// whether they are already applied, the tolerant tiers, and the failures.
pub(super) fn locate_as_written(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    prose: Option<&Protected>,
    evidence: Option<&crate::evidence::Evidence>,
) -> Vec<Location> {
    let mut locating = Locating {
        text,
        records,
        tolerance,
        prose,
        locations: vec![None; records.len()],
    };
    match search(text, records, 0..records.len(), |r| &r.find) {
        Ok(mut finds) => {
            let missing = locating.exact(&mut finds);
            if !missing.is_empty() {
                locating.missing(&missing, &finds, evidence);
            }
        }
        Err(failed) => locating.fail(0..records.len(), failed),
    }
    locating
        .locations
        .into_iter()
        .map(|l| l.expect("every record was located"))
        .collect()
}

/// One text's records being located, phase by phase.
struct Locating<'a> {
    text: &'a str,
    records: &'a [Record],
    tolerance: Tolerance,
    prose: Option<&'a Protected>,
    /// Per record, once decided.
    locations: Vec<Option<Location>>,
}

/// A search that found more matches than it may hold: its limit, and the
/// text that matched most, how often.
type Overflow<'t> = (usize, Option<(&'t str, usize)>);

/// The `pattern` texts of `records[i]` for each `i` of `which`, searched in
/// `text`; or, when they match more often than one search may hold, by how much.
pub(super) fn search<'t>(
    text: &'t str,
    records: &'t [Record],
    which: impl Iterator<Item = usize>,
    pattern: fn(&Record) -> &String,
) -> Result<matcher::RecordMatches<'t, 't>, Overflow<'t>> {
    let budget = budget::Budget::for_text(text.len(), budget::HELD);
    let patterns = which.map(|i| (pattern(&records[i]).as_str(), records[i].whole_word));
    let matcher = Matcher::new(text, patterns, &budget);
    match budget.is_spent() {
        true => Err((budget.size, matcher.most_found())),
        false => Ok(matcher.with_records(records, pattern)),
    }
}

impl Locating<'_> {
    /// Fails every record of `which` as `too_large`.
    fn fail(&mut self, which: impl Iterator<Item = usize>, (limit, most): Overflow<'_>) {
        for i in which {
            let failure = too_many_matches(limit, most);
            self.locations[i] = Some(Location::Failed(failure));
        }
    }

    /// The exact tier: every record its exact matches in context choose a
    /// place (or a failure) for; returns the records left without either.
    fn exact(&mut self, finds: &mut matcher::RecordMatches<'_, '_>) -> Vec<usize> {
        let (text, prose) = (self.text, self.prose);
        let mut missing = Vec::new();
        for (i, record) in self.records.iter().enumerate() {
            let starts = finds.matches(i);
            // A pinned record where every match counts (no prose to leave out)
            // takes its one hit; many records pin the same common word, and
            // building every hit for each of them would cost the square of
            // that word's matches.
            if let Occurrence::Nth(k) = record.occurrence
                && (prose.is_none() || record.anywhere)
                && let Some(&start) = starts.get(k - 1)
            {
                let hit = exact_hit(span(start, &record.find), record);
                self.locations[i] = Some(Location::Found(Found {
                    hits: vec![hit],
                    matched: Matched::EXACT,
                }));
                continue;
            }
            // More matches than an article may take edits: each would be a
            // hit of its own, so the record fails before they are built.
            if starts.len() > crate::limits::MAX_EDITS {
                self.locations[i] = Some(Location::Failed(too_many_edits(starts)));
                continue;
            }
            let hits: Vec<Hit> = starts
                .iter()
                .map(|&start| exact_hit(span(start, &record.find), record))
                .collect();
            self.locations[i] = choose(text, record, hits, Matched::EXACT, prose);
            if self.locations[i].is_none() {
                missing.push(i);
            }
        }
        missing
    }

    /// The records the exact tier left (`missing`): already applied on
    /// evidence, else through the tolerant tiers, else failed.
    fn missing(
        &mut self,
        missing: &[usize],
        finds: &matcher::RecordMatches<'_, '_>,
        evidence: Option<&crate::evidence::Evidence>,
    ) {
        let records = self.records;
        // Only a replacement in the record's context is evidence (SPEC.md
        // rule 2): the others' are searched only if they fail, for the message.
        let candidates: Vec<usize> = (missing.iter().copied())
            .filter(|&i| !records[i].replace.is_empty() && has_context(&records[i]))
            .collect();
        let mut replaces = match search(self.text, records, candidates.iter().copied(), |r| {
            &r.replace
        }) {
            Ok(replaces) => replaces,
            Err(failed) => return self.fail(missing.iter().copied(), failed),
        };
        let mut tolerant = Vec::new();
        let mut in_contexts = Vec::with_capacity(missing.len());
        for &i in missing {
            let record = &records[i];
            let has_replace = candidates.binary_search(&i).is_ok();
            let in_context = match has_replace {
                true => replaces.matches(i).to_vec(),
                false => Vec::new(),
            };
            let applied = match in_context[..] {
                [at] if has_replace => Some(Some(at)),
                _ => evidence.and_then(|e| e.already(self.text, &record.id)),
            };
            match applied {
                Some(at) => self.locations[i] = Some(Location::AlreadyApplied { at }),
                // House style matches as written or not at all: most articles
                // lack most of its `find`s, and a guess would be a silent edit.
                None if record.shared => {
                    self.locations[i] = Some(Location::Failed(Failure::new(Cause::Absent, None)));
                }
                None => {
                    tolerant.push(i);
                    in_contexts.push(in_context);
                }
            }
        }
        if !tolerant.is_empty() {
            let replaced = |i: usize, in_context: Vec<usize>| ReplaceMatches {
                // Found again for a failure only (a scan of the text each).
                raw: match candidates.binary_search(&i) {
                    Ok(_) => replaces.raw(i),
                    Err(_) => Vec::new(),
                },
                in_context,
            };
            self.tolerant(&tolerant, in_contexts, finds, replaced);
        }
    }

    /// The tolerant tiers for the records of `tolerant` (each with the
    /// matches of its `replace` in its context), searched together in one
    /// pass; those they find no place for fail as `not_found` (with where
    /// `replace` stands: `replaced`), the nearest miss reported for the first
    /// few.
    fn tolerant(
        &mut self,
        tolerant: &[usize],
        in_contexts: Vec<Vec<usize>>,
        finds: &matcher::RecordMatches<'_, '_>,
        replaced: impl Fn(usize, Vec<usize>) -> ReplaceMatches,
    ) {
        let (text, records, tolerance) = (self.text, self.records, self.tolerance);
        let normalized = tolerant::Normalized::new(text);
        // Each record's tiers on its own (on as many cores as there are); the
        // line index a `line` hint needs is built by the first that needs it.
        let lines = std::sync::OnceLock::new();
        let shared = || lines.get_or_init(|| LineIndex::new(text));
        let tiered = batch::search_each(
            &normalized,
            records,
            tolerant,
            tolerance.fuzzy,
            self.prose,
            |i, searches| {
                tiers::locate(
                    text,
                    &normalized,
                    shared,
                    &records[i],
                    tolerance.fuzzy,
                    self.prose,
                    &searches,
                )
            },
        );
        let tiered = match tiered {
            Ok(tiered) => tiered,
            // Too many matches in the normalized text: none decided.
            Err(limit) => return self.fail(tolerant.iter().copied(), (limit, None)),
        };
        let unfound = self.tiered(tolerant, tiered, in_contexts);
        self.not_found(unfound, &normalized, finds, replaced);
    }

    /// Each record of `tolerant` where its tiers put it (`tiered`), refused
    /// under `--strict`; the records no tier found, with the replacements in
    /// their context (`in_contexts`) and whether their nearest miss is
    /// searched (the first few, within a budget of work), are returned.
    fn tiered(
        &mut self,
        tolerant: &[usize],
        tiered: Vec<Option<Location>>,
        in_contexts: Vec<Vec<usize>>,
    ) -> Vec<(usize, Vec<usize>, bool)> {
        let (mut searched, mut spent) = (0, 0u64);
        let mut unfound = Vec::new();
        for ((&i, tiered), in_context) in tolerant.iter().zip(tiered).zip(in_contexts) {
            self.locations[i] = match tiered {
                Some(failed @ Location::Failed(_)) => Some(failed),
                Some(found) if self.tolerance.strict => {
                    Some(Location::Failed(tiers::refused_by_strict(&found)))
                }
                Some(found) => Some(found),
                None => {
                    searched += 1;
                    let chars = self.records[i].find.chars().count();
                    let cost = self.text.len() as u64 * chars.div_ceil(64) as u64;
                    let near = searched <= NEAR_MISS_SEARCHES && spent + cost <= NEAR_MISS_BUDGET;
                    if near {
                        spent += cost;
                    }
                    unfound.push((i, in_context, near));
                    None
                }
            };
        }
        unfound
    }

    /// The records no tier found (`unfound`: each with the matches of its
    /// `replace` in context, and whether its nearest miss is searched in
    /// `normalized`) fail as `not_found`, saying where `find` stands out of
    /// context and where `replace` stands. The replacements of records
    /// without context are searched here, together, only now that they failed.
    fn not_found(
        &mut self,
        unfound: Vec<(usize, Vec<usize>, bool)>,
        normalized: &tolerant::Normalized,
        finds: &matcher::RecordMatches<'_, '_>,
        replaced: impl Fn(usize, Vec<usize>) -> ReplaceMatches,
    ) {
        let (text, records) = (self.text, self.records);
        let late: Vec<usize> = (unfound.iter())
            .map(|u| u.0)
            .filter(|&i| !records[i].replace.is_empty() && !has_context(&records[i]))
            .collect();
        let mut late_matches = match search(text, records, late.iter().copied(), |r| &r.replace) {
            Ok(matches) => Some(matches),
            Err(failed) => {
                self.fail(late.iter().copied(), failed);
                None
            }
        };
        for (i, in_context, near) in unfound {
            if self.locations[i].is_some() {
                continue;
            }
            let replaced = match &mut late_matches {
                Some(late_matches) if late.binary_search(&i).is_ok() => ReplaceMatches {
                    raw: late_matches.raw(i),
                    in_context: late_matches.matches(i).to_vec(),
                },
                _ => replaced(i, in_context),
            };
            let (record, raw) = (&records[i], finds.raw(i));
            let near = near.then_some(normalized);
            let failure = not_found(text, record, &raw, &replaced, near);
            self.locations[i] = Some(Location::Failed(failure));
        }
    }
}

/// Whether a record gives context (`before` or `after`) for its match.
fn has_context(record: &Record) -> bool {
    record.before.is_some() || record.after.is_some()
}

/// The hits that lie in prose (all of them for a record with `"scope": "any"` or
/// an input that is not Markdown), or, when every hit lies outside prose, a
/// `not_found` that says where they are.
pub(super) fn in_prose(
    record: &Record,
    hits: Vec<Hit>,
    prose: Option<&Protected>,
) -> Result<Vec<Hit>, Failure> {
    let Some(prose) = prose.filter(|_| !record.anywhere) else {
        return Ok(hits);
    };
    let outside: Vec<(usize, crate::syntax::protected::Kind)> = hits
        .iter()
        .filter_map(|h| Some((h.span.start, prose.overlapping(h.span.clone())?)))
        .collect();
    if outside.is_empty() || outside.len() < hits.len() {
        return Ok(hits
            .into_iter()
            .filter(|h| prose.overlapping(h.span.clone()).is_none())
            .collect());
    }
    let (at, inside) = outside[0];
    let count = outside.len();
    Err(Failure::new(
        Cause::OutsideProse { count, at, inside },
        Some(at),
    ))
}

/// An exact hit: its context stands right beside it.
pub(super) fn exact_hit(span: Range<usize>, record: &Record) -> Hit {
    Hit {
        before: record
            .before
            .as_ref()
            .map(|b| span.start - b.len()..span.start),
        after: record.after.as_ref().map(|a| span.end..span.end + a.len()),
        span,
        replace: None,
    }
}

/// Applies the record's `occurrence` to its `hits` (in text order, context
/// already checked), after leaving out those outside prose: the location, or
/// `None` when there is no hit at all.
pub(super) fn choose(
    text: &str,
    record: &Record,
    hits: Vec<Hit>,
    matched: Matched,
    prose: Option<&Protected>,
) -> Option<Location> {
    // Every tier: a match never starts or ends inside a grapheme cluster.
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| on_grapheme_boundaries(text, h.span.clone()))
        .collect();
    let mut hits = match in_prose(record, hits, prose) {
        Ok(hits) => hits,
        Err(failure) => return Some(Location::Failed(failure)),
    };
    let starts = |hits: &[Hit]| -> Vec<usize> { hits.iter().map(|h| h.span.start).collect() };
    let found = |hits: Vec<Hit>| Location::Found(Found { hits, matched });
    Some(match (hits.len(), record.occurrence) {
        (0, _) => return None,
        (1, Occurrence::Unique) | (_, Occurrence::All) => found(hits),
        (_, Occurrence::Unique) => Location::Failed(ambiguous(&starts(&hits))),
        (n, Occurrence::Nth(k)) if k <= n => found(vec![hits.swap_remove(k - 1)]),
        (_, Occurrence::Nth(k)) => Location::Failed(too_few(&starts(&hits), k)),
    })
}
