//! The newsroom corrections notice: the `notice` sentences of the records, in
//! article order, as `output/K.notice.md`, and as a "Corrections" section that
//! `--append-notice` adds to the end of the corrected article.

use crate::outcome::{Outcome, Status};
use crate::record::Record;
use crate::render::review::one_line;

/// The notices of applied and already-applied records, in article order.
pub fn notices<'r>(records: &'r [Record], outcome: &Outcome) -> Vec<&'r str> {
    outcome
        .corrections
        .iter()
        .filter(|c| c.status() != Status::Failed)
        .filter_map(|c| records[c.record].notice.as_deref())
        .collect()
}

/// `output/K.notice.md`: a heading and one paragraph per notice. `None` when no
/// record has a notice (then no file is written).
///
/// ```
/// let page = correct::render::notice::page(&["It was 1939, not 1945."]).unwrap();
/// assert_eq!(page, "## Corrections\n\nIt was 1939, not 1945.\n");
/// ```
pub fn page(notices: &[&str]) -> Option<String> {
    if notices.is_empty() {
        return None;
    }
    let body: Vec<String> = notices.iter().map(|n| one_line(n)).collect();
    Some(format!("## Corrections\n\n{}\n", body.join("\n\n")))
}

/// The section `--append-notice` adds to the end of the article, in the
/// article's own line ending, starting on a new paragraph.
///
/// ```
/// use correct::render::notice::section;
/// use correct::syntax::Syntax;
/// assert_eq!(section("Text.", &["Fixed a date."], Syntax::Plain), "\n\nCorrections\nFixed a date.");
/// assert_eq!(section("Text.\r\n", &["Fixed a date."], Syntax::Markdown), "\r\n## Corrections\r\n\r\nFixed a date.\r\n");
/// assert_eq!(
///     section("<p>Text.</p>\n", &["Fixed a <date>."], Syntax::Html),
///     "<section class=\"corrections\"><h2>Corrections</h2><p>Fixed a &lt;date&gt;.</p></section>\n"
/// );
/// ```
pub fn section(article: &str, notices: &[&str], syntax: crate::syntax::Syntax) -> String {
    let eol = if article.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let ends_with_eol = article.ends_with('\n');
    let lead = if ends_with_eol {
        eol.to_owned()
    } else {
        format!("{eol}{eol}")
    };
    let notices: Vec<String> = notices.iter().map(|n| one_line(n)).collect();
    use crate::syntax::Syntax;
    let mut text = match syntax {
        Syntax::Markdown => format!(
            "{lead}## Corrections{eol}{eol}{}",
            notices.join(&format!("{eol}{eol}"))
        ),
        Syntax::Plain => format!("{lead}Corrections{eol}{}", notices.join(eol)),
        // One element, in the page's text (a parser puts what follows
        // `</html>` in the body).
        Syntax::Html => {
            let paragraphs: String = notices
                .iter()
                .map(|n| format!("<p>{}</p>", escape_html(n)))
                .collect();
            let lead = if ends_with_eol { "" } else { eol };
            format!(
                "{lead}<section class=\"corrections\"><h2>Corrections</h2>{paragraphs}</section>"
            )
        }
    };
    if ends_with_eol {
        text.push_str(eol);
    }
    text
}

/// Text as HTML text: `&`, `<`, `>` escaped.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
