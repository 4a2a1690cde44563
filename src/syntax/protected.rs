//! What every input syntax gives the stages: the protected parts of a source
//! (where records do not match unless they say `"scope": "any"`), each with
//! its kind for messages, and the prose as it reads, mapped back to the source.

use std::ops::Range;

/// What a protected part of the source is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An inline code span.
    CodeSpan,
    /// A fenced or indented code block.
    CodeBlock,
    /// Raw HTML, inline or a block.
    Html,
    /// A link's or image's destination, title or brackets.
    LinkTarget,
    /// An autolink (`<https://…>`).
    Autolink,
    /// A link reference definition (`[ref]: url "title"`).
    LinkDefinition,
    /// A character reference (`&amp;`, `&#39;`) or a backslash escape.
    Reference,
    /// A task list item's box (`[x]`).
    TaskBox,
    /// YAML or TOML front matter.
    FrontMatter,
    /// HTML: a tag and its attributes.
    Tag,
    /// HTML: a comment, doctype or CDATA section.
    Comment,
    /// HTML: a `script`, `style`, `title`, `textarea` or other raw-text element.
    RawText,
    /// HTML: text in `code`, `pre`, `kbd`, `samp` or `template`.
    Code,
}

impl Kind {
    /// The words used in messages: "inside a code block".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::CodeSpan => "a code span",
            Kind::CodeBlock => "a code block",
            Kind::Html => "raw HTML",
            Kind::LinkTarget => "a link destination or title",
            Kind::Autolink => "an autolink",
            Kind::LinkDefinition => "a link reference definition",
            Kind::Reference => "a character reference or escape",
            Kind::TaskBox => "a task list box",
            Kind::FrontMatter => "front matter",
            Kind::Tag => "an HTML tag or its attributes",
            Kind::Comment => "an HTML comment",
            Kind::RawText => "a script, style, title or other raw-text element",
            Kind::Code => "code or preformatted text",
        }
    }
}

/// The protected byte ranges of a source, sorted by start: what each syntax
/// finds (`Protected::of` for Markdown, `syntax::html` for HTML).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protected {
    ranges: Vec<(Range<usize>, Kind)>,
    /// The furthest end among the ranges up to each one: the ranges a span
    /// overlaps are found by a binary search, not a scan from the start.
    reach: Vec<usize>,
    /// The prose as it reads, for finds that run across inline markup.
    pub prose: Prose,
}

impl Protected {
    /// Protected parts found by a syntax (see [`crate::syntax`]).
    pub(crate) fn from_parts(mut ranges: Vec<(Range<usize>, Kind)>, prose: Prose) -> Protected {
        ranges.sort_by_key(|(r, _)| (r.start, r.end));
        let mut furthest = 0;
        let reach = ranges
            .iter()
            .map(|(r, _)| {
                furthest = furthest.max(r.end);
                furthest
            })
            .collect();
        Protected {
            ranges,
            reach,
            prose,
        }
    }

    /// The kind of the first protected part that `span` overlaps, if any. A
    /// character reference wholly inside a non-empty span is not cut by it.
    pub fn overlapping(&self, span: Range<usize>) -> Option<Kind> {
        let end = span.end.max(span.start + 1);
        let before = self.ranges.partition_point(|(r, _)| r.start < end);
        // The ranges that start before the span ends and reach into it.
        let from = self.reach[..before].partition_point(|&reach| reach <= span.start);
        self.ranges[from..before]
            .iter()
            .filter(|(r, _)| span.start < r.end)
            .find(|(r, kind)| {
                !(*kind == Kind::Reference
                    && !span.is_empty()
                    && span.start <= r.start
                    && r.end <= span.end)
            })
            .map(|(_, kind)| *kind)
    }
}

/// The prose of a source as it reads, markup left out, with where each
/// piece stands in the source: `Battle of *Khalkhin Gol*` reads
/// `Battle of Khalkhin Gol`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    /// The text as it reads.
    pub text: String,
    /// Pieces: (offset in `text`, source range, whether the source holds the
    /// text byte for byte). Escapes and entities do not.
    pieces: Vec<(usize, Range<usize>, bool)>,
}

impl Prose {
    /// Adds a piece that reads as `text` but is not written so (a character
    /// reference): never cut.
    pub(crate) fn push_decoded(&mut self, text: &str, range: Range<usize>) {
        self.pieces.push((self.text.len(), range, false));
        self.text.push_str(text);
    }

    /// Adds one text event (`text`, standing at `range` of `source`).
    pub(crate) fn push(&mut self, source: &str, text: &str, range: Range<usize>) {
        let verbatim = source.get(range.clone()) == Some(text);
        self.pieces.push((self.text.len(), range, verbatim));
        self.text.push_str(text);
    }

    /// The source range of the prose range `r`, if both ends fall where the
    /// source holds the prose byte for byte (or at a piece's edge).
    pub fn source(&self, r: Range<usize>) -> Option<Range<usize>> {
        Some(self.point(r.start, false)?..self.point(r.end, true)?)
    }

    /// The source offset of prose offset `at`: for an end, the end of the
    /// piece before it when `at` is a piece boundary; `None` inside an escape
    /// or entity.
    pub fn point(&self, at: usize, end: bool) -> Option<usize> {
        if !self.text.is_char_boundary(at) {
            return None;
        }
        let i = match self
            .pieces
            .binary_search_by_key(&at, |(start, _, _)| *start)
        {
            Ok(i) if end && i > 0 => i - 1,
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let (start, range, verbatim) = self.pieces.get(i)?;
        let into = at - start;
        let len = self.pieces.get(i + 1).map_or(self.text.len(), |p| p.0) - start;
        match (into, *verbatim) {
            (0, _) => Some(range.start),
            (n, _) if n == len => Some(range.end),
            (n, true) => Some(range.start + n),
            (_, false) => None,
        }
    }

    /// Whether the prose range `r` lies within one piece of the source.
    pub fn within_one_piece(&self, r: Range<usize>) -> bool {
        let piece = |at: usize, end: bool| match self.pieces.binary_search_by_key(&at, |p| p.0) {
            Ok(i) if end && i > 0 => i - 1,
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        piece(r.start, false) == piece(r.end, true)
    }
}
