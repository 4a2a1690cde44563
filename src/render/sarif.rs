//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF
//! viewers: one log for the run, each edit a `note` result with a fix (its
//! bytes replaced by the edit's text), each failure an `error` result where it
//! must be fixed (the record in its record file, the stale output), and run
//! errors that name no file as tool notifications.
//!
//! Columns count Unicode scalar values (`columnKind: unicodeCodePoints`);
//! regions also carry byte offsets, which the fixes use.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Value, json};

use super::annotations::{Annotation, Item, Suggestion};
use super::diagnostic::Diagnostic;

/// The rule of every edit.
const CORRECTION: &str = "correction";

/// The SARIF log of a run's annotations.
pub(crate) fn log(all: &[Annotation], out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
        Annotation::Suggestion(s) => Some(Item::Edit(suggestion(
            s,
            rules.find(CORRECTION),
            &mut reasons,
        ))),
        Annotation::Failure(d) if d.file.is_empty() => None,
        Annotation::Failure(d) => Some(Item::Failure(failure(d, rules.find(&d.kind)))),
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
    super::annotations::write_with_items(out, &log, "results", results)
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
pub(crate) fn uri(path: &str) -> Cow<'_, str> {
    let kept = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(kept) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        match kept(b) {
            true => out.push(char::from(b)),
            false => out.push_str(&format!("%{b:02X}")),
        }
    }
    Cow::Owned(out)
}

/// One SARIF result's edit (see [`Item`]).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Edit<'a> {
    fixes: [Fix<'a>; 1],
    level: &'static str,
    locations: [Located<'a>; 1],
    message: Text,
    properties: Properties<'a>,
    rule_id: String,
    rule_index: usize,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix<'a> {
    artifact_changes: [Change<'a>; 1],
    description: Text,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Change<'a> {
    artifact_location: Uri<'a>,
    replacements: [Replacement<'a>; 1],
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Bytes,
    inserted_content: Inserted<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Bytes {
    byte_length: usize,
    byte_offset: usize,
}

#[derive(serde::Serialize)]
struct Inserted<'a> {
    text: &'a str,
}

#[derive(serde::Serialize)]
struct Text {
    text: String,
}

#[derive(serde::Serialize, Clone)]
struct Uri<'a> {
    uri: Cow<'a, str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Located<'a> {
    physical_location: Physical<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Uri<'a>,
    region: Region,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_length: usize,
    byte_offset: usize,
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(serde::Serialize)]
struct Properties<'a> {
    category: &'a str,
    record: &'a str,
}

fn suggestion<'a>(
    s: &'a Suggestion,
    (rule, index): (String, usize),
    reasons: &mut super::annotations::Reasons,
) -> Edit<'a> {
    let location = Uri { uri: uri(&s.path) };
    let length = s.end.offset - s.start.offset;
    Edit {
        fixes: [Fix {
            artifact_changes: [Change {
                artifact_location: location.clone(),
                replacements: [Replacement {
                    deleted_region: Bytes {
                        byte_length: length,
                        byte_offset: s.start.offset,
                    },
                    inserted_content: Inserted { text: &s.text },
                }],
            }],
            description: Text {
                text: format!("Apply correction record `{}`", s.id),
            },
        }],
        level: "note",
        locations: [Located {
            physical_location: Physical {
                artifact_location: location,
                region: Region {
                    byte_length: length,
                    byte_offset: s.start.offset,
                    end_column: s.end.char_column,
                    end_line: s.end.line,
                    start_column: s.start.char_column,
                    start_line: s.start.line,
                },
            },
        }],
        message: Text {
            text: format!("{} ({}): {}", s.id, s.category, reasons.of(&s.reason)),
        },
        properties: Properties {
            category: s.category,
            record: &s.id,
        },
        rule_id: rule,
        rule_index: index,
    }
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
