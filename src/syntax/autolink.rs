//! GitHub's extended autolinks (GFM's autolink extension): the `www.` and
//! `http(s)://` addresses in plain text that GitHub turns into links, and
//! that a correction must therefore not land in.

use std::ops::Range;

/// GFM's extended autolinks in `text` (spec 6.9, as cmark-gfm, GitHub's
/// renderer, applies it): `www.` links at the start of the text, after white
/// space or after `*`, `_`, `~` or `(`; `http(s)://` links after any character
/// but a letter or digit; e-mail addresses; each up to white space or `<`,
/// less trailing punctuation and an unbalanced `)`.
///
/// ```
/// # use correct::markdown::extended_autolinks;
/// let text = "See www.example.com/teh, (https://a.org/x) or mail a.b@c.org.";
/// let found: Vec<&str> = extended_autolinks(text).map(|r| &text[r]).collect();
/// assert_eq!(found, ["www.example.com/teh", "https://a.org/x", "a.b@c.org"]);
/// ```
pub fn extended_autolinks(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            let here = at;
            at += 1;
            if let Some(link) = autolink_at(text, here) {
                at = link.end;
                return Some(link);
            }
        }
        None
    })
}

/// The extended autolink that starts at `here` (an email address: that has
/// its `@` there), if one does.
fn autolink_at(text: &str, here: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    if !text.is_char_boundary(here) {
        return None;
    }
    let rest = &bytes[here..];
    let starts_with = |prefix: &[u8]| {
        rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    // cmark-gfm (GitHub) links a URL after any character that is not a
    // letter or digit (`<https://…`, `"https://…`), a `www.` only where the
    // spec says.
    let url_start = here == 0 || !bytes[here - 1].is_ascii_alphanumeric();
    if url_start
        && let Some(scheme) = [&b"https://"[..], b"http://"]
            .into_iter()
            .find(|s| starts_with(s))
        && let Some(d) = domain_end(text, here + scheme.len())
    {
        return Some(here..path_end(text, d).max(d));
    }
    if valid_start(bytes, here)
        && starts_with(b"www.")
        && let Some(d) = domain_end(text, here)
    {
        return Some(here..path_end(text, d).max(d));
    }
    if bytes[here] != b'@' {
        return None;
    }
    let local = bytes[..here]
        .iter()
        .rev()
        // A backslash escape (`foo\+@…`) reads as its character.
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_' | b'\\'))
        .count();
    let d = domain_end(text, here + 1).filter(|_| local > 0)?;
    (!text[..d].ends_with(['-', '_'])).then_some(here - local..d)
}

/// Whether a `www.` autolink may start at `at`: at the text's start or
/// after whitespace, an emphasis delimiter or `(`.
fn valid_start(bytes: &[u8], at: usize) -> bool {
    at == 0
        || matches!(
            bytes[at - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'*' | b'_' | b'~' | b'('
        )
}

/// The end of a valid domain starting at `from`: at least one period, and
/// no underscore in its last two segments.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = from;
    let mut dots = 0;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'-' | b'_' | b'.'))
    {
        dots += usize::from(bytes[end] == b'.');
        end += 1;
    }
    let domain = text[from..end].trim_end_matches('.');
    let segments: Vec<&str> = domain.split('.').collect();
    let last_two_clean = segments
        .iter()
        .rev()
        .take(2)
        .all(|s| !s.contains('_') && !s.is_empty());
    (dots >= 1 && segments.len() >= 2 && last_two_clean).then_some(from + domain.len())
}

/// The end of an autolink's path from `from`: up to whitespace or `<`, less
/// trailing punctuation, a `)` without its `(`, and an entity reference.
fn path_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = from;
    while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] != b'<' {
        end += 1;
    }
    loop {
        let link = &text[from..end];
        match link.chars().last() {
            Some('?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"') => end -= 1,
            Some(')') if link.matches(')').count() > link.matches('(').count() => end -= 1,
            Some(';') => match link.rfind('&') {
                Some(amp)
                    if link[amp + 1..link.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric()) =>
                {
                    end = from + amp;
                }
                _ => break,
            },
            _ => break,
        }
    }
    end
}
