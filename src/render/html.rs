//! Standalone HTML pages (`--html`): the corrected article and the redline,
//! rendered with pulldown-cmark (GFM tables, footnotes, strikethrough) inside a
//! page with a small inline stylesheet, for editors without GitHub.

use pulldown_cmark::{Options, Parser, html};

/// The stylesheet: readable prose, the marks and the footnotes.
const STYLE: &str = "body{max-width:46em;margin:2em auto;padding:0 1em;font:17px/1.55 Georgia,serif;color:#222}\
ins{background:#d4f7d4;text-decoration:none}\
del{background:#fbd4d4;color:#700}\
.footnote-definition{font-size:.9em;margin:.5em 0}\
.footnote-definition-label{vertical-align:super;font-size:.8em;margin-right:.3em}\
sup.footnote-reference a{text-decoration:none}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}\
code,pre{background:#f4f4f4}";

/// `markdown` as a standalone page titled `title`.
///
/// ```
/// let page = correct::render::html::page("Review", "Signed in <del>1945</del><ins>1941</ins>.");
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<p>Signed in <del>1945</del><ins>1941</ins>.</p>"));
/// ```
pub fn page(title: &str, markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut body, Parser::new_ext(markdown, options));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
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
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
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
