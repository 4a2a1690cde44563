//! HTML articles (`.html`, `.htm`): what of the source readers see as text.
//!
//! A tokenizer after the WHATWG HTML tokenizer's states, reduced to what
//! decides where text is: tags (with quoted attribute values), comments,
//! doctypes and bogus comments, CDATA sections in SVG and MathML, the raw
//! text of `script`, `style` and their kin, and character references. It
//! keeps byte ranges, which HTML5 parsers do not give. Records match only in
//! the text nodes readers see: never in a tag or attribute, a comment, a
//! script or style, the page's `title`, a `textarea` or `template`, and not in
//! `code`, `pre`, `kbd` or `samp` (unless `"scope": "any"`); a character
//! reference is never cut. The tests compare the trees an independent HTML5
//! parser (html5lib) builds of the original and the corrected page.

use std::ops::Range;

use crate::syntax::protected::{Kind, Prose, Protected};

mod tokens;
pub(crate) use tokens::{Token, tokens};

/// Elements whose text readers do not read as prose (code, hidden, or the
/// text of a figure in SVG or MathML).
const NOT_PROSE: [&str; 7] = ["code", "pre", "kbd", "samp", "template", "svg", "math"];

/// How the review page shows a stretch of an HTML source that is not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Show {
    /// Not at all: an inline tag, a comment, a script or style.
    Hidden,
    /// As the end of a paragraph: a block-level tag.
    Break,
    /// As a space: a table cell's tag.
    Space,
    /// As written, unescaped: a character reference, which CommonMark reads
    /// as HTML does (every HTML5 name, and numeric references).
    Reference,
}

/// Elements that start or end a block of text: shown as paragraph breaks.
const BLOCKS: [&str; 33] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// The page as readers see it, for the review page: every stretch of the
/// source that is not shown as written, in order (text between them is
/// shown, its white space collapsed).
pub(crate) fn reading(source: &str) -> Vec<(Range<usize>, Show)> {
    tokens(source)
        .into_iter()
        .filter_map(|token| match token {
            Token::Text(_) => None,
            Token::Reference(range) => Some((range, Show::Reference)),
            Token::Tag { range, name, .. } => {
                let show = match name.as_str() {
                    "td" | "th" => Show::Space,
                    name if BLOCKS.contains(&name) => Show::Break,
                    _ => Show::Hidden,
                };
                Some((range, show))
            }
            Token::Comment(range) | Token::RawText(range) => Some((range, Show::Hidden)),
        })
        .collect()
}

/// The protected parts of an HTML source and its prose as it reads.
pub fn protected(source: &str) -> Protected {
    let mut ranges = Vec::new();
    let mut prose = Prose::default();
    // How many elements whose text is not prose are open, by name.
    let mut hidden: Vec<&'static str> = Vec::new();
    for token in tokens(source) {
        match token {
            Token::Tag {
                range, name, end, ..
            } => {
                let self_closed = source[range.clone()].ends_with("/>");
                if let Some(&kind) = NOT_PROSE.iter().find(|k| **k == name)
                    && !(self_closed && matches!(kind, "svg" | "math"))
                {
                    match end {
                        false => hidden.push(kind),
                        true => {
                            if let Some(i) = hidden.iter().rposition(|k| *k == kind) {
                                hidden.truncate(i);
                            }
                        }
                    }
                }
                ranges.push((range, Kind::Tag));
            }
            Token::Comment(range) => ranges.push((range, Kind::Comment)),
            Token::RawText(range) => ranges.push((range, Kind::RawText)),
            Token::Reference(range) if !hidden.is_empty() => ranges.push((range, Kind::Code)),
            Token::Text(range) if !hidden.is_empty() => ranges.push((range, Kind::Code)),
            Token::Reference(range) => {
                prose.push_decoded(&decode(&source[range.clone()]), range.clone());
                ranges.push((range, Kind::Reference));
            }
            Token::Text(range) => prose.push(source, &source[range.clone()], range),
        }
    }
    Protected::from_parts(ranges, prose)
}

/// What a character reference reads as, for the common ones; others read
/// as written (they are protected all the same).
fn decode(reference: &str) -> String {
    let name = reference.trim_start_matches('&').trim_end_matches(';');
    let numeric = match name.strip_prefix('#') {
        Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
        Some(dec) => dec.parse().ok(),
        None => None,
    };
    if let Some(c) = numeric.and_then(char::from_u32) {
        return c.to_string();
    }
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "mdash" => "—",
        "ndash" => "–",
        "rsquo" => "’",
        "lsquo" => "‘",
        "rdquo" => "”",
        "ldquo" => "“",
        "hellip" => "…",
        _ => reference,
    }
    .to_owned()
}

/// How `corrected` changes the markup of `original`, if it does: a tag,
/// attribute, comment or raw text added, removed or changed (the text
/// between them may change, that is what records do), described for people,
/// with its offset in `original`.
pub fn broken(original: &str, corrected: &str) -> Option<(String, usize)> {
    let markup = |source: &str| -> Vec<(String, usize)> {
        tokens(source)
            .into_iter()
            .filter_map(|t| match t {
                Token::Tag { range, .. } | Token::Comment(range) | Token::RawText(range) => {
                    Some((source[range.clone()].to_owned(), range.start))
                }
                Token::Text(_) | Token::Reference(_) => None,
            })
            .collect()
    };
    let (old, new) = (markup(original), markup(corrected));
    let first = old.iter().zip(&new).position(|(a, b)| a.0 != b.0);
    let shown = |s: &str| crate::render::failure::quoted(s);
    match first {
        Some(i) => Some((
            format!(
                "changes the markup {} into {}",
                shown(&old[i].0),
                shown(&new[i].0)
            ),
            old[i].1,
        )),
        None if new.len() > old.len() => Some((
            format!("adds the markup {}", shown(&new[old.len()].0)),
            old.last().map_or(0, |m| m.1),
        )),
        None if old.len() > new.len() => Some((
            format!("removes the markup {}", shown(&old[new.len()].0)),
            old[new.len()].1,
        )),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_at(source: &str, needle: &str) -> Option<Kind> {
        let at = source.find(needle).unwrap();
        protected(source).overlapping(at..at + needle.len())
    }

    #[test]
    fn only_the_text_readers_see_is_prose() {
        let source = "<!DOCTYPE html><html><head><title>War of 1945</title>\
            <style>p::after { content: '1946' }</style></head>\
            <body><!-- 1947 --><p class=\"y1948\" title='a > 1949'>The pact of 1941\
            <code>x = 1950</code> and <pre>1951</pre></p>\
            <script>if (a < 1952) {}</script><p>AT&amp;T 1953</p></body></html>";
        assert_eq!(kind_at(source, "1945"), Some(Kind::RawText));
        assert_eq!(kind_at(source, "1946"), Some(Kind::RawText));
        assert_eq!(kind_at(source, "1947"), Some(Kind::Comment));
        assert_eq!(kind_at(source, "1948"), Some(Kind::Tag));
        assert_eq!(kind_at(source, "1949"), Some(Kind::Tag));
        assert_eq!(kind_at(source, "The pact of 1941"), None);
        assert_eq!(kind_at(source, "1950"), Some(Kind::Code));
        assert_eq!(kind_at(source, "1951"), Some(Kind::Code));
        assert_eq!(kind_at(source, "1952"), Some(Kind::RawText));
        assert_eq!(kind_at(source, "AT&am"), Some(Kind::Reference));
        assert_eq!(kind_at(source, "AT&amp;T"), None);
        assert_eq!(kind_at(source, "T 1953"), None);
    }

    #[test]
    fn tokens_cover_the_source_in_order() {
        let source = "a<b c=\"<\">d&#x2019;e</b><script>x</script>f<!--g-->h< i</ j>";
        let mut at = 0;
        for token in tokens(source) {
            let range = match token {
                Token::Text(r) | Token::Reference(r) | Token::Comment(r) | Token::RawText(r) => r,
                Token::Tag { range, .. } => range,
            };
            assert_eq!(range.start, at, "{source:?}");
            at = range.end;
        }
        assert_eq!(at, source.len());
    }

    #[test]
    fn a_script_ends_where_the_tokenizer_ends_it() {
        let source = "<script><!-- x = '<script>'; y = '</script>'; --></script>After";
        let close = source.rfind("</script>").unwrap();
        assert!(tokens(source).contains(&Token::RawText(8..close)));
        let source = "<script>a</SCRIPT >b";
        assert!(tokens(source).contains(&Token::RawText(8..9)));
    }

    #[test]
    fn prose_reads_across_inline_tags_and_references() {
        let p = protected("<p>Battle of <em>Khalkhin&nbsp;Gol</em></p>");
        assert_eq!(p.prose.text, "Battle of Khalkhin\u{a0}Gol");
    }

    #[test]
    fn a_new_or_changed_tag_breaks_the_markup() {
        assert_eq!(broken("<p>1945</p>", "<p>1939</p>"), None);
        assert_eq!(broken("<p>a</p>", "<p>a &amp; b</p>"), None);
        assert!(broken("<p>a</p>", "<p><b>a</p>").unwrap().0.contains("<b>"));
        assert!(broken("<p>a</p>", "<p>a").unwrap().0.starts_with("removes"));
    }
}
