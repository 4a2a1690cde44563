//! One article and its records in, one [`Outcome`] out: the value every output
//! (corrected text, diff, changelog, review page, report) is rendered from.

use rayon::prelude::*;

use crate::apply::{self, Edit};
use crate::locate::{self, Failure, FailureKind, Found, Location, Matched, Tolerance};
use crate::record::Record;
use crate::syntax::Syntax;
use crate::text::lines::{Indexed, LineCol, LineIndex};

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its edits are in the corrected text.
    Applied,
    /// The text already says what the record wants.
    AlreadyApplied,
    /// It could not apply; see its failure.
    Failed,
}

impl Status {
    /// The name used in the changelog.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::AlreadyApplied => "already_applied",
            Status::Failed => "failed",
        }
    }
}

/// A span in one text: byte offsets and where they are for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Line and column of `start`.
    pub at: LineCol,
}

/// One edit with its place in the original and in the corrected text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedEdit {
    /// Where the replaced text stood.
    pub original: Position,
    /// Where the replacement stands.
    pub corrected: Position,
    /// How the record's `find` matched the original there.
    pub matched: Matched,
}

/// What became of one record, with what each outcome carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Its edits are in the corrected text.
    Applied {
        /// Its edits, in text order.
        edits: Vec<PlacedEdit>,
        /// Where it matched and how: what `--rebase` copies.
        found: Found,
    },
    /// The text already says what the record wants.
    AlreadyApplied {
        /// Where the replacement stands, when the evidence says.
        at: Option<usize>,
    },
    /// It could not apply.
    Failed(Failure),
}

/// One record's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Index into the records slice.
    pub record: usize,
    /// Byte offset of its first edit or match, used for ordering.
    pub position: Option<usize>,
    /// What became of it.
    pub resolution: Resolution,
}

impl Correction {
    /// What happened, by name.
    pub fn status(&self) -> Status {
        match self.resolution {
            Resolution::Applied { .. } => Status::Applied,
            Resolution::AlreadyApplied { .. } => Status::AlreadyApplied,
            Resolution::Failed(_) => Status::Failed,
        }
    }

    /// Its edits, in text order: none unless it applied.
    pub fn edits(&self) -> &[PlacedEdit] {
        match &self.resolution {
            Resolution::Applied { edits, .. } => edits,
            _ => &[],
        }
    }

    /// Why it failed, when it did.
    pub fn failure(&self) -> Option<&Failure> {
        match &self.resolution {
            Resolution::Failed(failure) => Some(failure),
            _ => None,
        }
    }

    /// Where it matched and how, when it applied.
    pub fn found(&self) -> Option<&Found> {
        match &self.resolution {
            Resolution::Applied { found, .. } => Some(found),
            _ => None,
        }
    }
}

/// The counts every output's summary shows, computed once; the changelog's
/// `summary` object as SPEC.md names its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Records the outcome lists (see [`Outcome::record_count`]).
    pub records: usize,
    /// Records applied.
    pub applied: usize,
    /// Records already applied.
    pub already_applied: usize,
    /// Records failed.
    pub failed: usize,
    /// Edits of the applied records.
    pub edits: usize,
}

/// The result of correcting one article.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The text with every record that did not fail applied.
    pub corrected: String,
    /// Line index of the original text.
    pub original_lines: LineIndex,
    /// Line index of the corrected text.
    pub corrected_lines: LineIndex,
    /// One entry per record, in changelog order: by first edit or match, then id;
    /// records without a position last, by id.
    pub corrections: Vec<Correction>,
}

impl Outcome {
    /// True when no record failed, so the outputs may be written.
    pub fn succeeded(&self) -> bool {
        self.corrections
            .iter()
            .all(|c| c.status() != Status::Failed)
    }

    /// Number of records with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.corrections
            .iter()
            .filter(|c| c.status() == status)
            .count()
    }

    /// How many records the outcome lists: all of them, but for shared records
    /// (house style) the article lacks.
    pub fn record_count(&self) -> usize {
        self.corrections.len()
    }

    /// Total number of edits.
    pub fn edit_count(&self) -> usize {
        self.corrections.iter().map(|c| c.edits().len()).sum()
    }

    /// The original text the outcome was computed from, with its line index.
    pub fn original<'a>(&'a self, text: &'a str) -> Indexed<'a> {
        Indexed {
            text,
            lines: &self.original_lines,
        }
    }

    /// The counts of the summary lines: records, by status, and edits.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            records: self.record_count(),
            ..Summary::default()
        };
        for c in &self.corrections {
            match c.status() {
                Status::Applied => summary.applied += 1,
                Status::AlreadyApplied => summary.already_applied += 1,
                Status::Failed => summary.failed += 1,
            }
            summary.edits += c.edits().len();
        }
        summary
    }
}

/// Locates and applies `records` to `text`.
///
/// ```
/// # let json = br#"{"id": "y", "find": "1945", "replace": "1939", "category": "other", "reason": "r"}"#;
/// let records = correct::record::parse_file("r.json", json).unwrap();
/// let outcome = correct::outcome::correct("May to September 1945", &records);
/// assert_eq!(outcome.corrected, "May to September 1939");
/// assert!(outcome.succeeded());
/// ```
pub fn correct(text: &str, records: &[Record]) -> Outcome {
    correct_with(text, records, Tolerance::default(), Syntax::Plain)
}

/// Locates (with `tolerance`) and applies `records` to `text`. For a Markdown
/// or HTML text, matches outside prose are skipped and records that would
/// change the document's structure fail (see [`crate::syntax`]).
pub fn correct_with(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    syntax: Syntax,
) -> Outcome {
    correct_with_evidence(text, records, tolerance, syntax, None)
}

/// [`correct_with`], where a record whose `find` has no match may be
/// `already_applied` on the committed changelog's `evidence` (see
/// [`crate::evidence`]).
pub fn correct_with_evidence(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    syntax: Syntax,
    evidence: Option<&crate::evidence::Evidence>,
) -> Outcome {
    let prose = syntax.protected(text);
    let mut locations =
        locate::locate_with_evidence(text, records, tolerance, prose.as_ref(), evidence);
    apply::mark_conflicts(records, &mut locations);
    apply::mark_oversized(text, records, &mut locations);
    if syntax != Syntax::Plain {
        apply::mark_structure_changes(text, records, syntax, &mut locations);
    }
    let edits = apply::edits(&locations);
    // Both line indexes are built while the corrected text is: the corrected
    // one comes from the original's and the edits, not from the text.
    let large = text.len() >= crate::par::LARGE;
    let (corrected, (original_lines, corrected_lines)) = crate::par::join(
        large,
        || apply::apply(text, records, &edits),
        || {
            let original = LineIndex::new(text);
            let corrected = original.edited(
                edits
                    .iter()
                    .map(|e| (e.range.clone(), e.replacement(records))),
            );
            (original, corrected)
        },
    );
    let placed = place(
        Indexed {
            text,
            lines: &original_lines,
        },
        Indexed {
            text: &corrected,
            lines: &corrected_lines,
        },
        records,
        &edits,
    );

    let corrections = corrections(records, locations, placed);
    Outcome {
        corrected,
        original_lines,
        corrected_lines,
        corrections,
    }
}

/// Each record's result from its location (and its placed edits, when it
/// applied), in changelog order: by first edit or match, then id; records
/// without a position last. Shared records the article lacks are left out.
fn corrections(
    records: &[Record],
    locations: Vec<Location>,
    mut placed: Vec<Vec<PlacedEdit>>,
) -> Vec<Correction> {
    let mut corrections: Vec<Correction> = locations
        .into_iter()
        .enumerate()
        .map(|(record, location)| match location {
            Location::Found(found) => {
                let edits = std::mem::take(&mut placed[record]);
                Correction {
                    record,
                    position: edits.first().map(|e| e.original.start),
                    resolution: Resolution::Applied { edits, found },
                }
            }
            Location::AlreadyApplied { at } => Correction {
                record,
                position: at,
                resolution: Resolution::AlreadyApplied { at },
            },
            Location::Failed(failure) => Correction {
                record,
                position: failure.first_match,
                resolution: Resolution::Failed(failure),
            },
        })
        // A shared record the article lacks is not the article's business.
        .filter(|c| {
            !(records[c.record].shared
                && c.failure().is_some_and(|f| f.kind == FailureKind::NotFound))
        })
        .collect();
    corrections.sort_by(|a, b| {
        let key = |c: &Correction| (c.position.is_none(), c.position);
        key(a)
            .cmp(&key(b))
            .then_with(|| records[a.record].id.cmp(&records[b.record].id))
    });
    corrections
}

/// Gives every edit its original and corrected position, grouped by record.
fn place(
    original: Indexed<'_>,
    corrected: Indexed<'_>,
    records: &[Record],
    edits: &[Edit],
) -> Vec<Vec<PlacedEdit>> {
    // Thousands of edits in a large text are placed in runs on every core.
    let runs = match edits.len() >= PARALLEL_EDITS && original.text.len() >= crate::par::LARGE {
        true => 2 * rayon::current_num_threads(),
        false => 1,
    };
    place_in_runs(original, corrected, records, edits, runs)
}

/// [`place`] with the edits cut into `runs` runs; each starts from the shift
/// the edits before it add up to.
fn place_in_runs(
    original: Indexed<'_>,
    corrected: Indexed<'_>,
    records: &[Record],
    edits: &[Edit],
    runs: usize,
) -> Vec<Vec<PlacedEdit>> {
    let runs: Vec<(&[Edit], isize)> = edits
        .chunks(edits.len().div_ceil(runs).max(1))
        .scan(0, |shift, run| {
            let at = *shift;
            *shift += run.iter().map(|e| shift_of(e, records)).sum::<isize>();
            Some((run, at))
        })
        .collect();
    let place_run =
        |&(run, shift): &(&[Edit], isize)| place_run(original, corrected, records, run, shift);
    let positions: Vec<Vec<PlacedEdit>> = match runs.len() {
        0 | 1 => runs.iter().map(place_run).collect(),
        _ => runs.par_iter().map(place_run).collect(),
    };
    let mut placed = vec![Vec::new(); records.len()];
    for (edit, position) in edits.iter().zip(positions.into_iter().flatten()) {
        placed[edit.record].push(position);
    }
    placed
}

/// From this many edits on, a large text's edits are placed on every core.
const PARALLEL_EDITS: usize = 4096;

/// How much an edit moves the text after it.
fn shift_of(edit: &Edit, records: &[Record]) -> isize {
    edit.replacement(records).len() as isize - edit.range.len() as isize
}

/// Places a run of edits (in text order) that starts `shift` bytes from where
/// the original text would put it.
fn place_run(
    original: Indexed<'_>,
    corrected: Indexed<'_>,
    records: &[Record],
    edits: &[Edit],
    mut shift: isize,
) -> Vec<PlacedEdit> {
    // Edits are in text order: each line is searched from the last one's.
    let start_of_text = LineCol { line: 1, column: 1 };
    let (mut original_at, mut corrected_at) = (start_of_text, start_of_text);
    edits
        .iter()
        .map(|edit| {
            let start = edit
                .range
                .start
                .checked_add_signed(shift)
                .expect("edits shift within the text");
            let end = start + edit.replacement(records).len();
            original_at =
                original
                    .lines
                    .line_col_after(original.text, original_at, edit.range.start);
            corrected_at = corrected
                .lines
                .line_col_after(corrected.text, corrected_at, start);
            shift += shift_of(edit, records);
            PlacedEdit {
                matched: edit.matched,
                original: Position {
                    start: edit.range.start,
                    end: edit.range.end,
                    at: original_at,
                },
                corrected: Position {
                    start,
                    end,
                    at: corrected_at,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_file;

    fn records(json: &str) -> Vec<Record> {
        parse_file("r.json", json.as_bytes()).unwrap()
    }

    #[test]
    fn edits_placed_in_runs_are_placed_as_in_one() {
        // Edits that add and remove lines and characters of every width.
        let text = "één\ntwo three\r\nfour\n\nfive six ✓\nseven\neight nine\nten";
        let rs = records(
            r#"[{"id": "a", "find": "één", "replace": "one", "category": "other", "reason": "r"},
                {"id": "b", "find": "three\r\nfour", "replace": "3 4", "category": "other", "reason": "r"},
                {"id": "c", "find": "five", "replace": "5\n5\n", "category": "other", "reason": "r"},
                {"id": "d", "find": "✓", "replace": "✔✔", "category": "other", "reason": "r"},
                {"id": "e", "find": "seven\n", "replace": "", "category": "other", "reason": "r"},
                {"id": "f", "find": "nine", "replace": "ninë", "category": "other", "reason": "r"},
                {"id": "g", "find": "ten", "replace": "10", "category": "other", "reason": "r"}]"#,
        );
        let outcome = correct(text, &rs);
        assert!(outcome.succeeded(), "{:?}", outcome.corrections);
        let locations = locate::locate_with(text, &rs, Tolerance::default(), None);
        let edits = apply::edits(&locations);
        let original = Indexed {
            text,
            lines: &outcome.original_lines,
        };
        let corrected = Indexed {
            text: &outcome.corrected,
            lines: &outcome.corrected_lines,
        };
        let one = place_in_runs(original, corrected, &rs, &edits, 1);
        for runs in 2..=edits.len() + 1 {
            assert_eq!(
                place_in_runs(original, corrected, &rs, &edits, runs),
                one,
                "{runs} runs"
            );
        }
        // And as the outcome has them.
        for c in &outcome.corrections {
            assert_eq!(c.edits(), one[c.record]);
        }
    }

    #[test]
    fn positions_shift_by_earlier_edits() {
        let rs = records(
            r#"[{"id": "b", "find": "two", "replace": "2", "category": "other", "reason": "r"},
                {"id": "a", "find": "one", "replace": "uno", "category": "other", "reason": "r"}]"#,
        );
        let outcome = correct("one\ntwo", &rs);
        assert_eq!(outcome.corrected, "uno\n2");
        let ids: Vec<&str> = outcome
            .corrections
            .iter()
            .map(|c| rs[c.record].id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let two = &outcome.corrections[1].edits()[0];
        assert_eq!((two.original.start, two.original.end), (4, 7));
        assert_eq!((two.corrected.start, two.corrected.end), (4, 5));
        assert_eq!(two.corrected.at, LineCol { line: 2, column: 1 });
    }

    #[test]
    fn records_without_position_sort_last_by_id() {
        let rs = records(
            r#"[{"id": "z", "find": "nowhere", "replace": "zzz", "category": "other", "reason": "r"},
                {"id": "m", "find": "absent", "replace": "qqq", "category": "other", "reason": "r"},
                {"id": "y", "find": "text", "replace": "words", "category": "other", "reason": "r"}]"#,
        );
        let outcome = correct("some text", &rs);
        let ids: Vec<&str> = outcome
            .corrections
            .iter()
            .map(|c| rs[c.record].id.as_str())
            .collect();
        assert_eq!(ids, ["y", "m", "z"]);
        assert!(!outcome.succeeded());
    }
}
