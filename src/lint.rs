//! Policy checks on records that need no change to the article (`correct lint`).

use crate::record::Record;

/// One policy finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name, e.g. `fact-without-url`.
    pub rule: &'static str,
    /// The record file.
    pub file: String,
    /// The record, when the finding is about one.
    pub id: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// The checks on the records of one file or article: a factual category
/// without a URL source, a reason of fewer than `min_words` words, a source
/// listed twice, and a `replace` equal to its `find`.
///
/// ```
/// let mut record = correct::record::Record::new("same", "1945", "1945");
/// record.reason = "Too short.".into();
/// let rules: Vec<_> = correct::lint::records(&[record], 3).into_iter().map(|f| f.rule).collect();
/// assert_eq!(rules, ["short-reason", "no-op"]);
/// ```
pub fn records(records: &[Record], min_words: usize) -> Vec<Finding> {
    let mut findings = Vec::new();
    for r in records {
        let mut add = |rule: &'static str, message: String| {
            findings.push(Finding {
                rule,
                file: r.file.clone(),
                id: Some(r.id.clone()),
                message,
            });
        };
        if r.category.needs_sources() && r.sources.iter().all(|s| s.url.is_none()) {
            add(
                "fact-without-url",
                format!(
                    "category `{}` has no source with a URL; add one readers can check",
                    r.category.as_str()
                ),
            );
        }
        let words = r.reason.split_whitespace().count();
        if words < min_words {
            add(
                "short-reason",
                format!(
                    "the reason has {words} word(s); say in at least {min_words} why the original is wrong"
                ),
            );
        }
        for (i, s) in r.sources.iter().enumerate() {
            let earlier = &r.sources[..i];
            let same_url = s.url.is_some() && earlier.iter().any(|e| e.url == s.url);
            let same_title = earlier.iter().any(|e| e.title == s.title);
            if same_url || same_title {
                add(
                    "duplicate-source",
                    format!(
                        "sources[{i}] repeats an earlier source ({:?}); remove one",
                        s.title
                    ),
                );
            }
        }
        if r.find == r.replace {
            add(
                "no-op",
                "`replace` equals `find`: the record changes nothing; remove it or fix `replace`"
                    .to_owned(),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Category, Source};

    fn sourced(title: &str, url: Option<&str>) -> Source {
        Source {
            title: title.into(),
            url: url.map(Into::into),
        }
    }

    #[test]
    fn a_well_sourced_record_passes() {
        let mut r = Record::new("ok", "1945", "1939");
        r.category = Category::Date;
        r.reason = "The battle was fought from May to September 1939.".into();
        r.sources = vec![sourced("Encyclopedia", Some("https://example.org/a"))];
        assert!(records(&[r], 6).is_empty());
    }

    #[test]
    fn each_rule_fires() {
        let mut r = Record::new("bad", "x", "y");
        r.category = Category::Fact;
        r.reason = "Wrong.".into();
        r.sources = vec![sourced("Book", None), sourced("Book", None)];
        let rules: Vec<_> = records(&[r], 6).into_iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            ["fact-without-url", "short-reason", "duplicate-source"]
        );
    }
}
