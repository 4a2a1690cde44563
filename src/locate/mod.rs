//! Locating every record in the ORIGINAL text, each independently of the others.
//!
//! All `find` texts are searched in one pass over the article (one Aho-Corasick
//! automaton, or a word-by-word lookup for large spelling lists), so the cost
//! grows with the text and the number of matches, not with text × records.
//! Each record then keeps the matches whose context fits (`before`, `after`,
//! `whole_word`), leftmost-first and non-overlapping, and picks its `occurrence`.

use std::ops::Range;

use crate::syntax::protected::Protected;
use crate::text::lines::LineIndex;
use phases::{choose, exact_hit, in_prose, locate_as_written, search};

mod batch;
mod budget;
mod cased;
mod context;
mod distance;
mod failure;
mod lookup;
mod matcher;
mod normalized;
mod phases;
mod pieces;
mod prefixes;
mod tiers;
pub mod tolerant;

use crate::record::Record;
pub(crate) use context::fits_around;
pub use context::on_grapheme_boundaries;
use context::*;
pub use failure::{Cause, Failure, Missed, Near, Places, Stands, Tolerated, Unchosen};

/// How many candidate positions an `ambiguous` message lists before abbreviating.
const LISTED_MATCHES: usize = 1000;
/// How many not-found records per text get a near-miss search (it reads the text).
const NEAR_MISS_SEARCHES: usize = 20;
/// The near-miss searches of one text read at most this many characters
/// times 64-character blocks of the `find`s (about a second of work); the
/// records past it are reported without a nearest miss, and say so.
const NEAR_MISS_BUDGET: u64 = 1 << 30;

/// Which tier of the matcher found a record (see [`tolerant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// `find` stands in the article as written.
    Exact,
    /// `find` stands there once quotes, dashes and whitespace are normalized.
    Normalized,
    /// An approximate match within the edit-distance bound.
    Fuzzy,
}

impl Tier {
    /// The name used in the changelog (`"match"`) and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Exact => "exact",
            Tier::Normalized => "normalized",
            Tier::Fuzzy => "fuzzy",
        }
    }
}

/// How closely a record's texts matched the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    /// The tier that found it.
    pub tier: Tier,
    /// Similarity of `find` to the article's text, in thousandths: 1000 for an
    /// exact match, `1000 × (1 − edits / longer length)` otherwise.
    pub similarity: u16,
}

impl Matched {
    /// An exact match.
    pub const EXACT: Matched = Matched {
        tier: Tier::Exact,
        similarity: 1000,
    };
}

/// One place a record applies: the span of `find`, and where its `before` and
/// `after` context stand in the article (byte ranges of the article's own text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The bytes to replace.
    pub span: Range<usize>,
    /// The article's text that matched `before`, if the record has one.
    pub before: Option<Range<usize>>,
    /// The article's text that matched `after`, if the record has one.
    pub after: Option<Range<usize>>,
    /// What replaces this span, when it is not the record's whole `replace` (a
    /// change inside Markdown markup is applied word by word).
    pub replace: Option<String>,
}

/// Every place a record applies, and how it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The places, in text order.
    pub hits: Vec<Hit>,
    /// The tier and similarity (the lowest over the hits).
    pub matched: Matched,
}

impl Found {
    /// Exact hits at `spans`, for records without context.
    pub fn exact(spans: Vec<Range<usize>>) -> Found {
        Found {
            hits: spans
                .into_iter()
                .map(|span| Hit {
                    span,
                    before: None,
                    after: None,
                    replace: None,
                })
                .collect(),
            matched: Matched::EXACT,
        }
    }

    /// The spans of the hits, in text order.
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.hits.iter().map(|h| h.span.clone())
    }
}

/// What the matcher may do beyond exact matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Only the exact tier (`--strict`).
    pub strict: bool,
    /// Fuzzy tier: edits allowed, as a share of `find`'s length (0.10 = 10%);
    /// 0 turns the tier off.
    pub fuzzy: f64,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance {
            strict: false,
            fuzzy: 0.10,
        }
    }
}

/// Where one record applies, or why it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Where `find` stands, and how it matched.
    Found(Found),
    /// `find` is absent and there is evidence that the correction stands
    /// (see [`crate::evidence`]): nothing to do.
    AlreadyApplied {
        /// Byte offset of the replacement, where known.
        at: Option<usize>,
    },
    /// The record cannot apply.
    Failed(Failure),
}

/// The ways a record can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No match of `find` in its context.
    NotFound,
    /// Several matches and no `occurrence` to choose.
    Ambiguous,
    /// Its span overlaps another record's.
    Conflict,
    /// It would change a Markdown document's structure.
    Structure,
    /// Its edits would take the article over a limit (`crate::limits`): too
    /// many edits, or a corrected text too large.
    TooLarge,
}

impl FailureKind {
    /// The name used in the changelog and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::NotFound => "not_found",
            FailureKind::Ambiguous => "ambiguous",
            FailureKind::Conflict => "conflict",
            FailureKind::Structure => "structure",
            FailureKind::TooLarge => "too_large",
        }
    }
}

/// Locates every record in `text` with the default [`Tolerance`]. The result is
/// parallel to `records`.
///
/// ```
/// use correct::locate::{locate, Location};
/// # let json = br#"{"id": "y", "find": "1945", "replace": "1939", "category": "other", "reason": "r"}"#;
/// let records = correct::record::parse_file("r.json", json).unwrap();
/// let text = "Khalkhin Gol, 1945.";
/// let Location::Found(found) = &locate(text, &records)[0] else { panic!() };
/// assert_eq!(found.spans().collect::<Vec<_>>(), [14..18]);
/// ```
pub fn locate(text: &str, records: &[Record]) -> Vec<Location> {
    locate_with(text, records, Tolerance::default(), None)
}

/// Locates every record in `text`: exactly first, then (unless `strict`) for
/// records that found nothing, the normalized and fuzzy tiers. For a Markdown
/// input, `prose` holds its protected parts: matches overlapping them are
/// skipped unless the record says `"scope": "any"`. The result is parallel to
/// `records`.
pub fn locate_with(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    prose: Option<&Protected>,
) -> Vec<Location> {
    locate_with_evidence(text, records, tolerance, prose, None)
}

/// [`locate_with`], where a record whose `find` has no match is
/// `already_applied` on evidence only: the committed changelog's (`evidence`),
/// or its `replace` matching exactly once under its own `before`/`after`.
pub fn locate_with_evidence(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    prose: Option<&Protected>,
    evidence: Option<&crate::evidence::Evidence>,
) -> Vec<Location> {
    if !cased::any(records) {
        return locate_as_written(text, records, tolerance, prose, evidence);
    }
    let written = cased::as_written(records);
    let locations = locate_as_written(text, &written, tolerance, prose, evidence);
    cased::merge(text, records, prose, locations)
}

/// Every occurrence (overlapping ones too) of each of `patterns` in `text`,
/// found in one pass; parallel to `patterns`. An empty pattern has none.
pub(crate) fn every_occurrence(text: &str, patterns: &[&str]) -> Vec<Vec<usize>> {
    batch::every_occurrence(text, patterns)
}

#[cfg(test)]
#[allow(
    clippy::single_range_in_vec_init,
    reason = "a record's spans: one span is a Vec of one range"
)]
mod tests {
    use super::*;
    use crate::record::Occurrence;

    fn rec(find: &str, replace: &str) -> Record {
        Record {
            file: "r.json".into(),
            ..Record::new("r", find, replace)
        }
    }

    fn one(text: &str, record: Record) -> Location {
        locate(text, &[record]).remove(0)
    }

    fn spans(location: Location) -> Vec<Range<usize>> {
        match location {
            Location::Found(found) => found.spans().collect(),
            other => panic!("expected a match, got {other:?}"),
        }
    }

    fn failure(location: Location) -> Failure {
        match location {
            Location::Failed(f) => f,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    /// The failure of `record` in `text`, and its wording.
    fn failed(text: &str, record: Record) -> (Failure, crate::render::failure::Worded) {
        let f = failure(one(text, record.clone()));
        let lines = LineIndex::new(text);
        let worded = f.worded(
            crate::text::lines::Indexed {
                text,
                lines: &lines,
            },
            &[record],
            0,
        );
        (f, worded)
    }

    #[test]
    fn a_unique_match_is_found() {
        assert_eq!(
            one("in 1945 only", rec("1945", "1939")),
            Location::Found(Found::exact(vec![3..7]))
        );
    }

    #[test]
    fn several_matches_without_occurrence_are_ambiguous_with_positions() {
        let (f, w) = failed("1945\nand 1945", rec("1945", "1939"));
        assert_eq!(f.kind, FailureKind::Ambiguous);
        let at = Places {
            listed: vec![0, 9],
            total: 2,
        };
        assert_eq!(f.cause, Cause::Ambiguous(at));
        assert!(w.message.contains("at 1:1, 2:5"), "{}", w.message);
        assert_eq!(f.first_match, Some(0));
    }

    #[test]
    fn occurrence_counts_only_matches_in_context() {
        let mut r = rec("cat", "dog");
        r.before = Some("a ".into());
        r.occurrence = Occurrence::Nth(2);
        assert_eq!(spans(one("a cat, the cat, a cat", r)), vec![18..21]);
    }

    #[test]
    fn occurrence_beyond_the_matches_is_not_found() {
        let mut r = rec("cat", "dog");
        r.occurrence = Occurrence::Nth(3);
        let (f, w) = failed("cat cat", r);
        assert_eq!(f.kind, FailureKind::NotFound);
        assert!(w.message.contains("matches only 2 times"), "{}", w.message);
    }

    #[test]
    fn all_takes_every_non_overlapping_match() {
        let mut r = rec("aa", "b");
        r.occurrence = Occurrence::All;
        assert_eq!(
            one("aaaaa", r),
            Location::Found(Found::exact(vec![0..2, 2..4]))
        );
    }

    #[test]
    fn whole_word_respects_unicode_letters() {
        let mut r = rec("war", "peace");
        r.whole_word = true;
        r.occurrence = Occurrence::All;
        assert_eq!(
            one("war, warm, éwar, war", r),
            Location::Found(Found::exact(vec![0..3, 18..21]))
        );
    }

    #[test]
    fn after_is_context_not_part_of_the_span() {
        let mut r = rec("May", "June");
        r.after = Some(" 1939".into());
        assert_eq!(spans(one("May 1945, May 1939", r)), vec![10..13]);
    }

    #[test]
    fn replace_once_in_the_records_context_means_already_applied() {
        let mut r = rec("1945", "1939");
        r.before = Some("in ".into());
        assert_eq!(
            one("in 1939 only", r),
            Location::AlreadyApplied { at: Some(3) }
        );
    }

    #[test]
    fn replace_somewhere_without_context_is_no_evidence() {
        // A mistyped find must never pass because its replacement occurs.
        let (f, w) = failed(
            "Mayor Jane Smtih said it. Later, Smith added more.",
            rec("Smtth", "Smith"),
        );
        assert_eq!(f.kind, FailureKind::NotFound);
        assert!(
            w.message
                .contains("its replacement \"Smith\" stands at 1:34 (a replacement found somewhere is no evidence"),
            "{}",
            w.message
        );
        assert!(w.help.contains("`before`/`after`"), "{}", w.help);
    }

    #[test]
    fn replace_twice_in_the_records_context_is_no_evidence() {
        let mut r = rec("1945", "1939");
        r.before = Some("in ".into());
        let (_, w) = failed("in 1939 and in 1939", r);
        assert!(
            w.message
                .contains("2 times with the record's `before`/`after`"),
            "{}",
            w.message
        );
    }

    #[test]
    fn the_committed_changelog_is_evidence_for_the_text_it_recorded() {
        let text = "Ended in 1939.";
        let sha = crate::render::changelog::sha256_hex(text.as_bytes());
        let changelog = format!(
            r#"{{"changelog_version": 1, "output": {{"sha256": "{sha}", "bytes": {}}},
              "corrections": [{{"id": "r", "status": "applied", "edits": [{{"corrected": {{"start": 9}}}}]}}]}}"#,
            text.len()
        );
        let evidence = crate::evidence::Evidence::from_changelog(changelog.as_bytes()).unwrap();
        let located = |text: &str, id: &str| {
            let mut r = rec("1945", "1939");
            r.id = id.into();
            let evidence = crate::evidence::Evidence::from_changelog(changelog.as_bytes());
            locate_with_evidence(text, &[r], Tolerance::default(), None, evidence.as_ref())
                .remove(0)
        };
        assert_eq!(located(text, "r"), Location::AlreadyApplied { at: Some(9) });
        assert!(matches!(located(text, "other"), Location::Failed(_)));
        assert!(matches!(
            located("Ended in 1939!", "r"),
            Location::Failed(_)
        ));
        drop(evidence);
    }

    #[test]
    fn an_empty_replace_is_never_already_applied() {
        let f = failure(one("text", rec("gone", "")));
        assert_eq!(f.kind, FailureKind::NotFound);
    }

    #[test]
    fn not_found_explains_a_context_that_does_not_fit() {
        let mut r = rec("1945", "1939");
        r.before = Some("May ".into());
        let (_, w) = failed("June 1945", r);
        assert!(
            w.message
                .contains("occurs 1 time(s) (first at 1:6), but never with `before` \"May \""),
            "{}",
            w.message
        );
    }

    #[test]
    fn not_found_shows_the_nearest_miss_as_a_word_diff() {
        let text = "First line.\nThe Battle of Khalkin Gol was fought in 1939.\nLast.";
        let (f, w) = failed(text, rec("Battle of Khalkhin Gol was won in 1945", "x"));
        // The failure is data: where the nearest miss stands and how close
        // it is; the words and the line number come when it is shown.
        let nearest = text.find("Battle").unwrap()..text.find(".\nLast").unwrap();
        assert_eq!(
            f.cause,
            Cause::NotFound {
                missed: Missed::Absent(Near::At(nearest, 800)),
                replaced: None
            }
        );
        assert_eq!(
            w.message,
            "\"Battle of Khalkhin Gol was won in 1945\" was not found; nearest at 2:5 \
             (similarity 0.80): Battle of [-Khalkhin-]{+Khalkin+} Gol was [-won-]{+fought+} in [-1945-]{+1939+}"
        );
    }

    #[test]
    fn records_are_located_independently() {
        let records = [rec("ab", "x"), rec("bc", "y")];
        assert_eq!(
            locate("abc", &records),
            vec![
                Location::Found(Found::exact(vec![0..2])),
                Location::Found(Found::exact(vec![1..3]))
            ]
        );
    }
}
