//! Pull-request annotations: every edit and failure as data ([`Annotation`]),
//! rendered as reviewdog's diagnostic format (`--format rdjson`) with each
//! correction a suggested change (SARIF is [`super::sarif`]), and GitHub
//! Actions workflow commands (`--format github`): `::error` for failures,
//! `::notice` for edits.

use serde_json::{Value, json};

use crate::lines::LineIndex;
use crate::outcome::Outcome;
use crate::record::Record;
use crate::render::diagnostic::Diagnostic;

/// A place in an input, in the units each format counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Byte offset.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in UTF-8 bytes (rdjson's unit).
    pub byte_column: usize,
    /// 1-based column in Unicode scalar values (SARIF's `unicodeCodePoints`).
    pub char_column: usize,
}

impl Place {
    fn of(text: &str, lines: &LineIndex, offset: usize) -> Place {
        let line = lines.line_of(offset);
        let start = lines.line_range(text, line).start;
        Place {
            offset,
            line: line + 1,
            byte_column: offset - start + 1,
            char_column: text[start..offset].chars().count() + 1,
        }
    }
}

/// One edit as a suggested change: the input's bytes `start..end` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The input, as shown.
    pub path: String,
    /// Where the replaced bytes start.
    pub start: Place,
    /// Where they end (exclusive).
    pub end: Place,
    /// The edit's own replacement (for a match across Markdown markup, only
    /// the changed words, not the record's whole `replace`).
    pub text: String,
    /// The record's id.
    pub id: String,
    /// Its category, as record files spell it.
    pub category: &'static str,
    /// Its reason.
    pub reason: String,
}

/// What a document format (rdjson, SARIF) reports: every edit as a
/// suggestion, every failure where it must be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Annotation {
    /// An edit.
    Suggestion(Suggestion),
    /// A failure, a run error or a stale output, located.
    Failure(Diagnostic),
}

/// The annotations of one input: a suggestion per edit, and each record's
/// failure on the record in its file.
pub fn of_input(input: &str, text: &str, records: &[Record], outcome: &Outcome) -> Vec<Annotation> {
    let lines = &outcome.original_lines;
    let mut all = Vec::new();
    for c in &outcome.corrections {
        let record = &records[c.record];
        for e in &c.edits {
            all.push(Annotation::Suggestion(Suggestion {
                path: input.to_owned(),
                start: Place::of(text, lines, e.original.start),
                end: Place::of(text, lines, e.original.end),
                text: outcome.corrected[e.corrected.start..e.corrected.end].to_owned(),
                id: record.id.clone(),
                category: record.category.as_str(),
                reason: record.reason.clone(),
            }));
        }
        // A failure belongs to the record: it is placed on the record in its
        // file, which is what must change.
        if let Some(f) = &c.failure {
            all.push(Annotation::Failure(Diagnostic::of_failure(record, f)));
        }
    }
    all
}

/// One rdjson document (reviewdog) for the whole run: an `INFO` with a
/// suggestion per edit, an `ERROR` per failure.
pub fn rdjson(source: &str, all: &[Annotation]) -> String {
    let position = |p: &Place| json!({"line": p.line, "column": p.byte_column});
    let diagnostics: Vec<Value> = all
        .iter()
        .map(|a| match a {
            Annotation::Suggestion(s) => {
                let range = json!({"start": position(&s.start), "end": position(&s.end)});
                json!({
                    "message": format!("{} ({}): {}", s.id, s.category, s.reason),
                    "location": {"path": s.path, "range": range},
                    "severity": "INFO",
                    "code": {"value": s.id},
                    "suggestions": [{"range": range, "text": s.text}],
                })
            }
            Annotation::Failure(d) => d.rdjson(),
        })
        .collect();
    let document = json!({
        "source": {"name": source},
        "diagnostics": diagnostics,
    });
    let text = serde_json::to_string(&document).expect("diagnostics serialise");
    let mut text = crate::inert::json(&text).into_owned();
    text.push('\n');
    text
}

/// A workflow command's message: `%`, CR and LF escaped, other control
/// characters made inert (the runner's log is shown on terminals and pages).
pub(crate) fn data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::inert::terminal(&escaped).into_owned()
}

/// A workflow command's property: as [`data`], and `:` and `,` too.
pub(crate) fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions annotations for one input.
///
/// `::notice file=input/a.txt,line=3,col=5,endLine=3,endColumn=9,title=year::1945 -> 1939: The battle was in 1939.`
pub fn github(input: &str, records: &[Record], outcome: &Outcome) -> String {
    let mut out = String::new();
    let file = property(input);
    for c in &outcome.corrections {
        let record = &records[c.record];
        for e in &c.edits {
            let (from, to) = (e.original.at, e.original.end);
            let end = outcome.original_lines.line_of(to) + 1;
            out.push_str(&format!(
                "::notice file={file},line={},col={},endLine={end},title={}::{}\n",
                from.line,
                from.column,
                property(&record.id),
                data(&format!(
                    "{} -> {}: {}",
                    record.find, record.replace, record.reason
                )),
            ));
        }
        if let Some(f) = &c.failure {
            out.push_str(&Diagnostic::of_failure(record, f).github());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_become_suggestions_and_failures_errors() {
        let text = "line one\nsigned in 1945.\n";
        let mut year = Record::new("year", "1945", "1941");
        year.reason = "The pact was signed in 1941.".into();
        let gone = Record {
            file: "r.json".into(),
            file_line: Some(4),
            ..Record::new("gone", "absent", "x")
        };
        let records = [year, gone];
        let outcome = crate::outcome::correct(text, &records);
        let all = of_input("input/a.txt", text, &records, &outcome);
        let doc: Value = serde_json::from_str(&rdjson("correct", &all)).unwrap();
        let d = doc["diagnostics"].as_array().unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0]["location"]["range"]["start"],
            json!({"line": 2, "column": 11})
        );
        assert_eq!(d[0]["suggestions"][0]["text"], "1941");
        assert_eq!(d[1]["severity"], "ERROR");
        assert_eq!(
            d[1]["location"]["path"], "r.json",
            "on the record, not the article"
        );

        let g = github("input/a.txt", &records, &outcome);
        assert!(g.starts_with("::notice file=input/a.txt,line=2,col=11,endLine=2,title=year::1945 -> 1941: The pact was signed in 1941.\n"), "{g}");
        assert!(
            g.contains("::error file=r.json,line=4,col=1,title=gone::not_found: "),
            "{g}"
        );
    }

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(data("50%\nmore"), "50%25%0Amore");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
