//! Turning located records into edits: conflicts between records, edits that
//! would break the input's structure, then the corrected text, built in one
//! pass by copying the text between edits.

use std::ops::Range;

use crate::limits;
use crate::locate::{Cause, Failure, Location, Matched};
use crate::record::Record;
use crate::syntax::Syntax;

/// One replacement of a byte range of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    /// Index of the record (into the records slice) that made it.
    pub record: usize,
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// How the record's `find` matched there.
    pub matched: Matched,
    /// What replaces the range, when not the record's `replace`.
    pub replace: Option<String>,
}

impl Edit {
    /// The text that replaces the range.
    pub(crate) fn replacement<'r>(&'r self, records: &'r [Record]) -> &'r str {
        self.replace
            .as_deref()
            .unwrap_or(&records[self.record].replace)
    }
}

/// Marks records whose spans overlap as failed `conflict`, naming every record
/// each one overlaps. Spans that only touch do not conflict.
pub(crate) fn mark_conflicts(records: &[Record], locations: &mut [Location]) {
    yield_shared(records, locations);
    let mut spans: Vec<(Range<usize>, usize)> = locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Location::Found(found) => Some(found.spans().map(move |s| (s, i))),
            _ => None,
        })
        .flatten()
        .collect();
    spans.sort_by_key(|(s, i)| (s.start, s.end, *i));

    // Sweep in start order, keeping the spans still open at the current start.
    let mut open: Vec<(Range<usize>, usize)> = Vec::new();
    let mut partners: Vec<Vec<(usize, usize)>> = vec![Vec::new(); records.len()];
    for (span, i) in spans {
        open.retain(|(s, _)| s.end > span.start);
        for (other_span, j) in &open {
            if *j != i {
                partners[i].push((*j, other_span.start.max(span.start)));
                partners[*j].push((i, other_span.start.max(span.start)));
            }
        }
        open.push((span, i));
    }

    if partners.iter().all(Vec::is_empty) {
        return;
    }
    for (i, mut with) in partners.into_iter().enumerate() {
        if with.is_empty() {
            continue;
        }
        with.sort();
        with.dedup_by_key(|(j, _)| *j);
        let first_match = match &locations[i] {
            Location::Found(found) => found.spans().next().map(|s| s.start),
            _ => None,
        };
        locations[i] = Location::Failed(Failure::new(Cause::Conflict(with), first_match));
    }
}

/// Marks as failed (`too_large`) the records that would take the article
/// over [`limits::MAX_EDITS`] edits or its corrected text over
/// [`limits::MAX_OUTPUT_BYTES`], the largest first, until the rest fit: a
/// small record file must not make the run write (or hold) gigabytes. Call
/// after [`mark_conflicts`], before anything applies the edits.
pub(crate) fn mark_oversized(text: &str, records: &[Record], locations: &mut [Location]) {
    // Per record: its edits and how many bytes they add (or remove).
    let mut sizes: Vec<(usize, usize, i64)> = locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Location::Found(found) => {
                let grown = found
                    .hits
                    .iter()
                    .map(|h| {
                        let replace = h.replace.as_deref().unwrap_or(&records[i].replace);
                        replace.len() as i64 - h.span.len() as i64
                    })
                    .sum();
                Some((i, found.hits.len(), grown))
            }
            _ => None,
        })
        .collect();
    let mut edits: usize = sizes.iter().map(|s| s.1).sum();
    let mut size = text.len() as i64 + sizes.iter().map(|s| s.2).sum::<i64>();
    let fits = |edits: usize, size: i64| {
        edits <= limits::MAX_EDITS && size <= limits::MAX_OUTPUT_BYTES as i64
    };
    if fits(edits, size) {
        return;
    }
    // The records that make most edits (or add most) go first; ties keep
    // the records' order.
    let too_many = edits > limits::MAX_EDITS;
    sizes.sort_by_key(|&(_, n, grown)| {
        std::cmp::Reverse(match too_many {
            true => (n as i64, grown),
            false => (grown, n as i64),
        })
    });
    for (i, n, grown) in sizes {
        if fits(edits, size) {
            break;
        }
        let cause = match edits > limits::MAX_EDITS {
            true => Cause::EditsOverLimit {
                edits: n,
                total: edits,
            },
            false => Cause::SizeOverLimit {
                grown: grown.max(0) as u64,
                size: size.max(0) as u64,
            },
        };
        let first_match = match &locations[i] {
            Location::Found(found) => found.spans().next().map(|s| s.start),
            _ => None,
        };
        locations[i] = Location::Failed(Failure::new(cause, first_match));
        edits -= n;
        size -= grown;
    }
}

/// An article's own records win over shared ones (house style from
/// `corrections/_all/`): a shared record's hits that overlap an own record's
/// span are dropped, and a shared record left with none did not match.
fn yield_shared(records: &[Record], locations: &mut [Location]) {
    if !records.iter().any(|r| r.shared) {
        return;
    }
    let mut own: Vec<Range<usize>> = locations
        .iter()
        .zip(records)
        .filter(|(_, r)| !r.shared)
        .filter_map(|(l, _)| match l {
            Location::Found(found) => Some(found.spans()),
            _ => None,
        })
        .flatten()
        .collect();
    own.sort_by_key(|s| (s.start, s.end));
    // The furthest end among the spans up to each one: overlap in one search.
    let mut reach = Vec::with_capacity(own.len());
    let mut furthest = 0;
    for s in &own {
        furthest = furthest.max(s.end);
        reach.push(furthest);
    }
    let overlaps_own = |span: &Range<usize>| {
        let before = own.partition_point(|s| s.start < span.end);
        before > 0 && reach[before - 1] > span.start
    };
    for (location, record) in locations.iter_mut().zip(records) {
        let Location::Found(found) = location else {
            continue;
        };
        if !record.shared || !found.hits.iter().any(|h| overlaps_own(&h.span)) {
            continue;
        }
        found.hits.retain(|h| !overlaps_own(&h.span));
        if found.hits.is_empty() {
            *location = Location::Failed(Failure::new(Cause::InsideOwnRecords, None));
        }
    }
}

/// The edits of all records that were found, sorted by position. Call after
/// [`mark_conflicts`], so that no two edits overlap.
pub(crate) fn edits(locations: &[Location]) -> Vec<Edit> {
    let mut edits: Vec<Edit> = locations
        .iter()
        .enumerate()
        .filter_map(|(record, l)| match l {
            Location::Found(found) => Some(found.hits.iter().map(move |hit| Edit {
                record,
                range: hit.span.clone(),
                matched: found.matched,
                replace: hit.replace.clone(),
            })),
            _ => None,
        })
        .flatten()
        .collect();
    edits.sort_by_key(|e| e.range.start);
    edits
}

/// Applies non-overlapping `edits` (sorted by start) to `text`. Every byte outside
/// the edited ranges is copied unchanged.
pub(crate) fn apply(text: &str, records: &[Record], edits: &[Edit]) -> String {
    let grown: usize = edits.iter().map(|e| e.replacement(records).len()).sum();
    let mut out = String::with_capacity(text.len() + grown);
    let mut copied = 0;
    for edit in edits {
        out.push_str(&text[copied..edit.range.start]);
        out.push_str(edit.replacement(records));
        copied = edit.range.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Marks as failed (`structure`) every record whose edits change the Markdown
/// structure of `text`, unless it says `"structure": "changes"`.
pub(crate) fn mark_structure_changes(
    text: &str,
    records: &[Record],
    syntax: Syntax,
    locations: &mut [Location],
) {
    let checked = |locations: &[Location], only: Option<usize>| -> Option<(String, usize)> {
        let edits: Vec<Edit> = edits(locations)
            .into_iter()
            .filter(|e| only.is_none_or(|i| e.record == i) && !records[e.record].changes_structure)
            .collect();
        syntax.broken(text, &apply(text, records, &edits))
    };
    if checked(locations, None).is_none() {
        return;
    }
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
        let cause = Cause::Structure { what, at };
        locations[i] = Location::Failed(Failure::new(cause, Some(at)));
    }
}

#[cfg(test)]
#[allow(
    clippy::single_range_in_vec_init,
    reason = "a record's spans: one span is a Vec of one range"
)]
mod tests {
    use super::*;
    use crate::locate::Found;
    use crate::locate::locate;

    /// The examples this function's documentation gave.
    #[test]
    fn apply_examples() {
        use crate::apply::{Edit, apply};
        let json = br#"{"id": "y", "find": "1945", "replace": "1939", "category": "other", "reason": "r"}"#;
        let records = crate::record::parse_file("r.json", json).unwrap();
        let edits = [Edit {
            record: 0,
            range: 3..7,
            matched: Matched::EXACT,
            replace: None,
        }];
        assert_eq!(apply("in 1945\r\n", &records, &edits), "in 1939\r\n");
    }

    fn rec(id: &str, find: &str, replace: &str) -> Record {
        Record {
            file: "r.json".into(),
            ..Record::new(id, find, replace)
        }
    }

    fn run(text: &str, records: &[Record]) -> (Vec<Location>, String) {
        let mut locations = locate(text, records);
        mark_conflicts(records, &mut locations);
        let edits = edits(&locations);
        let corrected = apply(text, records, &edits);
        (locations, corrected)
    }

    #[test]
    fn overlapping_records_fail_together_naming_each_other() {
        let records = [
            rec("one", "abc", "x"),
            rec("two", "cd", "y"),
            rec("three", "ef", "z"),
        ];
        let text = "abcdef";
        let (locations, _) = run(text, &records);
        let lines = crate::text::lines::LineIndex::new(text);
        let original = crate::text::lines::Indexed {
            text,
            lines: &lines,
        };
        for (i, other, named) in [
            (0, 1, "`two` (r.json) at 1:3"),
            (1, 0, "`one` (r.json) at 1:3"),
        ] {
            let Location::Failed(f) = &locations[i] else {
                panic!("{:?}", locations[i])
            };
            assert_eq!(f.kind, crate::locate::FailureKind::Conflict);
            assert!(matches!(&f.cause, Cause::Conflict(with) if with[0].0 == other));
            let message = f.worded(original, &records, i).message;
            assert!(message.contains(named), "{message}");
        }
        assert_eq!(locations[2], Location::Found(Found::exact(vec![4..6])));
    }

    #[test]
    fn touching_spans_do_not_conflict() {
        let records = [rec("one", "ab", "x"), rec("two", "cd", "y")];
        assert_eq!(run("abcd", &records).1, "xy");
    }

    #[test]
    fn bytes_outside_edits_are_kept() {
        let records = [rec("one", "b", "B"), rec("two", "d", "")];
        assert_eq!(
            run("\u{feff}a\r\nb\r\ncd", &records).1,
            "\u{feff}a\r\nB\r\nc"
        );
    }
}
