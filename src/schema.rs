//! The JSON Schema of record files, generated from these types with schemars
//! (`correct schema`; committed as `schema/correction.schema.json`).
//!
//! The types describe the wire shape only; records are parsed and checked by
//! [`crate::record`], which also enforces what a schema cannot say well (sources
//! required for factual categories, real dates, unique ids, placeholders).

use schemars::JsonSchema;

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
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordSchema {
    /// Unique among all records of one article.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"))]
    id: String,
    /// Exact text of the ORIGINAL article to replace.
    #[schemars(length(min = 1))]
    find: String,
    /// The text that replaces it (empty: delete).
    replace: String,
    /// Text that must stand immediately before `find` (context, not replaced).
    before: Option<String>,
    /// Text that must stand immediately after `find` (context, not replaced).
    after: Option<String>,
    /// Which match (counting only matches that fit the context), or "all".
    /// Absent: the match must be unique.
    occurrence: Option<OccurrenceSchema>,
    /// Match only where `find` is not joined to letters or digits.
    whole_word: Option<bool>,
    /// "preserve": `find`, written in lower case, also matches its Title and
    /// UPPER forms, and the replacement takes the form of the match. Default
    /// "exact".
    case: Option<CaseSchema>,
    /// The line (1-based) where `find` is expected: picks the nearest of several
    /// approximate matches.
    #[schemars(range(min = 1))]
    line: Option<u64>,
    /// Markdown inputs: "any" lets the record match outside prose (code, link
    /// targets, raw HTML, front matter). Default "prose".
    scope: Option<ScopeSchema>,
    /// Markdown inputs: "changes" lets the record change the document's
    /// structure (links, emphasis, headings, lists, tables). Default "kept".
    structure: Option<StructureSchema>,
    /// The kind of error.
    category: crate::record::Category,
    /// Why the original is wrong, in a sentence or two.
    #[schemars(regex(pattern = r"\S"))]
    reason: String,
    /// Where the correct version can be checked. Required (non-empty) for fact,
    /// date, name, number and attribution.
    sources: Option<Vec<SourceSchema>>,
    /// Who wrote the record.
    author: Option<String>,
    /// When the record was written.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    date: Option<String>,
    /// The sentence readers see in the corrections notice.
    #[schemars(regex(pattern = r"\S"))]
    notice: Option<String>,
    /// A fact-checker's rating of the claim corrected ("False", "Misleading",
    /// …): published as a schema.org ClaimReview.
    #[schemars(regex(pattern = r"\S"), length(max = 100))]
    rating: Option<String>,
    /// Ignored: lets editors point at this schema.
    #[serde(rename = "$schema")]
    schema: Option<String>,
}

/// `occurrence`: a number from 1, or "all".
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(untagged)]
pub(crate) enum OccurrenceSchema {
    /// The n-th match.
    Nth(#[schemars(range(min = 1))] u64),
    /// Every match.
    All(AllSchema),
}

/// The word "all".
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(rename_all = "lowercase")]
pub(crate) enum AllSchema {
    /// Every match.
    All,
}

/// `scope`.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(rename_all = "lowercase")]
pub(crate) enum ScopeSchema {
    /// Only in prose.
    Prose,
    /// Anywhere in the source.
    Any,
}

/// `case`.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(rename_all = "lowercase")]
pub(crate) enum CaseSchema {
    /// `find` matches as written.
    Exact,
    /// `find` also matches its Title and UPPER forms.
    Preserve,
}

/// `structure`.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(rename_all = "lowercase")]
pub(crate) enum StructureSchema {
    /// The Markdown structure must stay as it is.
    Kept,
    /// The record may change it.
    Changes,
}

/// A source: a title, or a title and a URL.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(untagged)]
pub(crate) enum SourceSchema {
    /// Just a title (a book, an archive reference).
    Title(#[schemars(length(min = 1))] String),
    /// A title and where it is online.
    Linked(LinkedSource),
}

/// A source with a title and, where it is online, a URL.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "the types exist to describe the schema")]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkedSource {
    /// What the source is called.
    #[schemars(length(min = 1))]
    title: String,
    /// Where to find it.
    url: Option<String>,
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
    }
}
