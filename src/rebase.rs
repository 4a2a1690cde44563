//! `--rebase`: rewrites each record that matched only at a tolerant tier so that
//! its `find`, `before` and `after` hold the article's own text and match exactly.
//!
//! Only the JSON string literals of those fields change; every other byte of the
//! record file (indentation, key order, other records) stays as the editor wrote
//! it. A rewrite is kept only if the new record matches exactly, at the same
//! place, on its own.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::error::Error;
use crate::locate::{self, Location, Tier, Tolerance};
use crate::outcome::{Outcome, Status};
use crate::record::Record;

/// One record file and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rewrite {
    /// The record file, as shown to users.
    pub file: String,
    /// The ids of the records rewritten in it.
    pub ids: Vec<String>,
    /// Field values to put in place, per record id: (field, new value).
    pub fields: Vec<(String, &'static str, String)>,
}

/// What `--rebase` would do for one article: the rewrites, and notes on records
/// it had to leave alone.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Record files to rewrite, in file order.
    pub rewrites: Vec<Rewrite>,
    /// Records matched tolerantly that cannot be rebased, and why.
    pub skipped: Vec<String>,
}

/// Plans the rewrites for the records of one article.
pub(crate) fn plan(text: &str, records: &[Record], outcome: &Outcome) -> Plan {
    let mut plan = Plan::default();
    let mut by_file: Vec<Rewrite> = Vec::new();
    for correction in &outcome.corrections {
        let Some(found) = correction.found() else {
            continue;
        };
        if correction.status() != Status::Applied || found.matched.tier == Tier::Exact {
            continue;
        }
        let record = &records[correction.record];
        let rebased = match rebased(text, record, found) {
            Ok(rebased) => rebased,
            Err(why) => {
                plan.skipped.push(format!("`{}`: {why}", record.id));
                continue;
            }
        };
        let mut fields = vec![(record.id.clone(), "find", rebased.find.clone())];
        if let Some(before) = rebased.before {
            fields.push((record.id.clone(), "before", before));
        }
        if let Some(after) = rebased.after {
            fields.push((record.id.clone(), "after", after));
        }
        match by_file.iter_mut().find(|r| r.file == record.file) {
            Some(rewrite) => {
                rewrite.ids.push(record.id.clone());
                rewrite.fields.extend(fields);
            }
            None => by_file.push(Rewrite {
                file: record.file.clone(),
                ids: vec![record.id.clone()],
                fields,
            }),
        }
    }
    by_file.sort_by(|a, b| a.file.cmp(&b.file));
    plan.rewrites = by_file;
    plan
}

/// `record` with the article's text where it was `found` tolerantly as its
/// `find` and context, checked to match there exactly and uniquely; else
/// why it cannot be rebased.
fn rebased(text: &str, record: &Record, found: &locate::Found) -> Result<Record, &'static str> {
    let first = &found.hits[0];
    let same = |range: &Option<Range<usize>>, pick: fn(&locate::Hit) -> &Option<Range<usize>>| {
        found.hits.iter().all(|h| {
            pick(h).as_ref().map(|r| &text[r.clone()]) == range.as_ref().map(|r| &text[r.clone()])
        })
    };
    if !found
        .hits
        .iter()
        .all(|h| text[h.span.clone()] == text[first.span.clone()])
        || !same(&first.before, |h| &h.before)
        || !same(&first.after, |h| &h.after)
    {
        return Err("its matches differ from each other; split it into one record per place");
    }
    let mut rebased = record.clone();
    rebased.find = text[first.span.clone()].to_owned();
    if record.case == crate::record::Case::Preserve && rebased.find != rebased.find.to_lowercase() {
        return Err(
            "its `case` is \"preserve\", which needs `find` in lower case, and the article's text is not; rewrite it by hand",
        );
    }
    rebased.before = first.before.clone().map(|r| text[r].to_owned());
    rebased.after = first.after.clone().map(|r| text[r].to_owned());
    let strict = Tolerance {
        strict: true,
        ..Tolerance::default()
    };
    let spans: Vec<Range<usize>> = found.spans().collect();
    match &locate::locate_with(text, std::slice::from_ref(&rebased), strict, None)[0] {
        Location::Found(again) if again.spans().collect::<Vec<_>>() == spans => Ok(rebased),
        _ => Err(
            "the article's text would not match exactly and uniquely; add `before`/`after` or an `occurrence` by hand",
        ),
    }
}

/// Rewrites one record file (atomically: a temporary file, then a rename) and
/// returns its old and new text.
pub(crate) fn write(cwd: &Path, rewrite: &Rewrite) -> Result<(String, String), Error> {
    let path = Path::new(&rewrite.file);
    let failed = |message: String| Error::Rebase {
        path: rewrite.file.clone(),
        message,
    };
    let old = match crate::confine::read(cwd, path, crate::limits::MAX_RECORD_FILE_BYTES) {
        Ok(crate::confine::Bounded::Read(bytes)) => {
            String::from_utf8(bytes).map_err(|e| failed(e.to_string()))?
        }
        Ok(crate::confine::Bounded::TooLarge(_)) => {
            return Err(failed("it grew over the record file limit".to_owned()));
        }
        Err(e) => return Err(failed(e.to_string())),
    };
    let new = rewrite_json(&old, rewrite)
        .ok_or_else(|| failed("it changed while correct ran; run again".to_owned()))?;
    crate::output::replace_file(cwd, path, &new).map_err(|e| failed(e.to_string()))?;
    Ok((old, new))
}

/// `json` (a record file's text) with the string values of the rewrite's fields
/// replaced, each in place; `None` if a field cannot be found (the file changed).
pub(crate) fn rewrite_json(json: &str, rewrite: &Rewrite) -> Option<String> {
    let objects = string_fields(json);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (id, field, value) in &rewrite.fields {
        let object = objects.iter().find(|o| {
            o.get("id")
                .and_then(|r| serde_json::from_str::<String>(&json[r.clone()]).ok())
                .as_deref()
                == Some(id.as_str())
        })?;
        let range = object.get(*field)?.clone();
        edits.push((range, serde_json::to_string(value).ok()?));
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(json.len());
    let mut at = 0;
    for (range, literal) in edits {
        out.push_str(&json[at..range.start]);
        out.push_str(&literal);
        at = range.end;
    }
    out.push_str(&json[at..]);
    Some(out)
}

/// For each record object of a record file (the top-level object, or each
/// object of a top-level array): its keys whose values are strings, with the
/// byte range of each value's literal (quotes included). The file is valid JSON
/// (it was parsed before).
fn string_fields(json: &str) -> Vec<HashMap<String, Range<usize>>> {
    let bytes = json.as_bytes();
    let first = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let record_depth = match first.map(|i| bytes[i]) {
        Some(b'{') => 1,
        Some(b'[') => 2,
        _ => return Vec::new(),
    };
    let mut objects: Vec<HashMap<String, Range<usize>>> = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let mut expect_key = false;
    let mut key: Option<String> = None;
    let mut i = 0;
    while i < bytes.len() {
        let in_record = stack.len() == record_depth && stack.last() == Some(&b'{');
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                if in_record {
                    if expect_key {
                        key = serde_json::from_str(&json[i..end]).ok();
                        expect_key = false;
                    } else if let (Some(k), Some(object)) = (key.take(), objects.last_mut()) {
                        object.insert(k, i..end);
                    }
                }
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => {
                if in_record {
                    key = None;
                }
                stack.push(open);
                if open == b'{' && stack.len() == record_depth {
                    objects.push(HashMap::new());
                    expect_key = true;
                }
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' if in_record => {
                expect_key = true;
                key = None;
            }
            _ => {}
        }
        i += 1;
    }
    objects
}

/// The index just past the string literal that starts at `start` (a quote).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples this function's documentation gave.
    #[test]
    fn rewrite_json_examples() {
        use crate::rebase::{Rewrite, rewrite_json};
        let json = "{\n  \"id\": \"y\",\n  \"find\": \"pact's\",  \"replace\": \"x\"\n}";
        let rewrite = Rewrite {
            file: "r.json".into(),
            ids: vec!["y".into()],
            fields: vec![("y".into(), "find", "pact\u{2019}s".into())],
        };
        assert_eq!(
            rewrite_json(json, &rewrite).unwrap(),
            "{\n  \"id\": \"y\",\n  \"find\": \"pact\u{2019}s\",  \"replace\": \"x\"\n}"
        );
    }

    #[test]
    fn fields_of_every_record_in_an_array_are_found() {
        let json = r#"[{"id": "a", "find": "x\"y", "sources": [{"title": "t"}]},
            {"sources": {"nested": "no"}, "id": "b", "find": "z", "occurrence": 2}]"#;
        let objects = string_fields(json);
        assert_eq!(objects.len(), 2);
        assert_eq!(&json[objects[0]["find"].clone()], r#""x\"y""#);
        assert_eq!(&json[objects[1]["find"].clone()], r#""z""#);
        assert!(!objects[1].contains_key("nested"));
        assert!(!objects[0].contains_key("title"));
    }

    #[test]
    fn a_rewrite_changes_only_the_literals() {
        let json = "[\n    {\"id\": \"a\", \"before\": \"in \", \"find\": \"1945\"},\n    {\"id\": \"b\", \"find\": \"1945\"}\n]\n";
        let rewrite = Rewrite {
            file: "f".into(),
            ids: vec!["b".into()],
            fields: vec![("b".into(), "find", "1\u{a0}945".into())],
        };
        assert_eq!(
            rewrite_json(json, &rewrite).unwrap(),
            json.replacen("\"find\": \"1945\"}\n]", "\"find\": \"1\u{a0}945\"}\n]", 1)
        );
    }
}
