//! A record's failure worded for people: the message and help every output
//! shows (the report, the changelog's `error`, the annotations), from the
//! failure's data ([`crate::locate::Cause`]) and the text it was located in.

use std::ops::Range;

use crate::locate::{Cause, Failure, Missed, Near, Places, Stands, Tolerated, Unchosen};
use crate::record::Record;
use crate::text::lines::Indexed;

/// A failure worded for people: what went wrong, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    /// What went wrong.
    pub message: String,
    /// What the editor can do next.
    pub help: String,
}

impl Failure {
    /// The failure worded for people: `original` is the text the record was
    /// located in, `records[record]` the record that failed.
    pub fn worded(&self, original: Indexed<'_>, records: &[Record], record: usize) -> Worded {
        Wording {
            original,
            records,
            record: &records[record],
        }
        .of(&self.cause)
    }
}

/// What wording a cause reads: the text with its lines, the records.
struct Wording<'a> {
    original: Indexed<'a>,
    records: &'a [Record],
    record: &'a Record,
}

const CONTEXT_HELP: &str = "add `before`/`after` context that only the intended match has, or an `occurrence` (a number, or \"all\")";
const FEWER_PLACES_HELP: &str = "give `find` more context (`before`, `after`, a longer text) so that it matches fewer places, or split the article";
/// A message and a fixed help.
fn worded(message: String, help: &str) -> Worded {
    Worded {
        message,
        help: help.to_owned(),
    }
}

const COPY_FIND_HELP: &str = "copy `find` from the article exactly (quotes, dashes, spaces and case count), or remove the record if the error is gone";

impl Wording<'_> {
    /// Line and column of `offset` in the original text.
    fn at(&self, offset: usize) -> crate::text::lines::LineCol {
        self.original.lines.line_col(self.original.text, offset)
    }

    fn find(&self) -> String {
        quoted(&self.record.find)
    }

    /// The listed places, and how many more there are.
    fn places(&self, places: &Places) -> String {
        let mut listed: Vec<String> = places
            .listed
            .iter()
            .map(|&s| self.at(s).to_string())
            .collect();
        if places.total > places.listed.len() {
            listed.push(format!("and {} more", places.total - places.listed.len()));
        }
        listed.join(", ")
    }

    /// The words for `cause`, one kind of cause at a time.
    fn of(&self, cause: &Cause) -> Worded {
        let record = self.record;
        match cause {
            Cause::Ambiguous(at) => worded(
                format!(
                    "{} matches {} times, at {}",
                    self.find(),
                    at.total,
                    self.places(at)
                ),
                CONTEXT_HELP,
            ),
            Cause::TooFew { k, at } => self.too_few(*k, at),
            Cause::TooManyMatches { limit, most } => self.too_many_matches(*limit, most.as_ref()),
            Cause::TooManyEdits { count } => worded(
                format!(
                    "{} matches {count} times, more than the {} edits an article may take",
                    self.find(),
                    crate::limits::MAX_EDITS
                ),
                FEWER_PLACES_HELP,
            ),
            Cause::NotFound { missed, replaced } => self.not_found(missed, replaced.as_ref()),
            Cause::OutsideProse { count, at, inside } => self.outside_prose(*count, *at, *inside),
            Cause::Absent => worded(
                format!("{} does not occur in this article", self.find()),
                "a record in corrections/_all/ applies only where it matches exactly",
            ),
            Cause::InsideOwnRecords => worded(
                format!(
                    "every match of `{}` lies inside this article's own records",
                    record.id
                ),
                "the article's own records win over those in corrections/_all/",
            ),
            Cause::AcrossMarkup { at, del, ins } => self.across_markup(*at, del, ins),
            Cause::ReplaceCloser { at } => self.replace_closer(*at),
            Cause::Fuzzy { why, listed } => self.fuzzy(*why, listed),
            Cause::Strict { how, at } => self.strict(*how, at.clone()),
            Cause::Conflict(with) => self.conflict(with),
            Cause::EditsOverLimit { edits, total } => worded(
                format!(
                    "`{}` makes {edits} edits, and the article's records {total} in all, over the limit of {} edits per article",
                    record.id,
                    crate::limits::MAX_EDITS
                ),
                FEWER_PLACES_HELP,
            ),
            Cause::SizeOverLimit { grown, size } => self.size_over_limit(*grown, *size),
            Cause::Structure { what, at } => worded(
                format!("record `{}` {what} at {}", record.id, self.at(*at)),
                "keep the markup around the words you change (correct only the words inside the link or emphasis), or add \"structure\": \"changes\" if the change is meant",
            ),
        }
    }

    fn too_few(&self, k: usize, at: &Places) -> Worded {
        let n = at.total;
        let times = match n {
            1 => "once".to_owned(),
            n => format!("{n} times"),
        };
        Worded {
            message: format!(
                "`occurrence` is {k}, but {} matches only {times}, at {}",
                self.find(),
                self.places(at)
            ),
            help: format!("lower `occurrence` to at most {n}, or check `before`/`after`"),
        }
    }

    fn too_many_matches(&self, limit: usize, most: Option<&(String, usize)>) -> Worded {
        let most = match most {
            Some((pattern, n)) => format!("; {} alone matched {n} times", quoted(pattern)),
            None => String::new(),
        };
        worded(
            format!(
                "the records' texts match this text more than {limit} times, more than a search of a text this long holds{most}, so `{}` was not located",
                self.record.id
            ),
            "give the records whose `find` or `replace` is a short, common text more words, then run again",
        )
    }

    fn outside_prose(
        &self,
        count: usize,
        at: usize,
        inside: crate::syntax::protected::Kind,
    ) -> Worded {
        let only = match count {
            1 => "the only match".to_owned(),
            n => format!("all {n} matches"),
        };
        worded(
            format!(
                "{only} of {} {} inside {} at {}",
                self.find(),
                if count == 1 { "is" } else { "are" },
                inside.describe(),
                self.at(at)
            ),
            "in Markdown and HTML articles corrections apply to prose only; add \"scope\": \"any\" to the record to correct it there",
        )
    }

    fn across_markup(&self, at: usize, del: &str, ins: &str) -> Worded {
        worded(
            format!(
                "{} matches the prose at {} across markup, and the change of {} to {} would cross that markup",
                self.find(),
                self.at(at),
                quoted(del),
                quoted(ins)
            ),
            "write `find` with its markup, as the source has it, or split the record so that each change stays inside one stretch of markup",
        )
    }

    fn replace_closer(&self, at: usize) -> Worded {
        worded(
            format!(
                "{} was not found exactly; its replacement {} stands approximately at {} (closer than any match of `find`), which is no evidence that this correction was made",
                self.find(),
                quoted(&self.record.replace),
                self.at(at)
            ),
            "if the correction is already made, give the record `before`/`after` text that stands right next to the replacement there; otherwise copy `find` from the article exactly",
        )
    }

    fn conflict(&self, with: &[(usize, usize)]) -> Worded {
        let named: Vec<String> = with
            .iter()
            .map(|&(j, at)| {
                let other = &self.records[j];
                format!("`{}` ({}) at {}", other.id, other.file, self.at(at))
            })
            .collect();
        worded(
            format!("`{}` overlaps record {}", self.record.id, named.join(", ")),
            "make the records' `find` texts disjoint, or merge them into one record",
        )
    }

    fn size_over_limit(&self, grown: u64, size: u64) -> Worded {
        worded(
            format!(
                "`{}` adds {} to the article, and the article's records would make it {}, over the limit of {} for a corrected article",
                self.record.id,
                crate::limits::size(grown),
                crate::limits::size(size),
                crate::limits::size(crate::limits::MAX_OUTPUT_BYTES)
            ),
            FEWER_PLACES_HELP,
        )
    }

    /// What was found of `find`, then where its replacement stands.
    fn not_found(&self, missed: &Missed, replaced: Option<&Stands>) -> Worded {
        let worded = self.missed(missed);
        match replaced {
            Some(stands) => self.stands(worded, stands),
            None => worded,
        }
    }

    fn missed(&self, missed: &Missed) -> Worded {
        let record = self.record;
        let find = self.find();
        match missed {
            Missed::OutOfContext {
                count,
                first,
                cuts_character,
            } => {
                let constraints = [
                    (record.before.as_ref()).map(|b| format!("`before` {}", quoted(b))),
                    (record.after.as_ref()).map(|a| format!("`after` {}", quoted(a))),
                    record.whole_word.then(|| "`whole_word`".to_owned()),
                    cuts_character.then(|| {
                        "whole characters at both ends (a combining mark, joiner or variation selector belongs to the character before it)"
                            .to_owned()
                    }),
                ];
                let constraints: Vec<String> = constraints.into_iter().flatten().collect();
                Worded {
                    message: format!(
                        "{find} occurs {count} time(s) (first at {}), but never with {}",
                        self.at(*first),
                        constraints.join(" and ")
                    ),
                    help: "fix the context fields so that they match the article exactly"
                        .to_owned(),
                }
            }
            Missed::Absent(near) => Worded {
                message: match near {
                    Near::At(stretch, similarity) => {
                        let actual = self.original.text[stretch.clone()].trim_end_matches('\r');
                        format!(
                            "{find} was not found; nearest at {} (similarity {:.2}): {}",
                            self.at(stretch.start),
                            f64::from(*similarity) / 1000.0,
                            crate::text::words::inline(&record.find, actual)
                        )
                    }
                    Near::Nothing => format!("{find} was not found, nor anything close to it"),
                    Near::NotSearched => format!(
                        "{find} was not found (no nearest miss searched: this text's search budget went to the records before it)"
                    ),
                },
                help: COPY_FIND_HELP.to_owned(),
            },
        }
    }

    /// `worded`, and where the replacement stands (`stands`).
    fn stands(&self, worded: Worded, stands: &Stands) -> Worded {
        let record = self.record;
        let places = match stands.count {
            1 => format!("at {}", self.at(stands.first)),
            n => format!("at {} and {} more places", self.at(stands.first), n - 1),
        };
        let has_context = record.before.is_some() || record.after.is_some();
        let why = match (has_context, stands.in_context) {
            (false, _) => {
                "a replacement found somewhere is no evidence that this correction was made"
                    .to_owned()
            }
            (true, 0) => "but not with the record's `before`/`after`".to_owned(),
            (true, n) => {
                format!("{n} times with the record's `before`/`after`, so it cannot tell which")
            }
        };
        Worded {
            message: format!(
                "{}; its replacement {} stands {places} ({why})",
                worded.message,
                quoted(&record.replace)
            ),
            help: format!(
                "{}; if the correction is already made, give the record `before`/`after` text that stands right next to the replacement there, so that it matches once",
                worded.help
            ),
        }
    }

    fn fuzzy(&self, why: Unchosen, listed: &[(usize, usize)]) -> Worded {
        let find = self.find();
        let why = match why {
            Unchosen::TooFew { k, count } => format!(
                "`occurrence` is {k}, but {find} matches approximately only {count} time(s)"
            ),
            Unchosen::Close { count } => {
                format!("{find} matches approximately {count} places with close scores")
            }
        };
        let find_chars = self.record.find.chars().count().max(1);
        let listed: Vec<String> = listed
            .iter()
            .map(|&(start, distance)| {
                let similarity = 1.0 - distance as f64 / find_chars as f64;
                format!("{} (similarity {similarity:.2})", self.at(start))
            })
            .collect();
        Worded {
            message: format!("{why}: {}", listed.join(", ")),
            help: "add `before`/`after` context, a `line` hint or an `occurrence`, or copy `find` from the article exactly".to_owned(),
        }
    }

    fn strict(&self, how: Tolerated, at: Option<Range<usize>>) -> Worded {
        let how_text = match how {
            Tolerated::Tier(tier) => tier.as_str(),
            Tolerated::AcrossMarkup => "the prose across markup",
            Tolerated::AlreadyApplied => "already applied",
        };
        let place = (at.as_ref())
            .map(|r| format!(" at {}", self.at(r.start)))
            .unwrap_or_default();
        let actual = match (how, at) {
            (Tolerated::Tier(_), Some(r)) => {
                format!(" (the article has {})", quoted(&self.original.text[r]))
            }
            _ => String::new(),
        };
        Worded {
            message: format!(
                "{} has no exact match; it matches {how_text}{place}{actual}, and only exact matches apply (as the contract says) unless the run is --tolerant",
                self.find()
            ),
            help: "run `correct --rebase` to copy the article's text into the record, fix `find` by hand, or accept such matches with --tolerant (or `tolerant = true` in correct.toml)".to_owned(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_shortens_long_text() {
        let long = "x".repeat(100);
        assert!(quoted(&long).contains("[…]"));
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
    }
}
