//! The review page (`output/K.review.md`): the whole article as a redline, each
//! change marked in place as `<del>old</del><ins>new</ins>` on the words that
//! changed, with a footnote giving the record's id, category, reason and sources.
//!
//! Plain-text articles are escaped so that they render literally in any CommonMark
//! + GFM renderer, one paragraph per line. Markdown articles keep their own markup.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::ops::Range;

use rayon::prelude::*;

use crate::outcome::{Outcome, PlacedEdit, Status};
use crate::record::{Category, Record};
use crate::render::words::{Piece, pieces};

/// What the page says about where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// The input, as shown to users.
    pub input: &'a str,
    /// Its sha256 (lowercase hex).
    pub input_sha256: &'a str,
    /// The corrected article's path.
    pub output: &'a str,
    /// Its sha256 (lowercase hex).
    pub output_sha256: &'a str,
    /// The command that regenerates the page.
    pub regenerate: &'a str,
    /// The input is Markdown: keep its markup instead of escaping it.
    pub markdown: bool,
    /// Text added after the article (the `--append-notice` section), or empty.
    pub appended: &'a str,
}

/// Renders the review page.
pub fn render(header: Header<'_>, original: &str, records: &[Record], outcome: &Outcome) -> String {
    let mut page = Vec::new();
    write(&mut page, header, original, records, outcome).expect("writing to memory cannot fail");
    String::from_utf8(page).expect("the page is built from UTF-8 texts")
}

/// Writes the review page into `out` in blocks, never holding it whole: for a
/// large article the page is as large as the article, and its parts are
/// rendered on every core.
pub fn write(
    out: &mut dyn io::Write,
    header: Header<'_>,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
) -> io::Result<()> {
    let part = match original.len() >= crate::par::LARGE {
        true => PART,
        false => usize::MAX,
    };
    write_in_parts(out, header, original, records, outcome, part)
}

/// The page goes out in blocks of about this many bytes.
const BLOCK: usize = 1 << 16;

/// A large article's body is rendered in parts of about this many bytes.
const PART: usize = 1 << 20;

fn write_in_parts(
    out: &mut dyn io::Write,
    header: Header<'_>,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
    part: usize,
) -> io::Result<()> {
    let mut head = String::new();
    write_header(&mut head, header, records, outcome);
    out.write_all(head.as_bytes())?;

    let mut edits: Vec<_> = outcome
        .corrections
        .iter()
        .flat_map(|c| c.edits.iter().map(move |e| (c.record, e)))
        .collect();
    edits.sort_by_key(|(_, e)| e.original.start);
    let text = original.strip_prefix('\u{feff}').unwrap_or(original);
    let article = Article {
        original,
        text,
        bom: original.len() - text.len(),
        records,
        outcome,
        edits,
        markdown: header.markdown,
    };
    let parts = article.parts(part);
    let (last, before) = parts.split_last().expect("there is always a part");
    // Every part but the last starts and ends at a line start, so it renders
    // alone; pages of a few parts per core at a time go out in order.
    // (A small article has one part: no thread pool is started for it.)
    let window = match before.is_empty() {
        true => 1,
        false => 2 * rayon::current_num_threads(),
    };
    for group in before.chunks(window) {
        let pages: Vec<String> = group
            .par_iter()
            .map(|p| {
                let mut body = Body::new(article.markdown);
                article
                    .render(&mut body, p.clone(), None)
                    .expect("writing to memory cannot fail");
                body.out
            })
            .collect();
        for page in pages {
            out.write_all(page.as_bytes())?;
        }
    }
    let mut body = Body::new(article.markdown);
    article.render(&mut body, last.clone(), Some(&mut *out))?;
    body.mark("ins", header.appended);
    let mut page = body.finish();
    write_notes(&mut page, records, outcome);
    out.write_all(page.as_bytes())
}

/// The article and its edits, as the page shows them.
struct Article<'a> {
    original: &'a str,
    /// The original without a BOM (the page never shows it).
    text: &'a str,
    bom: usize,
    records: &'a [Record],
    outcome: &'a Outcome,
    /// Every edit with its record, in text order.
    edits: Vec<(usize, &'a PlacedEdit)>,
    markdown: bool,
}

/// A span of the article's text and the edits that start in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    text: Range<usize>,
    edits: Range<usize>,
}

impl Article<'_> {
    /// Where an edit starts and ends in `text` (a find may take in the BOM).
    fn span(&self, edit: &PlacedEdit) -> Range<usize> {
        edit.original.start.saturating_sub(self.bom)..edit.original.end.saturating_sub(self.bom)
    }

    /// The text cut into parts of about `size` bytes, each cut at a line start
    /// whose line break no edit touches.
    fn parts(&self, size: usize) -> Vec<Part> {
        let bytes = self.text.as_bytes();
        let mut cuts = vec![0];
        let mut at = size;
        while at < bytes.len() {
            let Some(line_break) = memchr::memchr(b'\n', &bytes[at..]) else {
                break;
            };
            let cut = at + line_break + 1;
            if cut == bytes.len() {
                break;
            }
            let first = self.edits.partition_point(|(_, e)| self.span(e).end < cut);
            match self.edits.get(first).map(|(_, e)| self.span(e)) {
                // An edit takes in the line break: cut after it.
                Some(span) if span.start < cut => at = span.end,
                _ => {
                    cuts.push(cut);
                    at = cut.saturating_add(size);
                }
            }
        }
        cuts.push(bytes.len());
        let starting = |cut: usize| {
            self.edits
                .partition_point(|(_, e)| self.span(e).start < cut)
        };
        cuts.windows(2)
            .enumerate()
            .map(|(i, w)| Part {
                text: w[0]..w[1],
                // The last part takes every edit left (insertions at the end).
                edits: starting(w[0])..if i + 2 == cuts.len() {
                    self.edits.len()
                } else {
                    starting(w[1])
                },
            })
            .collect()
    }

    /// Renders one part into `body`, passing full blocks on to `sink` if given.
    fn render(
        &self,
        body: &mut Body,
        part: Part,
        mut sink: Option<&mut dyn io::Write>,
    ) -> io::Result<()> {
        // Many records share a find and replace (house style, spelling lists).
        let mut narrowed: HashMap<(&str, &str), Vec<Piece>> = HashMap::new();
        let mut copied = part.text.start;
        for &(record, edit) in &self.edits[part.edits] {
            let record = &self.records[record];
            let span = self.span(edit);
            body.plain(&self.text[copied.min(span.start)..span.start]);
            // The article's own text and what replaces it there (a tolerant match
            // or a change inside markup differs from the record's texts).
            let find = &self.original[edit.original.start..edit.original.end];
            let replace = &self.outcome.corrected[edit.corrected.start..edit.corrected.end];
            let pieces = narrowed
                .entry((find, replace))
                .or_insert_with(|| pieces(find, replace));
            let last_change = pieces
                .iter()
                .rposition(|p| matches!(p, Piece::Change { .. }));
            for (i, piece) in pieces.iter().enumerate() {
                match piece {
                    Piece::Same(same) => body.plain(same),
                    Piece::Change { del, ins } => {
                        body.mark("del", del);
                        body.mark("ins", ins);
                    }
                }
                if last_change.is_none_or(|last| last == i) {
                    body.raw(&format!("[^{}]", record.id));
                }
            }
            copied = span.end;
            if let Some(sink) = sink.as_deref_mut()
                && body.out.len() >= BLOCK
            {
                sink.write_all(body.out.as_bytes())?;
                body.out.clear();
            }
        }
        body.plain(&self.text[copied.min(part.text.end)..part.text.end]);
        Ok(())
    }
}

fn write_header(page: &mut String, header: Header<'_>, records: &[Record], outcome: &Outcome) {
    let by_category: Vec<String> = Category::ALL
        .iter()
        .filter_map(|&c| {
            let n = records.iter().filter(|r| r.category == c).count();
            (n > 0).then(|| format!("{c} {n}"))
        })
        .collect();
    let by_category = if by_category.is_empty() {
        "none".to_owned()
    } else {
        by_category.join(", ")
    };
    let _ = writeln!(page, "# Review: {}\n", escape_line(header.input));
    let _ = writeln!(
        page,
        "Generated by `correct` from the correction records; do not edit by hand. \
         Regenerate with `{}`.\n",
        header.regenerate.replace('`', "'")
    );
    let _ = writeln!(page, "| | |\n|---|---|");
    let _ = writeln!(
        page,
        "| Records | {}: {} applied, {} already applied, {} failed |",
        records.len(),
        outcome.count(Status::Applied),
        outcome.count(Status::AlreadyApplied),
        outcome.count(Status::Failed)
    );
    let _ = writeln!(page, "| Edits | {} |", outcome.edit_count());
    let _ = writeln!(page, "| By category | {by_category} |");
    let _ = writeln!(
        page,
        "| Input | {} sha256 `{}` |",
        escape_line(header.input),
        header.input_sha256
    );
    let _ = writeln!(
        page,
        "| Output | {} sha256 `{}` |\n",
        escape_line(header.output),
        header.output_sha256
    );
    page.push_str(
        "Removed text is marked <del>like this</del>, added text <ins>like this</ins>; \
         each change links to a note with its reason and sources.\n\n---\n\n",
    );
}

fn write_notes(page: &mut String, records: &[Record], outcome: &Outcome) {
    page.push_str("---\n");
    let mut already = Vec::new();
    for c in &outcome.corrections {
        let record = &records[c.record];
        match c.status {
            Status::Applied => {
                let _ = write!(page, "\n[^{}]: {}\n", record.id, note(record));
            }
            Status::AlreadyApplied => already.push(record),
            Status::Failed => {}
        }
    }
    if !already.is_empty() {
        page.push_str(
            "\n## Already applied\n\nThese records found their correction already in the text.\n\n",
        );
        for record in already {
            let _ = writeln!(page, "- {}", note(record));
        }
    }
}

/// `**id** (category): reason Sources: [title](<url>); title.`
fn note(record: &Record) -> String {
    let mut note = format!(
        "**{}** ({}): {}",
        escape_line(&record.id),
        record.category,
        escape_line(&one_line(&record.reason))
    );
    if !record.sources.is_empty() {
        let sources: Vec<String> = record
            .sources
            .iter()
            .map(|s| match &s.url {
                Some(url) => format!(
                    "[{}](<{}>)",
                    escape_line(&one_line(&s.title)),
                    url.replace(['<', '>', ' '], "")
                ),
                None => escape_line(&one_line(&s.title)),
            })
            .collect();
        let _ = write!(note, " Sources: {}.", sources.join("; "));
    }
    if let Some(notice) = &record.notice {
        let _ = write!(note, " Notice: {}", escape_line(&one_line(notice)));
    }
    note
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the article body line by line.
struct Body {
    markdown: bool,
    out: String,
    /// Nothing has been written on the current line yet.
    line_empty: bool,
}

impl Body {
    fn new(markdown: bool) -> Body {
        Body {
            markdown,
            out: String::with_capacity(BLOCK + BLOCK / 4),
            line_empty: true,
        }
    }

    /// Article text, escaped for plain-text inputs.
    fn plain(&mut self, text: &str) {
        self.each_line(text, |body, part| {
            if body.markdown {
                body.out.push_str(part);
            } else {
                escape_into(&mut body.out, part, body.line_empty);
            }
            body.line_empty &= part.is_empty();
        });
    }

    /// Changed text inside `<tag>`, one pair of tags per line.
    fn mark(&mut self, tag: &str, text: &str) {
        self.each_line(text, |body, part| {
            let part = if body.markdown && body.line_empty {
                // Keep a Markdown block marker outside the tag, so that an inserted
                // heading or list item stays one.
                let marker = block_marker(part);
                body.out.push_str(&part[..marker]);
                body.line_empty &= marker == 0;
                &part[marker..]
            } else {
                part
            };
            if part.is_empty() {
                return;
            }
            let _ = write!(body.out, "<{tag}>");
            if body.markdown {
                body.out.push_str(part);
            } else {
                escape_into(&mut body.out, part, false);
            }
            let _ = write!(body.out, "</{tag}>");
            body.line_empty = false;
        });
    }

    fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
        self.line_empty &= markup.is_empty();
    }

    fn each_line(&mut self, text: &str, mut f: impl FnMut(&mut Body, &str)) {
        let line = |at: Range<usize>| {
            let part = &text[at];
            part.strip_suffix('\r').unwrap_or(part)
        };
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
            f(self, line(start..end));
            self.end_line();
            start = end + 1;
        }
        f(self, line(start..text.len()));
    }

    fn end_line(&mut self) {
        if self.markdown {
            self.out.push('\n');
        } else if !self.line_empty {
            // One paragraph per line of the article.
            self.out.push_str("\n\n");
        }
        self.line_empty = true;
    }

    /// Ends the last line and returns what is left of the page. The page
    /// (header included) then ends with a line break: the header does, and so
    /// does every ended line.
    fn finish(mut self) -> String {
        self.end_line();
        self.out
    }
}

/// Length of the Markdown block markers that open `line`: indentation, `#`s of
/// a heading, `>` of a quote, list bullets and numbers.
///
/// ```text
/// "## Corrections" -> "## "      "> - 1) item" -> "> - 1) "      "plain" -> ""
/// ```
fn block_marker(line: &str) -> usize {
    let mut at = line.len() - line.trim_start_matches(' ').len();
    loop {
        let rest = &line[at..];
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let marker = if (1..=6).contains(&hashes) && rest[hashes..].starts_with(' ') {
            hashes + 1
        } else if rest.starts_with(['>', '-', '*', '+']) && rest[1..].starts_with(' ') {
            2
        } else if (1..=9).contains(&digits)
            && rest[digits..].starts_with([')', '.'])
            && rest[digits + 1..].starts_with(' ')
        {
            digits + 2
        } else {
            return at;
        };
        at += marker;
    }
}

/// Text escaped as one whole line.
fn escape_line(text: &str) -> String {
    let mut out = String::new();
    escape_into(&mut out, text, true);
    out
}

/// Escapes plain text so that CommonMark + GFM renders it literally. `at_start`:
/// the text begins a line, where `#`, `-`, `1.` and the like would start a block.
///
/// Inline markup characters are always escaped; block markers only at a line's
/// start; leading spaces become entities so that they cannot start a code block.
fn escape_into(out: &mut String, text: &str, at_start: bool) {
    let mut rest = text;
    if at_start {
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        for c in rest[..spaces].chars() {
            out.push_str(if c == ' ' { "&#32;" } else { "&#9;" });
        }
        rest = &rest[spaces..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && rest[digits..].starts_with(['.', ')']) {
            out.push_str(&rest[..digits]);
            out.push('\\');
            rest = &rest[digits..];
        } else if rest.starts_with(['#', '+', '-', '=']) {
            // `>` is escaped below with the inline characters.
            out.push('\\');
        }
    }
    // The characters to escape are ASCII, so byte positions are char boundaries.
    let bytes = rest.as_bytes();
    let mut copied = 0;
    // Escapes the bytes whose bits are set in `mask`, bit 0 being `bytes[base]`.
    let mut escape = |mut mask: u32, base: usize| {
        while mask != 0 {
            let at = base + mask.trailing_zeros() as usize;
            out.push_str(&rest[copied..at]);
            out.push('\\');
            copied = at;
            mask &= mask - 1;
        }
    };
    let mut blocks = bytes.chunks_exact(32);
    for (n, block) in blocks.by_ref().enumerate() {
        escape(markup_mask(block.try_into().expect("32 bytes")), n * 32);
    }
    let left = blocks.remainder().len();
    if left > 0 {
        let tail = bytes.len() - left;
        // The last 32 bytes when there are that many (their first bytes were
        // looked at already); else the few there are, padded with zeros.
        let mask = match bytes.last_chunk::<32>() {
            Some(last) => markup_mask(last) >> (32 - left),
            None => {
                let mut padded = [0u8; 32];
                padded[..left].copy_from_slice(blocks.remainder());
                markup_mask(&padded)
            }
        };
        escape(mask, tail);
    }
    out.push_str(&rest[copied..]);
}

/// One bit per byte of `block` that needs escaping, found with comparisons the
/// compiler vectorises.
#[inline(always)]
fn markup_mask(block: &[u8; 32]) -> u32 {
    let mut flags = [0u8; 32];
    for (flag, &b) in flags.iter_mut().zip(block) {
        *flag = u8::from(is_markup(b));
    }
    // 32 flags: the mask fits in 32 bits.
    crate::bits::pack(&flags) as u32
}

/// A character that starts inline markup anywhere in a line (one of
/// ``\ ` * _ [ ] < > | ~ &``), as comparisons the compiler can vectorise.
#[inline(always)]
fn is_markup(b: u8) -> bool {
    (b == b'\\')
        | (b == b'`')
        | (b == b'*')
        | (b == b'_')
        | (b == b'[')
        | (b == b']')
        | (b == b'<')
        | (b == b'>')
        | (b == b'|')
        | (b == b'~')
        | (b == b'&')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters that start inline markup anywhere in a line.
    const INLINE_MARKUP: &[u8] = b"\\`*_[]<>|~&";

    #[test]
    fn a_page_rendered_in_parts_equals_the_page_rendered_whole() {
        // Edits that take in line breaks, end at one, insert at a line start
        // or at the end, a BOM, CRLF, blank lines and markup to escape.
        let text = "\u{feff}one *two*\nthree four\r\n\nfive\nsix\n- seven\neight";
        let records = [
            Record::new("a", "\u{feff}one", "One"),
            Record::new("b", "four\r\n\nfive", "4\n5"),
            Record::new("c", "six\n", "6 "),
            Record::new("d", "eight", "eight\nnine"),
        ];
        let outcome = crate::outcome::correct(text, &records);
        assert!(outcome.succeeded(), "{:?}", outcome.corrections);
        for markdown in [false, true] {
            let header = Header {
                input: "input/a.txt",
                input_sha256: "0",
                output: "output/a.txt",
                output_sha256: "0",
                regenerate: "correct input/a.txt",
                markdown,
                appended: "\n## Notice",
            };
            let page = |part| {
                let mut page = Vec::new();
                write_in_parts(&mut page, header, text, &records, &outcome, part).unwrap();
                String::from_utf8(page).unwrap()
            };
            let whole = page(usize::MAX);
            assert!(whole.contains("<ins>5</ins>[^b]"), "{whole}");
            for part in 1..=text.len() {
                assert_eq!(
                    page(part),
                    whole,
                    "parts of {part} bytes, markdown {markdown}"
                );
            }
        }
    }

    #[test]
    fn parts_are_cut_only_at_line_breaks_no_edit_touches() {
        let text = "ab\ncd\nef\ngh\n";
        let records = [Record::new("x", "d\ne", "D E")];
        let outcome = crate::outcome::correct(text, &records);
        let article = Article {
            original: text,
            text,
            bom: 0,
            records: &records,
            outcome: &outcome,
            edits: outcome.corrections[0]
                .edits
                .iter()
                .map(|e| (0, e))
                .collect(),
            markdown: false,
        };
        let cuts: Vec<Range<usize>> = article.parts(1).into_iter().map(|p| p.text).collect();
        assert_eq!(cuts, [0..3, 3..9, 9..12]);
    }

    #[test]
    fn inline_markup_is_escaped_everywhere() {
        assert_eq!(
            escape_line("a *b* _c_ `d` [e](f) <g> | ~h~ & \\"),
            r"a \*b\* \_c\_ \`d\` \[e\](f) \<g\> \| \~h\~ \& \\"
        );
    }

    #[test]
    fn long_runs_escape_like_short_ones() {
        let text = format!("{}*{}_x", "a".repeat(40), "b".repeat(31));
        let mut out = String::new();
        escape_into(&mut out, &text, false);
        assert_eq!(out, format!("{}\\*{}\\_x", "a".repeat(40), "b".repeat(31)));
        for b in 0..=u8::MAX {
            assert_eq!(is_markup(b), INLINE_MARKUP.contains(&b), "{b}");
        }
        // Markup at every position of a block and of a short tail.
        for len in 1..70 {
            for at in 0..len {
                let mut text = "a".repeat(len);
                text.replace_range(at..=at, "`");
                let mut out = String::new();
                escape_into(&mut out, &text, false);
                assert_eq!(out, text.replace('`', "\\`"), "{len} {at}");
            }
        }
    }

    #[test]
    fn block_markers_are_found_for_markdown_marks() {
        assert_eq!(block_marker("## Corrections"), 3);
        assert_eq!(block_marker("> - 1) item"), 7);
        assert_eq!(block_marker("plain"), 0);
        assert_eq!(block_marker("#hashtag"), 0);
        assert_eq!(block_marker("2024. A year"), 6);
    }

    #[test]
    fn block_markers_are_escaped_at_line_start_only() {
        assert_eq!(escape_line("# Title"), r"\# Title");
        assert_eq!(escape_line("1. one"), r"1\. one");
        assert_eq!(escape_line("12) twelve"), r"12\) twelve");
        assert_eq!(escape_line("- item"), r"\- item");
        assert_eq!(escape_line("    code"), "&#32;&#32;&#32;&#32;code");
        let mut mid = String::new();
        escape_into(&mut mid, "# 1. -", false);
        assert_eq!(mid, "# 1. -");
    }
}
