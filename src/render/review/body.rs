//! The review page's body: the article's lines written so that they render
//! as the article reads (a plain-text article escaped to render literally,
//! one paragraph per line; a Markdown article with its own markup).

use std::ops::Range;

use crate::text::escape::{
    Marked, copy, escape_at, escape_into, escape_line_start, markup_or_line_break_mask,
};

/// Builds the article body line by line.
pub(super) struct Body {
    pub(super) markdown: bool,
    /// The body so far: the article's UTF-8 with ASCII markup put in.
    pub(super) out: Vec<u8>,
    /// Nothing has been written on the current line yet.
    pub(super) line_empty: bool,
}

impl Body {
    /// A body written into `out` (emptied first; its memory is reused).
    pub(super) fn into(markdown: bool, mut out: Vec<u8>) -> Body {
        out.clear();
        Body {
            markdown,
            out,
            line_empty: true,
        }
    }

    /// Article text, escaped for plain-text inputs.
    pub(super) fn plain(&mut self, text: &str) {
        if self.markdown {
            self.each_line(text, |body, part| {
                body.out.extend_from_slice(part.as_bytes());
                body.line_empty &= part.is_empty();
            });
            return;
        }
        // One pass over the text: line breaks are found with the markup, so a
        // line costs a few instructions, not a call of its own.
        let bytes = text.as_bytes();
        let out = &mut self.out;
        let mut line_empty = self.line_empty;
        // Where the current line starts, and how much of the text is copied.
        let mut line = 0;
        let mut copied = match line_empty {
            true => escape_line_start(out, bytes),
            false => 0,
        };
        // A line ends before its `\r\n`, or before a `\r` ending the text.
        let end_of = |line: usize, at: usize| match at > line && bytes[at - 1] == b'\r' {
            true => at - 1,
            false => at,
        };
        for at in Marked::new(bytes, markup_or_line_break_mask) {
            if bytes[at] != b'\n' {
                copy(out, bytes, copied..at);
                copied = escape_at(out, bytes, at);
                continue;
            }
            let end = end_of(line, at);
            copy(out, bytes, copied..end);
            line_empty &= end == line;
            end_line(out, false, &mut line_empty);
            line = at + 1;
            copied = line + escape_line_start(out, &bytes[line..]);
        }
        let end = end_of(line, bytes.len());
        copy(out, bytes, copied..end);
        self.line_empty = line_empty && end == line;
    }

    /// Changed text inside `<tag>`, one pair of tags per line.
    pub(super) fn mark(&mut self, tag: &str, text: &str) {
        self.each_line(text, |body, part| {
            let part = if body.markdown && body.line_empty {
                // Keep a Markdown block marker outside the tag, so that an inserted
                // heading or list item stays one.
                let marker = block_marker(part);
                body.out.extend_from_slice(&part.as_bytes()[..marker]);
                body.line_empty &= marker == 0;
                &part[marker..]
            } else {
                part
            };
            if part.is_empty() {
                return;
            }
            body.out.extend_from_slice(b"<");
            body.out.extend_from_slice(tag.as_bytes());
            body.out.extend_from_slice(b">");
            if body.markdown {
                body.out.extend_from_slice(part.as_bytes());
            } else {
                escape_into(&mut body.out, part.as_bytes(), false);
            }
            body.out.extend_from_slice(b"</");
            body.out.extend_from_slice(tag.as_bytes());
            body.out.extend_from_slice(b">");
            body.line_empty = false;
        });
    }

    pub(super) fn raw(&mut self, markup: &str) {
        self.out.extend_from_slice(markup.as_bytes());
        self.line_empty &= markup.is_empty();
    }

    pub(super) fn each_line(&mut self, text: &str, mut f: impl FnMut(&mut Body, &str)) {
        let line = |at: Range<usize>| {
            let part = &text[at];
            part.strip_suffix('\r').unwrap_or(part)
        };
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
            f(self, line(start..end));
            end_line(&mut self.out, self.markdown, &mut self.line_empty);
            start = end + 1;
        }
        f(self, line(start..text.len()));
    }

    /// Ends the last line and returns what is left of the page. The page
    /// (header included) then ends with a line break: the header does, and so
    /// does every ended line.
    pub(super) fn finish(mut self) -> Vec<u8> {
        end_line(&mut self.out, self.markdown, &mut self.line_empty);
        self.out
    }
}

/// Ends a line of the body: a Markdown article keeps its line breaks; a plain
/// one becomes a paragraph per non-empty line.
#[inline(always)]
fn end_line(out: &mut Vec<u8>, markdown: bool, line_empty: &mut bool) {
    if markdown {
        out.push(b'\n');
    } else if !*line_empty {
        out.extend_from_slice(b"\n\n");
    }
    *line_empty = true;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_markers_are_found_for_markdown_marks() {
        assert_eq!(block_marker("## Corrections"), 3);
        assert_eq!(block_marker("> - 1) item"), 7);
        assert_eq!(block_marker("plain"), 0);
        assert_eq!(block_marker("#hashtag"), 0);
        assert_eq!(block_marker("2024. A year"), 6);
    }
}
