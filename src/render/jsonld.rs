//! Structured corrections for publishers (`--jsonld`, or `jsonld = true`):
//! `output/K.corrections.jsonld`, one schema.org `CorrectionComment` per
//! applied record that has a date, so that a CMS can embed them in the
//! article's page and search engines read them. `text` is the record's
//! notice (what readers are told), else its reason; `datePublished` the
//! record's date; `about` the corrected article; `citation` its sources.
//! A record with a `rating` also gives a `ClaimReview` of the claim it
//! corrects (`claimReviewed` = its `find`, `reviewRating.alternateName` = the
//! rating) when it is dated, as fact-checkers publish them.
//!
//! The context is inline (`@vocab` schema.org), so a JSON-LD processor needs
//! no network to expand it.

use serde_json::{Value, json};

use crate::outcome::{Outcome, Status};
use crate::record::Record;

/// The document for one article: `article` is the corrected article's path.
pub(crate) fn document(article: &str, records: &[Record], outcome: &Outcome) -> String {
    let dated = || {
        outcome
            .corrections
            .iter()
            .filter(|c| matches!(c.status(), Status::Applied | Status::AlreadyApplied))
            .map(|c| &records[c.record])
            .filter(|r| r.date.is_some())
    };
    let mut graph: Vec<Value> = dated()
        .map(|record| {
            let mut entry = entry("CorrectionComment", &record.id, article, record);
            entry["keywords"] = record.category.as_str().into();
            entry
        })
        .collect();
    graph.extend(dated().filter_map(|record| claim_review(article, record)));
    let document = json!({
        "@context": {"@vocab": "https://schema.org/"},
        "@graph": graph,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// What every entry of a dated record has: its type, id, text (the notice,
/// else the reason), date, the article it is about, sources and author.
fn entry(kind: &str, id: &str, article: &str, record: &Record) -> Value {
    let mut entry = json!({
        "@type": kind,
        "identifier": id,
        "text": record.notice.as_deref().unwrap_or(&record.reason),
        "datePublished": record.date,
        "about": {"@type": "CreativeWork", "url": article},
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
    entry
}

/// The `ClaimReview` of a rated record: the claim is the text as published
/// (`find`), its rating the record's, the review published with the article.
fn claim_review(article: &str, record: &Record) -> Option<Value> {
    let rating = record.rating.as_ref()?;
    let id = format!("{}#claim-review", record.id);
    let mut review = entry("ClaimReview", &id, article, record);
    review["claimReviewed"] = record.find.clone().into();
    review["reviewRating"] = json!({"@type": "Rating", "alternateName": rating});
    review["itemReviewed"] = json!({
        "@type": "Claim",
        "appearance": {"@type": "CreativeWork", "url": article},
    });
    review["url"] = article.into();
    Some(review)
}
