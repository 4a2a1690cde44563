//! Correction records: the types, and loading them from JSON record files.
//!
//! A record file holds one record object or an array of them. Loading is strict:
//! unknown fields (at any depth), duplicate keys, wrong types and broken values are
//! all reported, every one of them, with the file and the record they belong to.
//! Nothing here touches the article; [`crate::locate`] does that.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The kind of error a record corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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

    fn parse(name: &str) -> Option<Category> {
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
    /// The record file it came from, as shown to users (`/` separators).
    pub file: String,
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
            category: Category::Other,
            reason: String::new(),
            sources: Vec::new(),
            author: None,
            date: None,
            notice: None,
            file: String::new(),
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
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record {
            Some(record) => write!(f, "{}: {}: {}", self.file, record, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

const FIELDS: [&str; 14] = [
    "id",
    "find",
    "replace",
    "before",
    "after",
    "occurrence",
    "whole_word",
    "category",
    "reason",
    "sources",
    "author",
    "date",
    "notice",
    "$schema",
];

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
    let problem = |message: String| {
        vec![Problem {
            file: file.to_owned(),
            record: None,
            message,
        }]
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        problem(format!(
            "not valid UTF-8 (first bad byte at offset {}); save the file as UTF-8",
            e.valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de
        .deserialize_any(StrictVisitor)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| problem(json_error_message(&e)))?;

    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&value],
        other => {
            return Err(problem(format!(
                "expected a record object or an array of records, found {}",
                type_name(other)
            )));
        }
    };
    let single = matches!(value, Value::Object(_));
    let mut records = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let label = |id: Option<&str>| match (single, id) {
            (true, Some(id)) => format!("record `{id}`"),
            (true, None) => "record".to_owned(),
            (false, Some(id)) => format!("record {} (`{id}`)", index + 1),
            (false, None) => format!("record {}", index + 1),
        };
        let Value::Object(map) = item else {
            problems.push(Problem {
                file: file.to_owned(),
                record: Some(label(None)),
                message: format!("expected a record object, found {}", type_name(item)),
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
            records.extend(record);
        }
        problems.extend(fields.errors.into_iter().map(|message| Problem {
            file: file.to_owned(),
            record: Some(label(id)),
            message,
        }));
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
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

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads the fields of one record object, collecting every problem.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: Vec<String>,
}

impl Fields<'_> {
    fn record(&mut self, file: &str) -> Option<Record> {
        self.unknown_keys(&FIELDS, "");
        let id = self.string("id", true);
        if let Some(id) = &id {
            if !is_valid_id(id) {
                self.errors.push(format!(
                    "`id` {id:?} must match [a-z0-9][a-z0-9._-]* (lowercase letters, digits, `.`, `_`, `-`)"
                ));
            }
        }
        let find = self.string("find", true);
        if find.as_deref() == Some("") {
            self.errors
                .push("`find` is empty; give the exact text to replace".to_owned());
        }
        let replace = self.string("replace", true);
        let before = self.string("before", false);
        let after = self.string("after", false);
        let occurrence = self.occurrence();
        let whole_word = self.boolean("whole_word");
        let category = self.category();
        let reason = self.string("reason", true);
        if reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
            self.errors.push(
                "`reason` is empty; say in a sentence or two why the original is wrong".to_owned(),
            );
        }
        let sources = self.sources();
        if let (Some(category), Some(sources)) = (category, &sources) {
            if category.needs_sources() && sources.is_empty() {
                self.errors.push(format!(
                    "category `{category}` needs at least one source in `sources` (a title, and a URL where there is one)"
                ));
            }
        }
        let author = self.string("author", false);
        let date = self.string("date", false);
        if let Some(date) = &date {
            if !is_valid_date(date) {
                self.errors
                    .push(format!("`date` {date:?} is not a valid date as YYYY-MM-DD"));
            }
        }
        let notice = self.string("notice", false);
        if notice.as_deref().is_some_and(|n| n.trim().is_empty()) {
            self.errors.push(
                "`notice` is empty; write the sentence readers will see, or leave the field out"
                    .to_owned(),
            );
        }
        self.string("$schema", false);
        Some(Record {
            id: id?,
            find: find?,
            replace: replace?,
            before,
            after,
            occurrence: occurrence?,
            whole_word: whole_word?,
            category: category?,
            reason: reason?,
            sources: sources?,
            author,
            date,
            notice,
            file: file.to_owned(),
        })
    }

    fn unknown_keys(&mut self, known: &[&str], path: &str) {
        for key in self.map.keys() {
            if known.contains(&key.as_str()) {
                continue;
            }
            let hint = known
                .iter()
                .filter(|k| strsim::damerau_levenshtein(k, key) <= 2)
                // Among near names, the one sharing the longest start reads best
                // (`note` -> `notice`, not `date`).
                .max_by(|a, b| {
                    strsim::jaro_winkler(a, key).total_cmp(&strsim::jaro_winkler(b, key))
                })
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_else(|| format!("; allowed fields are {}", known.join(", ")));
            self.errors
                .push(format!("unknown field `{path}{key}`{hint}"));
        }
    }

    fn string(&mut self, name: &str, required: bool) -> Option<String> {
        match self.map.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.errors.push(format!(
                    "`{name}` must be a string, found {}",
                    type_name(other)
                ));
                None
            }
            None if required => {
                self.errors.push(format!("missing required field `{name}`"));
                None
            }
            None => None,
        }
    }

    fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.map.get(name) {
            None => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.errors.push(format!(
                    "`{name}` must be true or false, found {}",
                    type_name(other)
                ));
                None
            }
        }
    }

    fn occurrence(&mut self) -> Option<Occurrence> {
        match self.map.get("occurrence") {
            None => Some(Occurrence::Unique),
            Some(Value::String(s)) if s == "all" => Some(Occurrence::All),
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => {
                usize::try_from(n.as_u64()?).ok().map(Occurrence::Nth)
            }
            Some(other) => {
                let found = match other {
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => format!("{s:?}"),
                    other => type_name(other).to_owned(),
                };
                self.errors.push(format!(
                    "`occurrence` must be a whole number >= 1 or \"all\", found {found}"
                ));
                None
            }
        }
    }

    fn category(&mut self) -> Option<Category> {
        let name = self.string("category", true)?;
        let category = Category::parse(&name);
        if category.is_none() {
            let all: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
            self.errors.push(format!(
                "unknown category {name:?}; use one of {}",
                all.join(", ")
            ));
        }
        category
    }

    fn sources(&mut self) -> Option<Vec<Source>> {
        let items = match self.map.get("sources") {
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.errors.push(format!(
                    "`sources` must be an array of strings or {{\"title\", \"url\"}} objects, found {}",
                    type_name(other)
                ));
                return None;
            }
        };
        let before = self.errors.len();
        let mut sources = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(title) => sources.push(Source {
                    title: title.clone(),
                    url: None,
                }),
                Value::Object(map) => {
                    let mut fields = Fields {
                        map,
                        errors: Vec::new(),
                    };
                    fields.unknown_keys(&["title", "url"], &format!("sources[{i}]."));
                    let title = fields.string("title", true);
                    let url = fields.string("url", false);
                    self.errors.extend(
                        fields
                            .errors
                            .into_iter()
                            .map(|e| format!("sources[{i}]: {e}")),
                    );
                    if let Some(title) = title {
                        sources.push(Source { title, url });
                    }
                }
                other => self.errors.push(format!(
                    "sources[{i}] must be a string or a {{\"title\", \"url\"}} object, found {}",
                    type_name(other)
                )),
            }
        }
        for (i, source) in sources.iter().enumerate() {
            if source.title.trim().is_empty() {
                self.errors.push(format!("sources[{i}] has an empty title"));
            }
        }
        (self.errors.len() == before).then_some(sources)
    }
}

/// `[a-z0-9][a-z0-9._-]*`
fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A real calendar date written as `YYYY-MM-DD`.
fn is_valid_date(date: &str) -> bool {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| date[r].parse::<u32>().ok())
            .flatten()
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Builds a [`serde_json::Value`] but refuses duplicate object keys, which
/// `serde_json` would otherwise resolve silently (the last one wins).
struct StrictVisitor;

struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
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
