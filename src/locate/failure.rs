//! Why a record failed, as data: each [`Cause`] holds offsets in the
//! original text, counts and the texts involved, never words. The stages
//! that fail records (locate's tiers, apply's checks) build causes; the
//! renderers word them (`crate::render::failure`) when an output shows one,
//! with the outcome's one line index of the text.

use std::ops::Range;

use super::{FailureKind, LISTED_MATCHES, Tier, tiers, tolerant};
use crate::record::Record;
use crate::syntax::protected::Kind;

/// Why a record failed, and the offset of its first match (for ordering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind of failure (what the changelog and the formats name).
    pub kind: FailureKind,
    /// What went wrong, as data.
    pub cause: Cause,
    /// Byte offset of the record's first match, if it has one (for ordering).
    pub first_match: Option<usize>,
}

/// What went wrong, with what a message needs: offsets are in the original
/// text, and the record's own texts are read from the record when worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// `find` matches several places and the record chooses none.
    Ambiguous(Places),
    /// `occurrence` is `k`, but `find` matches fewer places.
    TooFew {
        /// The record's `occurrence`.
        k: usize,
        /// Where `find` matches.
        at: Places,
    },
    /// The records' texts match more often than one search may hold.
    TooManyMatches {
        /// The matches a search of this text holds.
        limit: usize,
        /// The text that matched most, and how often, when known.
        most: Option<(String, usize)>,
    },
    /// `find` matches more often than an article may take edits.
    TooManyEdits {
        /// How often it matches.
        count: usize,
    },
    /// No match of `find` in its context.
    NotFound {
        /// What was found of `find`.
        missed: Missed,
        /// Where the replacement stands, when it does.
        replaced: Option<Stands>,
    },
    /// Every match lies outside prose (Markdown or HTML inputs).
    OutsideProse {
        /// How many matches there are.
        count: usize,
        /// Where the first is.
        at: usize,
        /// What it lies inside.
        inside: Kind,
    },
    /// A shared record (`corrections/_all/`) whose `find` the article lacks.
    Absent,
    /// A shared record whose every match lies inside the article's own records.
    InsideOwnRecords,
    /// A match of the prose across markup whose change would cross it.
    AcrossMarkup {
        /// Where the match starts.
        at: usize,
        /// The words the change takes out.
        del: String,
        /// The words it puts in.
        ins: String,
    },
    /// The replacement stands closer than any approximate match of `find`.
    ReplaceCloser {
        /// Where the replacement stands.
        at: usize,
    },
    /// The fuzzy tier cannot choose among its matches.
    Fuzzy {
        /// Why not.
        why: Unchosen,
        /// The first few matches: where each starts, and its edits.
        listed: Vec<(usize, usize)>,
    },
    /// Only a tolerant tier located it, and the run is `--strict`.
    Strict {
        /// How it matched.
        how: Tolerated,
        /// Where, when one place says it.
        at: Option<Range<usize>>,
    },
    /// Its span overlaps other records' (by index, and where).
    Conflict(Vec<(usize, usize)>),
    /// Its edits would take the article over the limit of edits.
    EditsOverLimit {
        /// The record's edits.
        edits: usize,
        /// All the article's records' edits.
        total: usize,
    },
    /// Its edits would take the corrected text over the size limit.
    SizeOverLimit {
        /// Bytes the record adds.
        grown: u64,
        /// The corrected text's size with every record.
        size: u64,
    },
    /// Its edits change the document's structure (as the syntax words it).
    Structure {
        /// What changes, as [`crate::syntax::Syntax::broken`] says it.
        what: String,
        /// Where.
        at: usize,
    },
}

/// Where a text matches: the first few places and how many there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The first [`LISTED_MATCHES`] starts.
    pub listed: Vec<usize>,
    /// How many there are.
    pub total: usize,
}

impl Places {
    /// The places of `starts`.
    pub fn of(starts: &[usize]) -> Places {
        Places {
            listed: starts.iter().take(LISTED_MATCHES).copied().collect(),
            total: starts.len(),
        }
    }
}

/// What was found of a `find` that did not match in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missed {
    /// It occurs, but never with its context.
    OutOfContext {
        /// How often.
        count: usize,
        /// Where first.
        first: usize,
        /// Whether some occurrence cuts a character (a combining mark,
        /// joiner or variation selector) at one of its ends.
        cuts_character: bool,
    },
    /// It does not occur; the nearest miss, if it was searched.
    Absent(Near),
}

/// The nearest miss of a `find` that does not occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Near {
    /// Not searched: the text's search budget went to the records before it.
    NotSearched,
    /// Nothing at least half similar.
    Nothing,
    /// The best alignment: the stretch of the text, and its similarity
    /// (thousandths).
    At(Range<usize>, u16),
}

/// Where a failed record's `replace` stands: first, how often, and how often
/// with the record's context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stands {
    /// The first place.
    pub first: usize,
    /// How many places.
    pub count: usize,
    /// How many of them with the record's `before`/`after`.
    pub in_context: usize,
}

/// Why the fuzzy tier could not choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchosen {
    /// `occurrence` is `k`, more than the matches.
    TooFew {
        /// The record's `occurrence`.
        k: usize,
        /// The matches.
        count: usize,
    },
    /// Several matches score too close to tell apart.
    Close {
        /// How many.
        count: usize,
    },
}

/// How a record refused under `--strict` matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerated {
    /// A tolerant tier found it.
    Tier(Tier),
    /// It matched the prose across markup.
    AcrossMarkup,
    /// Its evidence says it is already applied.
    AlreadyApplied,
}

impl Cause {
    /// The kind of failure this cause is.
    pub fn kind(&self) -> FailureKind {
        match self {
            Cause::Ambiguous(_) | Cause::Fuzzy { .. } => FailureKind::Ambiguous,
            Cause::TooManyMatches { .. }
            | Cause::TooManyEdits { .. }
            | Cause::EditsOverLimit { .. }
            | Cause::SizeOverLimit { .. } => FailureKind::TooLarge,
            Cause::AcrossMarkup { .. } | Cause::Structure { .. } => FailureKind::Structure,
            Cause::Conflict(_) => FailureKind::Conflict,
            Cause::TooFew { .. }
            | Cause::NotFound { .. }
            | Cause::OutsideProse { .. }
            | Cause::Absent
            | Cause::InsideOwnRecords
            | Cause::ReplaceCloser { .. }
            | Cause::Strict { .. } => FailureKind::NotFound,
        }
    }
}

impl Failure {
    /// The failure of `cause`, its first match at `first_match`.
    pub fn new(cause: Cause, first_match: Option<usize>) -> Failure {
        Failure {
            kind: cause.kind(),
            cause,
            first_match,
        }
    }
}

/// The failure of a record whose `find` matches at `starts` (more than
/// once) and which chooses no `occurrence`.
pub(super) fn ambiguous(starts: &[usize]) -> Failure {
    Failure::new(
        Cause::Ambiguous(Places::of(starts)),
        starts.first().copied(),
    )
}

/// The failure of a record whose `occurrence` is `k`, beyond its matches
/// at `starts`.
pub(super) fn too_few(starts: &[usize], k: usize) -> Failure {
    let at = Places::of(starts);
    Failure::new(Cause::TooFew { k, at }, starts.first().copied())
}

/// The failure of a record left unlocated because a search of the text
/// found more than the `limit` matches it may hold
/// ([`crate::limits::max_matches`]); `most` is the text that matched most, and
/// how often, before the search stopped.
pub(super) fn too_many_matches(limit: usize, most: Option<(&str, usize)>) -> Failure {
    let most = most.map(|(pattern, n)| (pattern.to_owned(), n));
    Failure::new(Cause::TooManyMatches { limit, most }, None)
}

/// The failure of a record whose `find` matches (at `starts`, in context)
/// more often than an article may take edits ([`crate::limits::MAX_EDITS`]).
pub(super) fn too_many_edits(starts: &[usize]) -> Failure {
    let count = starts.len();
    Failure::new(Cause::TooManyEdits { count }, starts.first().copied())
}

/// Where a failed record's `replace` matches: anywhere, and under its context.
pub(super) struct ReplaceMatches {
    pub(super) raw: Vec<usize>,
    pub(super) in_context: Vec<usize>,
}

/// The failure of a record whose `find` matches nowhere in its context:
/// `raw` are its matches without context, `replaced` where its replacement
/// stands; `near` the normalized text to look for the nearest miss in, when
/// the text's budget for that search is not spent.
pub(super) fn not_found(
    text: &str,
    record: &Record,
    raw: &[usize],
    replaced: &ReplaceMatches,
    near: Option<&tolerant::Normalized>,
) -> Failure {
    let missed = match raw.first() {
        Some(&first) => Missed::OutOfContext {
            count: raw.len(),
            first,
            cuts_character: raw
                .iter()
                .any(|&s| !super::on_grapheme_boundaries(text, s..s + record.find.len())),
        },
        None => Missed::Absent(match near {
            Some(_) => near_miss(text, &record.find),
            None => Near::NotSearched,
        }),
    };
    let replaced = replaced.raw.first().map(|&first| Stands {
        first,
        count: replaced.raw.len(),
        in_context: replaced.in_context.len(),
    });
    Failure::new(Cause::NotFound { missed, replaced }, None)
}

/// The line most like `find` (the share of its words found there, exactly or
/// nearly; at least half), then the stretch of that line closest to `find`.
/// The real best alignment of `find` in the whole text (the fewest edits, as
/// the fuzzy tier counts them), when it is at least half similar.
fn near_miss(text: &str, find: &str) -> Near {
    let Some((stretch, _)) = tolerant::best_alignment(text, find) else {
        return Near::Nothing;
    };
    let actual = text[stretch.clone()].trim_end_matches('\r');
    match tiers::similarity(find, actual) {
        similarity if similarity >= 500 => Near::At(stretch, similarity),
        _ => Near::Nothing,
    }
}
