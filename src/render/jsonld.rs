//! Structured corrections for publishers (`--jsonld`, or `jsonld = true`):
//! `output/K.corrections.jsonld`, one schema.org `CorrectionComment` per
//! applied record that has a date, so that a CMS can embed them in the
//! article's page and search engines read them. `text` is the record's
//! notice (what readers are told), else its reason; `datePublished` the
//! record's date; `about` the corrected article; `citation` its sources.
//!
//! The context is inline (`@vocab` schema.org), so a JSON-LD processor needs
//! no network to expand it.

use serde_json::{Value, json};

use crate::outcome::{Outcome, Status};
use crate::record::Record;

/// The document for one article: `article` is the corrected article's path.
pub fn document(article: &str, records: &[Record], outcome: &Outcome) -> String {
    let graph: Vec<Value> = outcome
        .corrections
        .iter()
        .filter(|c| matches!(c.status, Status::Applied | Status::AlreadyApplied))
        .filter_map(|c| {
            let record = &records[c.record];
            let date = record.date.as_ref()?;
            let mut entry = json!({
                "@type": "CorrectionComment",
                "identifier": record.id,
                "text": record.notice.as_deref().unwrap_or(&record.reason),
                "datePublished": date,
                "about": {"@type": "CreativeWork", "url": article},
                "keywords": record.category.as_str(),
            });
            let citations: Vec<Value> = record
                .sources
                .iter()
                .map(|s| {
                    let mut work = json!({"@type": "CreativeWork", "name": s.title});
                    if let Some(url) = &s.url {
                        work["url"] = url.clone().into();
                    }
                    work
                })
                .collect();
            if !citations.is_empty() {
                entry["citation"] = citations.into();
            }
            if let Some(author) = &record.author {
                entry["author"] = json!({"@type": "Person", "name": author});
            }
            Some(entry)
        })
        .collect();
    let document = json!({
        "@context": {"@vocab": "https://schema.org/"},
        "@graph": graph,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("a JSON value serialises");
    text.push('\n');
    text
}
