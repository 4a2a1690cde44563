//! The normalized and fuzzy tiers for one record that found no exact match.
//! Neither makes a record `already_applied`: that takes evidence (SPEC.md
//! rule 2, [`crate::evidence`]); a replacement that stands closer than `find`
//! makes the record fail instead.
//!
//! The same rules hold at every tier: `before`/`after` and `whole_word` must fit,
//! `occurrence` picks among the hits, and several hits without one are ambiguous.
//! At the fuzzy tier "several" also means two candidates whose scores are close:
//! the matcher refuses rather than guess, unless a `line` hint tells them apart.

use std::ops::Range;

use super::batch::Searches;
use super::failure::{Cause, Failure, Tolerated, Unchosen};
use super::tolerant::{self, Candidate, Normalized, normalize};
use super::{Found, Hit, Location, Matched, Tier, choose};
use crate::record::{Occurrence, Record};
use crate::syntax::protected::Protected;
use crate::text::lines::LineIndex;

/// The normalized, then the fuzzy tier. `None`: nothing at any tier.
pub(super) fn locate<'i>(
    text: &str,
    normalized: &Normalized,
    index: impl Fn() -> &'i LineIndex + Copy,
    record: &Record,
    fuzzy: f64,
    prose: Option<&Protected>,
    searches: &Searches,
) -> Option<Location> {
    if let Some(prose) = prose.filter(|_| !record.anywhere)
        && let Some(location) = across_markup(text, prose, record, &searches.in_prose)
    {
        return Some(location);
    }
    let find = Texts::of(record, &record.find);
    let hits = normalized_hits(text, normalized, record, &find, &searches.normalized);
    if !hits.is_empty() {
        let similarity = hits
            .iter()
            .map(|h| similarity(&record.find, &text[h.span.clone()]))
            .min()
            .unwrap_or(1000);
        let matched = Matched {
            tier: Tier::Normalized,
            similarity,
        };
        return choose(text, record, hits, matched, prose);
    }
    fuzzy_tier(text, normalized, index, record, fuzzy, prose, searches)
}

/// Markdown: `find` as the prose reads, across inline markup (`Battle of
/// Khalkhin Gol` matches `Battle of *Khalkhin Gol*`). Each changed word is
/// replaced inside the markup around it; a change that would cross markup is
/// refused. `None` when the prose has no such match. `starts`: where `find`
/// stands in the prose, leftmost and apart.
fn across_markup(
    text: &str,
    protected: &Protected,
    record: &Record,
    starts: &[usize],
) -> Option<Location> {
    let prose = &protected.prose;
    let reads = prose.text.as_str();
    let mut candidates: Vec<(Hit, Range<usize>)> = Vec::new();
    for &at in starts {
        let r = at..at + record.find.len();
        let fits = super::fits_around(reads, r.clone(), record)
            && (!record.whole_word || super::is_whole_word(reads, r.clone()));
        // Within one piece the exact tier has already looked.
        if !fits || prose.within_one_piece(r.clone()) {
            continue;
        }
        let Some(span) = prose.source(r.clone()) else {
            continue;
        };
        let hit = Hit {
            span,
            before: None,
            after: None,
            replace: None,
        };
        candidates.push((hit, r));
    }
    if candidates.is_empty() {
        return None;
    }
    let hits = candidates.iter().map(|(h, _)| h.clone()).collect();
    match choose(text, record, hits, Matched::EXACT, None)? {
        Location::Found(found) => {
            let mut edits = Vec::new();
            for hit in &found.hits {
                let (_, r) = candidates.iter().find(|(h, _)| h.span == hit.span)?;
                match word_edits(prose, r.clone(), record) {
                    Ok(mut more) => edits.append(&mut more),
                    Err(failure) => return Some(Location::Failed(failure)),
                }
            }
            Some(Location::Found(Found {
                hits: edits,
                matched: found.matched,
            }))
        }
        other => Some(other),
    }
}

/// The changed words of one match across markup, each as its own edit of the
/// source, or a refusal when a change crosses markup.
fn word_edits(
    prose: &crate::markdown::Prose,
    r: Range<usize>,
    record: &Record,
) -> Result<Vec<Hit>, Failure> {
    let mut at = r.start;
    let mut edits = Vec::new();
    for piece in crate::text::words::pieces(&record.find, &record.replace) {
        let (del, ins) = match piece {
            crate::text::words::Piece::Same(same) => {
                at += same.len();
                continue;
            }
            crate::text::words::Piece::Change { del, ins } => (del, ins),
        };
        let changed = at..at + del.len();
        at = changed.end;
        let span = match changed.is_empty() {
            true => prose.point(changed.start, true).map(|p| p..p),
            false if prose.within_one_piece(changed.clone()) => prose.source(changed),
            false => None,
        };
        let Some(span) = span else {
            let at = prose.source(r.clone()).map_or(0, |s| s.start);
            let cause = Cause::AcrossMarkup { at, del, ins };
            return Err(Failure::new(cause, Some(at)));
        };
        edits.push(Hit {
            span,
            before: None,
            after: None,
            replace: Some(ins),
        });
    }
    Ok(edits)
}

/// A record's `find` (or `replace`) with its context, normalized.
struct Texts {
    pattern: String,
    before: Option<String>,
    after: Option<String>,
}

impl Texts {
    fn of(record: &Record, pattern: &str) -> Texts {
        Texts {
            pattern: normalize(pattern),
            before: record.before.as_deref().map(normalize),
            after: record.after.as_deref().map(normalize),
        }
    }
}

/// Every leftmost-first, non-overlapping match of the normalized pattern whose
/// normalized context fits, as spans of the article. `starts`: every
/// occurrence of the pattern in the normalized text, overlapping ones too.
fn normalized_hits(
    text: &str,
    n: &Normalized,
    record: &Record,
    texts: &Texts,
    starts: &[usize],
) -> Vec<Hit> {
    let hay = n.text.as_str();
    let pattern = texts.pattern.as_str();
    let mut hits = Vec::new();
    let mut free_from = 0;
    for &start in starts {
        let end = start + pattern.len();
        if start < free_from {
            continue;
        }
        let before = texts.before.as_deref();
        let after = texts.after.as_deref();
        if !before.is_none_or(|b| hay[..start].ends_with(b))
            || !after.is_none_or(|a| hay[end..].starts_with(a))
        {
            continue;
        }
        let span = n.original(start..end);
        if record.whole_word && !super::is_whole_word(text, span.clone()) {
            continue;
        }
        free_from = end;
        hits.push(Hit {
            span,
            before: before.map(|b| n.original(start - b.len()..start)),
            after: after.map(|a| n.original(end..end + a.len())),
            replace: None,
        });
    }
    hits
}

/// A fuzzy candidate whose context fits, with its total edits.
#[derive(Debug, PartialEq, Eq)]
struct Scored {
    hit: Hit,
    /// Edits in `find`.
    distance: usize,
    /// Edits in `find`, `before` and `after` together.
    total: usize,
}

/// Edits allowed for `pattern` (a record's `find` or `replace`), or `None`
/// when the fuzzy tier does not apply to it.
pub(super) fn fuzzy_bound(pattern: &str, share: f64) -> Option<usize> {
    bound(pattern.chars().count(), share)
}

/// Edits allowed for a text of `chars` characters, or `None` when the fuzzy tier
/// does not apply to it.
fn bound(chars: usize, share: f64) -> Option<usize> {
    if !(tolerant::FUZZY_MIN_CHARS..=tolerant::FUZZY_MAX_CHARS).contains(&chars) {
        return None;
    }
    let k = (chars as f64 * share).floor() as usize;
    (k > 0).then_some(k)
}

/// Candidates for `pattern` whose context fits within its own bound, from the
/// regions its pieces gave.
fn scored(
    text: &str,
    n: &Normalized,
    record: &Record,
    pattern: &str,
    share: f64,
    regions: &tolerant::Regions,
    under: Option<usize>,
) -> Vec<Scored> {
    let Some(k) = fuzzy_bound(pattern, share) else {
        return Vec::new();
    };
    let texts = Texts::of(record, pattern);
    let context_bound = |c: &str| (c.chars().count() as f64 * share).floor() as usize;
    tolerant::fuzzy_in_regions(&n.text, &n.ascii, &texts.pattern, k, regions, under)
        .into_iter()
        .filter_map(|Candidate { range, distance }| {
            let mut total = distance;
            let before = match &texts.before {
                None => None,
                Some(b) => {
                    let reversed: Vec<char> = b.chars().rev().collect();
                    let preceding = n.text[..range.start].chars().rev();
                    let (edits, bytes) =
                        tolerant::anchored(&reversed, preceding, context_bound(b))?;
                    total += edits;
                    Some(n.original(range.start - bytes..range.start))
                }
            };
            let after = match &texts.after {
                None => None,
                Some(a) => {
                    let chars: Vec<char> = a.chars().collect();
                    let following = n.text[range.end..].chars();
                    let (edits, bytes) = tolerant::anchored(&chars, following, context_bound(a))?;
                    total += edits;
                    Some(n.original(range.end..range.end + bytes))
                }
            };
            let span = n.original(range);
            if record.whole_word && !super::is_whole_word(text, span.clone()) {
                return None;
            }
            Some(Scored {
                hit: Hit {
                    span,
                    before,
                    after,
                    replace: None,
                },
                distance,
                total,
            })
        })
        .collect()
}

/// Two candidates whose totals differ by less than this are too close to choose
/// between (2 edits, or 5% of `find`, whichever is more).
fn close(find_chars: usize) -> usize {
    (find_chars / 20).max(2)
}

/// The fuzzy tier: the regions where `find` aligns within the record's
/// bound, in prose; refused when the replacement stands closer; then the
/// record's `occurrence` chooses among them.
fn fuzzy_tier<'i>(
    text: &str,
    n: &Normalized,
    index: impl Fn() -> &'i LineIndex + Copy,
    record: &Record,
    share: f64,
    prose: Option<&Protected>,
    searches: &Searches,
) -> Option<Location> {
    if share <= 0.0 {
        return None;
    }
    let regions = &searches.find_regions;
    let finds = scored(text, n, record, &record.find, share, regions, None);
    let hits: Vec<Hit> = finds.iter().map(|s| s.hit.clone()).collect();
    let kept = match super::in_prose(record, hits, prose) {
        Ok(kept) => kept,
        Err(failure) => return Some(Location::Failed(failure)),
    };
    let finds: Vec<Scored> = finds
        .into_iter()
        .filter(|s| kept.contains(&s.hit))
        .collect();
    let best_find = finds.iter().map(|s| s.total).min();
    if !record.replace.is_empty() {
        // Only a replacement closer than the best `find` matters: its total,
        // so its own edits, are under that find's total.
        let regions = &searches.replace_regions;
        let replaces = scored(text, n, record, &record.replace, share, regions, best_find);
        // The replacement stands closer than any match of `find`: applying
        // `find` there would correct what may be corrected already. Without
        // evidence, refuse and say so (SPEC.md rule 2).
        if let Some(r) = replaces.iter().min_by_key(|s| s.total)
            && best_find.is_none_or(|f| r.total < f)
        {
            let at = r.hit.span.start;
            return Some(Location::Failed(Failure::new(
                Cause::ReplaceCloser { at },
                Some(at),
            )));
        }
    }
    best_find.map(|best| fuzzy_choice(index, record, &finds, best))
}

/// The fuzzy matches (`finds`, the best at `best` total) the record's
/// `occurrence` chooses, or why it cannot choose.
fn fuzzy_choice<'i>(
    index: impl Fn() -> &'i LineIndex,
    record: &Record,
    finds: &[Scored],
    best: usize,
) -> Location {
    let find_chars = record.find.chars().count();
    let matched = |chosen: &[&Scored]| Matched {
        tier: Tier::Fuzzy,
        similarity: chosen
            .iter()
            .map(|s| 1000 - (s.distance * 1000 / find_chars.max(1)).min(1000) as u16)
            .min()
            .unwrap_or(1000),
    };
    let found = |chosen: Vec<&Scored>| {
        Location::Found(Found {
            matched: matched(&chosen),
            hits: chosen.into_iter().map(|s| s.hit.clone()).collect(),
        })
    };
    let failed = |why: Unchosen| Location::Failed(fuzzy_failure(finds, why));
    match record.occurrence {
        Occurrence::All => found(finds.iter().collect()),
        Occurrence::Nth(k) if k <= finds.len() => found(vec![&finds[k - 1]]),
        Occurrence::Nth(k) => failed(Unchosen::TooFew {
            k,
            count: finds.len(),
        }),
        Occurrence::Unique => {
            let contenders: Vec<&Scored> = finds
                .iter()
                .filter(|s| s.total < best + close(find_chars))
                .collect();
            match by_line_hint(index, record, &contenders) {
                Some(one) => found(vec![one]),
                None => failed(Unchosen::Close {
                    count: contenders.len(),
                }),
            }
        }
    }
}

/// The one contender, or the one nearest the record's `line` hint when it is
/// strictly nearer than every other. The text's line index (`index`, built
/// once, by the first record that needs it: tens of milliseconds for 100
/// MB) is asked for only then.
fn by_line_hint<'s, 'i>(
    index: impl Fn() -> &'i LineIndex,
    record: &Record,
    contenders: &[&'s Scored],
) -> Option<&'s Scored> {
    if let [one] = contenders {
        return Some(one);
    }
    let line = record.line?.saturating_sub(1);
    let index = index();
    let mut by_distance: Vec<(usize, &Scored)> = contenders
        .iter()
        .map(|s| (index.line_of(s.hit.span.start).abs_diff(line), *s))
        .collect();
    by_distance.sort_by_key(|(d, _)| *d);
    match by_distance.as_slice() {
        [(d0, first), (d1, _), ..] if d0 < d1 => Some(first),
        _ => None,
    }
}

/// The failure of the fuzzy tier that cannot choose (`why`) among `finds`.
fn fuzzy_failure(finds: &[Scored], why: Unchosen) -> Failure {
    let listed = (finds.iter().take(super::LISTED_MATCHES))
        .map(|s| (s.hit.span.start, s.distance))
        .collect();
    let first = finds.first().map(|s| s.hit.span.start);
    Failure::new(Cause::Fuzzy { why, listed }, first)
}

/// `1000 × (1 − Levenshtein distance / longer length)`, in characters. Texts
/// over 4,096 characters (where the table would be large) are compared by
/// length alone: the tolerant tiers bound their differences anyway.
pub(super) fn similarity(a: &str, b: &str) -> u16 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longer = la.max(lb);
    if longer == 0 {
        return 1000;
    }
    let distance = match longer <= 4096 {
        true => strsim::levenshtein(a, b),
        false => la.abs_diff(lb),
    };
    1000 - (distance * 1000 / longer) as u16
}

/// The failure for a record that only a tolerant tier located, under `--strict`.
pub(super) fn refused_by_strict(location: &Location) -> Failure {
    // A match of the prose across markup is edited word by word: its first
    // edit is no picture of what matched.
    let across =
        matches!(location, Location::Found(f) if f.hits.iter().any(|h| h.replace.is_some()));
    let (how, at): (Tolerated, Option<Range<usize>>) = match location {
        Location::Found(_) if across => (Tolerated::AcrossMarkup, None),
        Location::Found(found) => (Tolerated::Tier(found.matched.tier), found.spans().next()),
        Location::AlreadyApplied { at } => (Tolerated::AlreadyApplied, at.map(|at| at..at)),
        Location::Failed(failure) => return failure.clone(),
    };
    let first = at.as_ref().map(|r| r.start);
    Failure::new(Cause::Strict { how, at }, first)
}

#[cfg(test)]
mod tests {
    use crate::locate::{FailureKind, Location, Tier, locate};
    use crate::record::{Occurrence, Record};

    fn one(text: &str, record: Record) -> Location {
        locate(text, &[record]).remove(0)
    }

    #[test]
    fn ambiguity_holds_at_the_normalized_tier() {
        let text = "the pact\u{2019}s terms; later, the pact\u{2019}s terms";
        match one(text, Record::new("r", "pact's terms", "x")) {
            Location::Failed(f) => {
                assert_eq!(f.kind, FailureKind::Ambiguous);
                let lines = crate::text::lines::LineIndex::new(text);
                let original = crate::text::lines::Indexed {
                    text,
                    lines: &lines,
                };
                let record = Record::new("r", "pact's terms", "x");
                let message = f.worded(original, &[record], 0).message;
                assert!(message.contains("1:5, 1:30"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let mut second = Record::new("r", "pact's terms", "x");
        second.occurrence = Occurrence::Nth(2);
        match one(text, second) {
            Location::Found(found) => {
                assert_eq!(found.matched.tier, Tier::Normalized);
                assert_eq!(found.spans().next(), Some(31..45));
                assert_eq!(found.hits.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn occurrence_picks_among_fuzzy_candidates_in_text_order() {
        let text = "signed the pakt in Moscow; then signed the pacct in Tokyo";
        let mut r = Record::new("r", "signed the pact", "x");
        r.occurrence = Occurrence::Nth(2);
        match one(text, r.clone()) {
            Location::Found(found) => {
                assert_eq!(found.matched.tier, Tier::Fuzzy);
                assert_eq!(&text[found.spans().next().unwrap()], "signed the pacct");
            }
            other => panic!("{other:?}"),
        }
        r.occurrence = Occurrence::All;
        match one(text, r) {
            Location::Found(found) => assert_eq!(found.hits.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whole_word_holds_at_the_tolerant_tiers() {
        let mut r = Record::new("r", "Soviet Union's", "x");
        r.whole_word = true;
        assert!(matches!(
            one("the Soviet Union\u{2019}sx", r.clone()),
            Location::Failed(_)
        ));
        assert!(matches!(
            one("the Soviet Union\u{2019}s army", r),
            Location::Found(_)
        ));
    }

    /// The text's line index is built only for a `line` hint that has
    /// contenders to tell apart: one contender, or no hint, never asks.
    #[test]
    fn only_a_line_hint_among_contenders_asks_for_the_line_index() {
        use super::{Scored, by_line_hint};
        let scored = |start: usize| Scored {
            hit: crate::locate::Hit {
                span: start..start + 1,
                before: None,
                after: None,
                replace: None,
            },
            distance: 1,
            total: 1,
        };
        let text = "a\nb\nc\nd";
        let lines = crate::text::lines::LineIndex::new(text);
        let asked = std::cell::Cell::new(0);
        let index = || {
            asked.set(asked.get() + 1);
            &lines
        };
        let (first, last) = (scored(0), scored(6));
        let mut record = Record::new("r", "x", "y");
        assert_eq!(by_line_hint(index, &record, &[&first]), Some(&first));
        assert_eq!(by_line_hint(index, &record, &[&first, &last]), None);
        assert_eq!(asked.get(), 0);
        record.line = Some(4);
        assert_eq!(by_line_hint(index, &record, &[&first]), Some(&first));
        assert_eq!(asked.get(), 0);
        assert_eq!(by_line_hint(index, &record, &[&first, &last]), Some(&last));
        assert_eq!(asked.get(), 1);
    }
}
