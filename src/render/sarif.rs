//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF
//! viewers: one log for the run, each edit a `note` result with a fix (its
//! bytes replaced by the edit's text), each failure an `error` result where it
//! must be fixed (the record in its record file, the stale output), and run
//! errors that name no file as tool notifications.
//!
//! Columns count Unicode scalar values (`columnKind: unicodeCodePoints`);
//! regions also carry byte offsets, which the fixes use.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::annotations::{Annotation, Place, Suggestion};
use super::diagnostic::Diagnostic;

/// The rule of every edit.
const CORRECTION: &str = "correction";

/// The SARIF log of a run's annotations.
pub(crate) fn log(all: &[Annotation]) -> String {
    // The rules and notifications first (they come before the results in the
    // log's text), then each result serialised as it comes.
    let mut rules = Rules::default();
    let mut notifications = Vec::new();
    for a in all {
        match a {
            Annotation::Suggestion(_) => {
                rules.index(CORRECTION);
            }
            Annotation::Failure(d) if d.file.is_empty() => notifications.push(json!({
                "level": "error",
                "message": {"text": d.message},
                "descriptor": {"id": d.kind},
            })),
            Annotation::Failure(d) => {
                rules.index(&d.kind);
            }
            Annotation::Article(_) => {}
        }
    }
    let mut reasons = super::annotations::Reasons::new();
    let results = all.iter().filter_map(|a| match a {
        Annotation::Suggestion(s) => Some(suggestion(s, rules.find(CORRECTION), &mut reasons)),
        Annotation::Failure(d) if d.file.is_empty() => None,
        Annotation::Failure(d) => Some(failure(d, rules.find(&d.kind))),
        Annotation::Article(_) => None,
    });
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "correct",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.list.iter().map(|id| rule(id)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": [],
        }],
    });
    let text = super::annotations::with_items(&log, "results", results);
    let mut text = crate::inert::json(&text).into_owned();
    text.push('\n');
    text
}

/// The rules the results use, in order of first use.
#[derive(Default)]
struct Rules {
    list: Vec<String>,
    at: HashMap<String, usize>,
}

impl Rules {
    /// A rule indexed already, as a result names it.
    fn find(&self, id: &str) -> (String, usize) {
        (id.to_owned(), self.at[id])
    }

    fn index(&mut self, id: &str) -> (String, usize) {
        let next = self.list.len();
        let index = *self.at.entry(id.to_owned()).or_insert(next);
        if index == next {
            self.list.push(id.to_owned());
        }
        (id.to_owned(), index)
    }
}

/// A rule's descriptor: what a result of it means.
fn rule(id: &str) -> Value {
    let (text, level) = match id {
        CORRECTION => ("A correction record replaces this text", "note"),
        "not_found" => ("A record's text is not in the article", "error"),
        "ambiguous" => ("A record's text matches more than one place", "error"),
        "conflict" => ("Two records change overlapping text", "error"),
        "structure" => (
            "A record's edit would change the document's structure",
            "error",
        ),
        "too_large" => (
            "A file, or what the records would make of it, is larger than correct takes",
            "error",
        ),
        "stale" | "missing" | "orphan" | "interrupted" => (
            "An output is not what the records produce: run `correct`",
            "error",
        ),
        _ => ("A problem that stops the run", "error"),
    };
    json!({
        "id": id,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": level},
    })
}

/// A file's URI: its path as shown, relative, with every byte outside
/// RFC 3986's unreserved set and `/` percent-encoded.
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn region(start: &Place, end: &Place) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.char_column,
        "endLine": end.line,
        "endColumn": end.char_column,
        "byteOffset": start.offset,
        "byteLength": end.offset - start.offset,
    })
}

fn suggestion(
    s: &Suggestion,
    (rule, index): (String, usize),
    reasons: &mut super::annotations::Reasons,
) -> Value {
    let location = json!({"uri": uri(&s.path)});
    json!({
        "ruleId": rule,
        "ruleIndex": index,
        "level": "note",
        "message": {"text": format!("{} ({}): {}", s.id, s.category, reasons.of(&s.reason))},
        "locations": [{"physicalLocation": {
            "artifactLocation": location,
            "region": region(&s.start, &s.end),
        }}],
        "fixes": [{
            "description": {"text": format!("Apply correction record `{}`", s.id)},
            "artifactChanges": [{
                "artifactLocation": location,
                "replacements": [{
                    "deletedRegion": {
                        "byteOffset": s.start.offset,
                        "byteLength": s.end.offset - s.start.offset,
                    },
                    "insertedContent": {"text": s.text},
                }],
            }],
        }],
        "properties": {"record": s.id, "category": s.category},
    })
}

fn failure(d: &Diagnostic, (rule, index): (String, usize)) -> Value {
    let mut location = json!({"artifactLocation": {"uri": uri(&d.file)}});
    if let Some((line, column)) = d.at {
        location["region"] = json!({"startLine": line, "startColumn": column});
    }
    let text = match &d.title {
        Some(title) => format!("{title}: {}", d.message),
        None => d.message.clone(),
    };
    json!({
        "ruleId": rule,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_keep_slashes_and_encode_the_rest() {
        assert_eq!(uri("input/2025/a b.txt"), "input/2025/a%20b.txt");
        assert_eq!(uri("input/caf\u{e9}#1.md"), "input/caf%C3%A9%231.md");
    }

    #[test]
    fn each_rule_is_listed_once_in_order_of_first_use() {
        let mut rules = Rules::default();
        assert_eq!(rules.index("correction").1, 0);
        assert_eq!(rules.index("not_found").1, 1);
        assert_eq!(rules.index("correction").1, 0);
        assert_eq!(rules.list, ["correction", "not_found"]);
    }
}
