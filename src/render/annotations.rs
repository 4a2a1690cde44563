//! Pull-request annotations: reviewdog's diagnostic format (`--format rdjson`),
//! with each correction as a suggested change, and GitHub Actions workflow
//! commands (`--format github`): `::error` for failures, `::notice` for edits.

use serde_json::{Value, json};

use crate::lines::LineIndex;
use crate::outcome::Outcome;
use crate::record::Record;
use crate::render::diagnostic::Diagnostic;

/// An rdjson position: 1-based line, and column in UTF-8 bytes from 1.
fn position(text: &str, lines: &LineIndex, offset: usize) -> Value {
    let line = lines.line_of(offset);
    let start = lines.line_range(text, line).start;
    json!({"line": line + 1, "column": offset - start + 1})
}

/// The diagnostics of one input: an `INFO` with a suggestion per edit, an
/// `ERROR` per failed record.
pub fn rdjson_diagnostics(
    input: &str,
    text: &str,
    records: &[Record],
    outcome: &Outcome,
) -> Vec<Value> {
    let lines = &outcome.original_lines;
    let mut diagnostics = Vec::new();
    for c in &outcome.corrections {
        let record = &records[c.record];
        for e in &c.edits {
            let range = json!({
                "start": position(text, lines, e.original.start),
                "end": position(text, lines, e.original.end),
            });
            diagnostics.push(json!({
                "message": format!("{} ({}): {}", record.id, record.category.as_str(), record.reason),
                "location": {"path": input, "range": range},
                "severity": "INFO",
                "code": {"value": record.id},
                "suggestions": [{"range": range, "text": record.replace}],
            }));
        }
        // A failure belongs to the record: it is placed on the record in its
        // file, which is what must change.
        if let Some(f) = &c.failure {
            diagnostics.push(Diagnostic::of_failure(record, f).rdjson());
        }
    }
    diagnostics
}

/// One rdjson document for the whole run.
pub fn rdjson(diagnostics: Vec<Value>) -> String {
    let document = json!({
        "source": {"name": "correct"},
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
        let d = rdjson_diagnostics("input/a.txt", text, &records, &outcome);
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
