//! The tokenizer: an HTML source cut into tags (with quoted attribute
//! values), comments, doctypes and bogus comments, CDATA sections, raw text
//! (`script`, `style` and their kin), character references and text, as
//! byte ranges, after the WHATWG tokenizer's states.

use std::ops::Range;

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
