//! The exact tier's failures, worded for the report: not found (with the
//! nearest miss and where the replacement already stands), ambiguous, too few
//! matches.

use super::*;

pub(super) fn positions(text: &str, index: &LineIndex, starts: &[usize]) -> String {
    let mut listed: Vec<String> = starts
        .iter()
        .take(LISTED_MATCHES)
        .map(|&s| index.line_col(text, s).to_string())
        .collect();
    if starts.len() > LISTED_MATCHES {
        listed.push(format!("and {} more", starts.len() - LISTED_MATCHES));
    }
    listed.join(", ")
}

pub(super) fn ambiguous(
    text: &str,
    index: &LineIndex,
    record: &Record,
    matches: &[usize],
    n: usize,
) -> Failure {
    Failure {
        kind: FailureKind::Ambiguous,
        message: format!(
            "{} matches {n} times, at {}",
            quoted(&record.find),
            positions(text, index, matches)
        ),
        help: "add `before`/`after` context that only the intended match has, or an `occurrence` \
               (a number, or \"all\")"
            .to_owned(),
        first_match: matches.first().copied(),
    }
}

/// The failure of a record left unlocated because a search of the text
/// found more than the `limit` matches it may hold
/// ([`crate::limits::max_matches`]); `most` is the text that matched most, and
/// how often, before the search stopped.
pub(super) fn too_many_matches(
    record: &Record,
    limit: usize,
    most: Option<(&str, usize)>,
) -> Failure {
    let most = match most {
        Some((pattern, n)) => format!("; {} alone matched {n} times", quoted(pattern)),
        None => String::new(),
    };
    Failure {
        kind: FailureKind::TooLarge,
        message: format!(
            "the records' texts match this text more than {limit} times, more than a search of a text this long holds{most}, so `{}` was not located",
            record.id
        ),
        help: "give the records whose `find` or `replace` is a short, common text more words, then run again"
            .to_owned(),
        first_match: None,
    }
}

/// The failure of a record whose `find` matches (at `starts`, in context)
/// more often than an article may take edits ([`crate::limits::MAX_EDITS`]).
pub(super) fn too_many_edits(record: &Record, starts: &[usize]) -> Failure {
    Failure {
        kind: FailureKind::TooLarge,
        message: format!(
            "{} matches {} times, more than the {} edits an article may take",
            quoted(&record.find),
            starts.len(),
            crate::limits::MAX_EDITS
        ),
        help: "give `find` more context (`before`, `after`, a longer text) so that it matches fewer places, or split the article".to_owned(),
        first_match: starts.first().copied(),
    }
}

pub(super) fn too_few(
    text: &str,
    index: &LineIndex,
    record: &Record,
    matches: &[usize],
    n: usize,
    k: usize,
) -> Failure {
    let times = if n == 1 {
        "once".to_owned()
    } else {
        format!("{n} times")
    };
    Failure {
        kind: FailureKind::NotFound,
        message: format!(
            "`occurrence` is {k}, but {} matches only {times}, at {}",
            quoted(&record.find),
            positions(text, index, matches)
        ),
        help: format!("lower `occurrence` to at most {n}, or check `before`/`after`"),
        first_match: matches.first().copied(),
    }
}

/// Where a failed record's `replace` stands: anywhere, and under its context.
pub(super) struct Replaced {
    pub(super) raw: Vec<usize>,
    pub(super) in_context: Vec<usize>,
}

pub(super) fn not_found(
    text: &str,
    index: &LineIndex,
    record: &Record,
    raw: &[usize],
    replaced: &Replaced,
    near: Option<&tolerant::Normalized>,
) -> Failure {
    let mut failure = find_not_found(text, index, record, raw, near);
    if let Some(&first) = replaced.raw.first() {
        let places = match replaced.raw.len() {
            1 => format!("at {}", index.line_col(text, first)),
            n => format!(
                "at {} and {} more places",
                index.line_col(text, first),
                n - 1
            ),
        };
        let why = match (
            record.before.is_some() || record.after.is_some(),
            replaced.in_context.len(),
        ) {
            (false, _) => {
                "a replacement found somewhere is no evidence that this correction was made"
                    .to_owned()
            }
            (true, 0) => "but not with the record's `before`/`after`".to_owned(),
            (true, n) => {
                format!("{n} times with the record's `before`/`after`, so it cannot tell which")
            }
        };
        failure.message = format!(
            "{}; its replacement {} stands {places} ({why})",
            failure.message,
            quoted(&record.replace)
        );
        failure.help = format!(
            "{}; if the correction is already made, give the record `before`/`after` text that stands right next to the replacement there, so that it matches once",
            failure.help
        );
    }
    failure
}

pub(super) fn find_not_found(
    text: &str,
    index: &LineIndex,
    record: &Record,
    raw: &[usize],
    near: Option<&tolerant::Normalized>,
) -> Failure {
    let find = quoted(&record.find);
    let (message, help) = if let Some(&first) = raw.first() {
        let constraints = [
            record
                .before
                .as_ref()
                .map(|b| format!("`before` {}", quoted(b))),
            record
                .after
                .as_ref()
                .map(|a| format!("`after` {}", quoted(a))),
            record.whole_word.then(|| "`whole_word`".to_owned()),
            raw.iter()
                .any(|&s| !on_grapheme_boundaries(text, s..s + record.find.len()))
                .then(|| {
                    "whole characters at both ends (a combining mark, joiner or variation selector belongs to the character before it)"
                        .to_owned()
                }),
        ];
        let constraints: Vec<String> = constraints.into_iter().flatten().collect();
        (
            format!(
                "{find} occurs {} time(s) (first at {}), but never with {}",
                raw.len(),
                index.line_col(text, first),
                constraints.join(" and ")
            ),
            "fix the context fields so that they match the article exactly".to_owned(),
        )
    } else {
        let message = match near.map(|_| near_miss(text, index, &record.find)) {
            Some(Some(near)) => format!(
                "{find} was not found; nearest at {} (similarity {:.2}): {}",
                near.at,
                f64::from(near.similarity) / 1000.0,
                near.diff
            ),
            Some(None) => format!("{find} was not found, nor anything close to it"),
            None => format!(
                "{find} was not found (no nearest miss searched: this text's search budget went to the records before it)"
            ),
        };
        let help = "copy `find` from the article exactly (quotes, dashes, spaces and case count), \
                    or remove the record if the error is gone"
            .to_owned();
        (message, help)
    };
    Failure {
        kind: FailureKind::NotFound,
        message,
        help,
        first_match: None,
    }
}

/// `"text"`, shortened in the middle when long, with escapes for control characters.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(MAX / 2).collect();
    let tail: String = text
        .chars()
        .rev()
        .take(MAX / 2 - 5)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{:?}", format!("{head} […] {tail}"))
}

/// The best near miss of a `find`: where it starts, how similar it is, and a
/// word diff from `find` to the article's text (`[-expected-]{+actual+}`).
struct NearMiss {
    at: crate::text::lines::LineCol,
    similarity: u16,
    diff: String,
}

/// The line most like `find` (the share of its words found there, exactly or
/// nearly; at least half), then the stretch of that line closest to `find`.
/// The real best alignment of `find` in the whole text (the fewest edits, as
/// the fuzzy tier counts them), when it is at least half similar.
fn near_miss(text: &str, index: &LineIndex, find: &str) -> Option<NearMiss> {
    let (stretch, _) = tolerant::best_alignment(text, find)?;
    let actual = text[stretch.clone()].trim_end_matches('\r');
    let similarity = tiers::similarity(find, actual);
    (similarity >= 500).then(|| NearMiss {
        at: index.line_col(text, stretch.start),
        similarity,
        diff: crate::text::words::inline(find, actual),
    })
}
