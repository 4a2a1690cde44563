//! Every failure as one value for the machine-readable formats (`--format
//! json`, `github`, `rdjson`): run errors (a broken record file, an
//! unreadable input), record failures (`not_found`, …), and stale, missing or
//! orphaned outputs, each located in the file that must change: the record
//! file's line for a record, the output for a stale one.
//!
//! ```
//! use correct::render::diagnostic::Diagnostic;
//! let d = Diagnostic {
//!     kind: "not_found".into(),
//!     file: "corrections/a.json".into(),
//!     at: Some((3, 1)),
//!     title: Some("year".into()),
//!     message: "\"1944\" was not found".into(),
//! };
//! assert_eq!(
//!     d.github(),
//!     "::error file=corrections/a.json,line=3,col=1,title=year::not_found: \"1944\" was not found\n"
//! );
//! ```

use serde_json::{Value, json};

use crate::error::Error;
use crate::locate::Failure;
use crate::output::Stale;
use crate::record::Record;
use crate::render::annotations::{data, property};
use crate::text::lines::Indexed;

/// One failure, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind: `schema`, `not_found`, `stale`, `orphan`, …
    pub kind: String,
    /// The file that must change, as shown (relative to the working directory).
    pub file: String,
    /// Where in it: 1-based line and column, when known.
    pub at: Option<(usize, usize)>,
    /// A short title (the record's id), when there is one.
    pub title: Option<String>,
    /// What is wrong and what to do, in words.
    pub message: String,
}

impl Diagnostic {
    /// A run error; `fallback` is the file to name when the error names none
    /// (the input it stopped).
    pub fn of_error(error: &Error, fallback: Option<&str>) -> Diagnostic {
        let (file, at) = match error.location() {
            Some((file, at)) => (file.to_owned(), at),
            None => (fallback.unwrap_or_default().to_owned(), None),
        };
        Diagnostic {
            kind: error.kind().to_owned(),
            file,
            at,
            title: None,
            message: error.to_string(),
        }
    }

    /// A record that did not apply (`records[record]`, located in
    /// `original`), placed on the record in its record file.
    pub fn of_failure(
        original: Indexed<'_>,
        records: &[Record],
        record: usize,
        failure: &Failure,
    ) -> Diagnostic {
        let worded = failure.worded(original, records, record);
        let record = &records[record];
        Diagnostic {
            kind: failure.kind.as_str().to_owned(),
            file: record.file.clone(),
            at: record.file_line.map(|line| (line, 1)),
            title: Some(record.id.clone()),
            message: format!("{}; {}", worded.message, worded.help),
        }
    }

    /// An output that `--check` found stale.
    pub fn of_stale(stale: &Stale) -> Diagnostic {
        let (kind, message) = match stale {
            Stale::Interrupted(path) => (
                "interrupted",
                format!(
                    "{path}: a run was stopped while replacing the outputs; run `correct` to finish it"
                ),
            ),
            Stale::Missing(path) => (
                "stale",
                format!("{path} is missing; run `correct` and commit the outputs"),
            ),
            Stale::Differs(path, _) => (
                "stale",
                format!(
                    "{path} differs from what the records produce; run `correct` and commit the outputs"
                ),
            ),
            Stale::Refused(path, why) => (
                "stale",
                format!(
                    "{path}: {why}; outputs are regular files in real folders: remove it and run `correct`"
                ),
            ),
            Stale::Orphan(path, why) => (
                "orphan",
                format!(
                    "{path} is an orphan: {why}; delete it (or restore its records) and commit"
                ),
            ),
        };
        Diagnostic {
            kind: kind.to_owned(),
            file: stale.path().to_owned(),
            at: None,
            title: None,
            message,
        }
    }

    /// A GitHub Actions `::error` workflow command.
    pub fn github(&self) -> String {
        let mut properties = format!("file={}", property(&self.file));
        if let Some((line, column)) = self.at {
            properties.push_str(&format!(",line={line},col={column}"));
        }
        if let Some(title) = &self.title {
            properties.push_str(&format!(",title={}", property(title)));
        }
        format!(
            "::error {properties}::{}\n",
            data(&format!("{}: {}", self.kind, self.message))
        )
    }

    /// A reviewdog rdjson diagnostic of severity `ERROR`.
    pub fn rdjson(&self) -> Value {
        let mut location = json!({"path": self.file});
        if let Some((line, column)) = self.at {
            location["range"] = json!({"start": {"line": line, "column": column}});
        }
        json!({
            "message": match &self.title {
                Some(title) => format!("{title}: {}", self.message),
                None => self.message.clone(),
            },
            "location": location,
            "severity": "ERROR",
            "code": {"value": self.kind},
        })
    }

    /// The object listed under `errors` (or `stale`) in a `--format json` line.
    pub fn json(&self) -> Value {
        let mut value = json!({
            "kind": self.kind,
            "message": self.message,
            "file": self.file,
        });
        if let Some((line, column)) = self.at {
            value["line"] = line.into();
            value["column"] = column.into();
        }
        if let Some(title) = &self.title {
            value["id"] = title.clone().into();
        }
        value
    }
}

/// A `--format json` line for an input that could not be evaluated (or, with
/// `input` `None`, for failures that belong to no input): shaped like a
/// changelog, with nothing applied, and its `errors` and `stale` outputs.
pub fn json_line(input: Option<&str>, errors: &[Diagnostic], stale: &[Diagnostic]) -> String {
    let mut value = json!({
        "changelog_version": 1,
        "input": input.map(|path| json!({"path": path, "sha256": null, "bytes": null})),
        "output": null,
        "diff": null,
        "summary": {"records": 0, "applied": 0, "already_applied": 0, "failed": 0, "edits": 0},
        "corrections": [],
    });
    add_to_line(&mut value, errors, stale);
    serde_json::to_string(&value).expect("a JSON value serialises")
}

/// Adds `errors` and `stale` (when there are any) to a JSON line's object.
fn add_to_line(value: &mut Value, errors: &[Diagnostic], stale: &[Diagnostic]) {
    if !errors.is_empty() {
        value["errors"] = errors.iter().map(Diagnostic::json).collect();
    }
    if !stale.is_empty() {
        value["stale"] = stale.iter().map(Diagnostic::json).collect();
    }
}

/// A changelog line (one JSON object) with `stale` outputs added: the key
/// goes before the object's closing brace, so the rest stays byte for byte.
pub fn with_stale(line: &str, stale: &[Diagnostic]) -> String {
    if stale.is_empty() {
        return line.to_owned();
    }
    let list: Value = stale.iter().map(Diagnostic::json).collect();
    let body = line.trim_end().strip_suffix('}').unwrap_or(line);
    format!("{body},\"stale\":{list}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_line_stays_one_json_object() {
        let stale = [Diagnostic::of_stale(&Stale::Missing("output/a.txt".into()))];
        let line = with_stale(r#"{"changelog_version":1,"corrections":[]}"#, &stale);
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["stale"][0]["file"], "output/a.txt");
        assert_eq!(value["stale"][0]["kind"], "stale");
        assert_eq!(value["changelog_version"], 1);
    }

    #[test]
    fn an_unevaluated_input_has_a_line_with_its_errors() {
        let error = Diagnostic {
            kind: "schema".into(),
            file: "corrections/a.json".into(),
            at: Some((2, 1)),
            title: None,
            message: "unknown field".into(),
        };
        let line = json_line(Some("input/a.txt"), &[error], &[]);
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["input"]["path"], "input/a.txt");
        assert_eq!(value["output"], Value::Null);
        assert_eq!(
            value["errors"][0],
            json!({"kind": "schema", "message": "unknown field", "file": "corrections/a.json", "line": 2, "column": 1})
        );
    }
}
