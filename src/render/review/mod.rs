//! The review page (`output/K.review.md`): the whole article as a redline, each
//! change marked in place as `<del>old</del><ins>new</ins>` on the words that
//! changed, with a footnote giving the record's id, category, reason and sources.
//!
//! Plain-text articles are escaped so that they render literally in any CommonMark
//! + GFM renderer, one paragraph per line. Markdown articles keep their own markup.

use std::collections::HashMap;
use std::io;
use std::ops::Range;

use rayon::prelude::*;

use crate::outcome::{Outcome, PlacedEdit};
use crate::record::Record;
use crate::text::words::{Piece, pieces};

mod body;
mod notes;
use body::Body;
pub use notes::{INDEX_LIMIT, label_prefix};
pub(crate) use notes::{one_line, sources};
use notes::{write_header, write_index, write_notes};

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
    /// The input's syntax: Markdown keeps its markup, HTML is shown as it
    /// reads (its text, a paragraph per block), plain text is escaped.
    pub syntax: crate::syntax::Syntax,
    /// Text added after the article (the `--append-notice` section), or empty.
    pub appended: &'a str,
    /// The word diff's path (`output/K.wdiff`), which lists every change
    /// when the page's index stops at [`INDEX_LIMIT`].
    pub wdiff: &'a str,
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
    out: &mut (dyn io::Write + Send),
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
    out: &mut (dyn io::Write + Send),
    header: Header<'_>,
    original: &str,
    records: &[Record],
    outcome: &Outcome,
    part: usize,
) -> io::Result<()> {
    let mut head = String::new();
    write_header(&mut head, header, records, outcome);
    write_index(&mut head, header, original, records, outcome);
    out.write_all(head.as_bytes())?;
    let (front, article) = Article::of(header, original, records, outcome);
    if let Some(front) = front {
        out.write_all(front.as_bytes())?;
    }
    let parts = article.parts(part);
    let (last, before) = parts.split_last().expect("there is always a part");
    article.write_parts(out, before)?;
    let mut body = Body::into(article.markdown, Vec::with_capacity(BLOCK + BLOCK / 4));
    article.render(&mut body, last.clone(), Some(&mut *out))?;
    body.mark("ins", header.appended);
    let mut notes = String::new();
    write_notes(&mut notes, records, outcome, &article.label);
    let mut page = body.finish();
    page.extend_from_slice(notes.as_bytes());
    out.write_all(&page)
}

/// Front matter as a fenced code block, with a fence longer than any run of
/// backticks in it: `---` becomes "```yaml", `+++` "```toml".
fn front_matter_block(front: &str) -> String {
    let longest = front.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let language = if front.starts_with("+++") {
        "toml"
    } else {
        "yaml"
    };
    // The data between the opening and the closing fence.
    let body = front.replace("\r\n", "\n");
    let lines: Vec<&str> = body.trim_end_matches('\n').lines().collect();
    let inner = match lines.len() {
        0..=2 => String::new(),
        n => lines[1..n - 1].join("\n") + "\n",
    };
    format!("Front matter:\n\n{fence}{language}\n{inner}{fence}\n\n")
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
    /// An HTML article's markup and how each stretch of it is shown (see
    /// [`crate::syntax::html::reading`]); empty for other syntaxes.
    reading: Vec<(Range<usize>, crate::syntax::html::Show)>,
    /// What every footnote label of the page starts with (see [`label_prefix`]).
    label: String,
}

/// A span of the article's text and the edits that start in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    text: Range<usize>,
    edits: Range<usize>,
}

impl<'a> Article<'a> {
    /// The article the page shows, its edits in text order, after the code
    /// block that shows a Markdown article's front matter on its own (after
    /// the page's header it would read as a rule and a heading), which the
    /// article then leaves out.
    fn of(
        header: Header<'_>,
        original: &'a str,
        records: &'a [Record],
        outcome: &'a Outcome,
    ) -> (Option<String>, Article<'a>) {
        let mut edits: Vec<_> = outcome
            .corrections
            .iter()
            .flat_map(|c| c.edits().iter().map(move |e| (c.record, e)))
            .collect();
        edits.sort_by_key(|(_, e)| e.original.start);
        let mut text = original.strip_prefix('\u{feff}').unwrap_or(original);
        let mut block = None;
        if header.syntax.is_markdown()
            && let Some(front) = crate::markdown::front_matter(original)
            && edits
                .first()
                .is_none_or(|(_, e)| e.original.start >= front.end)
        {
            block = Some(front_matter_block(
                &original[original.len() - text.len()..front.end],
            ));
            text = &original[front.end..];
        }
        let article = Article {
            original,
            text,
            bom: original.len() - text.len(),
            records,
            outcome,
            edits,
            markdown: header.syntax.is_markdown(),
            reading: header.syntax.reading(text),
            label: label_prefix(original),
        };
        (block, article)
    }

    /// Writes the parts `before` the last into `out`. Every part but the
    /// last starts and ends at a line start, so it renders alone. A few parts
    /// per core are rendered at a time while the ones before them are
    /// written, in order; their buffers are used again two rounds later. (A
    /// small article has one part: no thread pool is started for it.)
    fn write_parts(&self, out: &mut (dyn io::Write + Send), before: &[Part]) -> io::Result<()> {
        let window = match before.is_empty() {
            true => 1,
            false => 2 * rayon::current_num_threads(),
        };
        let (mut ready, mut spare): (Vec<Vec<u8>>, Vec<Vec<u8>>) = (Vec::new(), Vec::new());
        for group in before.chunks(window) {
            spare.resize_with(group.len(), Vec::new);
            let (written, ()) = rayon::join(
                || ready.iter().try_for_each(|page| out.write_all(page)),
                || {
                    group.par_iter().zip(&mut spare).for_each(|(p, buffer)| {
                        let mut body = Body::into(self.markdown, std::mem::take(buffer));
                        body.out.reserve(p.text.len() + p.text.len() / 2);
                        self.render(&mut body, p.clone(), None)
                            .expect("writing to memory cannot fail");
                        *buffer = body.out;
                    });
                },
            );
            written?;
            std::mem::swap(&mut ready, &mut spare);
        }
        ready.iter().try_for_each(|page| out.write_all(page))
    }
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

    /// The article's unchanged text `range` into `body`: as written, or for
    /// an HTML article as it reads (markup left out, blocks as paragraphs,
    /// references left for the Markdown renderer to read, white space
    /// collapsed).
    fn plain(&self, body: &mut Body, range: Range<usize>) {
        use crate::syntax::html::Show;
        if self.reading.is_empty() {
            body.plain(&self.text[range]);
            return;
        }
        let text = |body: &mut Body, stretch: &str| {
            for (i, word) in stretch.split_ascii_whitespace().enumerate() {
                let spaced = i > 0 || stretch.starts_with(|c: char| c.is_ascii_whitespace());
                if spaced && !body.line_empty {
                    body.plain(" ");
                }
                body.plain(word);
            }
            if stretch.ends_with(|c: char| c.is_ascii_whitespace()) && !body.line_empty {
                body.plain(" ");
            }
        };
        let mut at = range.start;
        let first = self.reading.partition_point(|(r, _)| r.end <= range.start);
        for (markup, show) in &self.reading[first..] {
            if markup.start >= range.end {
                break;
            }
            if markup.start > at {
                text(body, &self.text[at..markup.start]);
            }
            // A stretch cut by the range is shown where it starts.
            if markup.start >= range.start {
                match show {
                    Show::Hidden => {}
                    Show::Break => body.plain("\n"),
                    Show::Space => {
                        if !body.line_empty {
                            body.plain(" ");
                        }
                    }
                    Show::Reference => body.raw(&self.text[markup.clone()]),
                }
            }
            at = markup.end.min(range.end).max(at);
        }
        if at < range.end {
            text(body, &self.text[at..range.end]);
        }
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
            self.plain(body, copied.min(span.start)..span.start);
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
                    body.raw(&format!("[^{}{}]", self.label, record.id));
                }
            }
            copied = span.end;
            if let Some(sink) = sink.as_deref_mut()
                && body.out.len() >= BLOCK
            {
                sink.write_all(&body.out)?;
                body.out.clear();
            }
        }
        self.plain(body, copied.min(part.text.end)..part.text.end);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text::escape::tests::escaped_by_hand;

    /// The body of plain `pieces` (as the page writes them between edits, from a
    /// line start) escaped character by character, one line at a time: what the
    /// one-pass [`Body::plain`] must give.
    fn plain_by_hand(pieces: &[&str]) -> String {
        let mut out = String::new();
        let mut line_empty = true;
        for piece in pieces {
            let lines: Vec<&str> = piece.split('\n').collect();
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    if !line_empty {
                        out.push_str("\n\n");
                    }
                    line_empty = true;
                }
                let line = line.strip_suffix('\r').unwrap_or(line);
                let mut rest = line;
                if line_empty {
                    let body = rest.trim_start_matches([' ', '\t']);
                    for c in rest[..rest.len() - body.len()].chars() {
                        out.push_str(if c == ' ' { "&#32;" } else { "&#9;" });
                    }
                    rest = body;
                    let digits = rest.chars().take_while(char::is_ascii_digit).count();
                    if digits > 0 && rest[digits..].starts_with(['.', ')']) {
                        out.push_str(&rest[..digits]);
                        out.push('\\');
                        rest = &rest[digits..];
                    } else if rest.starts_with(['#', '+', '-', '=']) {
                        out.push('\\');
                    }
                }
                // `rest` ends the line; what stands before it counts too.
                let start = line.len() - rest.len();
                for (i, c) in rest.char_indices() {
                    out.push_str(&escaped_by_hand(line, start + i, c));
                }
                line_empty &= line.is_empty();
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn plain_text_escapes_as_it_would_line_by_line(
            text in "[a1 \t\n\r#+=.)*_<&é@:/whtps-]{0,200}",
            cuts in proptest::collection::vec(0..=200usize, 0..4),
        ) {
            // The text in pieces cut anywhere (on character boundaries), as the
            // edits between them would cut it.
            let mut cuts: Vec<usize> = cuts
                .into_iter()
                .map(|c| c.min(text.len()))
                .filter(|&c| text.is_char_boundary(c))
                .collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([text.len()]) {
                pieces.push(&text[from..cut]);
                from = cut;
            }
            let mut body = Body::into(false, Vec::new());
            for piece in &pieces {
                body.plain(piece);
            }
            proptest::prop_assert_eq!(String::from_utf8(body.out).unwrap(), plain_by_hand(&pieces));
        }
    }

    /// The page, rendered in parts of `part` bytes.
    fn in_parts(
        header: Header<'_>,
        text: &str,
        records: &[Record],
        outcome: &Outcome,
        part: usize,
    ) -> String {
        let mut page = Vec::new();
        write_in_parts(&mut page, header, text, records, outcome, part).unwrap();
        String::from_utf8(page).unwrap()
    }

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
        use crate::syntax::Syntax;
        for syntax in [Syntax::Plain, Syntax::Markdown, Syntax::Html] {
            let header = Header {
                input: "input/a.txt",
                input_sha256: "0",
                output: "output/a.txt",
                output_sha256: "0",
                regenerate: "correct input/a.txt",
                syntax,
                appended: "\n## Notice",
                wdiff: "output/a.wdiff",
            };
            let page = |part| in_parts(header, text, &records, &outcome, part);
            let whole = page(usize::MAX);
            assert!(whole.contains("<ins>5</ins>[^fix-b]"), "{whole}");
            for part in 1..=text.len() {
                assert_eq!(page(part), whole, "parts of {part} bytes, {syntax:?}");
            }
        }
    }

    #[test]
    fn an_html_article_reads_as_its_text_in_any_parts() {
        use crate::syntax::Syntax;
        let text = "<p>one <em>two</em>\nthree</p>\n<script>\nvar x = '<p>';\n</script>\n\
                    <p title=\"t\">four &amp; five</p>\n<div>six\n  seven</div>";
        let records = [
            Record::new("a", "two", "2"),
            Record::new("b", "four", "4"),
            Record::new("c", "seven", "7"),
        ];
        let outcome = crate::outcome::correct_with(
            text,
            &records,
            crate::locate::Tolerance::default(),
            Syntax::Html,
        );
        assert!(outcome.succeeded(), "{:?}", outcome.corrections);
        let header = Header {
            input: "input/a.html",
            input_sha256: "0",
            output: "output/a.html",
            output_sha256: "0",
            regenerate: "correct input/a.html",
            syntax: Syntax::Html,
            appended: "",
            wdiff: "output/a.wdiff",
        };
        let page = |part| in_parts(header, text, &records, &outcome, part);
        let whole = page(usize::MAX);
        let body = &whole[whole.find("\n---\n").unwrap()..];
        assert!(
            body.contains("one <del>two</del><ins>2</ins>[^fix-a] three\n\n"),
            "{body}"
        );
        assert!(
            body.contains("<del>four</del><ins>4</ins>[^fix-b] &amp; five"),
            "{body}"
        );
        assert!(
            body.contains("six <del>seven</del><ins>7</ins>[^fix-c]"),
            "{body}"
        );
        assert!(!body.contains("var x") && !body.contains("title"), "{body}");
        for part in 1..=text.len() {
            assert_eq!(page(part), whole, "parts of {part} bytes");
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
                .edits()
                .iter()
                .map(|e| (0, e))
                .collect(),
            markdown: false,
            reading: Vec::new(),
            label: label_prefix(text),
        };
        let cuts: Vec<Range<usize>> = article.parts(1).into_iter().map(|p| p.text).collect();
        assert_eq!(cuts, [0..3, 3..9, 9..12]);
    }
}
