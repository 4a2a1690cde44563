//! Standalone HTML pages (`--html`): the corrected article and the redline,
//! rendered with pulldown-cmark (GFM tables, footnotes, strikethrough) inside a
//! page with a small inline stylesheet, for editors without GitHub.

use pulldown_cmark::{Event, Parser, Tag, TagEnd, html};

use crate::syntax::Syntax;

/// The stylesheet: readable prose, the marks and the footnotes.
const STYLE: &str = "body{max-width:46em;margin:2em auto;padding:0 1em;font:17px/1.55 Georgia,serif;color:#222}\
ins{background:#d4f7d4;text-decoration:none}\
del{background:#fbd4d4;color:#700}\
.footnote-definition{font-size:.9em;margin:.5em 0}\
.footnote-definition-label{vertical-align:super;font-size:.8em;margin-right:.3em}\
sup.footnote-reference a{text-decoration:none}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}\
code,pre{background:#f4f4f4}";

/// The pages' Content-Security-Policy: no script of any kind (inline, event
/// handlers, `javascript:` links), no plugin, no form, nothing fetched but
/// images; a page opened from disk has no sanitiser in front of it.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; form-action 'none'; base-uri 'none'";

/// The corrected article as a page (`--html`), as its syntax renders.
pub(crate) fn article(syntax: Syntax, title: &str, text: &str) -> String {
    match syntax {
        Syntax::Markdown => page(title, text),
        Syntax::Plain => plain_page(title, text),
        // An HTML input has no such page: the corrected article is one.
        Syntax::Html => String::new(),
    }
}

/// `markdown` as a standalone page titled `title`.
///
/// ```
/// let page = correct::render::html::page("Review", "Signed in <del>1945</del><ins>1941</ins>.");
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<p>Signed in <del>1945</del><ins>1941</ins>.</p>"));
/// ```
pub fn page(title: &str, markdown: &str) -> String {
    // Front matter (only at the very start) is the page's data, not its text.
    let at = crate::markdown::front_matter(markdown).map_or(0, |r| r.end);
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    let events = Parser::new_ext(&markdown[at..], crate::markdown::options());
    html::push_html(&mut body, inert_links(events));
    wrapped(title, &sanitized(&body))
}

/// `body` in a page titled `title`, with the stylesheet and the policy.
fn wrapped(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The events with every link or image whose destination is not a web, mail
/// or relative link turned into its text: `[x](javascript:…)` is `x`.
fn inert_links<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    // The nesting of refused links and images still open.
    let mut refused: Vec<bool> = Vec::new();
    events.filter_map(move |event| match &event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            let keep = crate::inert::page_link_allowed(dest_url);
            refused.push(!keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => match refused.pop() {
            Some(true) => None,
            _ => Some(event),
        },
        _ => Some(event),
    })
}

/// `body` with what a page opened from disk must not run taken out: a
/// Markdown article's own raw HTML may hold `<script>`, event handlers or a
/// `javascript:` link. An allowlist sanitiser (ammonia, on html5ever) keeps
/// the elements a rendered article uses, `id` and `class` (footnotes, marks)
/// and links to `http`, `https`, `mailto` or a relative reference.
fn sanitized(body: &str) -> String {
    ammonia::Builder::default()
        .add_tags(["ins", "del", "sup", "sub", "section", "input"])
        .add_generic_attributes(["id", "class", "align"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(None)
        .clean(body)
        .to_string()
}

/// A plain-text article as a page: one paragraph per line, escaped.
pub fn plain_page(title: &str, text: &str) -> String {
    let body: String = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>\n", escape(l.trim_end_matches('\r'))))
        .collect();
    wrapped(title, &body)
}

/// `&`, `<`, `>` and `"` as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
