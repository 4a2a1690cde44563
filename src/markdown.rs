//! Markdown inputs: where corrections may land, and whether they keep the markup.
//!
//! A correction must never land by accident inside code, a URL, raw HTML or
//! front matter, and must never break a link, emphasis, a list or a table. So for
//! Markdown inputs (`.md`, `.markdown`) the parts of the source that are not
//! prose are *protected* (matches overlapping them are skipped, unless a record
//! says `"scope": "any"`), and after applying, the original and corrected texts
//! must parse to the same *skeleton*: the sequence of block and inline elements
//! and every link and image destination (unless a record says
//! `"structure": "changes"`).

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

pub use crate::syntax::autolink::extended_autolinks;
pub use crate::syntax::protected::{Kind, Prose, Protected};

/// The parser options for the body: CommonMark with GFM tables, footnotes and
/// strikethrough. Front matter is found apart ([`front_matter`]): the
/// parser's metadata option would also take a `---` / text / `---` block in
/// the middle of a document for front matter, where GitHub shows a thematic
/// break and a heading.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// The front matter of `source`: a YAML (`---`) or TOML (`+++`) block at the
/// very start of the file (after a BOM), up to and including its closing
/// fence's line. Front matter exists only there.
///
/// ```
/// use correct::markdown::front_matter;
/// assert_eq!(front_matter("---\ntitle: x\n---\n\nBody"), Some(0..17));
/// assert_eq!(front_matter("Intro\n\n---\ntitle: x\n---\n"), None);
/// ```
pub fn front_matter(source: &str) -> Option<Range<usize>> {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &source[bom..];
    if !(rest.starts_with("---") || rest.starts_with("+++")) {
        return None;
    }
    let metadata = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let (event, range) = Parser::new_ext(rest, metadata).into_offset_iter().next()?;
    if !matches!(event, Event::Start(Tag::MetadataBlock(_))) || range.start != 0 {
        return None;
    }
    // The block's range ends at its closing fence; take that line's break too.
    let end = bom + range.end;
    let end = match source[end..].find('\n') {
        Some(line_break) if source[end..end + line_break].trim().is_empty() => end + line_break + 1,
        _ => end,
    };
    Some(0..end)
}

/// A parser event and where it stands in the source.
pub(crate) type Located<'a> = (Event<'a>, Range<usize>);

/// The events of `source` with their ranges in it: the body after any front
/// matter, parsed with [`options`]; `front` is the front matter's range.
pub(crate) fn events(source: &str) -> (Option<Range<usize>>, Vec<Located<'_>>) {
    let front = front_matter(source);
    let at = front.as_ref().map_or(0, |r| r.end);
    let events = Parser::new_ext(&source[at..], options())
        .into_offset_iter()
        .map(|(event, range)| (event, range.start + at..range.end + at))
        .collect();
    (front, events)
}

/// A link or image being read: its range, its children's ranges, and whether it
/// is an autolink.
type OpenLink = (Range<usize>, Vec<Range<usize>>, bool);

impl Protected {
    /// Finds every protected part of `source`.
    ///
    /// ```
    /// use correct::markdown::{Kind, Protected};
    /// let source = "Run `cargo test` or see [the guide](https://example.org/test).";
    /// let p = Protected::of(source);
    /// let at = source.find("test").unwrap();
    /// assert_eq!(p.overlapping(at..at + 4), Some(Kind::CodeSpan));
    /// let at = source.rfind("test").unwrap();
    /// assert_eq!(p.overlapping(at..at + 4), Some(Kind::LinkTarget));
    /// assert_eq!(p.overlapping(25..30), None); // "the guide": prose
    /// ```
    pub fn of(source: &str) -> Protected {
        let (front, events) = events(source);
        let at = front.as_ref().map_or(0, |r| r.end);
        let mut ranges = Vec::new();
        if let Some(front) = front {
            ranges.push((front, Kind::FrontMatter));
        }
        let parser = Parser::new_ext(&source[at..], options());
        for (_, def) in parser.reference_definitions().iter() {
            ranges.push((def.span.start + at..def.span.end + at, Kind::LinkDefinition));
        }
        ranges.extend(unlisted_definitions(source, at, &events).map(|r| (r, Kind::LinkDefinition)));
        let mut walk = Walk {
            ranges,
            ..Walk::default()
        };
        for (event, range) in events {
            walk.event(source, event, range);
        }
        // GitHub links bare URLs and addresses in text (GFM's extended
        // autolinks): their text is a link's target, so it is protected.
        let Walk {
            mut ranges,
            prose,
            text_ranges,
            ..
        } = walk;
        ranges.extend(autolinks_in(source, &text_ranges).map(|r| (r, Kind::Autolink)));
        Protected::from_parts(ranges, prose)
    }
}

/// What [`Protected::of`] gathers as it reads a document's events in order.
#[derive(Default)]
struct Walk {
    ranges: Vec<(Range<usize>, Kind)>,
    /// Open links and images: their range, the ranges of their children,
    /// and whether it is an autolink (protected whole already).
    links: Vec<OpenLink>,
    prose: Prose,
    in_code_block: bool,
    /// The ranges of the text events that are prose.
    text_ranges: Vec<Range<usize>>,
}

impl Walk {
    /// `range` is a child of the innermost open link, if any.
    fn child(&mut self, range: &Range<usize>) {
        if let Some((_, children, _)) = self.links.last_mut() {
            children.push(range.clone());
        }
    }

    fn event(&mut self, source: &str, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code_block = true;
                self.ranges.push((range, Kind::CodeBlock));
            }
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::Code(_) => {
                self.child(&range);
                self.ranges.push((range, Kind::CodeSpan));
            }
            Event::TaskListMarker(_) => self.ranges.push((range, Kind::TaskBox)),
            Event::Html(_) | Event::InlineHtml(_) => {
                self.child(&range);
                self.ranges.push((range, Kind::Html));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                self.child(&range);
                self.ranges.push((range.clone(), Kind::Autolink));
                self.links.push((range, Vec::new(), true));
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                self.child(&range);
                self.links.push((range, Vec::new(), false));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((whole, children, false)) = self.links.pop() {
                    (self.ranges).extend(gaps(whole, children).map(|r| (r, Kind::LinkTarget)));
                }
            }
            _ if self.in_code_block => {}
            event => {
                self.child(&range);
                self.prose_event(source, &event, range);
            }
        }
    }

    /// Text outside code, front matter and autolinks is prose.
    fn prose_event(&mut self, source: &str, event: &Event<'_>, range: Range<usize>) {
        let in_autolink = self.links.last().is_some_and(|(_, _, auto)| *auto);
        match event {
            Event::Text(text) if !in_autolink => {
                // A character reference or an escape is never cut or edited
                // as the text it stands for.
                if source.get(range.clone()) != Some(text.as_ref()) {
                    self.ranges.push((range.clone(), Kind::Reference));
                }
                self.text_ranges.push(range.clone());
                self.prose.push(source, text, range);
            }
            Event::SoftBreak => self.prose.push(source, " ", range),
            _ => {}
        }
    }
}

/// What lies between the top-level blocks of `events` (past `at`) that is not
/// white space: the parser consumed it without an event, so it is a link
/// reference definition (a duplicate one, of which only the first of its label
/// counts, is in no list of definitions).
fn unlisted_definitions<'s>(
    source: &'s str,
    at: usize,
    events: &[(Event<'_>, Range<usize>)],
) -> impl Iterator<Item = Range<usize>> + 's {
    let (mut depth, mut blocks) = (0usize, Vec::new());
    for (event, range) in events {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    blocks.push(range.clone());
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => blocks.push(range.clone()),
            _ => {}
        }
    }
    blocks.push(source.len()..source.len());
    let mut from = at;
    blocks.into_iter().filter_map(move |block| {
        let gap = (block.start > from && !source[from..block.start].trim().is_empty())
            .then_some(from..block.start);
        from = from.max(block.end);
        gap
    })
}

/// The extended autolinks of `source` that start in one of its `text_ranges`
/// (sorted): text GitHub would link.
fn autolinks_in<'a>(
    source: &'a str,
    text_ranges: &'a [Range<usize>],
) -> impl Iterator<Item = Range<usize>> + 'a {
    extended_autolinks(source).filter(|link| {
        text_ranges
            .binary_search_by(|r| {
                if r.end <= link.start {
                    std::cmp::Ordering::Less
                } else if r.start > link.start {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    })
}

/// The parts of `whole` not covered by `children`.
fn gaps(
    whole: Range<usize>,
    mut children: Vec<Range<usize>>,
) -> impl Iterator<Item = Range<usize>> {
    children.sort_by_key(|r| r.start);
    let mut at = whole.start;
    let mut out = Vec::new();
    for c in children {
        if c.start > at {
            out.push(at..c.start);
        }
        at = at.max(c.end);
    }
    if at < whole.end {
        out.push(at..whole.end);
    }
    out.into_iter()
}

/// One element of a document's skeleton: a tag opening or closing, with what
/// identifies it (a link's destination, a heading's level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// A description for people: "a link to https://…", "emphasis", "a heading".
    pub name: String,
    /// Whether it opens (or closes) the element.
    pub opens: bool,
    /// Where it starts in its source.
    pub at: usize,
}

/// The skeleton of `source`: every element's start and end, in order, without
/// the text. Two sources with equal skeletons have the same structure.
pub fn skeleton(source: &str) -> Vec<Element> {
    let (front, events) = events(source);
    let front = front.map(|_| Element {
        name: "the front matter".to_owned(),
        opens: true,
        at: 0,
    });
    front
        .into_iter()
        .chain(events.into_iter().filter_map(|(event, range)| {
            let (name, opens) = match event {
                // A row's cells as its source has them: GitHub drops the cells a
                // row has beyond its header's, so an added `|` loses text.
                Event::Start(tag @ (Tag::TableRow | Tag::TableHead)) => {
                    let pipes = cell_separators(&source[range.clone()]);
                    (
                        format!("{} with {pipes} cell separators", describe(&tag)),
                        true,
                    )
                }
                Event::Start(tag) => (describe(&tag), true),
                Event::End(end) => (format!("{end:?}"), false),
                Event::Code(_) => ("a code span".to_owned(), true),
                Event::FootnoteReference(name) => {
                    (format!("the footnote reference [^{name}]"), true)
                }
                Event::Rule => ("a thematic break".to_owned(), true),
                Event::TaskListMarker(done) => (format!("a task marker ({done})"), true),
                Event::HardBreak => ("a hard line break".to_owned(), true),
                Event::Html(_) | Event::InlineHtml(_) => ("raw HTML".to_owned(), true),
                _ => return None,
            };
            Some(Element {
                name,
                opens,
                at: range.start,
            })
        }))
        .collect()
}

/// The `|` of a table row that separate its cells (not escaped ones).
fn cell_separators(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| {
            bytes[i] == b'|'
                && bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
        })
        .count()
}

fn describe(tag: &Tag<'_>) -> String {
    match tag {
        Tag::Link { dest_url, .. } => format!("the link to {dest_url}"),
        Tag::Image { dest_url, .. } => format!("the image {dest_url}"),
        Tag::Heading { level, .. } => format!("a heading ({level})"),
        Tag::Emphasis => "emphasis".to_owned(),
        Tag::Strong => "strong emphasis".to_owned(),
        Tag::Strikethrough => "strikethrough".to_owned(),
        // A list's start number is structure: GitHub renders `<ol start="2">`.
        Tag::List(Some(start)) => format!("a numbered list starting at {start}"),
        Tag::List(None) => "a list".to_owned(),
        Tag::Item => "a list item".to_owned(),
        Tag::Table(_) => "a table".to_owned(),
        Tag::TableHead => "a table head".to_owned(),
        Tag::TableRow => "a table row".to_owned(),
        Tag::TableCell => "a table cell".to_owned(),
        Tag::BlockQuote(_) => "a block quote".to_owned(),
        Tag::CodeBlock(_) => "a code block".to_owned(),
        Tag::FootnoteDefinition(name) => format!("the footnote [^{name}]"),
        Tag::Paragraph => "a paragraph".to_owned(),
        other => format!("{other:?}"),
    }
}

/// How `corrected` breaks the structure of `original`, if it does: the first
/// element that differs, described for people, and its offset in `original`.
///
/// ```
/// let broken = correct::markdown::broken("See [the pact](https://example.org).", "See the pact.");
/// assert_eq!(broken.unwrap().0, "turns the link to https://example.org into plain text");
/// ```
pub fn broken(original: &str, corrected: &str) -> Option<(String, usize)> {
    let (old, new) = (skeleton(original), skeleton(corrected));
    let same = |a: &Element, b: &Element| a.name == b.name && a.opens == b.opens;
    let prefix = old.iter().zip(&new).take_while(|(a, b)| same(a, b)).count();
    if prefix == old.len() && prefix == new.len() {
        return None;
    }
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| same(a, b))
        .count();
    let removed = &old[prefix..old.len() - suffix];
    let added = &new[prefix..new.len() - suffix];
    let first_open =
        |elements: &[Element]| elements.iter().find(|e| e.opens).map(|e| e.name.clone());
    let message = match (first_open(removed), first_open(added)) {
        (Some(gone), None) => format!("turns {gone} into plain text"),
        (None, Some(extra)) => format!("adds {extra}"),
        (Some(gone), Some(extra)) => format!("turns {gone} into {extra}"),
        (None, None) => "changes the Markdown structure".to_owned(),
    };
    let at = removed
        .first()
        .or(old.get(prefix))
        .or(old.last())
        .map_or(0, |e| e.at);
    Some((message, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_at(source: &str, needle: &str) -> Option<Kind> {
        let at = source.find(needle).unwrap();
        Protected::of(source).overlapping(at..at + needle.len())
    }

    #[test]
    fn code_html_front_matter_and_definitions_are_protected() {
        let source = "---\ntitle: War of 1945\n---\n\nText 1945.\n\n    indented 1946\n\n```\nfenced 1947\n```\n\n<div>raw 1948</div>\n\n[ref]: https://example.org/1949 \"t 1950\"\n";
        assert_eq!(kind_at(source, "War of"), Some(Kind::FrontMatter));
        assert_eq!(kind_at(source, "Text 1945"), None);
        assert_eq!(kind_at(source, "1946"), Some(Kind::CodeBlock));
        assert_eq!(kind_at(source, "1947"), Some(Kind::CodeBlock));
        assert_eq!(kind_at(source, "1948"), Some(Kind::Html));
        assert_eq!(kind_at(source, "1949"), Some(Kind::LinkDefinition));
    }

    #[test]
    fn link_text_is_prose_but_its_target_and_autolinks_are_not() {
        let source =
            "A [pact of 1941](https://x.org/1941 \"signed 1941\") and <https://y.org/1941>.";
        assert_eq!(kind_at(source, "pact of 1941"), None);
        assert_eq!(kind_at(source, "x.org/1941"), Some(Kind::LinkTarget));
        assert_eq!(kind_at(source, "signed 1941"), Some(Kind::LinkTarget));
        assert_eq!(kind_at(source, "y.org"), Some(Kind::Autolink));
        // A find spanning the link text and its closing bracket overlaps the target.
        assert_eq!(kind_at(source, "1941]"), Some(Kind::LinkTarget));
    }

    #[test]
    fn structure_changes_are_described() {
        assert_eq!(broken("*war*", "*peace*"), None);
        assert_eq!(
            broken("The *long* war.", "The long war.").unwrap().0,
            "turns emphasis into plain text"
        );
        assert_eq!(
            broken("# Title\n", "Title\n").unwrap().0,
            "turns a heading (h1) into a paragraph"
        );
        assert_eq!(
            broken("[a](https://a.org)", "[a](https://b.org)")
                .unwrap()
                .0,
            "turns the link to https://a.org into the link to https://b.org"
        );
    }
}
