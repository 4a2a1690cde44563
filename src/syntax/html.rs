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

/// One token of an HTML source, as a byte range of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Text between markup.
    Text(Range<usize>),
    /// A character reference (`&amp;`, `&#8217;`).
    Reference(Range<usize>),
    /// A start or end tag, attributes included; `name` in lower case.
    Tag {
        range: Range<usize>,
        name: String,
        end: bool,
    },
    /// A comment, doctype, processing instruction or CDATA section.
    Comment(Range<usize>),
    /// The content of a raw-text or RCDATA element (`script`, `title`, …).
    RawText(Range<usize>),
}

/// Elements whose content is not markup: up to their end tag it is all text.
const RAW_TEXT: [&str; 9] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title", "textarea",
];

/// Elements whose text readers do not read as prose (code, hidden, or the
/// text of a figure in SVG or MathML).
const NOT_PROSE: [&str; 7] = ["code", "pre", "kbd", "samp", "template", "svg", "math"];

/// Every token of `source`, in order, covering it without gaps.
pub(crate) fn tokens(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let (mut at, mut text_from) = (0, 0);
    let flush = |tokens: &mut Vec<Token>, from: usize, to: usize| {
        if from < to {
            tokens.push(Token::Text(from..to));
        }
    };
    while at < bytes.len() {
        match bytes[at] {
            b'&' => {
                let end = reference_end(bytes, at);
                if end > at + 1 {
                    flush(&mut tokens, text_from, at);
                    tokens.push(Token::Reference(at..end));
                    text_from = end;
                    at = end;
                } else {
                    at += 1;
                }
            }
            b'<' => {
                let Some((token, end)) = markup(bytes, at) else {
                    at += 1;
                    continue;
                };
                flush(&mut tokens, text_from, at);
                let raw = raw_text_close(bytes, &token, end);
                tokens.push(token);
                at = end;
                text_from = end;
                if let Some(close) = raw {
                    if close > at {
                        tokens.push(Token::RawText(at..close));
                    }
                    at = close;
                    text_from = close;
                }
            }
            _ => at += 1,
        }
    }
    flush(&mut tokens, text_from, bytes.len());
    tokens
}

/// Where the raw text after `token` (which ends at `at`) ends, when the
/// token opens some: it runs to its end tag (`plaintext`: to the end). In
/// SVG or MathML a `style` or `title` holds markup, but none of it is prose
/// either: protecting it whole is the safe reading.
fn raw_text_close(bytes: &[u8], token: &Token, at: usize) -> Option<usize> {
    let Token::Tag {
        name, end: false, ..
    } = token
    else {
        return None;
    };
    match name.as_str() {
        "plaintext" => Some(bytes.len()),
        "script" => Some(script_end(bytes, at)),
        raw if RAW_TEXT.contains(&raw) => Some(raw_text_end(bytes, at, raw)),
        _ => None,
    }
}

/// The end of the character reference at `at` (an `&`), or `at + 1` when
/// none starts there. Any `&name` or `&#digits` counts, with or without its
/// `;`: a reference is never cut, and an `&` that is not one is kept whole
/// too (a match may not start or end at it).
fn reference_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at + 1;
    if bytes.get(end) == Some(&b'#') {
        end += 1;
        if matches!(bytes.get(end), Some(b'x' | b'X')) {
            end += 1;
        }
        let digits = end;
        while bytes.get(end).is_some_and(u8::is_ascii_hexdigit) {
            end += 1;
        }
        if end == digits {
            return at + 1;
        }
    } else {
        if !bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
            return at + 1;
        }
        while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        }
    }
    if bytes.get(end) == Some(&b';') {
        end += 1;
    }
    end
}

/// The markup token starting at `at` (a `<`) and where it ends, or `None`
/// when the `<` is text.
fn markup(bytes: &[u8], at: usize) -> Option<(Token, usize)> {
    let rest = &bytes[at..];
    let until = |from: usize, pattern: &[u8]| -> usize {
        memchr::memmem::find(&bytes[from..], pattern)
            .map_or(bytes.len(), |i| from + i + pattern.len())
    };
    let comment = |end: usize| Some((Token::Comment(at..end), end));
    match rest.get(1)? {
        b'!' if rest.starts_with(b"<!--") => {
            // `<!-->` and `<!--->` close at once.
            for short in [&b"<!-->"[..], b"<!--->"] {
                if rest.starts_with(short) {
                    return comment(at + short.len());
                }
            }
            comment(bang_close(bytes, at + 4))
        }
        // A CDATA section (text in SVG and MathML, a bogus comment to the
        // first `>` elsewhere): to its `]]>`, which covers both readings.
        b'!' if rest.starts_with(b"<![CDATA[") => comment(until(at + 9, b"]]>")),
        b'!' | b'?' => comment(until(at + 2, b">")),
        b'/' => match rest.get(2) {
            Some(c) if c.is_ascii_alphabetic() => Some(tag(bytes, at, at + 2, true)),
            // `</>` is dropped.
            Some(b'>') => Some((
                Token::Tag {
                    range: at..at + 3,
                    name: String::new(),
                    end: true,
                },
                at + 3,
            )),
            None => None,
            _ => comment(until(at + 2, b">")),
        },
        c if c.is_ascii_alphabetic() => Some(tag(bytes, at, at + 1, false)),
        _ => None,
    }
}

/// A comment also ends at `--!>`: the earlier of it and `-->`.
fn bang_close(bytes: &[u8], from: usize) -> usize {
    let dashes = memchr::memmem::find(&bytes[from..], b"-->").map(|i| from + i + 3);
    let bang = memchr::memmem::find(&bytes[from..], b"--!>").map(|i| from + i + 4);
    match (dashes, bang) {
        (Some(d), Some(b)) => d.min(b),
        (Some(end), None) | (None, Some(end)) => end,
        (None, None) => bytes.len(),
    }
}

/// A start or end tag from `at` whose name starts at `name_at`: its token and
/// end. Attribute values in quotes may hold `>`; a tag cut off by the end of
/// the source runs to it.
fn tag(bytes: &[u8], at: usize, name_at: usize, end_tag: bool) -> (Token, usize) {
    let space = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut i = name_at;
    while i < bytes.len() && !space(bytes[i]) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    let name = String::from_utf8_lossy(&bytes[name_at..i]).to_ascii_lowercase();
    // Attributes: names, then `=` and a value, quoted or not.
    loop {
        while i < bytes.len() && (space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            break;
        }
        // A name (its first character may be `=`).
        i += 1;
        while i < bytes.len() && !space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let mut j = i;
        while j < bytes.len() && space(bytes[j]) {
            j += 1;
        }
        if bytes.get(j) != Some(&b'=') {
            continue;
        }
        i = j + 1;
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                i = memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |k| i + 1 + k + 1);
            }
            _ => {
                while i < bytes.len() && !space(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
            }
        }
    }
    let end = (i + 1).min(bytes.len());
    (
        Token::Tag {
            range: at..end,
            name,
            end: end_tag,
        },
        end,
    )
}

/// Where a script's text from `from` ends. As the tokenizer's script data
/// states read it: inside `<!--`, a `<script` starts a stretch where
/// `</script` does not end the element, up to its own `</script` or `-->`.
fn script_end(bytes: &[u8], from: usize) -> usize {
    let delimited = |at: usize| {
        bytes
            .get(at)
            .is_none_or(|b| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
    };
    let named = |at: usize, prefix: &[u8]| {
        bytes
            .get(at..at + prefix.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(prefix))
            && delimited(at + prefix.len())
    };
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut at = from;
    while at < bytes.len() {
        match state {
            State::Data if bytes[at..].starts_with(b"<!--") => {
                state = State::Escaped;
                at += 4;
                continue;
            }
            State::Data | State::Escaped if named(at, b"</script") => return at,
            State::Escaped | State::DoubleEscaped if bytes[at..].starts_with(b"-->") => {
                state = State::Data;
                at += 3;
                continue;
            }
            State::Escaped if named(at, b"<script") => {
                state = State::DoubleEscaped;
                at += 7;
                continue;
            }
            State::DoubleEscaped if named(at, b"</script") => {
                state = State::Escaped;
                at += 8;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// Where the raw text from `from` ends: at `</name` (any case) followed by
/// white space, `/` or `>`, or at the end of the source.
fn raw_text_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(i) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + i;
        let after = start + 2 + name.len();
        let named = bytes
            .get(start + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if named
            && bytes
                .get(after)
                .is_none_or(|b| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
        {
            return start;
        }
        at = start + 2;
    }
    bytes.len()
}

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
