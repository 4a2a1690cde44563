//! `"case": "preserve"`: a record whose lower-case `find` also matches its
//! Title and UPPER forms, each replaced by the same form of `replace`
//! (`teh`, `Teh`, `TEH` -> `the`, `The`, `THE`), as typos and codespell fix
//! their typos. The other forms match exactly or not at all.

use crate::record::{Case, Occurrence, Record};
use crate::syntax::protected::Protected;

use super::failure::too_many_matches;
use super::{Failure, Hit, Location, Matched, choose, exact_hit, span};

/// The Title and UPPER forms of a preserve record's `find` and `replace`,
/// leaving out those the same as `find` or as each other (`1945` has none,
/// `a` one).
pub(super) fn forms(record: &Record) -> Vec<(String, String)> {
    let title = |s: &str| {
        let mut chars = s.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    };
    let mut forms: Vec<(String, String)> = Vec::new();
    for (find, replace) in [
        (title(&record.find), title(&record.replace)),
        (record.find.to_uppercase(), record.replace.to_uppercase()),
    ] {
        if find != record.find && forms.iter().all(|(f, _)| *f != find) {
            forms.push((find, replace));
        }
    }
    forms
}

/// The records as `locate_as_written` should see them: a preserve record
/// takes every match of its own form, its `occurrence` is applied once the
/// forms' matches are merged in (see [`merge`]).
pub(super) fn as_written(records: &[Record]) -> Vec<Record> {
    records
        .iter()
        .map(|r| match r.case {
            Case::Preserve => Record {
                occurrence: Occurrence::All,
                ..r.clone()
            },
            Case::Exact => r.clone(),
        })
        .collect()
}

/// Merges each preserve record's exact matches of its other forms into its
/// location as written, then applies its `occurrence`. A form's hit replaces
/// with that form of `replace`; where forms overlap, the earlier match wins.
/// A record none of whose other forms match keeps its location as written
/// (with its real `occurrence`).
pub(super) fn merge(
    text: &str,
    records: &[Record],
    prose: Option<&Protected>,
    mut locations: Vec<Location>,
) -> Vec<Location> {
    let mut form_hits = match form_hits(text, records, prose) {
        Ok(hits) => hits,
        Err(failure) => {
            for (location, record) in locations.iter_mut().zip(records) {
                if record.case == Case::Preserve {
                    *location = Location::Failed(failure.clone());
                }
            }
            return locations;
        }
    };
    for (i, record) in records.iter().enumerate() {
        if record.case != Case::Preserve {
            continue;
        }
        let hits = std::mem::take(&mut form_hits[i]);
        if let Some(chosen) = merged(text, record, hits, &locations[i], prose) {
            locations[i] = chosen;
        }
    }
    locations
}

/// Per record, the places its other case forms were chosen, each hit
/// with the form's replacement (none for records that keep their case);
/// the failure of them all when the forms match too often.
fn form_hits(
    text: &str,
    records: &[Record],
    prose: Option<&Protected>,
) -> Result<Vec<Vec<Hit>>, Failure> {
    let form_records: Vec<(usize, Record)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.case == Case::Preserve)
        .flat_map(|(i, r)| {
            forms(r).into_iter().map(move |(find, replace)| {
                let mut form = Record::new(&r.id, &find, &replace);
                form.before = r.before.clone();
                form.after = r.after.clone();
                form.whole_word = r.whole_word;
                form.anywhere = r.anywhere;
                form.occurrence = Occurrence::All;
                (i, form)
            })
        })
        .collect();
    let forms: Vec<Record> = form_records.iter().map(|(_, f)| f.clone()).collect();
    let mut matches = super::search(text, &forms, 0..forms.len(), |r| &r.find)
        .map_err(|(limit, most)| too_many_matches(limit, most))?;
    let mut form_hits: Vec<Vec<Hit>> = vec![Vec::new(); records.len()];
    for (f, (i, form)) in form_records.iter().enumerate() {
        let hits = matches
            .matches(f)
            .iter()
            .map(|&start| Hit {
                replace: Some(form.replace.clone()),
                ..exact_hit(span(start, &form.find), form)
            })
            .collect();
        if let Some(Location::Found(found)) = choose(text, form, hits, Matched::EXACT, prose) {
            form_hits[*i].extend(found.hits);
        }
    }
    Ok(form_hits)
}

/// One record's location from the hits of its other forms and where `find`
/// as written was located; `None` keeps the latter as it is.
fn merged(
    text: &str,
    record: &Record,
    mut hits: Vec<Hit>,
    written: &Location,
    prose: Option<&Protected>,
) -> Option<Location> {
    if hits.is_empty() {
        let Location::Found(found) = written else {
            return None;
        };
        return choose(text, record, found.hits.clone(), found.matched, prose);
    }
    // Exact matches of the other forms outrank a tolerant one as written.
    if let Location::Found(found) = written
        && found.matched == Matched::EXACT
    {
        hits.extend(found.hits.iter().cloned());
    }
    hits.sort_by_key(|h| (h.span.start, h.span.end));
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        if kept.last().is_none_or(|k| k.span.end <= hit.span.start) {
            kept.push(hit);
        }
    }
    choose(text, record, kept, Matched::EXACT, prose)
}

/// Whether any record asks for its case forms.
pub(super) fn any(records: &[Record]) -> bool {
    records.iter().any(|r| r.case == Case::Preserve)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::{Tolerance, locate_with};

    fn preserve(find: &str, replace: &str) -> Record {
        Record {
            case: Case::Preserve,
            ..Record::new("r", find, replace)
        }
    }

    #[test]
    fn a_lower_case_find_has_a_title_and_an_upper_form() {
        assert_eq!(
            forms(&preserve("teh", "the")),
            [("Teh".into(), "The".into()), ("TEH".into(), "THE".into())]
        );
    }

    #[test]
    fn forms_equal_to_find_or_to_each_other_are_left_out() {
        assert_eq!(forms(&preserve("1945", "1939")), []);
        // A single letter: its Title form stands for the UPPER one too.
        assert_eq!(forms(&preserve("a", "an")), [("A".into(), "An".into())]);
    }

    fn spans_and_replacements(text: &str, records: &[Record]) -> Vec<(usize, Option<String>)> {
        let Location::Found(found) = &locate_with(text, records, Tolerance::default(), None)[0]
        else {
            panic!("not found")
        };
        found
            .hits
            .iter()
            .map(|h| (h.span.start, h.replace.clone()))
            .collect()
    }

    #[test]
    fn every_form_matches_in_text_order_with_its_own_replacement() {
        let mut record = preserve("teh", "the");
        record.occurrence = Occurrence::All;
        assert_eq!(
            spans_and_replacements("TEH teh Teh tEh", &[record]),
            [(0, Some("THE".into())), (4, None), (8, Some("The".into()))]
        );
    }

    #[test]
    fn occurrence_counts_the_matches_of_every_form() {
        let mut record = preserve("teh", "the");
        assert!(matches!(
            &locate_with("Teh, teh", std::slice::from_ref(&record), Tolerance::default(), None)[0],
            Location::Failed(f) if f.kind == super::super::FailureKind::Ambiguous
        ));
        record.occurrence = Occurrence::Nth(2);
        assert_eq!(
            spans_and_replacements("Teh, teh", &[record.clone()]),
            [(5, None)]
        );
        record.occurrence = Occurrence::Nth(1);
        assert_eq!(
            spans_and_replacements("Teh, teh", &[record]),
            [(0, Some("The".into()))]
        );
    }

    #[test]
    fn a_record_without_case_preserve_matches_as_written_only() {
        let mut record = Record::new("r", "teh", "the");
        record.occurrence = Occurrence::All;
        assert_eq!(spans_and_replacements("Teh teh", &[record]), [(4, None)]);
    }

    #[test]
    fn other_forms_match_exactly_and_beat_a_tolerant_match() {
        // "teh" as written is absent; the fuzzy tier would not be asked.
        let record = preserve("necessary", "needed");
        assert_eq!(
            spans_and_replacements("It was NECESSARY.", &[record]),
            [(7, Some("NEEDED".into()))]
        );
    }
}
