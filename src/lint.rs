//! Policy checks on records that need no change to the article (`correct lint`).

use crate::record::Record;

/// One policy finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// The rule's name, e.g. `fact-without-url`.
    pub rule: &'static str,
    /// The record file.
    pub file: String,
    /// The record, when the finding is about one.
    pub id: Option<String>,
    /// The record's line in its file, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

/// The checks on the records of one file or article: a factual category
/// without a URL source, a reason of fewer than `min_words` words or that is
/// not a sentence, a source URL that is not a well-formed `http(s)` address,
/// a source listed twice, and a `replace` equal to its `find`.
pub(crate) fn records(records: &[Record], min_words: usize) -> Vec<Finding> {
    let mut findings = Vec::new();
    for r in records {
        for (rule, message) in record(r, min_words) {
            findings.push(Finding {
                rule,
                file: r.file.clone(),
                id: Some(r.id.clone()),
                line: r.file_line,
                message,
            });
        }
    }
    findings
}

/// The findings on one record, in the order [`records`] lists them: each
/// rule's name and what to do.
fn record(r: &Record, min_words: usize) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    if r.category.needs_sources() && r.sources.iter().all(|s| s.url.is_none()) {
        found.push((
            "fact-without-url",
            format!(
                "category `{}` has no source with a URL; add one readers can check",
                r.category.as_str()
            ),
        ));
    }
    found.extend(reason(&r.reason, min_words));
    found.extend(sources(r));
    if r.find == r.replace {
        found.push((
            "no-op",
            "`replace` equals `find`: the record changes nothing; remove it or fix `replace`"
                .to_owned(),
        ));
    }
    found
}

/// A reason of fewer than `min_words` words, or one that is not a sentence.
fn reason(reason: &str, min_words: usize) -> Option<(&'static str, String)> {
    let words = reason.split_whitespace().count();
    if words < min_words {
        Some((
            "short-reason",
            format!(
                "the reason has {words} word(s); say in at least {min_words} why the original is wrong"
            ),
        ))
    } else if !is_sentence(reason) {
        Some((
            "reason-not-a-sentence",
            "the reason does not end as a sentence does (`.`, `!` or `?`); write it as one or more sentences"
                .to_owned(),
        ))
    } else {
        None
    }
}

/// The record's sources whose URL is not well formed, then those that
/// repeat an earlier one.
fn sources(r: &Record) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for (i, s) in r.sources.iter().enumerate() {
        if let Some(url) = &s.url
            && let Err(why) = well_formed(url)
        {
            found.push((
                "bad-url",
                format!(
                    "sources[{i}] has the URL {url:?}, which {why}; give the address readers can open"
                ),
            ));
        }
    }
    for (i, s) in r.sources.iter().enumerate() {
        let earlier = &r.sources[..i];
        let same_url = s.url.is_some() && earlier.iter().any(|e| e.url == s.url);
        let same_title = earlier.iter().any(|e| e.title == s.title);
        if same_url || same_title {
            found.push((
                "duplicate-source",
                format!(
                    "sources[{i}] repeats an earlier source ({:?}); remove one",
                    s.title
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Category, Source};

    /// The examples this function's documentation gave.
    #[test]
    fn well_formed_examples() {
        use crate::lint::well_formed;
        assert!(well_formed("https://en.wikipedia.org/wiki/Battles_of_Khalkhin_Gol").is_ok());
        assert!(well_formed("https://history.state.gov./historicaldocuments/x").is_err());
        assert!(well_formed("https://web.archive.org/web/2012/http:/www1.example.org/").is_err());
        assert!(well_formed("ftp://example.org/").is_err());
    }

    /// The examples this function's documentation gave.
    #[test]
    fn records_examples() {
        let mut record = Record::new("same", "1945", "1945");
        record.reason = "Too short.".into();
        let rules: Vec<_> = records(&[record], 3).into_iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["short-reason", "no-op"]);
    }

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

/// Whether `reason` ends as a sentence does: `.`, `!` or `?`, perhaps inside
/// a closing quote or bracket.
fn is_sentence(reason: &str) -> bool {
    let end = reason
        .trim_end()
        .trim_end_matches(['"', '\'', '’', '”', ')', ']']);
    end.ends_with(['.', '!', '?'])
}

/// Whether `url` is a well-formed web address: `http://` or `https://`, a
/// host of dot-separated labels (letters, digits, hyphens; no empty label,
/// so no trailing dot), an optional port, then a path; no spaces.
pub(crate) fn well_formed(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("does not start with http:// or https://")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("holds spaces or control characters");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, port)| {
            match port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
                true => host,
                false => authority,
            }
        });
    let labels: Vec<&str> = host.split('.').collect();
    let valid_label = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(valid_label) {
        return Err("has no well-formed host (dot-separated names, no trailing dot)");
    }
    // An address kept inside another (a web archive's copy) must be whole.
    if let Some(at) = rest.find("http:/").or_else(|| rest.find("https:/")) {
        let inner = &rest[at..];
        if !(inner.starts_with("http://") || inner.starts_with("https://")) {
            return Err("holds a broken address inside it (`http:/` with one slash)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    fn record(reason: &str, url: &str) -> Record {
        let mut r = Record::new("r", "1945", "1939");
        r.category = crate::record::Category::Date;
        r.reason = reason.into();
        r.sources = vec![crate::record::Source {
            title: "A source".into(),
            url: Some(url.into()),
        }];
        r
    }

    #[test]
    fn a_reason_must_be_a_sentence_and_a_url_well_formed() {
        let rules = |reason: &str, url: &str| -> Vec<&'static str> {
            records(&[record(reason, url)], 6)
                .into_iter()
                .map(|f| f.rule)
                .collect()
        };
        let good = "The battle was fought in 1939, not in 1945.";
        assert_eq!(rules(good, "https://example.org/a"), Vec::<&str>::new());
        assert_eq!(
            rules(
                "The battle was fought in 1939 not 1945",
                "https://example.org/a"
            ),
            ["reason-not-a-sentence"]
        );
        // A sentence may end inside its closing quote.
        assert_eq!(
            rules(
                "The source says the battle was in “1939.”",
                "https://example.org/a"
            ),
            Vec::<&str>::new()
        );
        for url in [
            "http://example.org./a",
            "example.org/a",
            "https:/example.org",
            "https://exa mple.org/",
        ] {
            assert_eq!(rules(good, url), ["bad-url"], "{url}");
        }
    }
}
