//! One article and its records in, one [`Outcome`] out: the value every output
//! (corrected text, diff, changelog, review page, report) is rendered from.

use crate::apply::{self, Edit};
use crate::lines::{Indexed, LineCol, LineIndex};
use crate::locate::{self, Failure, FailureKind, Found, Location, Matched, Tolerance};
use crate::markdown::{self, Protected};
use crate::record::Record;

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

/// One record's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Index into the records slice.
    pub record: usize,
    /// What happened.
    pub status: Status,
    /// Its edits, in text order (empty unless applied).
    pub edits: Vec<PlacedEdit>,
    /// Why it failed, when it did.
    pub failure: Option<Failure>,
    /// Byte offset of its first edit or match, used for ordering.
    pub position: Option<usize>,
    /// Where it matched and how (applied records only): what `--rebase` copies.
    pub found: Option<Found>,
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
        self.corrections.iter().all(|c| c.status != Status::Failed)
    }

    /// Number of records with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.corrections
            .iter()
            .filter(|c| c.status == status)
            .count()
    }

    /// Total number of edits.
    pub fn edit_count(&self) -> usize {
        self.corrections.iter().map(|c| c.edits.len()).sum()
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
    correct_with(text, records, Tolerance::default(), false)
}

/// Locates (with `tolerance`) and applies `records` to `text`. For a Markdown
/// text, matches outside prose are skipped and records that would change the
/// document's structure fail (see [`crate::markdown`]).
pub fn correct_with(
    text: &str,
    records: &[Record],
    tolerance: Tolerance,
    markdown: bool,
) -> Outcome {
    let prose = markdown.then(|| Protected::of(text));
    let mut locations = locate::locate_with(text, records, tolerance, prose.as_ref());
    apply::mark_conflicts(text, records, &mut locations);
    if markdown {
        mark_structure_changes(text, records, &mut locations);
    }
    let edits = apply::edits(&locations);
    let (corrected, original_lines) = crate::par::join(
        text.len() >= crate::par::LARGE,
        || apply::apply(text, records, &edits),
        || LineIndex::new(text),
    );
    let corrected_lines = original_lines.edited(
        edits
            .iter()
            .map(|e| (e.range.clone(), e.replacement(records))),
    );
    let mut placed = place(
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

    let mut corrections: Vec<Correction> = locations
        .into_iter()
        .enumerate()
        .map(|(record, location)| match location {
            Location::Found(found) => {
                let edits = std::mem::take(&mut placed[record]);
                let position = edits.first().map(|e| e.original.start);
                Correction {
                    record,
                    status: Status::Applied,
                    edits,
                    failure: None,
                    position,
                    found: Some(found),
                }
            }
            Location::AlreadyApplied { at } => Correction {
                record,
                status: Status::AlreadyApplied,
                edits: Vec::new(),
                failure: None,
                position: Some(at),
                found: None,
            },
            Location::Failed(failure) => Correction {
                record,
                status: Status::Failed,
                edits: Vec::new(),
                position: failure.first_match,
                failure: Some(failure),
                found: None,
            },
        })
        .collect();
    corrections.sort_by(|a, b| {
        let key = |c: &Correction| (c.position.is_none(), c.position);
        key(a)
            .cmp(&key(b))
            .then_with(|| records[a.record].id.cmp(&records[b.record].id))
    });
    Outcome {
        corrected,
        original_lines,
        corrected_lines,
        corrections,
    }
}

/// Marks as failed (`structure`) every record whose edits change the Markdown
/// structure of `text`, unless it says `"structure": "changes"`.
fn mark_structure_changes(text: &str, records: &[Record], locations: &mut [Location]) {
    let checked = |locations: &[Location], only: Option<usize>| -> Option<(String, usize)> {
        let edits: Vec<Edit> = apply::edits(locations)
            .into_iter()
            .filter(|e| only.is_none_or(|i| e.record == i) && !records[e.record].changes_structure)
            .collect();
        markdown::broken(text, &apply::apply(text, records, &edits))
    };
    if checked(locations, None).is_none() {
        return;
    }
    let index = LineIndex::new(text);
    let mut flagged = Vec::new();
    for (i, location) in locations.iter().enumerate() {
        if matches!(location, Location::Found(_))
            && !records[i].changes_structure
            && let Some(broken) = checked(locations, Some(i))
        {
            flagged.push((i, broken));
        }
    }
    if flagged.is_empty() {
        // Only together do they break it: each one shares the blame.
        let together = checked(locations, None).expect("checked above");
        flagged = (0..locations.len())
            .filter(|&i| {
                matches!(locations[i], Location::Found(_)) && !records[i].changes_structure
            })
            .map(|i| {
                (
                    i,
                    (format!("with the other records {}", together.0), together.1),
                )
            })
            .collect();
    }
    for (i, (what, at)) in flagged {
        locations[i] = Location::Failed(Failure {
            kind: FailureKind::Structure,
            message: format!(
                "record `{}` {what} at {}",
                records[i].id,
                index.line_col(text, at)
            ),
            help: "keep the markup around the words you change (correct only the words \
                   inside the link or emphasis), or add \"structure\": \"changes\" if the \
                   change is meant"
                .to_owned(),
            first_match: Some(at),
        });
    }
}

/// Gives every edit its original and corrected position, grouped by record.
fn place(
    original: Indexed<'_>,
    corrected: Indexed<'_>,
    records: &[Record],
    edits: &[Edit],
) -> Vec<Vec<PlacedEdit>> {
    let mut placed = vec![Vec::new(); records.len()];
    let mut shift: isize = 0;
    // Edits are in text order: each line is searched from the last one's.
    let start_of_text = LineCol { line: 1, column: 1 };
    let (mut original_at, mut corrected_at) = (start_of_text, start_of_text);
    for edit in edits {
        let replace = edit.replacement(records);
        let start = edit
            .range
            .start
            .checked_add_signed(shift)
            .expect("edits shift within the text");
        let corrected_range = start..start + replace.len();
        original_at = original
            .lines
            .line_col_after(original.text, original_at, edit.range.start);
        corrected_at = corrected
            .lines
            .line_col_after(corrected.text, corrected_at, start);
        placed[edit.record].push(PlacedEdit {
            matched: edit.matched,
            original: Position {
                start: edit.range.start,
                end: edit.range.end,
                at: original_at,
            },
            corrected: Position {
                start,
                end: corrected_range.end,
                at: corrected_at,
            },
        });
        shift += replace.len() as isize - edit.range.len() as isize;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_file;

    fn records(json: &str) -> Vec<Record> {
        parse_file("r.json", json.as_bytes()).unwrap()
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
        let two = &outcome.corrections[1].edits[0];
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
