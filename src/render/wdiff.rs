//! The word diff (`output/K.wdiff`): only the changes, each with a few words
//! of the article around it, marked as GNU wdiff and `git diff
//! --word-diff=plain` mark them (`[-removed-]{+added+}`), wrapped at
//! [`WIDTH`] columns. It is committed beside the other outputs so that a pull
//! request's file view shows each change as short, readable lines, where the
//! unified diff of a paragraph is one line of hundreds of characters.

use std::fmt::Write as _;

use crate::outcome::Outcome;
use crate::record::Record;
use crate::render::changes::{Hunk, hunks};

/// Words of context on each side of a change.
pub const CONTEXT_WORDS: usize = 8;

/// Lines are wrapped at spaces to at most this many characters (a word
/// longer than that stands on its own line).
pub const WIDTH: usize = 78;

/// The word diff of `input` (as shown) for `outcome`; `appended` is the
/// corrections notice put after the text, if any.
///
/// ```
/// # let json = br#"{"id": "year", "find": "1945", "replace": "1939", "category": "date", "reason": "r", "sources": ["s"]}"#;
/// let records = correct::record::parse_file("corrections/a.json", json).unwrap();
/// let outcome = correct::outcome::correct("From May to September 1945.", &records);
/// let page = correct::render::wdiff::render("input/a.txt", "From May to September 1945.", &records, &outcome, "");
/// assert!(page.ends_with(
///     "@@ line 1, column 23 @@ year (date) in corrections/a.json\n\
///      From May to September [-1945-]{+1939+}.\n"
/// ));
/// ```
pub fn render(
    input: &str,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
    appended: &str,
) -> String {
    let hunks = hunks(original, outcome, CONTEXT_WORDS);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Word diff of {}: {} edit(s) in {} place(s).",
        one_line(input),
        outcome.edit_count(),
        hunks.len()
    );
    out.push_str(
        "Removed text is [-like this-], added text {+like this+}. Written by `correct`\n\
         from the correction records; do not edit by hand.\n",
    );
    for hunk in &hunks {
        out.push('\n');
        header(&mut out, hunk, records);
        let (starts, ends) = hunk.whole_line(original);
        let mut text = hunk.marked(str::to_owned, mark);
        if !starts {
            text.insert(0, '…');
        }
        if !ends {
            text.push('…');
        }
        wrap(&mut out, &text);
    }
    if !appended.is_empty() {
        out.push_str("\n@@ after the text @@ the corrections notice\n");
        wrap(
            &mut out,
            &mark("", appended.trim_start_matches(['\r', '\n'])),
        );
    }
    out
}

/// `@@ line L, column C @@ id (category) in file; …`
fn header(out: &mut String, hunk: &Hunk, records: &[Record]) {
    let _ = write!(
        out,
        "@@ line {}, column {} @@",
        hunk.at.line, hunk.at.column
    );
    for (i, &r) in hunk.records.iter().enumerate() {
        let record = &records[r];
        let _ = write!(
            out,
            "{} {} ({}) in {}",
            if i == 0 { "" } else { ";" },
            record.id,
            record.category,
            one_line(&record.file)
        );
    }
    out.push('\n');
}

fn mark(del: &str, ins: &str) -> String {
    let mut out = String::new();
    if !del.is_empty() {
        let _ = write!(out, "[-{del}-]");
    }
    if !ins.is_empty() {
        let _ = write!(out, "{{+{ins}+}}");
    }
    out
}

/// `text` on one line: control characters (a line break in a file name) as
/// escapes.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// Appends `text` wrapped at [`WIDTH`]: its own line breaks kept (a CR
/// before one dropped), each line broken at the last space that fits.
fn wrap(out: &mut String, text: &str) {
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut rest = line;
        loop {
            let fits = rest
                .char_indices()
                .nth(WIDTH)
                .map_or(rest.len(), |(i, _)| i);
            if fits == rest.len() {
                out.push_str(rest);
                out.push('\n');
                break;
            }
            // The last space within the width, else the first after it.
            let cut = match rest[fits..].starts_with(' ') {
                true => Some(fits),
                false => rest[..fits].rfind(' ').filter(|&i| i > 0),
            }
            .or_else(|| rest[fits..].find(' ').map(|i| fits + i));
            match cut {
                Some(cut) => {
                    out.push_str(&rest[..cut]);
                    out.push('\n');
                    rest = &rest[cut + 1..];
                }
                None => {
                    out.push_str(rest);
                    out.push('\n');
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str) -> String {
        let mut out = String::new();
        wrap(&mut out, text);
        out
    }

    #[test]
    fn lines_wrap_at_the_last_space_that_fits() {
        let words = "word ".repeat(40);
        let out = wrapped(words.trim_end());
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        // Nothing but the spaces that became line breaks is lost.
        assert_eq!(out.replace('\n', " ").trim_end(), words.trim_end());
    }

    #[test]
    fn a_long_word_stands_alone_and_line_breaks_are_kept() {
        let long = "x".repeat(100);
        assert_eq!(wrapped(&format!("a {long} b")), format!("a\n{long}\nb\n"));
        assert_eq!(wrapped("one\r\ntwo"), "one\ntwo\n");
        // Double spaces are kept where they do not break the line.
        assert_eq!(wrapped("a  b"), "a  b\n");
    }

    #[test]
    fn wrapping_is_measured_in_characters() {
        let text = "’’’’ ".repeat(20);
        let out = wrapped(text.trim_end());
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(out.lines().next().unwrap().chars().count() > WIDTH - 5);
    }
}
