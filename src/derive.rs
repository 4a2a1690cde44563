//! Records derived from an edited copy of an article (`correct record`).
//!
//! The two texts are compared word by word (`similar`); each changed region
//! becomes one record whose `find` is the region's original text, with
//! `before`/`after` context added word by word only when `find` alone is not
//! unique (then `occurrence` as a last resort). An insertion takes a word next
//! to it into `find`, since `find` is never empty (see `widen_insertion`).
//! Every record is checked to apply exactly where it was derived.

use std::ops::Range;

use similar::{Algorithm, ChangeTag, TextDiff};

use crate::locate;
use crate::record::{Occurrence, Record};

/// One derived correction: where it stands in the original, and its texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The original bytes it replaces.
    pub span: Range<usize>,
    /// The record, with `id` set from its words and everything else but the
    /// texts left at [`Record::new`]'s defaults.
    pub record: Record,
}

/// One changed region: its bytes in the original and in the edited text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Region {
    old: Range<usize>,
    new: Range<usize>,
}

/// The changed regions of `original` -> `edited`. Changes separated only by
/// whitespace form one region.
fn regions(original: &str, edited: &str) -> Vec<Region> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(original, edited);
    let mut regions: Vec<Region> = Vec::new();
    let mut open: Option<Region> = None;
    // Whitespace seen after the open region, which joins it if a change follows.
    let mut pending_space = false;
    let (mut old, mut new) = (0, 0);
    for change in diff.iter_all_changes() {
        let len = change.value().len();
        match change.tag() {
            ChangeTag::Equal => {
                let is_space = len > 0 && change.value().chars().all(char::is_whitespace);
                if open.is_some() && is_space && !pending_space {
                    pending_space = true;
                } else {
                    regions.extend(open.take());
                    pending_space = false;
                }
                old += len;
                new += len;
            }
            tag => {
                let region = open.get_or_insert(Region {
                    old: old..old,
                    new: new..new,
                });
                pending_space = false;
                if tag == ChangeTag::Delete {
                    old += len;
                } else {
                    new += len;
                }
                region.old.end = old;
                region.new.end = new;
            }
        }
    }
    regions.extend(open);
    regions
}

/// Derives one record per changed region. Applying all of them to `original`
/// gives `edited` (checked by the caller with [`crate::outcome::correct`]).
///
/// ```
/// let derived = correct::derive::derive("It was signed in 1945 in Moscow.", "It was signed in 1941 in Moscow.");
/// assert_eq!(derived.len(), 1);
/// assert_eq!((derived[0].record.find.as_str(), derived[0].record.replace.as_str()), ("1945", "1941"));
/// ```
pub fn derive(original: &str, edited: &str) -> Vec<Derived> {
    let mut widened: Vec<Region> = Vec::new();
    for region in regions(original, edited) {
        let Some(region) = widen_insertion(original, trim_punctuation(original, edited, region))
        else {
            continue;
        };
        // Two regions that now overlap (insertions on both sides of one word)
        // become one.
        match widened.last_mut() {
            Some(last) if region.old.start < last.old.end => {
                last.old.end = last.old.end.max(region.old.end);
                last.new.end = last.new.end.max(region.new.end);
            }
            _ => widened.push(region),
        }
    }
    let mut records: Vec<Record> = widened
        .iter()
        .map(|Region { old, new }| Record::new("", &original[old.clone()], &edited[new.clone()]))
        .collect();
    let spans: Vec<Range<usize>> = widened.into_iter().map(|r| r.old).collect();
    pin(original, &spans, &mut records);
    let mut ids = std::collections::HashSet::new();
    spans
        .into_iter()
        .zip(records)
        .map(|(span, mut record)| {
            record.id = unique_id(&mut ids, &record.find, &record.replace);
            Derived { span, record }
        })
        .collect()
}

/// Leaves out punctuation that the original and the replacement share at either
/// end (`1945.` -> `1939.` becomes `1945` -> `1939`).
fn trim_punctuation(original: &str, edited: &str, region: Region) -> Region {
    let (find, replace) = (&original[region.old.clone()], &edited[region.new.clone()]);
    let shared = |a: &mut dyn Iterator<Item = char>, b: &mut dyn Iterator<Item = char>| {
        a.zip(b)
            .take_while(|(x, y)| x == y && !x.is_alphanumeric() && !x.is_whitespace())
            .map(|(x, _)| x.len_utf8())
            .sum::<usize>()
    };
    let head = shared(&mut find.chars(), &mut replace.chars());
    let tail = shared(
        &mut find[head..].chars().rev(),
        &mut replace[head..].chars().rev(),
    );
    Region {
        old: region.old.start + head..region.old.end - tail,
        new: region.new.start + head..region.new.end - tail,
    }
}

/// A pure insertion takes the word before it (or after it, at the text start;
/// or the last word and the whitespace after it, at the end of a text that ends
/// in whitespace) into both its ranges, so that `find` is not empty.
fn widen_insertion(text: &str, region: Region) -> Option<Region> {
    let Region { old, new } = region;
    if !old.is_empty() {
        return Some(Region { old, new });
    }
    let word_start = text[..old.start]
        .trim_end_matches(|c: char| !c.is_whitespace())
        .len();
    let before = old.start - word_start;
    if before > 0 {
        return Some(Region {
            old: word_start..old.end,
            new: new.start - before..new.end,
        });
    }
    let after = &text[old.end..];
    let word = after.len() - after.trim_start_matches(|c: char| !c.is_whitespace()).len();
    let taken = match word {
        0 => after.chars().next().map(char::len_utf8),
        n => Some(n),
    };
    if let Some(taken) = taken {
        return Some(Region {
            old: old.start..old.end + taken,
            new: new.start..new.end + taken,
        });
    }
    // At the end of a text that ends in whitespace: the last word and the
    // whitespace after it (nothing, in an empty text).
    let before = old.start - word_back(text, old.start);
    (before > 0).then(|| Region {
        old: old.start - before..old.end,
        new: new.start - before..new.end,
    })
}

/// Adds to each record the least context that makes it match exactly at its
/// span and nowhere else: a word before, a word after, and so on; `occurrence`
/// if words run out. "Exactly there and nowhere else" is the exact tier's
/// verdict ([`crate::locate`]): of the occurrences of `find` whose context
/// fits, the leftmost non-overlapping ones are its matches. Every `find` is
/// searched once, in one pass for all records, and each word of context only
/// sifts the occurrences that fitted the context before it.
fn pin(text: &str, spans: &[Range<usize>], records: &mut [Record]) {
    let finds: Vec<&str> = records.iter().map(|r| r.find.as_str()).collect();
    let occurrences = locate::every_occurrence(text, &finds);
    for ((span, record), starts) in spans.iter().zip(records.iter_mut()).zip(occurrences) {
        pin_one(text, span, record, starts);
    }
}

fn pin_one(text: &str, span: &Range<usize>, record: &mut Record, mut fitting: Vec<usize>) {
    let len = record.find.len();
    let mut context = Context::around(span);
    for step in 0..64 {
        fitting.retain(|&at| locate::fits_around(text, at..at + len, record));
        if lands_alone(&fitting, len, span.start) {
            return;
        }
        if !context.widen(text, step, record) {
            break;
        }
    }
    by_occurrence(text, span, record);
}

/// The context gathered around a record's span, a word at a time.
struct Context {
    span: Range<usize>,
    from: usize,
    to: usize,
}

impl Context {
    fn around(span: &Range<usize>) -> Context {
        Context {
            span: span.clone(),
            from: span.start,
            to: span.end,
        }
    }

    /// Step `step`'s word: before on even steps while there is text before,
    /// else after. `false` when the text has no more words on either side.
    fn widen(&mut self, text: &str, step: usize, record: &mut Record) -> bool {
        if step.is_multiple_of(2) && self.from > 0 {
            self.from = word_back(text, self.from);
            record.before = Some(text[self.from..self.span.start].to_owned());
        } else if self.to < text.len() {
            self.to = word_forward(text, self.to);
            record.after = Some(text[self.span.end..self.to].to_owned());
        } else if self.from == 0 {
            return false;
        }
        true
    }
}

/// Whether the leftmost non-overlapping of the `fitting` occurrences (sorted
/// starts of a `find` of `len` bytes) are the one at `start` alone.
fn lands_alone(fitting: &[usize], len: usize, start: usize) -> bool {
    match fitting {
        [first, rest @ ..] => *first == start && rest.iter().all(|&at| at < start + len),
        [] => false,
    }
}

/// Still not unique (a text of repeats): count, without the context gathered.
fn by_occurrence(text: &str, span: &Range<usize>, record: &mut Record) {
    record.before = None;
    record.after = None;
    let rank = text
        .match_indices(record.find.as_str())
        .scan(0, |free, (i, m)| {
            let keep = i >= *free;
            if keep {
                *free = i + m.len();
            }
            Some((i, keep))
        })
        .filter(|&(_, keep)| keep)
        .position(|(i, _)| i == span.start);
    if let Some(rank) = rank {
        record.occurrence = Occurrence::Nth(rank + 1);
    }
}

/// The start of the word (with the whitespace after it) before `at`.
fn word_back(text: &str, at: usize) -> usize {
    let head = &text[..at];
    let spaced = head.trim_end_matches(char::is_whitespace);
    spaced.trim_end_matches(|c: char| !c.is_whitespace()).len()
}

/// The end of the word (with the whitespace before it) after `at`.
fn word_forward(text: &str, at: usize) -> usize {
    let tail = &text[at..];
    let spaced = tail.trim_start_matches(char::is_whitespace);
    let word = spaced.trim_start_matches(|c: char| !c.is_whitespace());
    text.len() - word.len()
}

/// An id from the first words of the replacement (or of `find`), made unique
/// among `taken`: `signed-in-1941`, `signed-in-1941-2`.
pub(crate) fn unique_id(
    taken: &mut std::collections::HashSet<String>,
    find: &str,
    replace: &str,
) -> String {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(4)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let mut base = words(replace);
    if base.is_empty() {
        base = words(find);
    }
    let base = match base.join("-") {
        b if b.is_empty() => "change".to_owned(),
        b => b,
    };
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.insert(id.clone());
    id
}

/// `edited` with the original's conventions where it differs from them only
/// by its editor's habits: line endings (CRLF or LF), a byte-order mark, a
/// final newline. Returns the copy to compare and a note for each change.
///
/// ```
/// let (copy, notes) = correct::derive::conform("a\r\nb", "\u{feff}a\nB\n");
/// assert_eq!(copy, "a\r\nB");
/// assert_eq!(notes.len(), 3);
/// ```
pub fn conform(original: &str, edited: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut copy = edited.to_owned();
    let original_bom = original.starts_with('\u{feff}');
    match (original_bom, copy.starts_with('\u{feff}')) {
        (true, false) => {
            copy.insert(0, '\u{feff}');
            notes.push("it lost the original's byte-order mark; the original's is kept".to_owned());
        }
        (false, true) => {
            copy.remove(0);
            notes.push(
                "it gained a byte-order mark; none is written, as in the original".to_owned(),
            );
        }
        _ => {}
    }
    let crlf = original.contains("\r\n");
    let lone_lf = |text: &str| {
        text.match_indices('\n')
            .any(|(i, _)| i == 0 || text.as_bytes()[i - 1] != b'\r')
    };
    if crlf && !lone_lf(original) && lone_lf(&copy) {
        copy = copy.replace("\r\n", "\n").replace('\n', "\r\n");
        notes.push("its line endings are LF; the original's CRLF are kept".to_owned());
    } else if !crlf && copy.contains("\r\n") {
        copy = copy.replace("\r\n", "\n");
        notes.push("its line endings are CRLF; the original's LF are kept".to_owned());
    }
    let eol = if crlf { "\r\n" } else { "\n" };
    match (original.ends_with('\n'), copy.ends_with('\n')) {
        (false, true) => {
            let trimmed = copy
                .strip_suffix(eol)
                .or_else(|| copy.strip_suffix('\n'))
                .map(str::to_owned);
            if let Some(trimmed) = trimmed {
                copy = trimmed;
                notes.push(
                    "it ends with a newline the original does not have; none is added".to_owned(),
                );
            }
        }
        (true, false) if !copy.is_empty() => {
            copy.push_str(eol);
            notes.push("it lost the original's final newline; the original's is kept".to_owned());
        }
        _ => {}
    }
    (copy, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::{Location, Tolerance};
    use proptest::prelude::*;

    /// The plain reference for [`pin`]: each step asks the exact tier itself.
    fn pin_by_locating(text: &str, span: &Range<usize>, record: &mut Record) {
        let strict = Tolerance {
            strict: true,
            ..Tolerance::default()
        };
        let lands_alone = |r: &Record| {
            matches!(&locate::locate_with(text, std::slice::from_ref(r), strict, None)[0],
                Location::Found(found) if found.hits.len() == 1 && found.hits[0].span == *span)
        };
        let mut context = Context::around(span);
        for step in 0..64 {
            if lands_alone(record) {
                return;
            }
            if !context.widen(text, step, record) {
                break;
            }
        }
        by_occurrence(text, span, record);
    }

    proptest! {
        /// Repeats, overlapping finds, combining marks: one pass for all
        /// records pins each as the exact tier, asked step by step, would.
        #[test]
        fn pinning_in_one_pass_adds_the_context_the_exact_tier_needs(
            words in proptest::collection::vec(prop::sample::select(vec!["a", "aa", "b", "ab", " ", "  ", "e\u{301}", "\n"]), 1..60),
            picks in proptest::collection::vec((any::<prop::sample::Index>(), 1usize..4), 1..6),
        ) {
            let text = words.concat();
            let starts: Vec<usize> = words.iter().scan(0, |at, w| { let s = *at; *at += w.len(); Some(s) }).collect();
            let mut spans = Vec::new();
            for (pick, n) in &picks {
                let first = pick.index(words.len());
                let last = (first + n).min(words.len());
                spans.push(starts[first]..starts.get(last).copied().unwrap_or(text.len()));
            }
            let mut fast: Vec<Record> = spans.iter().map(|s| Record::new("", &text[s.clone()], "x")).collect();
            pin(&text, &spans, &mut fast);
            for (span, got) in spans.iter().zip(&fast) {
                let mut want = Record::new("", &text[span.clone()], "x");
                pin_by_locating(&text, span, &mut want);
                prop_assert_eq!(got, &want);
            }
        }
    }

    fn texts(derived: &[Derived]) -> Vec<(&str, &str, Option<&str>, Option<&str>)> {
        derived
            .iter()
            .map(|d| {
                let r = &d.record;
                (
                    r.find.as_str(),
                    r.replace.as_str(),
                    r.before.as_deref(),
                    r.after.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn an_insertion_at_the_end_after_whitespace_takes_the_last_word() {
        // Nothing follows the insertion and whitespace precedes it: it takes the
        // last word and that whitespace (it was dropped before).
        let derived = derive("war, pact  ", "war, pact  peace");
        assert_eq!(texts(&derived), [("pact  ", "pact  peace", None, None)]);
        assert!(derive("", "peace").is_empty(), "no find can stand for it");
    }

    #[test]
    fn a_repeated_word_gets_just_enough_context() {
        let original = "In 1945 the war ended; in 1945 Japan surrendered.";
        let edited = "In 1945 the war ended; in 1945 Japan capitulated.";
        assert_eq!(
            texts(&derive(original, edited)),
            [("surrendered", "capitulated", None, None)]
        );
        let edited = "In 1945 the war ended; in 1946 Japan surrendered.";
        assert_eq!(
            texts(&derive(original, edited)),
            [("1945", "1946", Some("in "), None)]
        );
    }

    #[test]
    fn neighbouring_words_form_one_region_and_insertions_take_a_word() {
        let derived = derive(
            "from May to September 1945.",
            "from May 11 to September 16, 1939.",
        );
        assert_eq!(
            texts(&derived),
            [
                ("to", "11 to", None, None),
                ("1945", "16, 1939", None, None)
            ]
        );
        let derived = derive("the Soviet Union and Japan", "the USSR and Imperial Japan");
        assert_eq!(
            texts(&derived),
            [
                ("Soviet Union", "USSR", None, None),
                ("Japan", "Imperial Japan", None, None)
            ]
        );
        let derived = derive("The pact was signed.", "The pact was finally signed.");
        assert_eq!(
            texts(&derived),
            [("signed.", "finally signed.", None, None)]
        );
    }

    #[test]
    fn ids_are_unique_and_readable() {
        let derived = derive("a b c d e", "x b x d x");
        let ids: Vec<&str> = derived.iter().map(|d| d.record.id.as_str()).collect();
        assert_eq!(ids, ["x", "x-2", "x-3"]);
    }
}
