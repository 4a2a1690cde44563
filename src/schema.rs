//! A record's wire shape, declared once: the JSON Schema of record files is
//! generated from these types with schemars (`correct schema`; committed as
//! `schema/correction.schema.json`), and `correct record` and `correct new`
//! write record files by serialising them.
//!
//! Records are read field by field by [`crate::record`] (every problem of a file
//! reported at once), which also enforces what a schema cannot say well (sources
//! required for factual categories, real dates, unique ids, placeholders); a
//! test keeps its list of fields and these types the same.

use schemars::JsonSchema;
use serde::Serialize;

/// A record file: one correction record, or an array of them.
#[derive(JsonSchema)]
#[schemars(title = "correct record file")]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(untagged)]
pub(crate) enum RecordFile {
    /// One record.
    One(Box<RecordSchema>),
    /// Several records.
    Many(Vec<RecordSchema>),
}

/// One correction: the exact wrong text of an article, its replacement, why, and
/// on what sources.
#[derive(JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordSchema {
    /// Unique among all records of one article.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"))]
    pub(crate) id: String,
    /// Exact text of the ORIGINAL article to replace.
    #[schemars(length(min = 1))]
    pub(crate) find: String,
    /// The text that replaces it (empty: delete).
    pub(crate) replace: String,
    /// Text that must stand immediately before `find` (context, not replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) before: Option<String>,
    /// Text that must stand immediately after `find` (context, not replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
    /// Which match (counting only matches that fit the context), or "all".
    /// Absent: the match must be unique.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) occurrence: Option<OccurrenceSchema>,
    /// Match only where `find` is not joined to letters or digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) whole_word: Option<bool>,
    /// "preserve": `find`, written in lower case, also matches its Title and
    /// UPPER forms, and the replacement takes the form of the match. Default
    /// "exact".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) case: Option<CaseSchema>,
    /// The line (1-based) where `find` is expected: picks the nearest of several
    /// approximate matches.
    #[schemars(range(min = 1))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    /// Markdown inputs: "any" lets the record match outside prose (code, link
    /// targets, raw HTML, front matter). Default "prose".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<ScopeSchema>,
    /// Markdown inputs: "changes" lets the record change the document's
    /// structure (links, emphasis, headings, lists, tables). Default "kept".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) structure: Option<StructureSchema>,
    /// The kind of error.
    #[schemars(with = "crate::record::Category")]
    pub(crate) category: String,
    /// Why the original is wrong, in a sentence or two.
    #[schemars(regex(pattern = r"\S"))]
    pub(crate) reason: String,
    /// Where the correct version can be checked. Required (non-empty) for fact,
    /// date, name, number and attribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sources: Option<Vec<SourceSchema>>,
    /// Who wrote the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) author: Option<String>,
    /// When the record was written.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) date: Option<String>,
    /// The sentence readers see in the corrections notice.
    #[schemars(regex(pattern = r"\S"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) notice: Option<String>,
    /// A fact-checker's rating of the claim corrected ("False", "Misleading",
    /// …): published as a schema.org ClaimReview.
    #[schemars(regex(pattern = r"\S"), length(max = 100))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rating: Option<String>,
    /// Ignored: lets editors point at this schema.
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub(crate) schema: Option<String>,
}

/// `occurrence`: a number from 1, or "all".
#[derive(JsonSchema, Serialize)]
#[serde(untagged)]
pub(crate) enum OccurrenceSchema {
    /// The n-th match.
    Nth(#[schemars(range(min = 1))] u64),
    /// Every match.
    All(AllSchema),
}

/// The word "all".
#[derive(JsonSchema, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AllSchema {
    /// Every match.
    All,
}

/// `scope`.
#[derive(JsonSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(
    dead_code,
    reason = "the shape has values that `record` and `new` never write"
)]
pub(crate) enum ScopeSchema {
    /// Only in prose.
    Prose,
    /// Anywhere in the source.
    Any,
}

/// `case`.
#[derive(JsonSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(
    dead_code,
    reason = "the shape has values that `record` and `new` never write"
)]
pub(crate) enum CaseSchema {
    /// `find` matches as written.
    Exact,
    /// `find` also matches its Title and UPPER forms.
    Preserve,
}

/// `structure`.
#[derive(JsonSchema, Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(
    dead_code,
    reason = "the shape has values that `record` and `new` never write"
)]
pub(crate) enum StructureSchema {
    /// The Markdown structure must stay as it is.
    Kept,
    /// The record may change it.
    Changes,
}

/// A source: a title, or a title and a URL.
#[derive(JsonSchema, Serialize)]
#[serde(untagged)]
#[allow(
    dead_code,
    reason = "the shape has values that `record` and `new` never write"
)]
pub(crate) enum SourceSchema {
    /// Just a title (a book, an archive reference).
    Title(#[schemars(length(min = 1))] String),
    /// A title and where it is online.
    Linked(LinkedSource),
}

/// A source with a title and, where it is online, a URL.
#[derive(JsonSchema, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkedSource {
    /// What the source is called.
    #[schemars(length(min = 1))]
    pub(crate) title: String,
    /// Where to find it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
}

/// The schema as pretty JSON with a final newline: what `correct schema` prints
/// and `schema/correction.schema.json` holds.
pub(crate) fn json() -> String {
    let schema = schemars::schema_for!(RecordFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/correction.schema.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == super::json(),
            "schema/correction.schema.json is stale: run `cargo run -- schema > schema/correction.schema.json`"
        );
    }

    #[test]
    fn the_schema_accepts_the_articles_records_and_lists_every_field() {
        let schema: serde_json::Value = serde_json::from_str(&super::json()).unwrap();
        let fields = &schema["$defs"]["RecordSchema"]["properties"];
        for field in crate::record::FIELDS {
            assert!(
                fields.get(field).is_some(),
                "{field} is missing from the schema"
            );
        }
        // And the reader knows every field of the shape.
        for field in fields.as_object().unwrap().keys() {
            assert!(
                crate::record::FIELDS.contains(&field.as_str()),
                "the reader (record::FIELDS) lacks {field}"
            );
        }
    }
}
