//! The human report on stderr: failures with what to do next, a summary per
//! input, and (on a terminal) colours.

use std::fmt::Write as _;

use crate::locate::Tier;
use crate::outcome::{Outcome, Status};
use crate::record::Record;
use crate::text::words::{Piece, pieces};

/// Failures listed one by one per input; the rest are counted.
const LISTED_FAILURES: usize = 200;

/// Words of context shown on each side of a change.
const CONTEXT_WORDS: usize = 3;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold red, for errors.
    pub fn error(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    /// Bold yellow, for stale outputs.
    pub fn warn(self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    /// Bold cyan, for help.
    pub fn help(self, text: &str) -> String {
        self.wrap("1;36", text)
    }

    /// Bold.
    pub fn strong(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// Red, for removed text.
    pub fn removed(self, text: &str) -> String {
        self.wrap("31", text)
    }

    /// Green, for added text.
    pub fn added(self, text: &str) -> String {
        self.wrap("32", text)
    }

    /// Cyan, for positions.
    pub fn dim(self, text: &str) -> String {
        self.wrap("36", text)
    }
}

/// One block per failed record: kind, id, file, message and help.
pub fn failures(
    input: &str,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
    paint: Paint,
) -> String {
    let indexed = outcome.original(original);
    let mut out = String::new();
    let failed = outcome.count(Status::Failed);
    for c in outcome
        .corrections
        .iter()
        .filter(|c| c.failure().is_some())
        .take(LISTED_FAILURES)
    {
        let Some(failure) = c.failure() else { continue };
        let record = &records[c.record];
        let worded = failure.worded(indexed, records, c.record);
        let _ = writeln!(
            out,
            "{}: {input}: record `{}` ({}): {}",
            paint.error(&format!("error[{}]", failure.kind.as_str())),
            record.id,
            record.file,
            worded.message
        );
        let _ = writeln!(out, "  {} {}", paint.help("help:"), worded.help);
    }
    if failed > LISTED_FAILURES {
        let _ = writeln!(
            out,
            "{}: {input}: {} more records failed; `--format json` lists every one",
            paint.error("error"),
            failed - LISTED_FAILURES
        );
    }
    out
}

/// One line per edit that matched only at a tolerant tier: a warning with a word
/// diff from the record's `find` to the article's text for fuzzy matches, a note
/// for normalized ones, so that drift is seen and can be rebased.
///
/// `warning: input/a.txt:3:5: record `pact` matched fuzzily (similarity 0.96): the [-pcat-]{+pact+} was signed`
pub fn tolerant(
    input: &str,
    text: &str,
    records: &[Record],
    outcome: &Outcome,
    paint: Paint,
) -> String {
    let mut out = String::new();
    let mut any = false;
    for c in &outcome.corrections {
        let record = &records[c.record];
        for edit in c.edits().iter().filter(|e| e.matched.tier != Tier::Exact) {
            any = true;
            let actual = &text[edit.original.start..edit.original.end];
            let similarity = f64::from(edit.matched.similarity) / 1000.0;
            let (label, how) = match edit.matched.tier {
                Tier::Fuzzy => (paint.warn("warning"), "matched fuzzily"),
                _ => (
                    "note".to_owned(),
                    "matched after normalizing quotes, dashes or spaces",
                ),
            };
            // One line per match: line breaks shown as ⏎.
            let shown = |t: &str| t.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎");
            let diff: String = match record.find == actual {
                true => format!("{} (its context differs)", shown(actual)),
                false => pieces(&shown(&record.find), &shown(actual))
                    .into_iter()
                    .map(|piece| match piece {
                        Piece::Same(same) => same,
                        Piece::Change { del, ins } => {
                            let del =
                                (!del.is_empty()).then(|| paint.removed(&format!("[-{del}-]")));
                            let ins =
                                (!ins.is_empty()).then(|| paint.added(&format!("{{+{ins}+}}")));
                            del.unwrap_or_default() + &ins.unwrap_or_default()
                        }
                    })
                    .collect(),
            };
            let _ = writeln!(
                out,
                "{label}: {input}:{}: record `{}` {how} (similarity {similarity:.2}): {diff}",
                edit.original.at, record.id,
            );
        }
    }
    if any {
        let _ = writeln!(
            out,
            "  {} `correct --rebase` copies the article's text into these records; `--strict` refuses such matches",
            paint.help("help:")
        );
    }
    out
}

/// One input's counts, for the batch table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    /// The input.
    pub input: &'a str,
    /// Its records.
    pub records: usize,
    /// Applied records.
    pub applied: usize,
    /// Already applied records.
    pub already: usize,
    /// Failed records.
    pub failed: usize,
    /// Edits.
    pub edits: usize,
}

/// The summary table of a batch: the inputs with failures first, then those
/// with the most edits, at most `max` rows, then a total.
///
/// ```text
/// input               records  applied  already  failed  edits
/// input/b.txt               2        1        0       1      1
/// input/a.txt               3        3        0       0      4
/// … 998 more inputs
/// total (1000 inputs)    3000     2999        0       1   4000
/// ```
pub fn table(rows: &[Row<'_>], max: usize, paint: Paint) -> String {
    let mut shown: Vec<&Row<'_>> = rows.iter().collect();
    shown.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.failed),
            std::cmp::Reverse(r.edits),
            r.input,
        )
    });
    shown.truncate(max);
    let sum = |f: fn(&Row<'_>) -> usize| rows.iter().map(f).sum::<usize>();
    let total_label = format!("total ({} inputs)", rows.len());
    let total = Row {
        input: &total_label,
        records: sum(|r| r.records),
        applied: sum(|r| r.applied),
        already: sum(|r| r.already),
        failed: sum(|r| r.failed),
        edits: sum(|r| r.edits),
    };
    let width = shown
        .iter()
        .map(|r| r.input.chars().count())
        .chain([total_label.chars().count(), 5])
        .max()
        .unwrap_or(5);
    let mut out = format!(
        "{:<width$}  records  applied  already  failed  edits\n",
        "input"
    );
    let line = |r: &Row<'_>| {
        format!(
            "{:<width$}  {:>7}  {:>7}  {:>7}  {:>6}  {:>5}\n",
            r.input, r.records, r.applied, r.already, r.failed, r.edits
        )
    };
    for r in &shown {
        let text = line(r);
        match r.failed > 0 {
            true => out.push_str(&paint.error(text.trim_end())),
            false => out.push_str(text.trim_end()),
        }
        out.push('\n');
    }
    if rows.len() > shown.len() {
        let _ = writeln!(out, "… {} more inputs", rows.len() - shown.len());
    }
    out.push_str(&paint.strong(line(&total).trim_end()));
    out.push('\n');
    out
}

/// `input/article.txt: 12 records: 11 applied, 1 already applied, 0 failed; 14 edits`
pub fn summary(row: &Row<'_>, paint: Paint) -> String {
    format!(
        "{}: {} record{}: {} applied, {} already applied, {} failed; {} edit{}",
        paint.strong(row.input),
        row.records,
        if row.records == 1 { "" } else { "s" },
        row.applied,
        row.already,
        row.failed,
        row.edits,
        if row.edits == 1 { "" } else { "s" },
    )
}

/// A unified diff with `-`/`+`/`@@` lines coloured.
pub fn colored_diff(diff: &str, paint: Paint) -> std::borrow::Cow<'_, str> {
    if !paint.enabled {
        return std::borrow::Cow::Borrowed(diff);
    }
    let mut out = String::with_capacity(diff.len() + diff.len() / 8);
    for line in diff.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let painted = if line.starts_with("---") || line.starts_with("+++") {
            paint.strong(body)
        } else if line.starts_with('-') {
            paint.removed(body)
        } else if line.starts_with('+') {
            paint.added(body)
        } else if line.starts_with("@@") {
            paint.dim(body)
        } else {
            body.to_owned()
        };
        out.push_str(&painted);
        out.push_str(end);
    }
    std::borrow::Cow::Owned(out)
}

/// Each change as a word-level diff with three words of context either side, its
/// place, id and reason, like `git diff --color-words`. With colour, removed words
/// are red and added ones green; without, they are marked `[-removed-]{+added+}`.
///
/// ```text
/// input/article.txt:8:278 khalkhin-gol-year (date)
///     …from May to September [-1945-]{+1939+}, was a…
///     The article dates the Battle of Khalkhin Gol to 1945. …
/// ```
pub fn changes(
    input: &str,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
    paint: Paint,
) -> String {
    let index = &outcome.original_lines;
    let mut out = String::new();
    for c in outcome
        .corrections
        .iter()
        .filter(|c| c.status() == Status::Applied)
    {
        let record = &records[c.record];
        for edit in c.edits() {
            let line = index.line_range(original, edit.original.at.line - 1);
            let before = &original[line.start..edit.original.start];
            let after = &original[edit.original.end.min(line.end)..line.end];
            let _ = writeln!(
                out,
                "{} {} ({})",
                paint.dim(&format!("{input}:{}", edit.original.at)),
                paint.strong(&record.id),
                record.category
            );
            let mut shown = String::new();
            shown.push_str(&last_words(before.trim_end_matches('\r')));
            let find = &original[edit.original.start..edit.original.end];
            let replace = &outcome.corrected[edit.corrected.start..edit.corrected.end];
            for piece in pieces(find, replace) {
                match piece {
                    Piece::Same(same) => shown.push_str(&same),
                    Piece::Change { del, ins } => {
                        shown.push_str(&marked(&del, "[-", "-]", |t| paint.removed(t), paint));
                        shown.push_str(&marked(&ins, "{+", "+}", |t| paint.added(t), paint));
                    }
                }
            }
            shown.push_str(&first_words(after.trim_end_matches('\r')));
            let _ = writeln!(out, "    {}", shown.replace(['\n', '\r'], " "));
            let reason: Vec<&str> = record.reason.split_whitespace().collect();
            let _ = writeln!(out, "    {}", reason.join(" "));
        }
    }
    out
}

fn marked(
    text: &str,
    open: &str,
    close: &str,
    color: impl Fn(&str) -> String,
    paint: Paint,
) -> String {
    match (text.is_empty(), paint.enabled) {
        (true, _) => String::new(),
        (false, true) => color(text),
        (false, false) => format!("{open}{text}{close}"),
    }
}

/// The last three words of `text`, with `…` when more came before.
fn last_words(text: &str) -> String {
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let keep = words.len().saturating_sub(CONTEXT_WORDS);
    let ellipsis = if keep > 0 { "…" } else { "" };
    format!("{ellipsis}{}", words[keep..].concat())
}

/// The first three words of `text`, with `…` when more follow.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let shown = words[..words.len().min(CONTEXT_WORDS)].concat();
    if words.len() > CONTEXT_WORDS {
        format!("{}…", shown.trim_end())
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::correct;
    use crate::record::parse_file;

    #[test]
    fn changes_show_three_words_of_context_the_id_and_the_reason() {
        let json = br#"{"id": "kg", "find": "1945", "replace": "1939", "category": "date", "reason": "Fought in\n 1939.", "sources": ["s"]}"#;
        let records = parse_file("r.json", json).unwrap();
        let text = "Intro.\nIt took place from May to September 1945, was a decisive victory.";
        let outcome = correct(text, &records);
        let shown = changes("a.txt", text, &records, &outcome, Paint { enabled: false });
        assert_eq!(
            shown,
            "a.txt:2:37 kg (date)\n    …May to September [-1945-]{+1939+}, was a…\n    Fought in 1939.\n"
        );
        let colored = changes("a.txt", text, &records, &outcome, Paint { enabled: true });
        assert!(
            colored.contains("\x1b[31m1945\x1b[0m\x1b[32m1939\x1b[0m"),
            "{colored:?}"
        );
    }

    #[test]
    fn context_stops_at_the_line() {
        assert_eq!(last_words("one two"), "one two");
        assert_eq!(first_words(" a b c d"), " a b…");
    }
}
