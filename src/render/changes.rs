//! The changes of one article in context, for readers: edits that stand close
//! together grouped into one [`Hunk`], with a few words of the article on each
//! side. The word diff (`output/K.wdiff`) and the review page's index of
//! changes are rendered from these.

use crate::outcome::{Outcome, Status};
use crate::text::lines::LineCol;
use crate::text::words::{Piece, pieces};

/// Edits close together, in the article's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Where its first edit starts in the original text.
    pub at: LineCol,
    /// Byte offset of its first edit's start.
    pub start: usize,
    /// Byte offset of its last edit's end.
    pub end: usize,
    /// Words of the article before the first edit (on its line).
    pub before: String,
    /// The edits and the text between them: kept text as it stands,
    /// each edit narrowed to the words it changes.
    pieces: Vec<Piece>,
    /// Words after the last edit (on its line).
    pub after: String,
    /// The records whose edits it holds (indexes into the records), in
    /// text order, each once.
    pub records: Vec<usize>,
}

impl Hunk {
    /// Its text with the changes marked by `mark(removed, added)`, the
    /// context and kept text passed through `keep`.
    pub fn marked(
        &self,
        keep: impl Fn(&str) -> String,
        mark: impl Fn(&str, &str) -> String,
    ) -> String {
        let mut out = keep(&self.before);
        for piece in &self.pieces {
            match piece {
                Piece::Same(same) => out.push_str(&keep(same)),
                Piece::Change { del, ins } => out.push_str(&mark(del, ins)),
            }
        }
        out.push_str(&keep(&self.after));
        out
    }

    /// Whether its context starts its line (else it is cut short there), and
    /// whether it ends its line, in `original`.
    pub fn whole_line(&self, original: &str) -> (bool, bool) {
        let lead = self.start - self.before.len();
        let tail = self.end + self.after.len();
        (
            lead == 0 || original[..lead].ends_with('\n'),
            tail == original.len() || original[tail..].starts_with(['\n', '\r']),
        )
    }
}

/// The applied edits of `outcome` on `original` as hunks, with up to `words`
/// words of context on each side (read from at most `15 * words` characters).
/// Two edits whose gap is no longer than that context, on one line, share a
/// hunk.
pub fn hunks(original: &str, outcome: &Outcome, words: usize) -> Vec<Hunk> {
    let chars = 15 * words.max(1);
    let mut edits: Vec<(usize, &crate::outcome::PlacedEdit)> = outcome
        .corrections
        .iter()
        .filter(|c| c.status() == Status::Applied)
        .flat_map(|c| c.edits().iter().map(move |e| (c.record, e)))
        .collect();
    edits.sort_by_key(|(_, e)| (e.original.start, e.original.end));
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut last_end = None;
    for (record, e) in edits {
        let (start, end) = (e.original.start, e.original.end);
        let del = &original[start..end];
        let ins = &outcome.corrected[e.corrected.start..e.corrected.end];
        let joins = last_end.is_some_and(|last: usize| {
            let gap = &original[last..start];
            !gap.contains('\n') && gap.len() <= context_after(original, last, words, chars).len()
        });
        match (joins, hunks.last_mut(), last_end) {
            (true, Some(hunk), Some(last)) => {
                push_same(&mut hunk.pieces, &original[last..start]);
                hunk.pieces.extend(pieces(del, ins));
                if !hunk.records.contains(&record) {
                    hunk.records.push(record);
                }
                hunk.end = end;
            }
            _ => hunks.push(Hunk {
                at: e.original.at,
                start,
                end,
                before: context_before(original, start, words, chars),
                pieces: pieces(del, ins),
                after: String::new(),
                records: vec![record],
            }),
        }
        last_end = Some(end);
        if let Some(hunk) = hunks.last_mut() {
            hunk.after = context_after(original, end, words, chars);
        }
    }
    hunks
}

fn push_same(pieces: &mut Vec<Piece>, text: &str) {
    if text.is_empty() {
        return;
    }
    match pieces.last_mut() {
        Some(Piece::Same(s)) => s.push_str(text),
        _ => pieces.push(Piece::Same(text.to_owned())),
    }
}

/// Up to `words` words before `at`, on its line. Only the `chars`
/// characters before `at` are read: a word cut at that edge starts there,
/// which is where the cap would cut it anyway.
///
/// ```
/// use correct::render::changes::context_before;
/// assert_eq!(context_before("one\ntwo three four", 18, 2, 60), "three four");
/// assert_eq!(context_before("one\ntwo three", 7, 4, 60), "two");
/// ```
pub fn context_before(text: &str, at: usize, words: usize, chars: usize) -> String {
    let from = text[..at]
        .char_indices()
        .rev()
        .take(chars)
        .take_while(|&(_, c)| c != '\n')
        .last()
        .map_or(at, |(i, _)| i);
    let near = &text[from..at];
    // Read back from `at`: a word starts where a character that is not
    // whitespace follows whitespace or the edge of what is read.
    let mut starts = 0;
    let mut word: Option<usize> = None;
    for (i, c) in near.char_indices().rev() {
        let space = c.is_whitespace();
        if let (Some(start), true) = (word, space) {
            starts += 1;
            if starts == words {
                return near[start..].to_owned();
            }
        }
        word = (!space).then_some(i);
    }
    // Fewer words than asked for: all that was read (a word at its edge
    // starts there).
    match words {
        0 => String::new(),
        _ => near.to_owned(),
    }
}

/// Up to `words` words after `at`, on its line, reading at most `chars`
/// characters.
///
/// ```
/// use correct::render::changes::context_after;
/// assert_eq!(context_after("one two three\nfour", 0, 2, 60), "one two");
/// assert_eq!(context_after("one two three\nfour", 7, 4, 60), " three");
/// ```
pub fn context_after(text: &str, at: usize, words: usize, chars: usize) -> String {
    let to = text[at..]
        .char_indices()
        .take(chars)
        .take_while(|&(_, c)| c != '\n')
        .last()
        .map_or(at, |(i, c)| at + i + c.len_utf8());
    let near = &text[at..to];
    // A word ends where a character that is not whitespace is followed by
    // whitespace or the edge of what is read.
    let mut ends = 0;
    let mut word: Option<usize> = None;
    for (i, c) in near.char_indices() {
        let space = c.is_whitespace();
        if let (Some(end), true) = (word, space) {
            ends += 1;
            if ends == words {
                return near[..end].to_owned();
            }
        }
        word = (!space).then_some(i + c.len_utf8());
    }
    match words {
        0 => String::new(),
        _ => near.to_owned(),
    }
}

/// `text` with each run of whitespace one space (a line break would end a list item or a table row), its edges kept.
pub(crate) fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c.is_whitespace() {
            true if space => {}
            true => {
                out.push(' ');
                space = true;
            }
            false => {
                out.push(c);
                space = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::correct;
    use crate::record::Record;

    /// The words around `at` as the context functions were first written:
    /// every word boundary of what is read collected, then the last (first)
    /// `words` of them kept.
    fn context_by_boundaries(text: &str, at: usize, words: usize) -> (String, String) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let from = text[line_start..at]
            .char_indices()
            .rev()
            .take(CHARS)
            .last()
            .map_or(at, |(i, _)| line_start + i);
        let near = &text[from..at];
        let is_space = |s: &str, back: bool| {
            let c = if back {
                s.chars().next_back()
            } else {
                s.chars().next()
            };
            c.is_none_or(char::is_whitespace)
        };
        let starts: Vec<usize> = near
            .char_indices()
            .filter(|&(i, c)| !c.is_whitespace() && is_space(&near[..i], true))
            .map(|(i, _)| i)
            .collect();
        let before = match starts.len().checked_sub(words) {
            Some(k) if k < starts.len() => near[starts[k]..].to_owned(),
            Some(_) => String::new(),
            None => near.to_owned(),
        };
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let to = text[at..line_end]
            .char_indices()
            .take(CHARS)
            .last()
            .map_or(at, |(i, c)| at + i + c.len_utf8());
        let near = &text[at..to];
        let ends: Vec<usize> = near
            .char_indices()
            .filter(|&(i, c)| !c.is_whitespace() && is_space(&near[i + c.len_utf8()..], false))
            .map(|(i, c)| i + c.len_utf8())
            .collect();
        let after = match words.checked_sub(1).and_then(|k| ends.get(k)) {
            Some(&end) => near[..end].to_owned(),
            None if words == 0 => String::new(),
            None => near.to_owned(),
        };
        (before, after)
    }

    const CHARS: usize = 12;

    proptest::proptest! {
        #[test]
        fn context_is_the_words_next_to_the_edit_on_its_line(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", "\u{e9}t\u{e9}", " ", "  ", "\t", "\n", "\u{a0}"]),
                0..30,
            ),
            cut in 0usize..30,
            words in 0usize..6,
        ) {
            let text: String = parts.concat();
            let at = parts[..cut.min(parts.len())].concat().len();
            let (before, after) = context_by_boundaries(&text, at, words);
            proptest::prop_assert_eq!(context_before(&text, at, words, CHARS), before);
            proptest::prop_assert_eq!(context_after(&text, at, words, CHARS), after);
        }
    }

    fn plain(h: &Hunk) -> String {
        h.marked(str::to_owned, |d, i| format!("[-{d}-]{{+{i}+}}"))
    }

    #[test]
    fn edits_near_each_other_share_a_hunk_and_far_ones_do_not() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let records = [
            Record::new("a", "two", "2"),
            Record::new("b", "four", "4"),
            Record::new("c", "thirteen", "13"),
        ];
        let outcome = correct(text, &records);
        let hunks = hunks(text, &outcome, 2);
        let shown: Vec<String> = hunks.iter().map(plain).collect();
        assert_eq!(
            shown,
            [
                "one [-two-]{+2+} three [-four-]{+4+} five six",
                "eleven twelve [-thirteen-]{+13+}"
            ]
        );
        assert_eq!(hunks[0].records, [0, 1]);
        assert_eq!(
            hunks[1].at,
            LineCol {
                line: 1,
                column: 64
            }
        );
    }

    #[test]
    fn context_stays_on_the_edit_line() {
        let text = "first line\nsecond 1945 line\nthird";
        let outcome = correct(text, &[Record::new("y", "1945", "1939")]);
        let hunks = hunks(text, &outcome, 8);
        assert_eq!(plain(&hunks[0]), "second [-1945-]{+1939+} line");
    }

    #[test]
    fn a_record_with_several_edits_is_listed_once_per_hunk() {
        let text = "x a x a";
        let mut r = Record::new("a", "a", "b");
        r.occurrence = crate::record::Occurrence::All;
        let outcome = correct(text, &[r]);
        let hunks = hunks(text, &outcome, 4);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].records, [0]);
        assert_eq!(plain(&hunks[0]), "x [-a-]{+b+} x [-a-]{+b+}");
    }
}
