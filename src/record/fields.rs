//! Reading one record object field by field: types, values and unknown names,
//! collecting every problem instead of stopping at the first.

use serde_json::{Map, Value};

use crate::limits;

use super::{Case, Category, FIELDS, Occurrence, Record, Source, type_name};

/// Reads the fields of one record object, collecting every problem.
pub(super) struct Fields<'a> {
    pub(super) map: &'a Map<String, Value>,
    pub(super) errors: Vec<String>,
}

impl Fields<'_> {
    /// The record, or `None` with every problem in `errors` (in the order
    /// of the fields).
    pub(super) fn record(&mut self, file: &str) -> Option<Record> {
        self.unknown_keys(&FIELDS, "");
        let id = self.id();
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
        let case = self.case(find.as_deref());
        let line = self.line();
        let anywhere = self
            .choice("scope", &["prose", "any"])
            .map(|c| c == Some("any"));
        let changes_structure = self
            .choice("structure", &["kept", "changes"])
            .map(|c| c == Some("changes"));
        let category = self.category();
        let reason = self.reason();
        let sources = self.sources_for(category);
        let author = self.string("author", false);
        let date = self.date();
        let notice = self.string("notice", false);
        if notice.as_deref().is_some_and(|n| n.trim().is_empty()) {
            self.errors.push(
                "`notice` is empty; write the sentence readers will see, or leave the field out"
                    .to_owned(),
            );
        }
        let rating = self.rating();
        self.string("$schema", false);
        Some(Record {
            id: id?,
            find: find?,
            replace: replace?,
            before,
            after,
            occurrence: occurrence?,
            whole_word: whole_word?,
            case: case?,
            category: category?,
            reason: reason?,
            sources: sources?,
            author,
            date,
            notice,
            rating,
            line: line?,
            anywhere: anywhere?,
            changes_structure: changes_structure?,
            file: file.to_owned(),
            file_line: None,
            shared: false,
        })
    }

    /// `id`: a short name of lowercase letters, digits, `.`, `_` and `-`.
    fn id(&mut self) -> Option<String> {
        let id = match self.map.get("id") {
            // An id is a short name: a long one is refused without echoing it.
            Some(Value::String(id)) if id.chars().count() > MAX_ID_CHARS => {
                self.errors.push(format!(
                    "`id` is {} characters long; an id is a short name of at most {MAX_ID_CHARS} characters ([a-z0-9][a-z0-9._-]*)",
                    id.chars().count()
                ));
                None
            }
            _ => self.string("id", true),
        };
        if let Some(id) = &id
            && !is_valid_id(id)
        {
            self.errors.push(format!(
                "`id` {id:?} must match [a-z0-9][a-z0-9._-]* (lowercase letters, digits, `.`, `_`, `-`)"
            ));
        }
        id
    }

    /// `case`; `"preserve"` needs `find` in lower case.
    fn case(&mut self, find: Option<&str>) -> Option<Case> {
        let case = self
            .choice("case", &["exact", "preserve"])
            .map(|c| match c {
                Some("preserve") => Case::Preserve,
                _ => Case::Exact,
            });
        if case == Some(Case::Preserve)
            && let Some(find) = find
            && *find != find.to_lowercase()
        {
            self.errors.push(format!(
                "`case`: \"preserve\" needs `find` in lower case (it then also matches the Title and UPPER forms); write {:?}",
                find.to_lowercase()
            ));
        }
        case
    }

    /// `reason`: said, not empty and not a TODO.
    fn reason(&mut self) -> Option<String> {
        let reason = self.string("reason", true);
        if reason.as_deref().is_some_and(is_todo) {
            self.errors.push(
                "`reason` is still a TODO placeholder; say in a sentence or two why the original is wrong"
                    .to_owned(),
            );
        }
        if reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
            self.errors.push(
                "`reason` is empty; say in a sentence or two why the original is wrong".to_owned(),
            );
        }
        reason
    }

    /// `sources`, at least one for a category that needs them.
    fn sources_for(&mut self, category: Option<Category>) -> Option<Vec<Source>> {
        let sources = self.sources();
        if let (Some(category), Some(sources)) = (category, &sources)
            && category.needs_sources()
            && sources.is_empty()
        {
            self.errors.push(format!(
                "category `{category}` needs at least one source in `sources` (a title, and a URL where there is one)"
            ));
        }
        sources
    }

    /// `date`, as YYYY-MM-DD.
    fn date(&mut self) -> Option<String> {
        let date = self.string("date", false);
        if let Some(date) = &date
            && !is_valid_date(date)
        {
            self.errors
                .push(format!("`date` {date:?} is not a valid date as YYYY-MM-DD"));
        }
        date
    }

    /// `rating`: a word or two.
    fn rating(&mut self) -> Option<String> {
        let rating = self.string("rating", false);
        match &rating {
            Some(r) if r.trim().is_empty() => self.errors.push(
                "`rating` is empty; give the claim's rating (such as \"False\" or \"Misleading\"), or leave the field out".to_owned(),
            ),
            Some(r) if r.chars().count() > MAX_RATING_CHARS => self.errors.push(format!(
                "`rating` is {} characters long; a rating is a word or two of at most {MAX_RATING_CHARS} characters (put the explanation in `reason`)",
                r.chars().count()
            )),
            _ => {}
        }
        rating
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
            Some(Value::String(s)) if s.len() > limits::MAX_TEXT_FIELD_BYTES => {
                self.errors.push(format!(
                    "`{name}` is {} long, over the limit of {} per text field; split the correction into smaller records",
                    limits::size(s.len() as u64),
                    limits::size(limits::MAX_TEXT_FIELD_BYTES as u64),
                ));
                None
            }
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

    /// An optional string field that must be one of `allowed`.
    fn choice(&mut self, name: &str, allowed: &[&'static str]) -> Option<Option<&'static str>> {
        let value = self.string(name, false);
        match value.as_deref() {
            None => Some(None),
            Some(v) => match allowed.iter().find(|a| **a == v) {
                Some(a) => Some(Some(*a)),
                None => {
                    self.errors.push(format!(
                        "`{name}` must be one of {}, found {v:?}",
                        allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    None
                }
            },
        }
    }

    fn line(&mut self) -> Option<Option<usize>> {
        match self.map.get("line") {
            None => Some(None),
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => {
                usize::try_from(n.as_u64()?).ok().map(Some)
            }
            Some(other) => {
                self.errors.push(format!(
                    "`line` must be a whole number >= 1 (the line where `find` is expected), found {}",
                    match other {
                        Value::Number(n) => n.to_string(),
                        other => type_name(other).to_owned(),
                    }
                ));
                None
            }
        }
    }

    fn category(&mut self) -> Option<Category> {
        let name = self.string("category", true)?;
        let category = Category::parse(&name);
        if is_todo(&name) {
            let all: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
            self.errors.push(format!(
                "`category` is still a TODO placeholder; choose one of {}",
                all.join(", ")
            ));
        } else if category.is_none() {
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
            if is_todo(&source.title) || source.url.as_deref().is_some_and(is_todo) {
                self.errors.push(format!(
                    "sources[{i}] is still a TODO placeholder; name where the correct version can be checked"
                ));
            }
            if source.title.trim().is_empty() {
                self.errors.push(format!("sources[{i}] has an empty title"));
            }
        }
        (self.errors.len() == before).then_some(sources)
    }
}

/// The longest id: a short name, shown in every message about its record.
pub(crate) const MAX_ID_CHARS: usize = 128;

/// The longest `rating` (a word or two, as fact-checkers rate claims).
const MAX_RATING_CHARS: usize = 100;

/// Whether a value is a placeholder left for the editor by `correct record` or
/// `correct new` ("TODO: ..."): such a record is refused until it is filled in.
pub(super) fn is_todo(value: &str) -> bool {
    value.trim_start().starts_with(TODO)
}

/// How placeholders start.
pub(crate) const TODO: &str = "TODO";

/// Whether `id` is a valid record id: `[a-z0-9][a-z0-9._-]*`.
pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A real calendar date written as `YYYY-MM-DD`.
pub(super) fn is_valid_date(date: &str) -> bool {
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
