//! Correction records: the types, and loading them from JSON record files.
//!
//! A record file holds one record object or an array of them. Loading is strict:
//! unknown fields (at any depth), duplicate keys, wrong types and broken values are
//! all reported, every one of them, with the file and the record they belong to.
//! Nothing here touches the article; [`crate::locate`] does that.

use std::fmt;

use serde::de::Deserializer as _;
use serde_json::Value;

use fields::Fields;
use strict::StrictVisitor;

mod fields;

pub(crate) use fields::TODO;
pub use fields::is_valid_id;
mod strict;

/// The kind of error a record corrects.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A false statement of fact.
    Fact,
    /// A wrong date.
    Date,
    /// A wrong name, title or rank.
    Name,
    /// A wrong number.
    Number,
    /// A statement credited to the wrong source.
    Attribution,
    /// A misspelling.
    Spelling,
    /// A grammatical error.
    Grammar,
    /// House style.
    Style,
    /// Wording that misleads.
    Clarity,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category, in the order SPEC.md lists them.
    pub const ALL: [Category; 10] = [
        Category::Fact,
        Category::Date,
        Category::Name,
        Category::Number,
        Category::Attribution,
        Category::Spelling,
        Category::Grammar,
        Category::Style,
        Category::Clarity,
        Category::Other,
    ];

    /// The name used in record files and the changelog.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Fact => "fact",
            Category::Date => "date",
            Category::Name => "name",
            Category::Number => "number",
            Category::Attribution => "attribution",
            Category::Spelling => "spelling",
            Category::Grammar => "grammar",
            Category::Style => "style",
            Category::Clarity => "clarity",
            Category::Other => "other",
        }
    }

    /// Categories that state a checkable fact and so must cite sources.
    pub fn needs_sources(self) -> bool {
        matches!(
            self,
            Category::Fact
                | Category::Date
                | Category::Name
                | Category::Number
                | Category::Attribution
        )
    }

    /// The category named `name` (as in record files), if there is one.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the matches of `find` a record replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// No `occurrence` given: the match must be unique.
    Unique,
    /// The n-th match (1-based), counting only matches that satisfy the context.
    Nth(usize),
    /// `"all"`: every match.
    All,
}

/// How `find` meets the article's letter case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `find` matches as written (the default).
    Exact,
    /// `"case": "preserve"`: `find`, written in lower case, also matches its
    /// Title and UPPER forms, and the replacement takes the form of the match
    /// (`teh`, `Teh`, `TEH` -> `the`, `The`, `THE`), as typos and codespell do.
    Preserve,
}

/// Where the correct version can be checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// What the source is called.
    pub title: String,
    /// Where to find it, if it is online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One validated correction record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Unique among the records of one article.
    pub id: String,
    /// Exact text of the original article to replace.
    pub find: String,
    /// The text that replaces it (empty: delete).
    pub replace: String,
    /// Text that must stand immediately before `find`.
    pub before: Option<String>,
    /// Text that must stand immediately after `find`.
    pub after: Option<String>,
    /// Which match to replace.
    pub occurrence: Occurrence,
    /// Match only where `find` is not joined to letters or digits.
    pub whole_word: bool,
    /// Whether the Title and UPPER forms of `find` match too.
    pub case: Case,
    /// Kind of error.
    pub category: Category,
    /// Why the original is wrong.
    pub reason: String,
    /// Where the correct version can be checked.
    pub sources: Vec<Source>,
    /// Who wrote the record.
    pub author: Option<String>,
    /// When the record was written (YYYY-MM-DD).
    pub date: Option<String>,
    /// The sentence readers see in the corrections notice, if the fix needs one.
    pub notice: Option<String>,
    /// A fact-checker's rating of the claim the record corrects (`False`,
    /// `Misleading`, …): published as a schema.org `ClaimReview`.
    pub rating: Option<String>,
    /// The line where the record expects `find` (1-based): a hint that picks the
    /// nearest of several approximate matches.
    pub line: Option<usize>,
    /// Markdown inputs: `"scope": "any"` lets the record match outside prose
    /// (in code, link targets, raw HTML, front matter).
    pub anywhere: bool,
    /// Markdown inputs: `"structure": "changes"` lets the record change the
    /// document's structure (links, emphasis, headings, lists, tables).
    pub changes_structure: bool,
    /// The record file it came from, as shown to users (`/` separators).
    pub file: String,
    /// The line of that file where the record starts (1-based), when it came
    /// from a file: failures are reported there, in the file that must change.
    pub file_line: Option<usize>,
    /// A house-style record from `corrections/_all/`, applied to every
    /// article: it matches exactly or not at all, an article's own records win
    /// where they overlap it, and an article it does not match does not list it.
    pub shared: bool,
}

impl Record {
    /// A record replacing `find` by `replace`: no context, the unique match,
    /// category `other`, an empty reason and no sources; set other fields as
    /// needed. Records from files come from [`parse_file`], which validates them.
    ///
    /// ```
    /// let mut record = correct::record::Record::new("year", "1945", "1939");
    /// record.before = Some("September ".into());
    /// let outcome = correct::outcome::correct("September 1945", &[record]);
    /// assert_eq!(outcome.corrected, "September 1939");
    /// ```
    pub fn new(id: &str, find: &str, replace: &str) -> Record {
        Record {
            id: id.to_owned(),
            find: find.to_owned(),
            replace: replace.to_owned(),
            before: None,
            after: None,
            occurrence: Occurrence::Unique,
            whole_word: false,
            case: Case::Exact,
            category: Category::Other,
            reason: String::new(),
            sources: Vec::new(),
            author: None,
            date: None,
            notice: None,
            rating: None,
            file_line: None,
            line: None,
            anywhere: false,
            changes_structure: false,
            file: String::new(),
            shared: false,
        }
    }
}

/// Something wrong with a record file; the run cannot be evaluated (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record file, as shown to users.
    pub file: String,
    /// Which record in the file, when the problem belongs to one.
    pub record: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
    /// Where in the file (1-based line and column), when known: the record's
    /// start, or the place of a JSON syntax error.
    pub at: Option<(usize, usize)>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record {
            Some(record) => write!(f, "{}: {}: {}", self.file, record, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every field a record may have.
pub(crate) const FIELDS: [&str; 19] = [
    "id",
    "find",
    "replace",
    "before",
    "after",
    "occurrence",
    "whole_word",
    "case",
    "line",
    "scope",
    "structure",
    "category",
    "reason",
    "sources",
    "author",
    "date",
    "notice",
    "rating",
    "$schema",
];

/// Reads and parses the record file `file` (as shown, relative to `cwd`)
/// under the record-file size limit; every problem is returned.
pub fn read_file(
    cwd: &std::path::Path,
    file: &str,
) -> Result<Vec<Record>, Vec<crate::error::Error>> {
    use crate::confine::Bounded;
    use crate::error::Error;
    use crate::limits;
    let limit = limits::MAX_RECORD_FILE_BYTES;
    match limits::read(cwd, std::path::Path::new(file), limit) {
        Ok(Bounded::Read(bytes)) => parse_file(file, &bytes)
            .map_err(|problems| problems.into_iter().map(Error::Record).collect()),
        Ok(Bounded::TooLarge(size)) => Err(vec![Error::TooLarge {
            path: file.to_owned(),
            size: limits::size(size),
            limit: limits::size(limit),
            what: "a record file",
            help: "split its records over several files in the article's corrections folder",
        }]),
        Err(denied) => Err(vec![Error::denied(cwd, file, denied)]),
    }
}

/// Parses one record file.
///
/// `file` is the name used in messages and in [`Record::file`]. A leading BOM is
/// allowed. Every problem found is returned, not only the first.
///
/// ```
/// let json = br#"{"id": "year", "find": "1945", "replace": "1939",
///                 "category": "date", "reason": "The battle was in 1939.",
///                 "sources": ["Coox, Nomonhan (1985)"]}"#;
/// let records = correct::record::parse_file("r.json", json).unwrap();
/// assert_eq!(records[0].replace, "1939");
/// assert_eq!(records[0].sources[0].title, "Coox, Nomonhan (1985)");
/// ```
pub fn parse_file(file: &str, bytes: &[u8]) -> Result<Vec<Record>, Vec<Problem>> {
    let (text, value) = json_of(file, bytes)?;
    let starts = element_lines(text);
    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&value],
        other => {
            return Err(vec![file_problem(
                file,
                format!(
                    "expected a record object or an array of records, found {}",
                    type_name(other)
                ),
            )]);
        }
    };
    let single = matches!(value, Value::Object(_));
    let mut records = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let at = starts.get(index).map(|&line| (line, 1));
        let label = |id: Option<&str>| label(single, index, id);
        let Value::Object(map) = item else {
            problems.push(Problem {
                file: file.to_owned(),
                record: Some(label(None)),
                message: format!("expected a record object, found {}", type_name(item)),
                at,
            });
            continue;
        };
        let mut fields = Fields {
            map,
            errors: Vec::new(),
        };
        let record = fields.record(file);
        let id = map.get("id").and_then(Value::as_str);
        if fields.errors.is_empty() {
            records.extend(record.map(|r| Record {
                file_line: at.map(|(line, _)| line),
                ..r
            }));
        }
        problems.extend(fields.errors.into_iter().map(|message| Problem {
            file: file.to_owned(),
            record: Some(label(id)),
            message,
            at,
        }));
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// A problem with the record file `file` as a whole.
fn file_problem(file: &str, message: String) -> Problem {
    Problem {
        file: file.to_owned(),
        record: None,
        message,
        at: None,
    }
}

/// The text of a record file (UTF-8, less a leading BOM) and its JSON,
/// strictly parsed; else the one problem that stops it.
fn json_of<'b>(file: &str, bytes: &'b [u8]) -> Result<(&'b str, Value), Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![file_problem(
            file,
            format!(
                "not valid UTF-8 (first bad byte at offset {}); save the file as UTF-8",
                e.valid_up_to()
            ),
        )]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de
        .deserialize_any(StrictVisitor)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            let mut problem = file_problem(file, json_error_message(&e));
            problem.at = Some((e.line(), e.column()));
            vec![problem]
        })?;
    Ok((text, value))
}

/// How messages name the record at `index` of its file (`single`: the
/// file's one object): by its id when that is short and plain (never a
/// long text echoed back).
fn label(single: bool, index: usize, id: Option<&str>) -> String {
    let shown =
        |id: &str| id.chars().count() <= fields::MAX_ID_CHARS && !id.contains(char::is_control);
    match (single, id.filter(|id| shown(id))) {
        (true, Some(id)) => format!("record `{id}`"),
        (true, None) => "record".to_owned(),
        (false, Some(id)) => format!("record {} (`{id}`)", index + 1),
        (false, None) => format!("record {}", index + 1),
    }
}

/// The line (1-based) where each record of a record file's JSON starts: each
/// element of a top-level array, or the one top-level object.
///
/// ```
/// # use correct::record::element_lines;
/// assert_eq!(element_lines("[\n  {\"a\": \"}\"},\n  {}\n]"), [2, 3]);
/// assert_eq!(element_lines("\n{\"id\": 1}"), [2]);
/// ```
pub fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1usize, false, false);
    let mut expect_element = false;
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        let element_start = !b.is_ascii_whitespace() && b != b']' && b != b',';
        if element_start && (depth == 0 || (depth == 1 && expect_element)) {
            if depth == 0 && b == b'[' {
                expect_element = true;
            } else {
                lines.push(line);
                expect_element = false;
            }
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect_element = true,
            _ => {}
        }
    }
    lines
}

fn json_error_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; we put the position first, as
    // compilers do, so that editors can jump to it.
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(what, _)| what);
    format!("{}:{}: invalid JSON: {what}", e.line(), e.column())
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::fields::is_valid_date;
    use super::*;

    fn messages(json: &str) -> Vec<String> {
        parse_file("r.json", json.as_bytes())
            .unwrap_err()
            .into_iter()
            .map(|p| p.to_string())
            .collect()
    }

    const GOOD: &str =
        r#"{"id": "a", "find": "x", "replace": "y", "category": "spelling", "reason": "typo"}"#;

    #[test]
    fn accepts_a_single_object_and_an_array() {
        assert_eq!(parse_file("r.json", GOOD.as_bytes()).unwrap().len(), 1);
        let two = format!("[{GOOD}, {}]", GOOD.replace("\"a\"", "\"b\""));
        assert_eq!(parse_file("r.json", two.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn accepts_a_leading_bom() {
        let bom = format!("\u{feff}{GOOD}");
        assert!(parse_file("r.json", bom.as_bytes()).is_ok());
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        assert_eq!(
            messages("[\n  {\"id\": }\n]"),
            ["r.json: 2:10: invalid JSON: expected value"]
        );
    }

    #[test]
    fn unknown_field_suggests_the_near_name() {
        let json = GOOD.replace("\"replace\"", "\"replce\"");
        let msgs = messages(&json);
        assert!(
            msgs.iter()
                .any(|m| m.contains("unknown field `replce`; did you mean `replace`?")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("missing required field `replace`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn unknown_field_inside_a_source_is_an_error() {
        let json = GOOD.replace(
            "\"reason\"",
            r#""sources": [{"title": "t", "link": "u"}], "reason""#,
        );
        assert!(messages(&json)[0].contains("unknown field `sources[0].link`"));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let json = GOOD.replace("\"reason\"", r#""id": "again", "reason""#);
        assert!(messages(&json)[0].contains("duplicate key `id`"));
    }

    #[test]
    fn every_problem_is_reported() {
        let json = r#"[{"id": "Bad Id", "find": "", "replace": 3, "category": "fact", "reason": "  ",
                        "occurrence": 0, "whole_word": "yes", "date": "2024-02-30"}]"#;
        let msgs = messages(json);
        for needle in [
            "`id` \"Bad Id\" must match",
            "`find` is empty",
            "`replace` must be a string",
            "`reason` is empty",
            "`occurrence` must be a whole number >= 1 or \"all\", found 0",
            "`whole_word` must be true or false",
            "category `fact` needs at least one source",
            "`date` \"2024-02-30\" is not a valid date",
        ] {
            assert!(
                msgs.iter().any(|m| m.contains(needle)),
                "missing {needle:?} in {msgs:#?}"
            );
        }
        assert!(
            msgs.iter()
                .all(|m| m.starts_with("r.json: record 1 (`Bad Id`): ")),
            "{msgs:#?}"
        );
    }

    #[test]
    fn occurrence_accepts_numbers_and_all() {
        let nth = GOOD.replace("\"reason\"", r#""occurrence": 2, "reason""#);
        assert_eq!(
            parse_file("r.json", nth.as_bytes()).unwrap()[0].occurrence,
            Occurrence::Nth(2)
        );
        let all = GOOD.replace("\"reason\"", r#""occurrence": "all", "reason""#);
        assert_eq!(
            parse_file("r.json", all.as_bytes()).unwrap()[0].occurrence,
            Occurrence::All
        );
        let huge = GOOD.replace("\"reason\"", r#""occurrence": 1e30, "reason""#);
        let msgs = messages(&huge);
        assert!(
            msgs[0].contains("`occurrence` must be a whole number"),
            "{msgs:?}"
        );
    }

    #[test]
    fn dates_follow_the_calendar() {
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("2024-13-01"));
        assert!(!is_valid_date("24-01-01"));
        assert!(!is_valid_date("2024-1-011"));
    }

    #[test]
    fn non_utf8_and_non_objects_are_refused() {
        assert!(
            parse_file("r.json", b"\xff{}").unwrap_err()[0]
                .message
                .contains("not valid UTF-8")
        );
        assert!(
            messages("42")[0]
                .contains("expected a record object or an array of records, found a number")
        );
        assert!(messages("[42]")[0].contains("record 1: expected a record object"));
    }
}
