//! Pull-request annotations: every edit and failure as data ([`Annotation`]),
//! rendered as reviewdog's diagnostic format (`--format rdjson`) with each
//! correction a suggested change (SARIF is [`super::sarif`]), and GitHub
//! Actions workflow commands (`--format github`): `::error` for failures,
//! `::notice` for edits.

use std::io::{self, Write};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::outcome::Outcome;
use crate::record::Record;
use crate::render::changes::{context_after, context_before};
use crate::render::diagnostic::Diagnostic;
use crate::text::lines::LineIndex;

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
        // From the index's block table: counting from the line's start
        // would be quadratic in the edits of one long line.
        let at = lines.line_col(text, offset);
        let start = lines.line_range(text, at.line - 1).start;
        Place {
            offset,
            line: at.line,
            byte_column: offset - start + 1,
            char_column: at.column,
        }
    }
}

/// One edit as a suggested change: the input's bytes `start..end` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The input, as shown (shared by its edits).
    pub path: Arc<str>,
    /// Where the replaced bytes start.
    pub start: Place,
    /// Where they end (exclusive).
    pub end: Place,
    /// The article's text there.
    pub original: String,
    /// The edit's own replacement (for a match across Markdown markup, only
    /// the changed words, not the record's whole `replace`).
    pub text: String,
    /// A few words of the article's line before the edit, for readers (the
    /// pull-request comment).
    pub before: String,
    /// And after it.
    pub after: String,
    /// The record's sources (shared by its edits).
    pub sources: Arc<[crate::record::Source]>,
    /// The record's file, as shown (shared, as the next fields are, by the
    /// record's edits).
    pub record_file: Arc<str>,
    /// The record's line in it, when known.
    pub record_line: Option<usize>,
    /// The record's id.
    pub id: Arc<str>,
    /// Its category, as record files spell it.
    pub category: &'static str,
    /// Its reason (shared by its edits: a record may make a million, and a
    /// reason may be a megabyte).
    pub reason: Arc<str>,
}

/// One evaluated input's counts and review page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The input, as shown.
    pub path: String,
    /// Its review page (`output/K.review.md`).
    pub review: String,
    /// Its counts.
    pub summary: crate::outcome::Summary,
}

/// What a document format (rdjson, SARIF, the pull-request comment) reports:
/// every edit as a suggestion, every failure where it must be fixed, and
/// each evaluated input's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Annotation {
    /// An evaluated input (before its edits and failures).
    Article(Article),
    /// An edit.
    Suggestion(Suggestion),
    /// A failure, a run error or a stale output, located.
    Failure(Diagnostic),
}

/// A run's annotations, sorted by kind (each in the run's order).
#[derive(Debug, Default)]
pub(crate) struct Parts<'a> {
    /// The evaluated inputs.
    pub articles: Vec<&'a Article>,
    /// The edits.
    pub suggestions: Vec<&'a Suggestion>,
    /// The failures.
    pub failures: Vec<&'a Diagnostic>,
}

impl<'a> Parts<'a> {
    /// Sorts `all` by kind.
    pub(crate) fn of(all: &'a [Annotation]) -> Parts<'a> {
        let mut parts = Parts::default();
        for a in all {
            match a {
                Annotation::Article(a) => parts.articles.push(a),
                Annotation::Suggestion(s) => parts.suggestions.push(s),
                Annotation::Failure(d) => parts.failures.push(d),
            }
        }
        parts
    }
}

/// Words of context a suggestion carries on each side (within its line, and
/// read from at most [`CONTEXT_CHARS`] characters).
const CONTEXT_WORDS: usize = 4;
const CONTEXT_CHARS: usize = 60;

/// The annotations of one input: a suggestion per edit, and each record's
/// failure on the record in its file.
pub(crate) fn of_input(
    input: &str,
    text: &str,
    records: &[Record],
    outcome: &Outcome,
) -> Vec<Annotation> {
    let lines = &outcome.original_lines;
    let edits: usize = outcome.corrections.iter().map(|c| c.edits().len()).sum();
    let mut all = Vec::with_capacity(edits + outcome.corrections.len());
    let path: Arc<str> = input.into();
    for c in &outcome.corrections {
        let record = &records[c.record];
        let (reason, sources): (Arc<str>, Arc<[_]>) = (
            record.reason.as_str().into(),
            record.sources.as_slice().into(),
        );
        let (file, id): (Arc<str>, Arc<str>) =
            (record.file.as_str().into(), record.id.as_str().into());
        for e in c.edits() {
            all.push(Annotation::Suggestion(Suggestion {
                path: path.clone(),
                start: Place::of(text, lines, e.original.start),
                end: Place::of(text, lines, e.original.end),
                original: text[e.original.start..e.original.end].to_owned(),
                text: outcome.corrected[e.corrected.start..e.corrected.end].to_owned(),
                before: context_before(text, e.original.start, CONTEXT_WORDS, CONTEXT_CHARS),
                after: context_after(text, e.original.end, CONTEXT_WORDS, CONTEXT_CHARS),
                sources: sources.clone(),
                record_file: file.clone(),
                record_line: record.file_line,
                id: id.clone(),
                category: record.category.as_str(),
                reason: reason.clone(),
            }));
        }
        // A failure belongs to the record: it is placed on the record in its
        // file, which is what must change.
        if let Some(f) = c.failure() {
            let diagnostic = Diagnostic::of_failure(outcome.original(text), records, c.record, f);
            all.push(Annotation::Failure(diagnostic));
        }
    }
    all
}

/// One rdjson document (reviewdog) for the whole run: an `INFO` with a
/// suggestion per edit, an `ERROR` per failure.
pub(crate) fn rdjson(source: &str, all: &[Annotation], out: &mut dyn Write) -> io::Result<()> {
    let position = |p: &Place| Position {
        column: p.byte_column,
        line: p.line,
    };
    let mut reasons = Reasons::new();
    let diagnostics = all.iter().filter_map(move |a| match a {
        Annotation::Article(_) => None,
        Annotation::Suggestion(s) => {
            let range = Span {
                end: position(&s.end),
                start: position(&s.start),
            };
            Some(Item::Edit(RdEdit {
                code: RdCode { value: &s.id },
                location: RdLocation {
                    path: &s.path,
                    range,
                },
                message: format!("{} ({}): {}", s.id, s.category, reasons.of(&s.reason)),
                severity: "INFO",
                suggestions: [RdFix {
                    range,
                    text: &s.text,
                }],
            }))
        }
        Annotation::Failure(d) => Some(Item::Failure(d.rdjson())),
    });
    let document = json!({
        "source": {"name": source},
        "diagnostics": [],
    });
    write_with_items(out, &document, "diagnostics", diagnostics)
}

/// One item of a machine format's list: an edit, written from its typed
/// struct as it is (a million edits as `serde_json::Value` trees cost seconds
/// of map inserts), or a failure. The structs' fields are in the order a
/// `Value` writes them (sorted), so the document is the same byte for byte.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Item<E> {
    Edit(E),
    Failure(Value),
}

#[derive(serde::Serialize)]
struct RdEdit<'a> {
    code: RdCode<'a>,
    location: RdLocation<'a>,
    message: String,
    severity: &'static str,
    suggestions: [RdFix<'a>; 1],
}

#[derive(serde::Serialize)]
struct RdCode<'a> {
    value: &'a str,
}

#[derive(serde::Serialize)]
struct RdLocation<'a> {
    path: &'a str,
    range: Span,
}

#[derive(serde::Serialize)]
struct RdFix<'a> {
    range: Span,
    text: &'a str,
}

#[derive(serde::Serialize, Clone, Copy)]
struct Span {
    end: Position,
    start: Position,
}

#[derive(serde::Serialize, Clone, Copy)]
struct Position {
    column: usize,
    line: usize,
}

/// Bytes of reasons one document's edit messages repeat in full (64 MiB):
/// a record may make a million edits and have a reason of a megabyte, and a
/// machine format must not print a terabyte. Past them each message gives
/// the reason's first [`REASON_PER_EDIT_CHARS`] characters and `…`; the whole
/// reason is in the changelog and on the review page. Real runs stay far
/// below (the benchmark's 21,895 edits repeat 1.5 MB).
pub(crate) const REPEATED_REASON_BYTES: usize = 64 << 20;

/// Characters of a reason an edit's message gives past
/// [`REPEATED_REASON_BYTES`].
pub(crate) const REASON_PER_EDIT_CHARS: usize = 200;

/// The reasons one document's edit messages have repeated so far.
pub(crate) struct Reasons {
    left: usize,
}

impl Reasons {
    pub(crate) fn new() -> Reasons {
        Reasons {
            left: REPEATED_REASON_BYTES,
        }
    }

    /// `reason` as the next edit's message repeats it.
    pub(crate) fn of<'r>(&mut self, reason: &'r str) -> std::borrow::Cow<'r, str> {
        if reason.len() <= self.left {
            self.left -= reason.len();
            return reason.into();
        }
        match reason.char_indices().nth(REASON_PER_EDIT_CHARS) {
            None => reason.into(),
            Some((cut, _)) => format!("{}…", &reason[..cut]).into(),
        }
    }
}

/// Writes `document` to `out` with its empty array `key` filled with
/// `items`, each serialised as it comes: a run's million edits are never held
/// at once, as JSON values (a value takes kilobytes, its text a few hundred
/// bytes) or as the document's text (hundreds of megabytes). The text is made
/// inert ([`crate::inert::Json`]) as it goes, and ends with a newline.
/// The empty array stands once in the document's text: `key` is named once,
/// and inside a string its quotes would be escaped.
pub(crate) fn write_with_items<T: serde::Serialize>(
    out: &mut dyn Write,
    document: &Value,
    key: &str,
    items: impl Iterator<Item = T>,
) -> io::Result<()> {
    let skeleton = serde_json::to_string(document).expect("a JSON value serialises");
    let empty = format!("{}:[]", Value::from(key));
    let at = skeleton
        .find(&empty)
        .expect("the document holds the empty array")
        + empty.len()
        - 1;
    let (head, tail) = skeleton.as_bytes().split_at(at);
    let mut text = io::BufWriter::with_capacity(1 << 16, crate::inert::Json::new(out));
    text.write_all(head)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            text.write_all(b",")?;
        }
        serde_json::to_writer(&mut text, &item)?;
    }
    text.write_all(tail)?;
    text.write_all(b"\n")?;
    text.flush()
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

/// GitHub shows at most this many annotations of one kind (error, notice)
/// from one step; the rest are dropped without a word.
pub(crate) const GITHUB_LIMIT: usize = 10;

/// GitHub Actions annotations for the run: failures first, then edits, each
/// kind within [`GITHUB_LIMIT`] (past it, the last one shown says how many
/// more there are and where to read them all). Each sits on a line a
/// correction's pull request changes: a failure where it must be fixed (the
/// record in its record file, the stale output), an edit on its record:
///
/// `::notice file=corrections/a.json,line=3,col=1,title=year::input/a.txt:1:24: 1945 -> 1941: The pact was signed in 1941.`
pub(crate) fn github(all: &[Annotation]) -> String {
    let Parts {
        failures,
        suggestions: edits,
        ..
    } = Parts::of(all);
    let mut out = String::new();
    let shown = within_limit(failures.len());
    for d in &failures[..shown] {
        out.push_str(&d.github());
    }
    if shown < failures.len() {
        out.push_str(&format!(
            "::error title=correct::{} more failures are not shown as annotations (GitHub shows {GITHUB_LIMIT} per step); the job log's text report, or `--format json`, lists every one\n",
            failures.len() - shown
        ));
    }
    let shown = within_limit(edits.len());
    for s in &edits[..shown] {
        out.push_str(&notice(s));
    }
    if shown < edits.len() {
        out.push_str(&format!(
            "::notice title=correct::{} more edits are not shown as annotations (GitHub shows {GITHUB_LIMIT} per step); output/KEY.changelog.json lists every one\n",
            edits.len() - shown
        ));
    }
    out
}

/// How many of `n` annotations of a kind to show: all within the limit,
/// else one fewer, leaving room for the one that counts the rest.
fn within_limit(n: usize) -> usize {
    if n <= GITHUB_LIMIT {
        n
    } else {
        GITHUB_LIMIT - 1
    }
}

/// An edit's `::notice`, on its record (or on the article, for a record that
/// came from no file).
fn notice(s: &Suggestion) -> String {
    let place = match s.record_line {
        Some(line) if !s.record_file.is_empty() => {
            format!("file={},line={line},col=1", property(&s.record_file))
        }
        _ => format!(
            "file={},line={},col={}",
            property(&s.path),
            s.start.line,
            s.start.char_column
        ),
    };
    format!(
        "::notice {place},title={}::{}\n",
        property(&s.id),
        data(&format!(
            "{}:{}:{}: {} -> {}: {}",
            s.path, s.start.line, s.start.char_column, s.original, s.text, s.reason
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_items<T: serde::Serialize>(
        document: &Value,
        key: &str,
        items: impl Iterator<Item = T>,
    ) -> String {
        let mut out = Vec::new();
        write_with_items(&mut out, document, key, items).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn items_written_one_by_one_make_the_document_one_value_makes() {
        let items = || (0..3).map(|i| json!({"n": i, "text": format!("\"{i}\":[]")}));
        // A string before the array that reads like it stays as it is.
        let quoted = "\"list\":[]";
        let whole = json!({"a": {"b": quoted}, "list": items().collect::<Vec<_>>(), "z": []});
        let skeleton = json!({"a": {"b": quoted}, "list": [], "z": []});
        assert_eq!(
            with_items(&skeleton, "list", items()),
            serde_json::to_string(&whole).unwrap() + "\n"
        );
        let empty = json!({"list": []});
        assert_eq!(
            with_items(&empty, "list", std::iter::empty::<Value>()),
            "{\"list\":[]}\n"
        );
    }

    #[test]
    fn reasons_are_repeated_in_full_up_to_their_budget_then_cut() {
        let long = "é".repeat(1 << 20);
        let mut reasons = Reasons::new();
        // 64 MiB of repeats are 32 of a reason of 2 MiB (a million é).
        for _ in 0..32 {
            assert_eq!(reasons.of(&long).len(), long.len());
        }
        let cut = reasons.of(&long);
        assert_eq!(cut.chars().count(), REASON_PER_EDIT_CHARS + 1);
        assert!(cut.ends_with('…'));
        // A short reason past the budget is still whole.
        assert_eq!(
            reasons.of("The pact was signed in 1941."),
            "The pact was signed in 1941."
        );
    }

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
        let mut out = Vec::new();
        rdjson("correct", &all, &mut out).unwrap();
        let doc: Value = serde_json::from_slice(&out).unwrap();
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

        let g = github(&all);
        let lines: Vec<&str> = g.lines().collect();
        assert!(
            lines[0].starts_with("::error file=r.json,line=4,col=1,title=gone::not_found: "),
            "failures first: {g}"
        );
        assert_eq!(
            lines[1],
            "::notice file=input/a.txt,line=2,col=11,title=year::input/a.txt:2:11: 1945 -> 1941: The pact was signed in 1941."
        );
    }

    #[test]
    fn past_the_limit_the_last_annotation_counts_the_rest() {
        let failure = |i: usize| {
            Annotation::Failure(Diagnostic {
                kind: "not_found".into(),
                file: "corrections/a.json".into(),
                at: Some((i, 1)),
                title: Some(format!("r{i}")),
                message: "gone".into(),
            })
        };
        let exactly: Vec<Annotation> = (1..=GITHUB_LIMIT).map(failure).collect();
        assert_eq!(github(&exactly).lines().count(), GITHUB_LIMIT);
        assert!(!github(&exactly).contains("more failures"));
        let over: Vec<Annotation> = (1..=25).map(failure).collect();
        let g = github(&over);
        let lines: Vec<&str> = g.lines().collect();
        assert_eq!(lines.len(), GITHUB_LIMIT, "{g}");
        assert!(
            lines[GITHUB_LIMIT - 1].starts_with("::error title=correct::16 more failures"),
            "{g}"
        );
    }

    #[test]
    fn context_is_a_few_words_of_the_line() {
        let text = "first line\none two three four five SIX seven eight nine ten eleven\nlast";
        let at = text.find("SIX").unwrap();
        assert_eq!(
            context_before(text, at, CONTEXT_WORDS, CONTEXT_CHARS),
            "two three four five "
        );
        assert_eq!(
            context_after(text, at + 3, CONTEXT_WORDS, CONTEXT_CHARS),
            " seven eight nine ten"
        );
        assert_eq!(
            context_before(
                text,
                text.find("two").unwrap(),
                CONTEXT_WORDS,
                CONTEXT_CHARS
            ),
            "one "
        );
        assert_eq!(
            context_after(text, text.len() - 2, CONTEXT_WORDS, CONTEXT_CHARS),
            "st"
        );
        let long = "x".repeat(500);
        assert_eq!(
            context_before(&long, 400, CONTEXT_WORDS, CONTEXT_CHARS)
                .chars()
                .count(),
            CONTEXT_CHARS
        );
        assert_eq!(
            context_after(&long, 100, CONTEXT_WORDS, CONTEXT_CHARS)
                .chars()
                .count(),
            CONTEXT_CHARS
        );
    }

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(data("50%\nmore"), "50%25%0Amore");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
