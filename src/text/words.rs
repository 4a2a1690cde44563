//! Word-level detail of one edit: which words of `find` actually change. Shared by
//! the review page and the terminal report, so both mark the same words.

use similar::{ChangeTag, TextDiff};

/// Below this similarity the two texts are shown as one whole replacement: a
/// word-by-word redline of two unrelated sentences is harder to read than both.
const MIN_RATIO: f32 = 0.5;

/// A piece of an edit: text both versions share, or a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text kept as it is.
    Same(String),
    /// Text removed (`del`, may be empty) and text put in its place (`ins`, may be empty).
    Change {
        /// The old words.
        del: String,
        /// The new words.
        ins: String,
    },
}

/// Splits the edit `find` -> `replace` into kept and changed words. Whitespace
/// between two changed words joins them into one change.
///
/// ```
/// use correct::text::words::{pieces, Piece};
/// assert_eq!(
///     pieces("May to September 1945", "May to September 1939"),
///     [Piece::Same("May to September ".into()),
///      Piece::Change { del: "1945".into(), ins: "1939".into() }]
/// );
/// ```
pub fn pieces(find: &str, replace: &str) -> Vec<Piece> {
    if !find.contains(char::is_whitespace) && !replace.contains(char::is_whitespace) {
        // One word for another (the common case): nothing to narrow.
        return vec![Piece::Change {
            del: find.to_owned(),
            ins: replace.to_owned(),
        }];
    }
    let diff = TextDiff::from_words(find, replace);
    if diff.ratio() < MIN_RATIO {
        return vec![Piece::Change {
            del: find.to_owned(),
            ins: replace.to_owned(),
        }];
    }
    let tokens: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].0 == ChangeTag::Equal {
            match out.last_mut() {
                Some(Piece::Same(s)) => s.push_str(tokens[i].1),
                _ => out.push(Piece::Same(tokens[i].1.to_owned())),
            }
            i += 1;
            continue;
        }
        let (mut del, mut ins) = (String::new(), String::new());
        loop {
            while let Some(&(tag, value)) = tokens.get(i).filter(|t| t.0 != ChangeTag::Equal) {
                if tag == ChangeTag::Delete {
                    del.push_str(value);
                } else {
                    ins.push_str(value);
                }
                i += 1;
            }
            let joins = matches!(
                (tokens.get(i), tokens.get(i + 1)),
                (Some((ChangeTag::Equal, gap)), Some((next, _))) if gap.trim().is_empty() && *next != ChangeTag::Equal
            );
            if !joins {
                break;
            }
            del.push_str(tokens[i].1);
            ins.push_str(tokens[i].1);
            i += 1;
        }
        push_change(&mut out, del, ins);
    }
    out
}

/// Adds the change `del` -> `ins`, with the white space both share at their
/// start and end outside it (`led by<del>  Marshall </del><ins> General </ins>`
/// reads `led by <del> Marshall</del><ins>General</ins> `).
fn push_change(out: &mut Vec<Piece>, mut del: String, mut ins: String) {
    let common = |a: &mut dyn Iterator<Item = char>, b: &mut dyn Iterator<Item = char>| {
        a.zip(b)
            .take_while(|(x, y)| x == y && x.is_whitespace())
            .map(|(x, _)| x.len_utf8())
            .sum::<usize>()
    };
    let lead = common(&mut del.chars(), &mut ins.chars());
    let same_before: String = del[..lead].to_owned();
    del.drain(..lead);
    ins.drain(..lead);
    let trail = common(&mut del.chars().rev(), &mut ins.chars().rev());
    let same_after: String = del[del.len() - trail..].to_owned();
    del.truncate(del.len() - trail);
    ins.truncate(ins.len() - trail);
    let same = |text: String, out: &mut Vec<Piece>| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(Piece::Same(s)) => s.push_str(&text),
            _ => out.push(Piece::Same(text)),
        }
    };
    same(same_before, out);
    if !del.is_empty() || !ins.is_empty() {
        out.push(Piece::Change { del, ins });
    }
    same(same_after, out);
}

/// The edit `old` -> `new` on one line, marked as git's plain word diff does:
/// `[-removed-]{+added+}`.
///
/// ```
/// use correct::text::words::inline;
/// assert_eq!(inline("signed in 1945", "signed in 1941"), "signed in [-1945-]{+1941+}");
/// ```
pub fn inline(old: &str, new: &str) -> String {
    let mut out = String::new();
    for piece in pieces(old, new) {
        match piece {
            Piece::Same(same) => out.push_str(&same),
            Piece::Change { del, ins } => {
                if !del.is_empty() {
                    out.push_str(&format!("[-{del}-]"));
                }
                if !ins.is_empty() {
                    out.push_str(&format!("{{+{ins}+}}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(del: &str, ins: &str) -> Piece {
        Piece::Change {
            del: del.into(),
            ins: ins.into(),
        }
    }

    #[test]
    fn shared_spaces_stand_outside_the_marks() {
        assert_eq!(
            pieces("led by  Marshall Zhukov", "led by General Zhukov"),
            [
                Piece::Same("led by ".into()),
                change(" Marshall", "General"),
                Piece::Same(" Zhukov".into())
            ]
        );
    }

    #[test]
    fn changed_words_separated_by_a_space_join() {
        assert_eq!(
            pieces(
                "led by Marshal Zhukov, quickly",
                "led by Komkor Georgy Zhukov, quickly"
            ),
            [
                Piece::Same("led by ".into()),
                change("Marshal", "Komkor Georgy"),
                Piece::Same(" Zhukov, quickly".into())
            ]
        );
    }

    #[test]
    fn one_word_for_another_is_one_change() {
        assert_eq!(pieces("1945", "1939"), [change("1945", "1939")]);
        assert_eq!(pieces("teh", ""), [change("teh", "")]);
    }

    #[test]
    fn unrelated_texts_are_one_change() {
        assert_eq!(
            pieces("the cat sat", "a dog ran off"),
            [change("the cat sat", "a dog ran off")]
        );
    }

    #[test]
    fn pure_insertions_and_deletions() {
        assert_eq!(
            pieces("in May 1939 and", "in May and"),
            [
                Piece::Same("in May ".into()),
                change("1939 ", ""),
                Piece::Same("and".into())
            ]
        );
    }
}
